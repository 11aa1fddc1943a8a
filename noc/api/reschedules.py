"""Customers' requests to move a maintenance window, and the NOC's decisions,
over the API: the same domain functions as the customer page and the NOC's
request pages (maintenance/reschedule.py), so the rules, notices and audit
are the usual ones.

A provider token asks to move windows of its own customer, reads and
withdraws that customer's requests; a window or request of another customer
reads exactly like one that does not exist. A NOC token reads every request
with what each proposal would break; an engineer moves, splits or declines.
NOC tokens do not ask on a customer's behalf (the NOC pages cannot either).
"""
import datetime
import re

import peewee as pw
from flask import request, url_for

from noc.api import bp, is_provider, json_body, localised, page_args, require_noc, require_role, token
from noc.api.docs import CUSTOMER, ERRORS, PAGING, PROBLEM, content, describe, page_of, path_id
from noc.api.problems import ApiProblem, field_errors
from noc.api.windows import PUBLISHED
from noc.core.text import clean_text
from noc.maintenance import reschedules as reschedule
from noc.maintenance import windows
from noc.models import (
    AuditLog,
    Contact,
    Customer,
    MaintenanceWindow,
    RescheduleProposal,
    RescheduleRequest,
    WindowCustomer,
    utcnow,
)

MAX_ID = 2 ** 63 - 1
MAX_REASON = 2000           # as the customer page and the NOC's decline form
MAX_EMAIL = 254
MAX_TIME_TEXT = 40
MAX_REFERENCE = 40
MAX_ACKS = 100
MAX_KEY = 200
UTC = datetime.timezone.utc
# How the request came; `requested_by` names the token.
VIA = 'api'
TIME_HINT = 'an ISO 8601 date and time with its UTC offset, e.g. 2026-12-10T02:00:00Z'
PROVIDERS_ONLY = ('only a provider token asks for or withdraws a request (customers ask; '
                  'the NOC decides)')


# Reading what clients send.

def _text(value):
    """A string that can be stored (PostgreSQL refuses lone surrogates), or None."""
    if not isinstance(value, str):
        return None
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return None
    return clean_text(value)


