"""Maintenance windows over the API: the domain functions the browser and the CLI
call (maintenance/windows.py), with the same rules and warnings to acknowledge.

A provider token reads only published windows that hold its own circuits, and
of them only its circuits; NOC tokens read everything and, as engineers,
change windows. Times travel as ISO 8601 with an offset; naive times are
refused rather than guessed, since nobody can tell which zone was meant.
"""
import datetime
import functools
import re

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from noc.api import (
    bp,
    docs,
    is_provider,
    json_body,
    language,
    localised,
    paginated,
    require_noc,
    require_role,
    token,
)
from noc.api.problems import ApiProblem, field_errors
from noc.core.db import lock_rows, write_transaction
from noc.core.text import clean_text
from noc.maintenance import answers, rules, windows
from noc.maintenance import input as window_input
from noc.maintenance import reschedules as reschedule
from noc.models import Circuit, Customer, MaintenanceWindow, WindowCircuit, WindowCustomer

MAX_ID = 2 ** 63 - 1
REFERENCE = re.compile(r'^MW-[0-9]{4}-[0-9]{1,12}$')
UTC = datetime.timezone.utc
W = MaintenanceWindow
TEXTS = ('title_pt', 'title_en', 'description_pt', 'description_en', 'internal_notes',
         'emergency_reason')
SCOPE = ('circuits', 'sites', 'segments')
FIELDS = TEXTS + ('starts_at', 'ends_at', 'impact', 'outage_minutes', 'emergency') + SCOPE \
    + ('acknowledge',)
MAX_ITEMS = 10000
MAX_REASON = 2000
# What a window the customers were told about can be; TENTATIVE ones, and ones
# cancelled while TENTATIVE (SEQUENCE 0), nobody outside the NOC ever saw.
PUBLISHED = (W.status.in_(('CONFIRMED', 'IN-PROCESS', 'COMPLETED'))
             | ((W.status == 'CANCELLED') & (W.sequence > 0)))
TIME_HINT = 'an ISO 8601 date and time with its offset, e.g. 2026-12-10T23:00:00-03:00 or ' \
            '2026-12-11T02:00:00Z'


def in_language(view):
    """The whole view in the reader's language: messages, titles, problems."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        return localised(lambda: view(*args, **kwargs))
    return wrapped


def _time(moment):
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec='seconds') + 'Z'


# Reading ------------------------------------------------------------------

def _customer_id(customer):
    return customer if isinstance(customer, int) else customer.id


def _links(window, customer_id=None):
    query = (WindowCircuit.select(WindowCircuit, Circuit, Customer)
             .join(Circuit).join(Customer)
             .where(WindowCircuit.window == window).order_by(Circuit.circuit_id))
    if customer_id is not None:
        query = query.where(Circuit.customer == customer_id)
    return list(query)


def _circuit_json(link, window, noc):
    circuit = link.circuit
    item = {'circuit': circuit.circuit_id, 'customer_ref': circuit.customer_ref or None,
            'impact': link.impact or window.impact}
    if noc:
        item.update(customer=circuit.customer.account_id, impact_override=link.impact,
                    via=link.via or None)
    return item


def _common(window, links, noc):
    lang = language()
    return {
        'id': window.id, 'reference': window.reference, 'status': window.status,
        'starts_at': _time(window.starts_at), 'ends_at': _time(window.ends_at),
        'language': lang, 'title': window.title(lang), 'description': window.description(lang),
        'impact': window.impact, 'outage_minutes': window.outage_minutes,
        'emergency': bool(window.emergency),
        'emergency_reason': window.emergency_reason or None,
        'cancel_reason': window.cancel_reason or None,
        'uid': window.uid, 'sequence': window.sequence,
        'circuits': [_circuit_json(link, window, noc) for link in links],
    }


def _customers_json(window, links):
    grouped = {}
    for link in links:
        grouped.setdefault(link.circuit.customer_id, [link.circuit.customer, 0])[1] += 1
    states = answers.customer_states(window, list(grouped))
    return [{'account_id': customer.account_id, 'name': customer.name, 'circuits': count,
             'acknowledged': answers.acknowledged(states[cid], window)}
            for cid, (customer, count) in
            sorted(grouped.items(), key=lambda item: item[1][0].account_id)]


def window_json(window, customer=None):
    """A window as the API shows it: to a customer (Customer or id) only its own
    circuits and what its notices said; without one, everything (NOC)."""
    if customer is None:
        links = _links(window)
        body = _common(window, links, noc=True)
        body.update({name: getattr(window, name) for name in TEXTS[:5]})
        body.update(created_by=window.created_by, created_at=_time(window.created_at),
                    updated_at=_time(window.updated_at),
                    customers=_customers_json(window, links),
                    acknowledged_warnings=sorted(windows.acknowledged_of(window)))
        return body
    customer_id = _customer_id(customer)
    links = _links(window, customer_id)
    body = _common(window, links, noc=False)
    row = WindowCustomer.get_or_none(window=window.id, customer=customer_id)
    account = Customer.get_by_id(customer_id).account_id
    body.update(customer=account, acknowledged=answers.acknowledged(row, window),
                can_reschedule=bool(links) and reschedule.open_for_requests(window))
    return body


def _serialise(window):
    return window_json(window, token().customer_id if is_provider() else None)


def _mine():
    """Windows holding a circuit of the provider token's customer."""
    return W.id.in_(WindowCircuit.select(WindowCircuit.window).join(Circuit)
                    .where(Circuit.customer == token().customer_id))


