"""The window page, and the lifecycle actions taken from it.

The page re-checks the rules on every view (another window may have been
planned over the same circuits since), shows who is told and what went out,
and the window's history. Actions run with the window's row locked, so an
engineer and the worker moving the same window do not both win.
"""
import peewee as pw
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from noc.core.db import lock_rows, write_transaction
from noc.core.paging import paginate
from noc.core.text import clean_text
from noc.maintenance import answers, notices, windows
from noc.models import AuditLog, InboundMessage, MaintenanceWindow, OutboxMessage, RescheduleRequest, audit
from noc.web.maintenance.filters import acknowledgements

MAX_ID = 2 ** 63 - 1
HISTORY_ROWS = 200
MAX_REASON = 2000


def get_window(window_id, lock=False):
    if window_id > MAX_ID:      # no such id; the database would refuse the number
        abort(404)
    query = MaintenanceWindow.select().where(MaintenanceWindow.id == window_id)
    window = (lock_rows(query) if lock else query).first()
    if window is None:
        abort(404)
    return window


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


def render_page(window, errors=None, cancel_error='', status=200):
    live = window.status in MaintenanceWindow.LIVE
    values = windows.values_of(window) if live else None
    findings = (windows.evaluate(values, window, check_notice=False, check_past=False)
                if live else [])
    # Confirming checks everything again, notice period included.
    confirm_findings = windows.evaluate(values, window) if window.status == 'TENTATIVE' else []
    audience = notices.audience(windows.by_customer(window))
    messages = paginate(notices.messages_of(window),
                        current_app.config['NOC']['web']['page_size'])
    return render_template(
        'maintenance/show.html', window=window, findings=findings,
        confirm_findings=confirm_findings, audience=audience,
        notified=notices.should_notify(window),
        circuits=sum(len(c) for _, c, _ in audience), messages=messages,
        message_counts=message_counts(window), history=_history(window),
        acked=windows.acknowledged_of(window) | set(acknowledgements(request.form)),
        errors=errors or {}, cancel_error=cancel_error,
        cancel_reason=request.form.get('reason', ''), editable=window.status in windows.EDITABLE,
        zone=current_user.time_zone, answers=answers.overview(window) if window.published
        else [], requests=list(RescheduleRequest.select().where(RescheduleRequest.window == window)
                      .order_by(RescheduleRequest.created_at.desc())),
        received=list(InboundMessage.select().where(InboundMessage.window == window)
                      .order_by(InboundMessage.received_at.desc()).limit(100))), status


def problems(exc):
    """What a refused action tells the engineer."""
    errors = dict(exc.errors)
    if not errors and exc.findings:
        errors['_'] = _('Acknowledge the warnings first: %(warnings)s',
                        warnings='; '.join(str(f.message) for f in exc.findings
                                           if not f.is_error))
    return errors


ACTIONS = {
    'confirm': lambda w, user: windows.confirm(w, user,
                                               acknowledged=acknowledgements(request.form)),
    'start': windows.start,
    'complete': windows.complete,
    'cancel': lambda w, user: windows.cancel(w, user, clean_text(request.form.get('reason'))),
}


def act(window_id, action):
    """Run one lifecycle action; on refusal the page again, with the reasons."""
    if action == 'cancel':
        reason = clean_text(request.form.get('reason'))
        if not reason or len(reason) > MAX_REASON:
            message = (_('Give the reason for cancelling; customers who were told read it.')
                       if not reason else
                       _('The reason is too long (at most %(max)d characters).', max=MAX_REASON))
            return render_page(get_window(window_id), cancel_error=message)
    user = current_user._get_current_object()
    with write_transaction():
        window = get_window(window_id, lock=True)
        before = OutboxMessage.select().where(OutboxMessage.window == window).count()
        try:
            ACTIONS[action](window, user)
        except windows.WindowInvalid as exc:
            errors = problems(exc)
        else:
            errors = None
            queued = OutboxMessage.select().where(OutboxMessage.window == window).count() - before
    if errors:
        return render_page(get_window(window_id), errors=errors)
    flash(_('%(reference)s is now %(status)s; %(count)d notices queued.',
            reference=window.reference, status=window.status, count=queued), 'info')
    return redirect(url_for('maintenance.show', window_id=window.id))