def _window_id(value):
    """The id a client names: an integer or its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    if isinstance(value, str) and re.fullmatch(r'[0-9]{1,19}', value.strip()):
        number = int(value.strip())
        return number if 1 <= number <= MAX_ID else None
    return None


def _window_where(value):
    """A condition matching the window named by reference (any case) or id, or None."""
    number = _window_id(value)
    if number is not None:
        return MaintenanceWindow.id == number
    text = _text(value)
    if not text or len(text) > MAX_REFERENCE:
        return None
    return MaintenanceWindow.reference == text.upper()


def _told(window, customer_id):
    return WindowCustomer.select().where((WindowCustomer.window == window.id)
                                         & (WindowCustomer.customer == customer_id)).exists()


def _visible_window(value, customer_id):
    """The window a provider names, if it is theirs: published (not TENTATIVE, nor
    cancelled while TENTATIVE) and about their circuits, now or when they were told."""
    where = _window_where(value)
    # Never one nobody outside the NOC saw (the window endpoints' rule).
    window = (MaintenanceWindow.select().where(where & PUBLISHED).first()
              if where is not None else None)
    if window is None:
        return None
    if _told(window, customer_id) or customer_id in windows.by_customer(window):
        return window
    return None


def _moment(value):
    """An aware ISO 8601 time -> UTC; ValueError(message) otherwise."""
    text = _text(value)
    if not text or len(text) > MAX_TIME_TEXT:
        raise ValueError(f'expected {TIME_HINT}')
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f'not a date and time; expected {TIME_HINT}') from None
    if moment.tzinfo is None:
        raise ValueError('give the UTC offset (…Z or …-03:00): a time without one is '
                         'ambiguous')
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or moment.year > 9998:
        raise ValueError('out of range; expected a time before the year 9999')
    return moment


def _read_periods(value, errors):
    """proposals -> [(index, start, end)] of the readable ones; errors by field."""
    top = reschedule.MAX_PROPOSALS
    if not isinstance(value, list) or not 1 <= len(value) <= top:
        errors['proposals'] = f'a list of 1 to {top} periods {{"start": …, "end": …}}'
        return []
    periods = []
    for index, item in enumerate(value):
        name = f'proposals[{index}]'
        if not isinstance(item, dict):
            errors[name] = 'an object {"start": …, "end": …}'
            continue
        moments = {}
        for side in ('start', 'end'):
            try:
                moments[side] = _moment(item.get(side))
            except ValueError as exc:
                errors[f'{name}.{side}'] = exc.args[0]
        if len(moments) == 2:
            periods.append((index, moments['start'], moments['end']))
    return periods


def _renamed(errors, periods):
    """The domain counts the periods it was given (proposal1…); the client its list."""
    found = {}
    for key, message in errors.items():
        number = key[len('proposal'):]
        if key.startswith('proposal') and number.isdigit() and 0 < int(number) <= len(periods):
            key = f'proposals[{periods[int(number) - 1][0]}]'
        found[key] = message
    return found


def _read_reason(value, errors, name='reason'):
    text = _text(value)
    reason = (text or '').replace('\r\n', '\n')
    if not reason:
        errors[name] = 'a non-empty string: say why'
    elif len(reason) > MAX_REASON:
        errors[name] = f'at most {MAX_REASON} characters'
    return reason


def _read_contact(value, customer, errors):
    """The customer's contact named by e-mail (any case), or None when none is given."""
    if value is None or value == '':
        return None
    email = _text(value)
    contact = None
    if email and len(email) <= MAX_EMAIL:
        contact = (Contact.select()
                   .where((Contact.customer == customer)
                          & (pw.fn.LOWER(Contact.email) == email.lower()))
                   .order_by(Contact.id).first())
    if contact is None:
        errors['contact'] = 'the e-mail address of one of your registered contacts'
    return contact


def _requested_by(contact):
    # reschedule writes 'customer:<requested_by>' into 64-character audit columns.
    if contact is not None and len('customer:' + contact.email) <= AuditLog.username.max_length:
        return contact.email
    return f'api:{token().prefix}'


def _actor():
    return f'api:{token().prefix}'


# What the API answers.

def _time(value):
    return value.astimezone(UTC).isoformat() if value else None


def _proposal_json(proposal):
    return {'position': proposal.position, 'start': _time(proposal.starts_at),
            'end': _time(proposal.ends_at), 'chosen': bool(proposal.chosen)}


def _replaced_by(row):
    """A request the customer replaced names its successor as '#id'."""
    text = row.decision_reason or ''
    if row.state == 'withdrawn' and re.fullmatch(r'#[0-9]{1,19}', text):
        return int(text[1:])
    return None


def _decision_json(row):
    if row.state == 'open':
        return None
    replaced = _replaced_by(row)
    new = MaintenanceWindow.get_or_none(MaintenanceWindow.id == row.new_window_id) \
        if row.new_window_id else None
    body = {'outcome': row.state, 'decided_at': _time(row.decided_at),
            'reason': None if replaced else (row.decision_reason or None),
            'replaced_by': replaced, 'new_window': new.reference if new else None}
    if not is_provider():
        body['decided_by'] = row.decided_by or None
    return body


def _finding_json(finding):
    return {'severity': finding.severity, 'code': finding.code,
            'message': str(finding.message), 'key': finding.key or None,
            'field': finding.field or None}


def _options_json(row):
    if row.state != 'open':
        return []
    return [{'proposal': option.proposal.position, 'others': option.others,
             'move': [_finding_json(f) for f in option.move],
             'split': None if option.split is None else [_finding_json(f)
                                                         for f in option.split]}
            for option in reschedule.options(row)]