def _visible(query):
    if is_provider():
        return query.where(PUBLISHED & _mine())
    return query


def _find(key, lock=False):
    """By id or reference; another customer's window reads like a missing one."""
    key = key.strip()
    if key.isascii() and key.isdigit() and int(key) <= MAX_ID:
        condition = W.id == int(key)
    elif REFERENCE.match(key.upper()):
        condition = W.reference == key.upper()
    else:
        condition = None
    window = None
    if condition is not None:
        query = _visible(W.select()).where(condition)
        window = (lock_rows(query) if lock else query).first()
    if window is None:
        raise ApiProblem(404, f'no maintenance window {clean_text(key)[:40]}')
    return window


def _next_day(day):
    try:
        return day + datetime.timedelta(days=1)
    except OverflowError:       # 9999-12-31: the last day there is, so no bound at all
        return None


def _bound(name, end_of_day):
    """?from= / ?to=: a date (a whole UTC day) or a date and time with its offset."""
    text = clean_text(request.args.get(name))[:40]
    if not text:
        return None
    try:
        if re.fullmatch(r'[0-9]{4}-[0-9]{2}-[0-9]{2}', text):
            day = datetime.datetime.combine(datetime.date.fromisoformat(text),
                                            datetime.time(), UTC)
            return _next_day(day) if end_of_day else day
        moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    raise ApiProblem(400, 'bad filter', field_errors(
        {name: 'a date (YYYY-MM-DD, UTC) or ' + TIME_HINT}))


def _filtered(query):
    status = request.args.get('status')
    if status:
        if status not in W.STATUSES:
            raise ApiProblem(400, 'bad filter', field_errors(
                {'status': 'one of ' + ', '.join(W.STATUSES)}))
        query = query.where(W.status == status)
    since, until = _bound('from', False), _bound('to', True)
    if since:
        query = query.where(W.ends_at > since)
    if until:
        query = query.where(W.starts_at < until)
    circuit = clean_text(request.args.get('circuit'))[:100]
    if circuit:
        # A provider names only its own circuits: asking about another's tells nothing.
        over = Circuit.circuit_id == circuit.upper()
        if is_provider():
            over &= Circuit.customer == token().customer_id
        query = query.where(W.id.in_(WindowCircuit.select(WindowCircuit.window)
                                     .join(Circuit).where(over)))
    account = clean_text(request.args.get('customer'))[:100]
    if account and not is_provider():
        query = query.where(W.id.in_(
            WindowCircuit.select(WindowCircuit.window).join(Circuit).join(Customer)
            .where(Customer.account_id == account)))
    return query


@bp.route('/maintenance-windows', methods=['GET'])
@in_language
def list_windows():
    require_role('viewer')
    query = _filtered(_visible(W.select())).order_by(W.starts_at, W.id)
    return paginated(query, _serialise)


@bp.route('/maintenance-windows/<window>', methods=['GET'])
@in_language
def get_window(window):
    require_role('viewer')
    return _serialise(_find(window))


# Changing: the body as input.parse wants it ---------------------------------

