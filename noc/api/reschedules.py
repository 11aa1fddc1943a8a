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
from noc.api.reschedule_input import (
    read_contact,
    read_periods,
    read_reason,
    storable_text,
    visible_window,
    window_where,
)
from noc.api.reschedule_json import one_json, request_json
from noc.core.errors import CONFLICT, NotFound
from noc.core.limits import MAX_ACKS, MAX_ID, MAX_KEY
from noc.maintenance import reschedule_commands as commands
from noc.maintenance import reschedules as reschedule
from noc.maintenance.settings import of_app
from noc.models import (
    Customer,
    MaintenanceWindow,
    RescheduleProposal,
    RescheduleRequest,
    RescheduleState,
    RescheduleVia,
)

# How the request came; `requested_by` names the token.
VIA = RescheduleVia.API
WINDOW_HINT = 'the reference (MW-2026-00042) or id of a maintenance window of yours'
CONTACT_HINT = 'the e-mail address of one of your registered contacts'
PROVIDERS_ONLY = ('only a provider token asks for or withdraws a request (customers ask; '
                  'the NOC decides)')


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
    if state and state not in RescheduleState.values():
        raise ApiProblem(400, 'bad filter', field_errors(
            {'state': 'one of ' + RescheduleState.accepted()}))
    if state:
        query = query.where(RescheduleRequest.state == state)
    if request.args.get('window'):
        where = window_where(request.args['window'])
        query = query.where(where if where is not None else RescheduleRequest.id < 0)
    account = storable_text(request.args.get('customer'))      # no NUL for PostgreSQL
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
    window = visible_window(body.get('window'), customer.id)
    if window is None:
        errors['window'] = WINDOW_HINT
    periods = read_periods(body.get('proposals'), errors)
    reason = read_reason(body.get('reason'), errors)
    contact = read_contact(body.get('contact'), customer, errors)
    if errors and window is not None:
        try:
            commands.check_ask(window.id, customer.id, [(s, e) for _, s, e in periods],
                               reason, settings=of_app(current_app))
        except NotFound:                # removed since it was read
            errors['window'] = WINDOW_HINT
        except reschedule.RescheduleRefused as exc:
            if exc.kind == CONFLICT:
                raise _ask_refused(exc, window) from None
            found = _field_errors(exc, periods)
            if not periods:
                found.pop('proposals', None)    # the list's own error says what is wrong
            errors = {**found, **errors}
    if errors:
        raise ApiProblem(422, 'the request was not stored', field_errors(errors))
    return window, periods, reason, contact


def _refused(exc, detail, periods=()):
    """A refusal of the command as a problem: 409 when the row's state forbids it."""
    return ApiProblem(409 if exc.kind == CONFLICT else 422, detail,
                      field_errors(_field_errors(exc, periods)))


def _ask_refused(exc, window, periods=()):
    """A refused request as a problem; a window that can no longer move says its
    status and which windows can (as the window was when the command refused)."""
    window = MaintenanceWindow.get_or_none(MaintenanceWindow.id == window.id) or window
    if exc.kind == CONFLICT and not reschedule.open_for_requests(window):
        return ApiProblem(409, 'this maintenance can no longer be moved', field_errors(
            {'window': f'{window.reference} is {window.status}; only a confirmed window '
                       'that has not started can be moved'}))
    return _refused(exc, 'the request was not stored', periods)


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
                                VIA, settings=of_app(current_app),
                                contact_id=contact.id if contact else None, requester=_actor())
        except reschedule.RescheduleRefused as exc:
            raise _ask_refused(exc, window, periods) from None
        except NotFound as exc:         # removed since it was read: as if never named
            raise ApiProblem(422, 'the request was not stored', field_errors(
                {'contact': CONTACT_HINT} if exc.what == 'contact' else {'window': WINDOW_HINT})
            ) from None
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
    if exc.kind == CONFLICT:
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
            and all(isinstance(k, str) and len(k) <= MAX_KEY and storable_text(k) is not None
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
        except NotFound:                # removed since it was read
            raise ApiProblem(404, f'no reschedule request {request_id}') from None
        except reschedule.RescheduleRefused as exc:
            raise _decision_refused(exc, set(acknowledged)) from None
    localised(work)
    return one_json(_one(request_id))


def _choice(command):
    def decision(found, body):
        proposal_id, acks = _read_choice(body, found)
        return (lambda: command(found.id, proposal_id, _actor(), acks,
                                settings=of_app(current_app))), acks
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
        reason = read_reason(body.get('reason'), errors)
        if errors:
            raise ApiProblem(422, 'the decision was not made', field_errors(errors))
        return (lambda: commands.decline(found.id, reason, _actor(),
                                         settings=of_app(current_app))), []
    return _decide(request_id, decision)