def request_json(row, proposals=None, with_options=False):
    body = {'id': row.id, 'window': row.window.reference, 'window_id': row.window_id,
            'customer': row.customer.account_id, 'state': row.state, 'via': row.via,
            'requested_by': row.requested_by, 'reason': row.reason,
            'created_at': _time(row.created_at),
            'proposals': [_proposal_json(p) for p in (row.proposals if proposals is None
                                                      else proposals)],
            'decision': _decision_json(row)}
    if with_options and not is_provider():
        body['options'] = _options_json(row)
    return body


def _one_json(row):
    return localised(lambda: request_json(row, with_options=True))


# Finding requests.

def _base():
    query = (RescheduleRequest.select(RescheduleRequest, MaintenanceWindow, Customer)
             .join(MaintenanceWindow, on=(RescheduleRequest.window == MaintenanceWindow.id))
             .switch(RescheduleRequest)
             .join(Customer, on=(RescheduleRequest.customer == Customer.id)))
    if is_provider():
        return query.where(RescheduleRequest.customer == token().customer_id)
    return query


def _one(request_id):
    found = None
    if request_id <= MAX_ID:
        found = _base().where(RescheduleRequest.id == request_id).first()
    if found is None:
        # Another customer's request reads exactly like one that does not exist.
        raise ApiProblem(404, f'no reschedule request {request_id}')
    return found


def _filtered(query):
    state = request.args.get('state')
    if state and state not in RescheduleRequest.STATES:
        raise ApiProblem(400, 'bad filter', field_errors(
            {'state': 'one of ' + ', '.join(RescheduleRequest.STATES)}))
    if state:
        query = query.where(RescheduleRequest.state == state)
    if request.args.get('window'):
        where = _window_where(request.args['window'])
        query = query.where(where if where is not None else RescheduleRequest.id < 0)
    account = _text(request.args.get('customer'))      # no NUL for PostgreSQL
    if account and not is_provider():
        query = query.where(Customer.account_id == account)
    return query


def _proposals_of(ids):
    found = {}
    for proposal in (RescheduleProposal.select()
                     .where(RescheduleProposal.request.in_(ids or [-1]))
                     .order_by(RescheduleProposal.request, RescheduleProposal.position)):
        found.setdefault(proposal.request_id, []).append(proposal)
    return found


def _page(query):
    page, per_page = page_args()
    total = query.count()
    rows = list(query.paginate(page, per_page))
    proposals = _proposals_of([row.id for row in rows])
    return {'items': [request_json(row, proposals.get(row.id, [])) for row in rows],
            'page': page, 'per_page': per_page, 'total': total}


@bp.route('/reschedule-requests', methods=['GET'])
def list_reschedule_requests():
    require_role('viewer')
    query = _filtered(_base()).order_by(RescheduleRequest.created_at.desc(),
                                        RescheduleRequest.id.desc())
    return localised(lambda: _page(query))


@bp.route('/reschedule-requests/<int:request_id>', methods=['GET'])
def get_reschedule_request(request_id):
    require_role('viewer')
    return _one_json(_one(request_id))


# A provider asks, and takes a request back.

def _submission(body, customer):
    """(window, periods, reason, contact) of a request body; ApiProblem otherwise."""
    errors = {}
    window = _visible_window(body.get('window'), customer.id)
    if window is None:
        errors['window'] = ('the reference (MW-2026-00042) or id of a maintenance window '
                            'of yours')
    elif not reschedule.open_for_requests(window):
        raise ApiProblem(409, 'this maintenance can no longer be moved', field_errors(
            {'window': f'{window.reference} is {window.status}; only a confirmed window '
                       'that has not started can be moved'}))
    periods = _read_periods(body.get('proposals'), errors)
    reason = _read_reason(body.get('reason'), errors)
    contact = _read_contact(body.get('contact'), customer, errors)
    if window is not None and periods:
        # All errors at once: the domain's verdict on the periods that could be read.
        found = reschedule.check_periods([(s, e) for _, s, e in periods], window, utcnow())
        errors.update(_renamed(found, periods))
    if errors:
        raise ApiProblem(422, 'the request was not stored', field_errors(errors))
    return window, periods, reason, contact