def _moment(value):
    """An aware UTC datetime (whole seconds) from ISO 8601 text; ValueError(message)."""
    if not isinstance(value, str):
        raise ValueError(TIME_HINT)
    try:
        moment = datetime.datetime.fromisoformat(clean_text(value))
    except ValueError:
        raise ValueError(TIME_HINT) from None
    if moment.tzinfo is None:
        raise ValueError('has no offset; add Z (UTC) or ±HH:MM: ' + TIME_HINT)
    try:
        return moment.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise ValueError('is outside the years 1 to 9999 in UTC') from None


def _as_text(moment):
    """What input.parse reads (in UTC), written out so that years < 1000 survive."""
    return (f'{moment.year:04d}-{moment.month:02d}-{moment.day:02d}'
            f'T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}')


def _strings(value):
    if not isinstance(value, list) or len(value) > MAX_ITEMS or \
            not all(isinstance(item, str) for item in value):
        raise ValueError
    return [clean_text(item) for item in value]


def _circuit_line(item):
    if isinstance(item, str):
        return clean_text(item)
    if isinstance(item, dict) and set(item) <= {'circuit', 'impact'} and \
            isinstance(item.get('circuit'), str) and \
            isinstance(item.get('impact'), (str, type(None))):
        return f'{clean_text(item["circuit"])} {clean_text(item.get("impact"))}'.strip()
    raise ValueError


SHAPES = {
    'circuits': 'a list of circuit ids, each optionally followed by its impact '
                '("JAN-IPT-001 DEGRADED"), or of objects {"circuit", "impact"}',
    'sites': 'a list of site codes', 'segments': 'a list of segment codes',
    'acknowledge': 'a list of warning keys (strings)',
    'outage_minutes': 'a whole number of minutes from 0',
    'emergency': 'true or false',
}


def _scope_text(name, value):
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise ValueError
    if name == 'circuits':
        return '\n'.join(_circuit_line(item) for item in value)
    return '\n'.join(_strings(value))


def _read_field(raw, name, value):
    """Put one body field into `raw` (the form's text values); ValueError(message)."""
    if name in TEXTS or name == 'impact':
        if not isinstance(value, str):
            raise ValueError('a string')
        raw[name] = value
    elif name in ('starts_at', 'ends_at'):
        raw[name] = _as_text(_moment(value))
    elif name == 'outage_minutes':
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(SHAPES[name])
        raw[name] = str(value)
    elif name == 'emergency':
        if not isinstance(value, bool):
            raise ValueError(SHAPES[name])
        raw[name] = value
    elif name in SCOPE:
        try:
            raw[name] = _scope_text(name, value)
        except ValueError:
            raise ValueError(SHAPES[name]) from None


def _acknowledge(body):
    try:
        return _strings(body.get('acknowledge', []))
    except ValueError:
        raise ApiProblem(422, 'the request body is not right',
                         field_errors({'acknowledge': SHAPES['acknowledge']})) from None


def _stored(window):
    """A stored window as the raw values a PATCH starts from (scope aside)."""
    raw = {name: getattr(window, name) for name in TEXTS + ('impact',)}
    raw.update(starts_at=_as_text(window.starts_at), ends_at=_as_text(window.ends_at),
               outage_minutes=str(window.outage_minutes), emergency=window.emergency)
    return raw


def _values(body, window=None):
    """(values for the domain, acknowledged keys) from a JSON body; 422 when wrong.
    With a window (PATCH) absent fields keep their stored values, and the scope
    stays as it is unless circuits, sites or segments are given."""
    errors = {}
    raw = _stored(window) if window else {'impact': 'OUTAGE', 'outage_minutes': '0'}
    for name in sorted(set(body) - set(FIELDS)):
        errors[name[:100]] = 'is not a field of a window; accepted: ' + ', '.join(FIELDS)
    keep_scope = window is not None and not set(SCOPE) & set(body)
    for name in FIELDS:
        if name in body:
            try:
                _read_field(raw, name, body[name])
            except ValueError as exc:
                errors[name] = exc.args[0] if exc.args else SHAPES.get(name, 'not accepted')
    acknowledged = _acknowledge(body)
    values, parsed = window_input.parse(raw, 'UTC')
    if keep_scope:
        parsed.pop('circuits', None)       # "pick at least one": the stored scope stays
        values['scope'] = windows.scope_of(window)
        _check_outage(values, parsed)
    errors = {**parsed, **errors}
    if errors:
        raise ApiProblem(422, 'the window was not saved; nothing was',
                         field_errors(errors))
    return values, acknowledged


