"""Prefix requests and tracked prefixes over the API: the same commands as the
NOC's pages (routing/prefix_requests/commands.py), scoped to the token's
customer. JSON becomes the commands' typed values; a Refused becomes
problem+json (refusal())."""
from flask import current_app, request, url_for
from netaddr import AddrFormatError, IPNetwork

from noc.api import bp, is_provider, json_body, localised, paginated, require_noc, require_role, token
from noc.api.problems import ApiProblem, field_errors, refused
from noc.core.limits import MAX_ID
from noc.core.prepared import Prepared, slot
from noc.core.text import clean_text
from noc.models import Circuit, Customer, Role
from noc.models.routing import PrefixAction, PrefixRequest, PrefixVia, TrackedPrefix
from noc.routing.labels import IRR_LABELS, RPKI_LABELS, STATE_LABELS, VERDICT_LABELS, label
from noc.routing.policy.verdict import message
from noc.routing.prefix_requests import commands
from noc.routing.prefix_requests import workflow as prefix_requests
from noc.routing.prefix_requests.entries import PrefixItem
from noc.routing.settings import RoutingSettings


def routing_settings():
    """The routing settings the commands take, from this app's configuration."""
    return RoutingSettings.of(current_app.config['NOC'])


def _time(value):
    return value.isoformat() if value else None


def prefix_json(row):
    return {
        'id': row.id, 'request': prefix_requests.reference(row.request_id),
        'request_id': row.request_id, 'prefix': row.prefix, 'family': row.family,
        'origin': row.origin, 'session': row.circuit.circuit_id,
        'customer': row.customer.account_id,
        'state': row.state, 'state_label': label(STATE_LABELS, row.state),
        'verdict': row.verdict or None, 'verdict_label': label(VERDICT_LABELS, row.verdict),
        'rpki_state': row.rpki_state or None, 'rpki_label': label(RPKI_LABELS, row.rpki_state),
        'irr_state': row.irr_state or None, 'irr_label': label(IRR_LABELS, row.irr_state),
        'reasons': [{'code': f['code'], 'severity': f['severity'], 'outcome': f['outcome'],
                     'message': message(f)} for f in row.findings or []],
        'evidence': row.evidence or {},
        'checked_at': _time(row.checked_at), 'state_changed_at': _time(row.state_changed_at),
        'decision_reason': row.decision_reason or None,
    }


def request_json(request, with_prefixes=True):
    body = {'id': request.id, 'reference': prefix_requests.reference(request.id),
            'customer': request.customer.account_id, 'session': request.circuit.circuit_id,
            'as_set': request.as_set or None, 'via': request.via,
            'requested_by': request.requested_by, 'note': request.note,
            'created_at': _time(request.created_at),
            'summary': prefix_requests.summary(request)}
    if with_prefixes:
        rows = (_owned(TrackedPrefix).where(TrackedPrefix.request == request.id)
                .order_by(TrackedPrefix.family, TrackedPrefix.prefix))
        body['prefixes'] = [prefix_json(row) for row in rows]
    return body


def _item(value):
    """One item of the body's `prefixes` list as a PrefixItem, or None: a
    "PREFIX [ORIGIN]" string (a comma may part them), or {"prefix": ..., "origin": ...}."""
    words = value.replace(',', ' ').split() if isinstance(value, str) else ()
    if 1 <= len(words) <= 2:
        return PrefixItem(*words)
    if (isinstance(value, dict) and set(value) <= {'prefix', 'origin'}
            and isinstance(value.get('prefix'), str)
            and (value.get('origin') is None or isinstance(value['origin'], (int, str)))
            and not isinstance(value.get('origin'), bool)):
        return PrefixItem(value['prefix'], value.get('origin'))
    return None


def body_prefixes(body, errors):
    """The body's `prefixes` as the commands take them: a list becomes typed
    PrefixItems (a wrong item is noted in `errors` by its index), one text
    stays the text of lines it is (any format a paste takes)."""
    prefixes = body.get('prefixes')
    if isinstance(prefixes, str):
        return prefixes
    if not isinstance(prefixes, list):
        errors['prefixes'] = 'a list of "PREFIX [ORIGIN]" strings, or one text of lines'
        return ''
    items = [_item(value) for value in prefixes]
    for index, item in enumerate(items):
        if item is None:
            errors[f'prefixes[{index}]'] = ('a "PREFIX [ORIGIN]" string, or an object '
                                            '{"prefix", "origin"}')
    return items


def refusal(exc, detail=None):
    """A command's Refused as problem+json; the bad lines are those of `prefixes`."""
    return refused(exc, detail, lines_field='prefixes')