@bp.route('/reschedule-requests', methods=['POST'])
def submit_reschedule_request():
    if not is_provider():
        raise ApiProblem(403, PROVIDERS_ONLY)
    body = json_body()
    customer = token().customer

    def work():
        window, periods, reason, contact = _submission(body, customer)
        try:
            return reschedule.submit(window, customer, [(s, e) for _, s, e in periods],
                                     reason, VIA, contact=contact,
                                     requested_by=_requested_by(contact))
        except reschedule.RequestInvalid as exc:
            errors = _renamed(exc.errors, periods)
            raise ApiProblem(409 if 'window' in errors else 422,
                             'the request was not stored', field_errors(errors)) from None
    made = localised(work)
    return (_one_json(_one(made.id)), 201,
            {'Location': url_for('api.get_reschedule_request', request_id=made.id)})


@bp.route('/reschedule-requests/<int:request_id>/withdraw', methods=['POST'])
def withdraw_reschedule_request(request_id):
    if not is_provider():
        raise ApiProblem(403, PROVIDERS_ONLY)
    found = _one(request_id)

    def work():
        try:
            reschedule.withdraw(found)
        except reschedule.RequestInvalid as exc:
            raise ApiProblem(409, 'the request is no longer open',
                             field_errors(exc.errors)) from None
    localised(work)
    return _one_json(_one(request_id))


# The NOC decides.

def _refusal(exc, acknowledged):
    """A decision the domain refused, as a problem naming what to fix."""
    if 'state' in exc.errors or 'window' in exc.errors:
        return ApiProblem(409, 'the request or its window can no longer be decided',
                          field_errors(exc.errors))
    if not exc.findings:
        renamed = {'decision_reason': 'reason'}
        return ApiProblem(422, 'the decision was not made', field_errors(
            {renamed.get(k, k): v for k, v in exc.errors.items()}))
    problems = [{'field': 'proposal', 'code': f.code, 'message': str(f.message)}
                for f in exc.findings if f.is_error]
    missing = [f for f in exc.findings if not f.is_error and f.key not in acknowledged]
    problems += [{'field': 'acknowledge', 'code': f.code, 'key': f.key,
                  'message': str(f.message)} for f in missing]
    detail = ('the chosen period breaks the rules' if any(f.is_error for f in exc.findings)
              else 'acknowledge the warnings: repeat the call with "acknowledge" holding '
                   'their keys: ' + ', '.join(f.key for f in missing))
    return ApiProblem(422, detail, problems)


def _read_choice(body, found):
    """(proposal id, acknowledged keys) of a move or split body."""
    errors = {}
    proposals = found.proposals
    position = body.get('proposal')
    if not (isinstance(position, int) and not isinstance(position, bool)
            and 1 <= position <= len(proposals)):
        position = None
        errors['proposal'] = f'the position of one of the proposals, 1 to {len(proposals)}'
    acks = body.get('acknowledge', [])
    if not (isinstance(acks, list) and len(acks) <= MAX_ACKS
            and all(isinstance(k, str) and len(k) <= MAX_KEY and _text(k) is not None
                    for k in acks)):
        errors['acknowledge'] = (f'a list of at most {MAX_ACKS} warning keys (strings), as '
                                 'listed in the options or in a refusal')
    if errors:
        raise ApiProblem(422, 'the decision was not made', field_errors(errors))
    return proposals[position - 1].id, sorted(set(acks))


