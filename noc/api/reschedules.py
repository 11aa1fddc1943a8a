"""Customers' requests to move a maintenance window, and the NOC's decisions,
over the API: the same commands as the customer page and the NOC's request
pages (maintenance.reschedule_commands), so the rules, limits, notices and
audit are the usual ones. This module reads JSON into typed values and turns
refusals into problem+json; reschedule_json writes the answers and
reschedule_docs describes the paths.

A provider token asks to move windows of its own customer, reads and
withdraws that customer's requests; a window or request of another customer
reads exactly like one that does not exist. A NOC token reads every request
with what each proposal would break; an engineer moves, splits or declines.
NOC tokens do not ask on a customer's behalf (the NOC pages cannot either).
"""
import datetime
import re

from flask import current_app, request, url_for

from noc.api import (
    bp,
    is_provider,
    json_body,
    localised,
    page_args,
    require_noc,
    require_role,
    reschedule_docs,  # noqa: F401  (the paths join the OpenAPI document)
    token,
)
from noc.api.problems import ApiProblem, field_errors
from noc.api.reschedule_json import one_json, request_json
from noc.api.windows import PUBLISHED
from noc.core.errors import NotFound
from noc.core.limits import MAX_ACKS, MAX_ID, MAX_KEY, MAX_PROPOSALS, MAX_REFERENCE, MAX_TIME_TEXT
from noc.core.text import clean_text
from noc.maintenance import answers, windows
from noc.maintenance import reschedule_commands as commands
from noc.maintenance import reschedules as reschedule
from noc.models import Customer, MaintenanceWindow, RescheduleProposal, RescheduleRequest, WindowCustomer

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
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_PROPOSALS:
        errors['proposals'] = f'a list of 1 to {MAX_PROPOSALS} periods {{"start": …, "end": …}}'
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


def _read_reason(value, errors):
    """The reason as a string (the command says whether it is one it takes)."""
    if value is None:
        return ''
    text = _text(value)
    if text is None:
        errors['reason'] = 'a non-empty string: say why'
    return text or ''


def _read_contact(value, customer, errors):
    """The customer's contact named by e-mail (any case), or None when none is given."""
    if value is None or value == '':
        return None
    contact = answers.contact_by_email(customer.id, _text(value))
    if contact is None:
        errors['contact'] = 'the e-mail address of one of your registered contacts'
    return contact


def _actor():
    return f'api:{token().prefix}'


def _field_errors(exc, periods=()):
    """A refusal's errors by the client's names: the command counts the periods it
    was given, the client its list (`periods` [(index, start, end)])."""
    renamed = dict(exc.errors)
    for position, _column, message in exc.lines:
        renamed[f'proposals[{periods[position - 1][0]}]'] = message
    return renamed


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
    return one_json(_one(request_id))


# A provider asks, and takes a request back.

def _submission(body, customer):
    """(window, periods, reason, contact) of a request body; ApiProblem when a value
    cannot be read (with, at once, what the command says of the rest)."""
    errors = {}
    window = _visible_window(body.get('window'), customer.id)
    if window is None:
        errors['window'] = ('the reference (MW-2026-00042) or id of a maintenance window '
                            'of yours')
    periods = _read_periods(body.get('proposals'), errors)
    reason = _read_reason(body.get('reason'), errors)
    contact = _read_contact(body.get('contact'), customer, errors)
    if errors and window is not None:
        try:
            commands.check_ask(window.id, customer.id, [(s, e) for _, s, e in periods],
                               reason, settings=current_app.config['NOC']['maintenance'])
        except reschedule.RescheduleRefused as exc:
            if exc.kind == 'conflict':
                raise _refused(exc, 'this maintenance can no longer be moved') from None
            found = _field_errors(exc, periods)
            if not periods:
                found.pop('proposals', None)    # the list's own error says what is wrong
            errors = {**found, **errors}
    if errors:
        raise ApiProblem(422, 'the request was not stored', field_errors(errors))
    return window, periods, reason, contact


def _refused(exc, detail, periods=()):
    """A refusal of the command as a problem: 409 when the row's state forbids it."""
    return ApiProblem(409 if exc.kind == 'conflict' else 422, detail,
                      field_errors(_field_errors(exc, periods)))


@bp.route('/reschedule-requests', methods=['POST'])
def submit_reschedule_request():
    if not is_provider():
        raise ApiProblem(403, PROVIDERS_ONLY)
    body = json_body()
    customer = token().customer

    def work():
        window, periods, reason, contact = _submission(body, customer)
        try:
            return commands.ask(window.id, customer.id, [(s, e) for _, s, e in periods], reason,
                                VIA, settings=current_app.config['NOC']['maintenance'],
                                contact_id=contact.id if contact else None, requester=_actor())
        except reschedule.RescheduleRefused as exc:
            raise _refused(exc, 'the request was not stored', periods) from None
    made = localised(work)
    return (one_json(_one(made.id)), 201,
            {'Location': url_for('api.get_reschedule_request', request_id=made.id)})


@bp.route('/reschedule-requests/<int:request_id>/withdraw', methods=['POST'])
def withdraw_reschedule_request(request_id):
    if not is_provider():
        raise ApiProblem(403, PROVIDERS_ONLY)
    customer_id = token().customer_id

    def work():
        try:
            commands.withdraw(request_id, customer_id=customer_id)
        except NotFound:
            raise ApiProblem(404, f'no reschedule request {request_id}') from None
        except reschedule.RescheduleRefused as exc:
            raise _refused(exc, 'the request is no longer open') from None
    localised(work)
    return one_json(_one(request_id))


# The NOC decides.

def _decision_refused(exc, acknowledged):
    """A decision the command refused, as a problem naming what to fix."""
    if exc.kind == 'conflict':
        return _refused(exc, 'the request or its window can no longer be decided')
    if not exc.findings:
        return _refused(exc, 'the decision was not made')
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
    """Run `decision(found, body)` -> (command call, acknowledged) for an engineer."""
    require_noc('engineer')
    found = _one(request_id)
    body = json_body()

    def work():
        run, acknowledged = decision(found, body)
        try:
            run()
        except reschedule.RescheduleRefused as exc:
            raise _decision_refused(exc, set(acknowledged)) from None
    localised(work)
    return one_json(_one(request_id))


def _choice(command):
    def decision(found, body):
        proposal_id, acks = _read_choice(body, found)
        return (lambda: command(found.id, proposal_id, _actor(), acks)), acks
    return decision


@bp.route('/reschedule-requests/<int:request_id>/move', methods=['POST'])
def move_reschedule_request(request_id):
    return _decide(request_id, _choice(commands.move))


@bp.route('/reschedule-requests/<int:request_id>/split', methods=['POST'])
def split_reschedule_request(request_id):
    return _decide(request_id, _choice(commands.split))


@bp.route('/reschedule-requests/<int:request_id>/decline', methods=['POST'])
def decline_reschedule_request(request_id):
    def decision(found, body):
        errors = {}
        reason = _read_reason(body.get('reason'), errors)
        if errors:
            raise ApiProblem(422, 'the decision was not made', field_errors(errors))
        return (lambda: commands.decline(found.id, reason, _actor(),
                                         notice_settings=current_app.config['NOC'])), []
    return _decide(request_id, decision)