def _owned(model):
    """Rows with their session and customer in the same query: the JSON names
    both, and a lazy load each would double the statements of a status read."""
    return (model.select(model, Circuit, Customer).join(Circuit, on=model.circuit)
            .switch(model).join(Customer, on=model.customer))


def _whose():
    """Whose rows a list shows, as slot values: a provider token's own customer
    ('owner'), or the customer a NOC token names with ?customer= ('account')."""
    if is_provider():
        return {'owner': token().customer_id}
    account = clean_text(request.args.get('customer'))
    return {'account': account} if account else {}


def _narrowed(model, names):
    """`model`'s rows with their session and customer, narrowed by the slots
    named: 'owner' and 'account' as _whose() gives them, any other name a
    column equal to its value."""
    query = _owned(model)
    for name in names:
        if name == 'owner':
            condition = model.customer == slot('owner')
        elif name == 'account':
            condition = model.customer.in_(
                Customer.select(Customer.id).where(Customer.account_id == slot('account')))
        else:
            condition = getattr(model, name) == slot(name)
        query = query.where(condition)
    return query


def _paged(query):
    return query.limit(slot('limit')).offset(slot('offset'))


# The API's reads, their SQL built once per shape (noc/prepared.py). The
# status read of issue 6's target is _PREFIX_LIST with a prefix and an owner.
_ONE = Prepared(lambda shape: _narrowed(shape[0], ('id', 'owner') if shape[1] else ('id',))
                .limit(1))
_REQUEST_LIST = Prepared(lambda names: _paged(
    _narrowed(PrefixRequest, names).order_by(PrefixRequest.id.desc())))
_PREFIX_LIST = Prepared(lambda names: _paged(
    _narrowed(TrackedPrefix, names).order_by(TrackedPrefix.family, TrackedPrefix.prefix,
                                             TrackedPrefix.id)))


def _one(model, row_id):
    row = None
    if row_id <= MAX_ID:
        values = {'id': row_id}
        if is_provider():
            values['owner'] = token().customer_id
        row = _ONE.first((model, 'owner' in values), **values)
    if row is None:
        # Another customer's row reads exactly like one that does not exist.
        raise ApiProblem(404, f'no {model._meta.table_name.replace("_", " ")} {row_id}')
    return row


@bp.route('/prefix-requests', methods=['GET'])
def list_requests():
    require_role(Role.VIEWER)
    values = _whose()
    return localised(lambda: paginated(_REQUEST_LIST.bind(tuple(sorted(values)), **values),
                                       lambda r: request_json(r, False)))


@bp.route('/prefix-requests/<int:request_id>', methods=['GET'])
def get_request(request_id):
    require_role(Role.VIEWER)
    found = _one(PrefixRequest, request_id)
    return localised(lambda: request_json(found))


@bp.route('/prefix-requests', methods=['POST'])
def submit_request():
    require_role(Role.ENGINEER)
    body = json_body()
    errors = {}
    prefixes = body_prefixes(body, errors)
    for name in ('circuit', 'as_set', 'note'):
        if body.get(name) is not None and not isinstance(body[name], str):
            errors[name] = 'a string'
    if errors:
        raise ApiProblem(422, 'the request body is not right', field_errors(errors))
    circuit = Circuit.get_or_none(Circuit.circuit_id == clean_text(body.get('circuit')))
    if circuit is None or (is_provider() and circuit.customer_id != token().customer_id):
        raise ApiProblem(422, 'unknown session', field_errors(
            {'circuit': 'no IP transit session with this circuit id'
                        + (' of yours' if is_provider() else '')}))

    def work():
        try:
            # No AS-SET in the body is none, not the session's (as the API always did).
            return commands.submit(
                circuit.id, prefixes, settings=routing_settings(), actor=f'api:{token().prefix}',
                as_set=body.get('as_set') or '', via=PrefixVia.API, note=body.get('note') or '',
                discreet=is_provider(), requested_by=f'token {token().name}')
        except commands.RequestRefused as exc:
            raise refusal(exc, 'the request was not stored; nothing was') from exc
    made = localised(work)
    commands.check_now(routing_settings())
    result = localised(lambda: request_json(made))
    return result, 201, {'Location': url_for('api.get_request', request_id=made.id)}