def _decide(request_id, decision):
    """Run `decision(found, body)` -> (domain call, acknowledged) for an engineer."""
    require_noc('engineer')
    found = _one(request_id)
    body = json_body()

    def work():
        run, acknowledged = decision(found, body)
        try:
            run()
        except reschedule.RequestInvalid as exc:
            raise _refusal(exc, set(acknowledged)) from None
    localised(work)
    return _one_json(_one(request_id))


def _choice(domain_call):
    def decision(found, body):
        proposal_id, acks = _read_choice(body, found)
        return (lambda: domain_call(found, proposal_id, _actor(), acks)), acks
    return decision


@bp.route('/reschedule-requests/<int:request_id>/move', methods=['POST'])
def move_reschedule_request(request_id):
    return _decide(request_id, _choice(reschedule.move))


@bp.route('/reschedule-requests/<int:request_id>/split', methods=['POST'])
def split_reschedule_request(request_id):
    return _decide(request_id, _choice(reschedule.split))


@bp.route('/reschedule-requests/<int:request_id>/decline', methods=['POST'])
def decline_reschedule_request(request_id):
    def decision(found, body):
        errors = {}
        reason = _read_reason(body.get('reason'), errors)
        if errors:
            raise ApiProblem(422, 'the decision was not made', field_errors(errors))
        return (lambda: reschedule.decline(found, reason, _actor())), []
    return _decide(request_id, decision)


# The OpenAPI description of these paths.

def _ref(name):
    return {'$ref': f'#/components/schemas/{name}'}


ONE = {'description': 'The request', **content(_ref('RescheduleRequest'))}
REFUSED = {'description': 'RFC 9457 problem details; `errors` name each field (and, for a '
                          'warning to acknowledge, its `key`)',
           'content': {'application/problem+json': {'schema': _ref('RescheduleProblem')}}}
TIME = {'type': 'string', 'format': 'date-time'}
NULLABLE_TIME = {'type': ['string', 'null'], 'format': 'date-time'}
FINDING_LIST = {'type': 'array', 'items': _ref('RescheduleFinding')}
REQUEST_ID = path_id('request_id')


def _decision_op(summary, operation, body, description):
    return {'post': {
        'summary': summary, 'operationId': operation, 'description': description,
        'parameters': [REQUEST_ID],
        'requestBody': {'required': True, **content(_ref(body))},
        'responses': {'200': {'description': 'Decided; the request as it now stands',
                              **content(_ref('RescheduleRequest'))},
                      '400': PROBLEM, '404': PROBLEM, '409': PROBLEM, '415': PROBLEM,
                      '422': REFUSED, **ERRORS}}}


CHOICE_TEXT = ('NOC tokens with role engineer or above; provider tokens get 403. Warnings '
               '(a redundant pair both down, a change freeze) need their keys in '
               '`acknowledge`: without them the answer is a 422 whose `errors` list each '
               'missing key (field `acknowledge`); repeat the call with them. 409: the '
               'request was already decided or its window can no longer be moved.')