def _check_outage(values, errors):
    """input.parse's last rule, which it skips while any field is wrong."""
    if errors:
        return
    length = (values['ends_at'] - values['starts_at']).total_seconds() / 60
    if 0 < length < values['outage_minutes']:
        errors['outage_minutes'] = _l('the expected outage is longer than the window')


def _refused(exc, acknowledged):
    """A WindowInvalid as a problem: 409 for the window's state or warnings still to
    acknowledge, 422 for errors (with the warnings, so one round trip shows all)."""
    items, covered = [], set()
    for finding in exc.findings:
        if finding.is_error:
            items.append({'field': finding.field or 'window', 'code': finding.code,
                          'message': str(finding.message)})
            covered.add(finding.field)
    for field, message in exc.errors.items():
        if field not in covered:
            items.append({'field': 'reason' if field == 'cancel_reason' else field,
                          'message': str(message)})
    warnings = [{'field': 'acknowledge', 'key': f.key, 'code': f.code,
                 'message': str(f.message)}
                for f in rules.unacknowledged(exc.findings, acknowledged)]
    if 'status' in exc.errors:
        return ApiProblem(409, str(exc.errors['status']), items)
    if items:
        return ApiProblem(422, 'the window breaks the rules; nothing was changed',
                          items + warnings)
    return ApiProblem(409, 'acknowledge these warnings: send the request again with '
                           '"acknowledge": [their keys]', warnings)


def _actor():
    return f'api:{token().prefix}'


def _optional_body():
    """Actions take an optional JSON body: no body at all is an empty one."""
    return json_body() if request.get_data(cache=True) else {}


def _created(window):
    return window_json(window), 201, {'Location': url_for('api.get_window',
                                                          window=window.id)}


@bp.route('/maintenance-windows', methods=['POST'])
@in_language
def create_window():
    require_noc('engineer')
    values, acknowledged = _values(json_body())
    try:
        window = windows.create(values, _actor(), acknowledged=acknowledged)
    except windows.WindowInvalid as exc:
        raise _refused(exc, set(acknowledged)) from None
    return _created(window)


@bp.route('/maintenance-windows/<window>', methods=['PATCH'])
@in_language
def change_window(window):
    require_noc('engineer')
    body = json_body()
    # The row locked for the whole change, as the browser does: the worker
    # starting the same window waits, then sees the change.
    with write_transaction():
        found = _find(window, lock=True)
        if found.status not in windows.EDITABLE:
            raise ApiProblem(409, f'a {found.status} window cannot be changed')
        values, acknowledged = _values(body, found)
        try:
            windows.update(found, values, _actor(), acknowledged=acknowledged)
        except windows.WindowInvalid as exc:
            raise _refused(exc, windows.acknowledged_of(found) | set(acknowledged)) from None
    return window_json(found)


def _act(key, action, acknowledged=()):
    """One lifecycle action with the window's row locked, as the browser's page."""
    with write_transaction():
        found = _find(key, lock=True)
        try:
            action(found)
        except windows.WindowInvalid as exc:
            raise _refused(exc, windows.acknowledged_of(found) | set(acknowledged)) from None
    return window_json(found)


@bp.route('/maintenance-windows/<window>/confirm', methods=['POST'])
@in_language
def confirm_window(window):
    require_noc('engineer')
    acknowledged = _acknowledge(_optional_body())
    return _act(window, lambda found: windows.confirm(found, _actor(),
                                                      acknowledged=acknowledged),
                acknowledged)


@bp.route('/maintenance-windows/<window>/cancel', methods=['POST'])
@in_language
def cancel_window(window):
    require_noc('engineer')
    reason = json_body().get('reason')
    reason = clean_text(reason) if isinstance(reason, str) else ''
    if not reason or len(reason) > MAX_REASON:
        raise ApiProblem(422, 'the window was not cancelled', field_errors({'reason': (
            f'the reason customers who were told will read: 1 to {MAX_REASON} characters')}))
    return _act(window, lambda found: windows.cancel(found, _actor(), reason))


@bp.route('/maintenance-windows/<window>/start', methods=['POST'])
@in_language
def start_window(window):
    require_noc('engineer')
    return _act(window, lambda found: windows.start(found, _actor()))


@bp.route('/maintenance-windows/<window>/complete', methods=['POST'])
@in_language
def complete_window(window):
    require_noc('engineer')
    return _act(window, lambda found: windows.complete(found, _actor()))


# The OpenAPI description ------------------------------------------------------

