"""The window page, and the lifecycle actions taken from it.

The page re-checks the rules on every view (another window may have been
planned over the same circuits since), shows who is told and what went out,
and the window's history. Actions call the window commands, which lock the
window's row, so an engineer and the worker moving the same window do not
both win; this module reads the form and shows the outcome.
"""
import peewee as pw
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from noc.core.errors import NotFound, Refused
from noc.core.paging import paginate
from noc.core.text import clean_text
from noc.maintenance import answers, notices, window_commands, windows
from noc.maintenance import settings as maintenance_settings
from noc.models import (
    AuditLog,
    Impact,
    InboundMessage,
    MaintenanceWindow,
    OutboxMessage,
    RescheduleRequest,
    RescheduleState,
    WindowStatus,
    audit,
    utcnow,
)
from noc.web.confirmation import ask, confirmed
from noc.web.form_errors import field_errors
from noc.web.maintenance.filters import acknowledgements

HISTORY_ROWS = 200
# Notices and answers fold past this many rows, so the page stays a few screens
# tall with a hundred customers (issue 17: it was 9,800 px).
FOLD_AFTER = 10


def settings():
    """The maintenance settings the commands take, from the app's config."""
    return maintenance_settings.of_app(current_app)


def get_window(window_id):
    """The window to show, or 404."""
    try:
        return window_commands.find(window_id)
    except NotFound:
        abort(404)


def _history(window):
    """[(AuditLog, [changed field names])], newest first."""
    entries = (AuditLog.select()
               .where((AuditLog.entity == 'maintenance_window')
                      & (AuditLog.entity_id == window.id))
               .order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(HISTORY_ROWS))
    return [(entry, audit.changed_fields(audit.load(entry.before_json),
                                         audit.load(entry.after_json))
             if entry.before_json else []) for entry in entries]


def message_counts(window):
    return dict(OutboxMessage.select(OutboxMessage.state, pw.fn.COUNT(OutboxMessage.id))
                .where(OutboxMessage.window == window)
                .group_by(OutboxMessage.state).tuples())


def circuit_groups(audience, window):
    """[(customer, [(circuit, impact)], contacts, worst impact)]: the page folds
    circuits by customer, and each fold's line names the customer's worst impact
    (a circuit without its own impact has the window's)."""
    return [(customer, circuits, contacts,
             Impact.worst([impact or window.impact for _, impact in circuits], window.impact))
            for customer, circuits, contacts in audience]


def _requests(window):
    return list(RescheduleRequest.select().where(RescheduleRequest.window == window)
                .order_by(RescheduleRequest.created_at.desc()))


def render_page(window, errors=None, cancel_error='', status=200):
    live = window.status in MaintenanceWindow.LIVE
    values = windows.values_of(window) if live else None
    conf = settings()
    findings = (windows.evaluate(values, window, check_notice=False, check_past=False,
                                 settings=conf) if live else [])
    # Confirming checks everything again, notice period included.
    confirm_findings = windows.evaluate(values, window, settings=conf) \
        if window.status == WindowStatus.TENTATIVE else []
    audience = notices.audience(windows.by_customer(window))
    messages = paginate(notices.messages_of(window),
                        current_app.config['NOC']['web']['page_size'])
    requests = _requests(window)
    return render_template(
        'maintenance/show.html', window=window, findings=findings,
        confirm_findings=confirm_findings, audience=audience,
        groups=circuit_groups(audience, window),
        notified=notices.should_notify(window, conf),
        circuits=sum(len(c) for _, c, _ in audience),
        contacts=sum(len(c) for _, _, c in audience), messages=messages,
        message_counts=message_counts(window), history=_history(window), fold_after=FOLD_AFTER,
        acked=windows.acknowledged_of(window) | set(acknowledgements(request.form)),
        errors=errors or {}, cancel_error=cancel_error,
        cancel_reason=request.form.get('reason', ''), editable=window.status in WindowStatus.LIVE,
        zone=current_user.time_zone, answers=answers.overview(window) if window.published
        else [], requests=requests,
        open_requests=[r for r in requests if r.state == RescheduleState.OPEN],
        received=list(InboundMessage.select().where(InboundMessage.window == window)
                      .order_by(InboundMessage.received_at.desc()).limit(100))), status


def problems(exc):
    """A Refused as the window pages show it: the pages' errors by field
    (web/form_errors.py), and the warnings still to acknowledge as one line."""
    errors = field_errors(exc)
    if not errors and exc.findings:
        errors['_'] = _('Acknowledge the warnings first: %(warnings)s',
                        warnings='; '.join(str(f.message) for f in exc.findings
                                           if not f.is_error))
    return errors


def _confirm(window_id, user):
    return window_commands.confirm(window_id, user, settings(),
                                   acknowledged=acknowledgements(request.form))


def _cancel(window_id, user):
    return window_commands.cancel(window_id, user, clean_text(request.form.get('reason')),
                                  settings())


def _override():
    return clean_text(request.form.get('override_reason'))


ACTIONS = {
    'confirm': _confirm,
    'start': lambda window_id, user: window_commands.start(
        window_id, user, settings(), override_reason=_override()),
    'complete': lambda window_id, user: window_commands.complete(
        window_id, user, settings(), override_reason=_override()),
    'cancel': _cancel,
}
GUARDED = ('start', 'complete')
WHAT = {
    'confirm': lambda ref: _('Confirm %(reference)s: every affected customer is sent the '
                             'notice of the window.', reference=ref),
    'start': lambda ref: _('Start the work of %(reference)s: customers are told the work '
                           'has started.', reference=ref),
    'complete': lambda ref: _('Mark %(reference)s as completed: customers are told the '
                              'work is done.', reference=ref),
    'cancel': lambda ref: _('Cancel %(reference)s: customers who were told read the '
                            'reason.', reference=ref),
}


def _confirmation(window, action, error=None):
    """Ask before `action`: who would be mailed, and the time guard if any."""
    conf = settings()
    told = action != 'cancel' or window.published
    customers, contacts = notices.preview(window, windows.by_customer(window), conf) \
        if told else (0, 0)
    guard = window_commands.time_guard(window, action, utcnow(), conf) \
        if action in GUARDED else None
    return ask(url_for(f'maintenance.{action}', window_id=window.id),
               WHAT[action](window.reference), url_for('maintenance.show', window_id=window.id),
               customers, contacts, guard=guard, error=error)


def _notices_of(window_id):
    return OutboxMessage.select().where(OutboxMessage.window == window_id).count()


def act(window_id, action):
    """Run one lifecycle action; on refusal the page again, with the reasons."""
    user = current_user._get_current_object()
    window = get_window(window_id)                      # 404 before counting anything
    if not confirmed():
        return _confirmation(window, action)
    before = _notices_of(window.id)
    try:
        window = ACTIONS[action](window_id, user)
    except NotFound:
        abort(404)
    except Refused as exc:
        errors = problems(exc)
        guarded = [errors[name] for name in (action, 'override_reason') if name in errors]
        if action in GUARDED and guarded:
            return _confirmation(get_window(window_id), action, error=guarded[0])
        # The reason is shown beside its box, as the form's other fields are.
        cancel_error = errors.pop('cancel_reason', '')
        return render_page(get_window(window_id), errors=errors, cancel_error=cancel_error)
    flash(ngettext('%(reference)s is now %(status)s; %(num)d notice queued.',
                   '%(reference)s is now %(status)s; %(num)d notices queued.',
                   _notices_of(window_id) - before, reference=window.reference,
                   status=str(WindowStatus.label(window.status)).lower()), 'info')
    return redirect(url_for('maintenance.show', window_id=window.id))
