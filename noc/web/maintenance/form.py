"""The window form: check (parse, rules, who will be told), then save.

Nothing is stored until the engineer presses Save on a checked form; the
preview shows every customer affected, who of them gets an invitation or
a plain notice, who gets nothing, and the rule findings to acknowledge.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from noc.core.db import write_transaction
from noc.maintenance import input as window_input
from noc.maintenance import notices, windows
from noc.models import MaintenanceWindow
from noc.web.maintenance.filters import acknowledgements
from noc.web.maintenance.page import get_window

FIELDS = ('title_pt', 'title_en', 'description_pt', 'description_en', 'internal_notes',
          'starts_at', 'ends_at', 'outage_minutes', 'impact', 'emergency_reason',
          'circuits', 'sites', 'segments')
# Circuits listed per customer in the preview; the rest are counted.
SHOWN_CIRCUITS = 500


def blank_form():
    return dict.fromkeys(FIELDS, '') | {'impact': 'OUTAGE', 'outage_minutes': '0',
                                            'emergency': False}


def submitted():
    """The form as sent: every field as text, the emergency box as a flag."""
    raw = {name: request.form.get(name, '') for name in FIELDS}
    raw['emergency'] = bool(request.form.get('emergency'))
    return raw


def findings_for(values, window):
    """The rules as saving will apply them."""
    if window is None:
        return windows.evaluate(values)
    return windows.findings_for_update(window, values)


def audience_of(values):
    """([(Customer, [(Circuit, impact)], [contacts])], whether notices go at all)
    for a scope not stored yet."""
    draft = MaintenanceWindow(impact=values['impact'], emergency=values['emergency'])
    return notices.audience(windows.audience_for(values)), \
        notices.should_notify(draft)


def _render(window, raw, errors, preview=None):
    acked = set(acknowledgements(request.form)) | windows.acknowledged_of(window)
    return render_template('maintenance/form.html', window=window, values=raw,
                           errors=errors, preview=preview, acked=acked,
                           zone=current_user.time_zone, impacts=MaintenanceWindow.IMPACTS,
                           shown_circuits=SHOWN_CIRCUITS)


def _preview(values, window, findings, errors=None):
    audience, notified = audience_of(values)
    blocking = [f for f in findings if f.is_error]
    return {'audience': audience, 'notified': notified, 'findings': findings,
            'blocking': blocking, 'errors': errors or {},
            'circuits': sum(len(c) for _, c, _ in audience)}


def edit_page(window):
    """GET shows the form; POST checks it (preview) or saves it."""
    if window is not None and window.status not in windows.EDITABLE:
        flash(_('A %(status)s window cannot be changed.', status=window.status), 'error')
        return redirect(url_for('maintenance.show', window_id=window.id))
    if request.method == 'GET':
        raw = (window_input.as_form(window, current_user.time_zone) if window
               else blank_form())
        return _render(window, raw, {})
    raw = submitted()
    values, errors = window_input.parse(raw, current_user.time_zone)
    if errors:
        return _render(window, raw, errors)
    findings = findings_for(values, window)
    if request.form.get('action') != 'save':
        # Rule errors about a field are shown beside it too, as saving would.
        blocking = {f.field: f.message for f in findings if f.is_error and f.field}
        return _render(window, raw, blocking, _preview(values, window, findings))
    return _save(window, raw, values, findings)


def _save(window, raw, values, findings):
    user = current_user._get_current_object()
    acknowledged = acknowledgements(request.form)
    refused = None
    # The window's row locked (SQLite: the write lock taken at once), so a
    # change and the worker moving the same window are one after the other.
    with write_transaction():
        try:
            if window is None:
                saved = windows.create(values, user, acknowledged=acknowledged)
            else:
                window = get_window(window.id, lock=True)
                saved = windows.update(window, values, user, acknowledged=acknowledged)
        except windows.WindowInvalid as exc:
            refused = exc
    if refused is not None:
        return _render(window, raw, refused.errors,
                       _preview(values, window, refused.findings or findings, refused.errors))
    if window is None:
        flash(_('Window %(reference)s created as TENTATIVE; confirm it to tell the '
                'customers.', reference=saved.reference), 'info')
    else:
        flash(_('Window %(reference)s saved.', reference=saved.reference), 'info')
    return redirect(url_for('maintenance.show', window_id=saved.id))