describe({
    '/reschedule-requests': {
        'get': {
            'summary': 'List requests to move a maintenance window',
            'operationId': 'listRescheduleRequests',
            'description': 'Newest first. Provider tokens see only their customer\'s '
                           'requests. Items carry no `options` (see the single request).',
            'parameters': PAGING + [
                CUSTOMER,
                {'name': 'state', 'in': 'query', 'schema': {
                    'type': 'string', 'enum': list(RescheduleRequest.STATES)}},
                {'name': 'window', 'in': 'query', 'schema': {'type': 'string'},
                 'description': 'Only requests on this window: its reference '
                                '(MW-2026-00042) or id'}],
            'responses': {'200': {'description': 'A page of requests',
                                  **content(page_of('#/components/schemas/'
                                                    'RescheduleRequest'))},
                          '400': PROBLEM, **ERRORS}},
        'post': {
            'summary': 'Ask to move a maintenance window touching your circuits',
            'operationId': 'submitRescheduleRequest',
            'description': 'Provider tokens only (NOC tokens get 403: customers ask, the NOC '
                           'decides). The same rules as the customer page: one to three '
                           'periods in the future, each no longer than the longest window '
                           'allowed, and a reason. Times need their UTC offset. A window '
                           'that is not yours reads as unknown (422 on `window`); one that '
                           'can no longer be moved is a 409. A new request replaces your '
                           'open one on the same window.',
            'requestBody': {'required': True, **content(_ref('NewRescheduleRequest'))},
            'responses': {'201': {'description': 'Stored; the NOC answers by e-mail',
                                  'headers': {'Location': {'schema': {'type': 'string'},
                                                           'description': 'The request'}},
                                  **content(_ref('RescheduleRequest'))},
                          '400': PROBLEM, '409': PROBLEM, '415': PROBLEM, '422': PROBLEM,
                          **ERRORS}},
    },
    '/reschedule-requests/{request_id}': {
        'get': {
            'summary': 'One request; for NOC tokens with what each proposal would break',
            'operationId': 'getRescheduleRequest', 'parameters': [REQUEST_ID],
            'responses': {'200': ONE, '404': PROBLEM, **ERRORS}}},
    '/reschedule-requests/{request_id}/withdraw': {
        'post': {
            'summary': 'Take back your open request', 'operationId': 'withdrawRescheduleRequest',
            'description': 'Provider tokens only. 409 when the request is no longer open.',
            'parameters': [REQUEST_ID],
            'responses': {'200': {'description': 'Withdrawn', **content(
                _ref('RescheduleRequest'))}, '404': PROBLEM, '409': PROBLEM, **ERRORS}}},
    '/reschedule-requests/{request_id}/move': _decision_op(
        'Move the whole window to one of the proposals', 'moveRescheduleRequest',
        'RescheduleChoice', 'Every customer of the window gets the update. ' + CHOICE_TEXT),
    '/reschedule-requests/{request_id}/split': _decision_op(
        'Move only the customer\'s circuits into a new window at one of the proposals',
        'splitRescheduleRequest', 'RescheduleChoice',
        'The customer gets a cancellation and an invitation to the new window; possible '
        'only when the window holds other customers. ' + CHOICE_TEXT),
    '/reschedule-requests/{request_id}/decline': _decision_op(
        'Decline, with the reason the customer reads', 'declineRescheduleRequest',
        'RescheduleDecline', 'NOC tokens with role engineer or above; provider tokens get '
        '403. The customer is told (a DECLINECOUNTER for a calendar COUNTER). 409: the '
        'request was already decided.'),
}, {
    'ReschedulePeriod': {
        'type': 'object', 'required': ['start', 'end'],
        'properties': {'start': {**TIME, 'description': 'With its offset (…Z, …-03:00); '
                                                        'a time without one is refused'},
                       'end': TIME}},
    'NewRescheduleRequest': {
        'type': 'object', 'required': ['window', 'proposals', 'reason'],
        'properties': {
            'window': {'oneOf': [{'type': 'string'}, {'type': 'integer', 'minimum': 1}],
                       'description': 'The window\'s reference (MW-2026-00042) or id'},
            'proposals': {'type': 'array', 'minItems': 1,
                          'maxItems': reschedule.MAX_PROPOSALS,
                          'items': _ref('ReschedulePeriod')},
            'reason': {'type': 'string', 'minLength': 1, 'maxLength': MAX_REASON},
            'contact': {'type': 'string', 'description': 'Optional: the e-mail address of '
                        'one of your registered contacts, who then gets the answer; '
                        'otherwise your maintenance contacts do'}}},
    'RescheduleProposal': {
        'type': 'object', 'required': ['position', 'start', 'end', 'chosen'],
        'properties': {'position': {'type': 'integer', 'minimum': 1}, 'start': TIME,
                       'end': TIME, 'chosen': {'type': 'boolean'}}},
    'RescheduleDecision': {
        'type': 'object', 'required': ['outcome', 'decided_at', 'reason'],
        'properties': {
            'outcome': {'type': 'string', 'enum': [s for s in RescheduleRequest.STATES
                                                   if s != 'open']},
            'decided_at': NULLABLE_TIME,
            'reason': {'type': ['string', 'null'],
                       'description': 'Why it was declined (or closed)'},
            'replaced_by': {'type': ['integer', 'null'],
                            'description': 'The newer request that replaced this one'},
            'new_window': {'type': ['string', 'null'],
                           'description': 'The window the customer\'s circuits moved to '
                                          '(split)'},
            'decided_by': {'type': ['string', 'null'], 'description': 'NOC tokens only'}}},
    'RescheduleFinding': {
        'type': 'object', 'required': ['severity', 'code', 'message', 'key', 'field'],
        'properties': {'severity': {'type': 'string', 'enum': ['error', 'warning']},
                       'code': {'type': 'string'}, 'message': {'type': 'string'},
                       'key': {'type': ['string', 'null'],
                               'description': 'A warning\'s key, for `acknowledge`'},
                       'field': {'type': ['string', 'null']}}},
    'RescheduleOption': {
        'type': 'object', 'required': ['proposal', 'others', 'move', 'split'],
        'properties': {
            'proposal': {'type': 'integer', 'description': 'The proposal\'s position'},
            'others': {'type': 'integer', 'description': 'Other customers a whole move '
                                                         'would touch'},
            'move': {**FINDING_LIST, 'description': 'The rules if the whole window moved'},
            'split': {'type': ['array', 'null'], 'items': _ref('RescheduleFinding'),
                      'description': 'The rules if only this customer\'s circuits moved '
                                     'into a new window; null when no split is possible'}}},
    'RescheduleRequest': {
        'type': 'object',
        'required': ['id', 'window', 'window_id', 'customer', 'state', 'via', 'requested_by',
                     'reason', 'created_at', 'proposals', 'decision'],
        'properties': {
            'id': {'type': 'integer'}, 'window': {'type': 'string'},
            'window_id': {'type': 'integer'}, 'customer': {'type': 'string'},
            'state': {'type': 'string', 'enum': list(RescheduleRequest.STATES)},
            'via': {'type': 'string'}, 'requested_by': {'type': 'string'},
            'reason': {'type': 'string'}, 'created_at': NULLABLE_TIME,
            'proposals': {'type': 'array', 'items': _ref('RescheduleProposal')},
            'decision': {'oneOf': [{'type': 'null'}, _ref('RescheduleDecision')]},
            'options': {'type': 'array', 'items': _ref('RescheduleOption'),
                        'description': 'NOC tokens, single request: what each proposal '
                                       'would break (empty once decided)'}}},
    'RescheduleChoice': {
        'type': 'object', 'required': ['proposal'],
        'properties': {
            'proposal': {'type': 'integer', 'minimum': 1,
                         'maximum': reschedule.MAX_PROPOSALS,
                         'description': 'The position of the chosen proposal'},
            'acknowledge': {'type': 'array', 'maxItems': MAX_ACKS,
                            'items': {'type': 'string', 'maxLength': MAX_KEY},
                            'description': 'Keys of the warnings accepted'}}},
    'RescheduleDecline': {
        'type': 'object', 'required': ['reason'],
        'properties': {'reason': {'type': 'string', 'minLength': 1,
                                  'maxLength': MAX_REASON}}},
    'RescheduleProblem': {'allOf': [_ref('Problem'), {
        'type': 'object', 'properties': {'errors': {'type': 'array', 'items': {
            'type': 'object', 'required': ['field', 'message'],
            'properties': {'field': {'type': 'string'}, 'message': {'type': 'string'},
                           'code': {'type': 'string'},
                           'key': {'type': 'string', 'description': 'A warning to '
                                   'acknowledge'}}}}}}]},
})