def _ref(name):
    return {'$ref': f'#/components/schemas/{name}'}


STRING_OR_NULL = {'type': ['string', 'null']}
TIME = {'type': 'string', 'format': 'date-time'}
WINDOW_PROBLEM = {'description': 'RFC 9457 problem details; `errors` name the fields, and '
                                 'warnings to acknowledge (field `acknowledge`) carry their '
                                 '`key`', 'content': {'application/problem+json': {
                                     'schema': _ref('WindowProblem')}}}
WINDOW_PARAM = {'name': 'window', 'in': 'path', 'required': True,
                'schema': {'type': 'string', 'minLength': 1},
                'description': 'The window\'s id (1234) or reference (MW-2026-00042)'}
WINDOW = {'description': 'The window', **docs.content(_ref('MaintenanceWindow'))}
CHANGE_ERRORS = {'403': docs.PROBLEM, '404': docs.PROBLEM, '409': WINDOW_PROBLEM,
                 '422': WINDOW_PROBLEM, '401': docs.PROBLEM, '429': docs.PROBLEM}
INPUT = {
    'title_pt': {'type': 'string', 'maxLength': 200, 'description': 'Title (Portuguese)'},
    'title_en': {'type': 'string', 'maxLength': 200, 'description': 'English; empty: the '
                 'Portuguese one'},
    'description_pt': {'type': 'string', 'maxLength': 20000,
                       'description': 'What customers read (Portuguese)'},
    'description_en': {'type': 'string', 'maxLength': 20000},
    'internal_notes': {'type': 'string', 'maxLength': 20000,
                       'description': 'Never sent to customers'},
    'starts_at': {**TIME, 'description': 'ISO 8601 with an offset or Z; stored in UTC, whole '
                  'seconds. A time without an offset is refused (422).'},
    'ends_at': {**TIME, 'description': 'As starts_at'},
    'impact': {'type': 'string', 'enum': list(W.IMPACTS),
               'description': 'Of the window (default OUTAGE on creation)'},
    'outage_minutes': {'type': 'integer', 'minimum': 0, 'maximum': 43200,
                       'description': 'Expected outage; not longer than the window'},
    'emergency': {'type': 'boolean', 'description': 'Less notice than the rules ask for; '
                  'needs emergency_reason, which customers read'},
    'emergency_reason': {'type': 'string', 'maxLength': 2000},
    'circuits': {'type': 'array', 'maxItems': MAX_ITEMS, 'items': {'oneOf': [
        {'type': 'string', 'description': '"JAN-IPT-001" or "JAN-IPT-001 DEGRADED"'},
        {'type': 'object', 'required': ['circuit'], 'additionalProperties': False,
         'properties': {'circuit': {'type': 'string'},
                        'impact': {'type': ['string', 'null'], 'enum': list(W.IMPACTS) + [None]}}},
    ]}, 'description': 'Circuits picked directly, each with its own impact if given'},
    'sites': {'type': 'array', 'maxItems': MAX_ITEMS, 'items': {'type': 'string'},
              'description': 'Sites: the circuits ending there and over devices there'},
    'segments': {'type': 'array', 'maxItems': MAX_ITEMS, 'items': {'type': 'string'},
                 'description': 'Segments: every live circuit over them (a ring: its spans)'},
    'acknowledge': {'type': 'array', 'maxItems': MAX_ITEMS, 'items': {'type': 'string'},
                    'description': 'Keys of the warnings you accept (from a 409 answer). Each '
                                   'is named: a warning that appeared since needs its own '
                                   'key, as in the browser.'},
}
CIRCUIT = {'type': 'object', 'additionalProperties': False,
           'required': ['circuit', 'customer_ref', 'impact'],
           'properties': {
               'circuit': {'type': 'string'}, 'customer_ref': STRING_OR_NULL,
               'impact': {'type': 'string', 'enum': list(W.IMPACTS),
                          'description': 'Effective impact on this circuit'},
               'customer': {'type': 'string', 'description': 'NOC tokens only'},
               'impact_override': {'type': ['string', 'null'],
                                   'description': 'NOC tokens only: its own impact, if any'},
               'via': {**STRING_OR_NULL, 'description': 'NOC tokens only: picked through '
                       '"site:CODE" or "segment:CODE"; null: directly'}}}