@bp.route('/prefix-requests/<int:request_id>/actions', methods=['POST'])
def act_on_request(request_id):
    """An engineer's decision on prefixes of a request, as on the request page:
    the listed prefixes (or every prefix the action applies to) as a whole."""
    require_noc(Role.ENGINEER)
    found = _one(PrefixRequest, request_id)
    body = json_body()
    errors = {}
    action = body.get('action')
    if not isinstance(action, str) or action not in prefix_requests.ACTIONS:
        errors['action'] = 'one of ' + ', '.join(prefix_requests.ACTIONS)
    reason = body.get('reason', '')
    if not isinstance(reason, str):
        errors['reason'] = 'a text'
    chosen = body.get('prefixes')
    every = body.get('all', False)
    if not isinstance(every, bool):
        errors['all'] = 'true or false'
    elif every == (chosen is not None):
        errors['prefixes'] = 'the ids of prefixes of this request, or "all": true (not both)'
    elif chosen is not None and not (
            isinstance(chosen, list) and chosen
            and all(isinstance(n, int) and not isinstance(n, bool) for n in chosen)):
        errors['prefixes'] = 'a list of prefix ids'
    if errors:
        raise ApiProblem(422, 'the action was not taken', field_errors(errors))

    def work():
        try:
            return commands.act(found.id, action, settings=routing_settings(),
                                prefix_ids=None if every else chosen,
                                actor=f'api:{token().prefix}', reason=clean_text(reason))
        except commands.ActionRefused as exc:
            # A missing reason is the body's fault (422); a prefix in the wrong state, 409.
            raise refusal(exc) from exc
    rows = localised(work)
    if action == PrefixAction.RECHECK:
        commands.check_now(routing_settings())
    changed = {row.id for row in rows}
    return localised(lambda: {'changed': sorted(changed), 'request': request_json(found)})


@bp.route('/prefixes', methods=['GET'])
def list_prefixes():
    require_role(Role.VIEWER)
    values = {**_prefix_filters(), **_whose()}
    return localised(lambda: paginated(_PREFIX_LIST.bind(tuple(sorted(values)), **values),
                                       prefix_json))


def _prefix_filters():
    """?state=; ?prefix=: this prefix exactly, written any way netaddr reads it
    (192.0.2.0/24, 2001:DB8::/32); ?origin=: announced by this ASN.
    -> {filter: value as stored}."""
    errors, values = {}, {}
    state = request.args.get('state')
    if state:
        if state not in TrackedPrefix.STATES:
            errors['state'] = 'one of ' + ', '.join(TrackedPrefix.STATES)
        else:
            values['state'] = state
    text = request.args.get('prefix')
    if text is not None:
        try:
            network = IPNetwork(text.strip())
            if network.ip != network.network or '/' not in text:
                raise ValueError
        except (AddrFormatError, ValueError, TypeError):
            errors['prefix'] = 'a prefix in CIDR notation without host bits, e.g. 192.0.2.0/24'
        else:
            values['prefix'] = str(network)
    origin = request.args.get('origin')
    if origin is not None:
        digits = origin.strip().upper().removeprefix('AS')
        if not (digits.isascii() and digits.isdigit()) or int(digits) > 2 ** 32 - 1:
            errors['origin'] = 'an AS number, e.g. 64500 or AS64500'
        else:
            values['origin'] = int(digits)
    if errors:
        raise ApiProblem(400, 'bad filter', field_errors(errors))
    return values


@bp.route('/prefixes/<int:prefix_id>', methods=['GET'])
def get_prefix(prefix_id):
    require_role(Role.VIEWER)
    found = _one(TrackedPrefix, prefix_id)
    return localised(lambda: prefix_json(found))


@bp.route('/prefix-list', methods=['GET'])
def prefix_list():
    """The router prefix-list of the configured prefixes (provider: its own; NOC:
    ?customer= required), in the formats of `noc prefix-list`."""
    from noc.routing.prefix_requests import filters, prefix_lists
    require_role(Role.VIEWER)
    errors = {}
    fmt = request.args.get('format', 'cisco')
    family = request.args.get('family', 'both')
    if fmt not in prefix_lists.FORMATS:
        errors['format'] = 'one of ' + ', '.join(prefix_lists.FORMATS)
    if family not in ('4', '6', 'both'):
        errors['family'] = '4, 6 or both'
    if is_provider():
        customer = token().customer
    else:
        customer = Customer.get_or_none(Customer.account_id == clean_text(request.args.get('customer')))
        if customer is None:
            errors['customer'] = 'the account id of a customer (NOC tokens)'
    circuit = None
    session = clean_text(request.args.get('session'))
    if session and customer is not None:
        circuit = Circuit.get_or_none((Circuit.circuit_id == session)
                                      & (Circuit.customer == customer))
        if circuit is None:
            errors['session'] = 'no circuit with this id' + (' of yours' if is_provider() else '')
    if errors:
        raise ApiProblem(400, 'bad parameters', field_errors(errors))
    try:
        text = filters.render(customer, fmt, circuit, request.args.get('name') or None, family)
    except filters.FilterRefused as exc:
        raise ApiProblem(400, str(exc), field_errors(exc.errors)) from None
    return text, 200, {'Content-Type': 'text/plain; charset=utf-8'}
