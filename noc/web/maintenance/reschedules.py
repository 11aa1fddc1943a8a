"""The NOC's queue of customers' reschedule requests, and the decisions on them.

Each proposal is shown with the rules as they would stand if the whole
window moved there, and if only the customer's circuits moved into a new
window, and with how many other customers a whole move would touch. The
decision runs the rules again (warnings need ticks, as on the window form).
"""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from noc.core.errors import CONFLICT, NotFound
from noc.core.limits import MAX_ID, MAX_REASON
from noc.maintenance import notices, outcomes, windows
from noc.maintenance import reschedule_commands as commands
from noc.maintenance import reschedules as reschedule
from noc.maintenance.settings import of_app
from noc.models import (
    Customer,
    MaintenanceWindow,
    RescheduleRequest,
    RescheduleState,
    RescheduleVia,
)
from noc.web.access import require
from noc.web.confirmation import ask, confirmed
from noc.web.maintenance.filters import acknowledgements
from noc.web.maintenance.page import problems
from noc.web.sorting import Column, read_sort

bp = Blueprint('reschedules', __name__, url_prefix='/reschedules')


def _request(request_id):
    found = (RescheduleRequest.get_or_none(RescheduleRequest.id == request_id)
             if request_id <= MAX_ID else None)
    if found is None:
        abort(404)
    return found


def _with_window(query):
    return query.join(MaintenanceWindow, on=(RescheduleRequest.window == MaintenanceWindow.id))


# The queue's sortable columns; the window and the customer are joined only to sort.
QUEUE_SORTS = {
    'id': RescheduleRequest.id, 'received': RescheduleRequest.created_at,
    'state': RescheduleRequest.state, 'via': RescheduleRequest.via,
    'window': Column((MaintenanceWindow.reference,), _with_window),
    'starts': Column((MaintenanceWindow.starts_at,), _with_window),
    'customer': Column((Customer.name,), lambda q: q.join(
        Customer, on=(RescheduleRequest.customer == Customer.id))),
}


@bp.route('/')
@require('viewer')
def queue():
    state = request.args.get('state', RescheduleState.OPEN)
    sort = read_sort(QUEUE_SORTS, (RescheduleRequest.created_at.desc(), RescheduleRequest.id.desc()),
                     RescheduleRequest.id)
    query = sort.apply(RescheduleRequest.select()).limit(200)
    if state in RescheduleState.values():
        query = query.where(RescheduleRequest.state == state)
    rows = list(query)
    settings = of_app(current_app)
    options = {r.id: reschedule.options(r, settings=settings)
               for r in rows if r.state == RescheduleState.OPEN}
    return render_template('reschedules/queue.html', rows=rows, options=options, state=state,
                           states=RescheduleState.labels(), sort=sort)


def render_request(found, errors=None, status=200):
    options = (reschedule.options(found, settings=of_app(current_app))
               if found.state == RescheduleState.OPEN else [])
    # The move command counts the warnings acknowledged on the window as given
    # (windows.update); the split's new window starts with none.
    return render_template('reschedules/show.html', req=found, options=options,
                           window_acked=windows.acknowledged_of(found.window),
                           errors=errors or {}, acked=set(acknowledgements(request.form)),
                           reason=request.form.get('reason', ''), max_reason=MAX_REASON), status


@bp.route('/<int:request_id>')
@require('viewer')
def show(request_id):
    return render_request(_request(request_id))


def _proposal_id():
    try:
        return int(request.form.get('proposal', ''))
    except ValueError:
        return -1


WHAT = {
    'move': lambda ref: _('Move the whole window %(reference)s to the proposed time: every '
                          'customer of the window is sent the update.', reference=ref),
    'split': lambda ref: _('Move only this customer\'s circuits out of %(reference)s into a '
                           'new window at the proposed time: the customers of the window are '
                           'told.', reference=ref),
    'decline': lambda ref: _('Decline the request about %(reference)s: the customer reads '
                             'the reason.', reference=ref),
}


def _ask(found, action):
    """Ask before a decision: who would be mailed (the window's customers for a move
    or a split, the asking customer for a refusal)."""
    if action == 'decline':
        customers, contacts = outcomes.preview_declined(found)
    else:
        customers, contacts = notices.preview(found.window, windows.by_customer(found.window),
                                              of_app(current_app))
    return ask(url_for(f'reschedules.{action}', request_id=found.id),
               WHAT[action](found.window.reference),
               url_for('reschedules.show', request_id=found.id), customers, contacts)


def _decide(request_id, decision, action):
    """Run `decision(request id, user)` once confirmed; a refusal shows the request
    again with why."""
    if not confirmed():
        return _ask(_request(request_id), action)
    user = current_user._get_current_object()
    try:
        decision(request_id, user)
    except NotFound:
        abort(404)
    except reschedule.RescheduleRefused as exc:
        errors = problems(exc)
        for finding in exc.findings:
            if finding.is_error:
                errors.setdefault(finding.field or finding.code, finding.message)
        return render_request(_request(request_id), errors, 409 if exc.kind == CONFLICT else 400)
    found = _request(request_id)
    flash(_('Request #%(id)d: %(state)s.', id=found.id, state=RescheduleState.label(found.state)), 'info')
    return redirect(url_for('reschedules.show', request_id=found.id))


@bp.route('/<int:request_id>/move', methods=['POST'])
@require('engineer')
def move(request_id):
    return _decide(request_id, lambda request_id, user: commands.move(
        request_id, _proposal_id(), user, acknowledgements(request.form),
        settings=of_app(current_app)), 'move')


@bp.route('/<int:request_id>/split', methods=['POST'])
@require('engineer')
def split(request_id):
    return _decide(request_id, lambda request_id, user: commands.split(
        request_id, _proposal_id(), user, acknowledgements(request.form),
        settings=of_app(current_app)), 'split')


@bp.route('/<int:request_id>/decline', methods=['POST'])
@require('engineer')
def decline(request_id):
    reason = request.form.get('reason', '')         # the command cleans it, or refuses a NUL
    return _decide(request_id, lambda request_id, user: commands.decline(
        request_id, reason, user, settings=of_app(current_app)), 'decline')


def register(app):
    app.register_blueprint(bp)
    app.jinja_env.filters['request_state_label'] = RescheduleState.label
    app.jinja_env.filters['request_via_label'] = RescheduleVia.label
    # The queue lived at /requests/ before prefix requests had theirs: old
    # bookmarks still arrive.
    app.add_url_rule('/requests/', 'reschedules_moved_queue', _moved_queue)
    app.add_url_rule('/requests/<int:request_id>', 'reschedules_moved', _moved)


@require('viewer')
def _moved_queue():
    return redirect(url_for('reschedules.queue'), 301)


@require('viewer')
def _moved(request_id):
    return redirect(url_for('reschedules.show', request_id=request_id), 301)