WINDOW_SCHEMA = {
    'type': 'object', 'additionalProperties': False,
    'required': ['id', 'reference', 'status', 'starts_at', 'ends_at', 'language', 'title',
                 'description', 'impact', 'outage_minutes', 'emergency', 'emergency_reason',
                 'cancel_reason', 'uid', 'sequence', 'circuits'],
    'description': 'A provider token gets its own circuits and customer, acknowledged and '
                   'can_reschedule; a NOC token every circuit, the texts in both languages, '
                   'internal notes, customers and acknowledged warnings.',
    'properties': {
        'id': {'type': 'integer'}, 'reference': {'type': 'string'},
        'status': {'type': 'string', 'enum': list(W.STATUSES)},
        'starts_at': TIME, 'ends_at': TIME,
        'language': {'type': 'string', 'enum': ['pt_BR', 'en'],
                     'description': 'Of title and description (Accept-Language)'},
        'title': {'type': 'string'}, 'description': {'type': 'string'},
        'impact': {'type': 'string', 'enum': list(W.IMPACTS)},
        'outage_minutes': {'type': 'integer'}, 'emergency': {'type': 'boolean'},
        'emergency_reason': STRING_OR_NULL, 'cancel_reason': STRING_OR_NULL,
        'uid': {'type': 'string', 'description': 'iCalendar UID of the notices'},
        'sequence': {'type': 'integer', 'description': 'iCalendar SEQUENCE'},
        'circuits': {'type': 'array', 'items': _ref('MaintenanceWindowCircuit')},
        'customer': {'type': 'string', 'description': 'Provider tokens: the account id'},
        'acknowledged': {'type': 'boolean',
                         'description': 'Provider tokens: acknowledged at its current times'},
        'can_reschedule': {'type': 'boolean',
                           'description': 'Provider tokens: whether another date may still '
                                          'be asked for'},
        **{name: {'type': 'string'} for name in TEXTS[:5]},
        'created_by': {'type': 'string'},
        'created_at': {**TIME, 'type': ['string', 'null']},
        'updated_at': {**TIME, 'type': ['string', 'null']},
        'customers': {'type': 'array', 'items': {
            'type': 'object', 'additionalProperties': False,
            'required': ['account_id', 'name', 'circuits', 'acknowledged'],
            'properties': {'account_id': {'type': 'string'}, 'name': {'type': 'string'},
                           'circuits': {'type': 'integer'},
                           'acknowledged': {'type': 'boolean'}}}},
        'acknowledged_warnings': {'type': 'array', 'items': {'type': 'string'}},
    }}
WINDOW_PROBLEM_SCHEMA = {'allOf': [_ref('Problem'), {'type': 'object', 'properties': {
    'errors': {'type': 'array', 'items': {
        'type': 'object', 'required': ['field', 'message'],
        'properties': {'field': {'type': 'string'}, 'message': {'type': 'string'},
                       'code': {'type': 'string', 'description': 'The rule: notice, past, '
                                'order, duration, overlap, redundancy, freeze'},
                       'key': {'type': 'string', 'description': 'A warning\'s key, to '
                               'send back in "acknowledge"'}}}}}}]}


# What a client (or a fuzzer following them) can do next with a window it made.
LINKS = {name: {'operationId': f'{verb}MaintenanceWindow',
                'parameters': {'window': '$response.body#/reference'}}
         for name, verb in (('Get', 'get'), ('Change', 'change'), ('Confirm', 'confirm'),
                            ('Cancel', 'cancel'), ('Start', 'start'), ('Complete', 'complete'))}
EXAMPLE = {'title_pt': 'Troca de cabo óptico', 'title_en': 'Fibre cable replacement',
           'description_pt': 'Substituição de 2 km de cabo.',
           'internal_notes': 'Equipe B', 'starts_at': '2030-06-10T23:00:00-03:00',
           'ends_at': '2030-06-11T03:00:00-03:00', 'impact': 'OUTAGE', 'outage_minutes': 30,
           'circuits': ['JAN-IPT-001', {'circuit': 'JAN-L2-009', 'impact': 'DEGRADED'}]}


def _action(summary, operation, body=None, extra=None):
    op = {'summary': summary, 'operationId': operation, 'parameters': [WINDOW_PARAM],
          'responses': {'200': WINDOW, **CHANGE_ERRORS, **(extra or {})}}
    if body:
        op['requestBody'] = {'required': body[1], **docs.content(_ref(body[0]))}
    return {'post': op}


docs.describe({
    '/maintenance-windows': {
        'get': {'summary': 'List maintenance windows (provider tokens: published ones over '
                           'their circuits), by start', 'operationId': 'listMaintenanceWindows',
                'parameters': docs.PAGING + [
                    docs.CUSTOMER,
                    {'name': 'status', 'in': 'query',
                     'schema': {'type': 'string', 'enum': list(W.STATUSES)}},
                    {'name': 'from', 'in': 'query', 'schema': {'type': 'string'},
                     'description': 'Windows ending after this: YYYY-MM-DD (UTC) or a date '
                                    'and time with its offset'},
                    {'name': 'to', 'in': 'query', 'schema': {'type': 'string'},
                     'description': 'Windows starting before this (a date: the whole day)'},
                    {'name': 'circuit', 'in': 'query', 'schema': {'type': 'string'},
                     'description': 'Windows holding this circuit (provider: its own)'}],
                'responses': {'200': {'description': 'A page of windows', **docs.content(
                    docs.page_of('#/components/schemas/MaintenanceWindow'))},
                    '400': docs.PROBLEM, **docs.ERRORS}},
        'post': {'summary': 'Create a TENTATIVE window (NOC engineer); nothing is sent until '
                            'it is confirmed', 'operationId': 'createMaintenanceWindow',
                 'requestBody': {'required': True,
                                 **docs.content(_ref('NewMaintenanceWindow'))},
                 'responses': {'201': {'description': 'Created (Location: its address)',
                                       **docs.content(_ref('MaintenanceWindow')),
                                       'links': LINKS},
                               '400': docs.PROBLEM, '415': docs.PROBLEM, **CHANGE_ERRORS}},
    },
    '/maintenance-windows/{window}': {
        'get': {'summary': 'One window', 'operationId': 'getMaintenanceWindow',
                'parameters': [WINDOW_PARAM],
                'responses': {'200': WINDOW, '404': docs.PROBLEM, **docs.ERRORS}},
        'patch': {'summary': 'Change a window (NOC engineer): the fields given; customers '
                             'already told get the update', 'operationId':
                  'changeMaintenanceWindow', 'parameters': [WINDOW_PARAM],
                  'requestBody': {'required': True,
                                  **docs.content(_ref('MaintenanceWindowChange'))},
                  'responses': {'200': WINDOW, '400': docs.PROBLEM, '415': docs.PROBLEM,
                                **CHANGE_ERRORS}},
    },
    '/maintenance-windows/{window}/confirm': _action(
        'Confirm a TENTATIVE window (NOC engineer): the rules again, then notices',
        'confirmMaintenanceWindow', ('Acknowledgements', False),
        {'400': docs.PROBLEM, '415': docs.PROBLEM}),
    '/maintenance-windows/{window}/cancel': _action(
        'Cancel a window with the reason customers read (NOC engineer)',
        'cancelMaintenanceWindow', ('Cancellation', True),
        {'400': docs.PROBLEM, '415': docs.PROBLEM}),
    '/maintenance-windows/{window}/start': _action(
        'Mark a CONFIRMED window as started (NOC engineer)', 'startMaintenanceWindow'),
    '/maintenance-windows/{window}/complete': _action(
        'Mark a window as completed (NOC engineer)', 'completeMaintenanceWindow'),
}, {
    'MaintenanceWindow': WINDOW_SCHEMA,
    'MaintenanceWindowCircuit': CIRCUIT,
    'WindowProblem': WINDOW_PROBLEM_SCHEMA,
    'NewMaintenanceWindow': {
        'type': 'object', 'additionalProperties': False, 'properties': INPUT,
        'required': ['title_pt', 'starts_at', 'ends_at'], 'examples': [EXAMPLE],
        'description': 'At least one of circuits, sites and segments. Warnings (both legs of '
                       'a redundant pair, a change freeze) answer 409 until their keys are in '
                       'acknowledge.'},
    'MaintenanceWindowChange': {
        'type': 'object', 'additionalProperties': False, 'properties': INPUT,
        'description': 'Only the fields given change. circuits, sites and segments together '
                       'are the scope: give any of them to replace it all.'},
    'Acknowledgements': {'type': 'object',
                         'properties': {'acknowledge': INPUT['acknowledge']}},
    'Cancellation': {'type': 'object', 'required': ['reason'],
                     'properties': {'reason': {'type': 'string', 'minLength': 1,
                                               'maxLength': MAX_REASON}}},
})
