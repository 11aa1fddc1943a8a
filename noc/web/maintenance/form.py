"""The window form: check (parse, rules, who will be told), then save.

Nothing is stored until the engineer presses Save on a checked form; the
preview shows every customer affected, who of them gets an invitation or
a plain notice, who gets nothing, and the rule findings to acknowledge.
Saving is the window commands' (create, update): the form's text becomes
typed values here, and a refusal becomes the form again with its reasons.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from noc.core.errors import NotFound, Refused
from noc.core.limits import MAX_ITEMS
from noc.core.text import clean_text
from noc.maintenance import input as window_input
from noc.maintenance import notices, rules, window_commands, windows
from noc.models import Impact, MaintenanceWindow, WindowStatus
from noc.web.maintenance.filters import acknowledgements
from noc.web.maintenance.page import settings

FIELDS = ('title_pt', 'title_en', 'description_pt', 'description_en', 'internal_notes',
          'starts_at', 'ends_at', 'outage_minutes', 'impact', 'emergency_reason',
          'circuits', 'sites', 'segments')
# Circuits listed per customer in the preview; the rest are counted.
SHOWN_CIRCUITS = 500


def blank_form():
    return dict.fromkeys(FIELDS, '') | {'impact': Impact.OUTAGE, 'outage_minutes': '0',
                                            'emergency': False}


def prefilled():
    """A new window's scope from the address (/windows/new?sites=BHZ01,
    ?segments=…, ?circuits=…, each repeatable): what the "schedule
    maintenance here" links of the inventory pages send. Only text for the
    form: checking it reads the codes as typed ones are read."""
    form = blank_form()
    for name in window_input.SCOPE:
        codes = (clean_text(v) for v in request.args.getlist(name)[:MAX_ITEMS])
        form[name] = '\n'.join(c for c in codes if c)
    return form


def submitted():
    """The form as sent: every field as text, the emergency box as a flag."""
    raw = {name: request.form.get(name, '') for name in FIELDS}
    raw['emergency'] = bool(request.form.get('emergency'))
    return raw


def findings_for(values, window):
    """The rules as saving will apply them."""
    if window is None:
        return windows.evaluate(values, settings=settings())
    return windows.findings_for_update(window, values, settings=settings())


def audience_of(values):
    """([(Customer, [(Circuit, impact)], [contacts])], whether notices go at all)
    for a scope not stored yet."""
    draft = MaintenanceWindow(impact=values['impact'], emergency=values['emergency'])
    return notices.audience(windows.audience_for(values)), \
        notices.should_notify(draft, settings())


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
    if window is not None and window.status not in WindowStatus.LIVE:
        flash(_('A %(status)s window cannot be changed.',
                status=str(WindowStatus.label(window.status)).lower()), 'error')
        return redirect(url_for('maintenance.show', window_id=window.id))
    if request.method == 'GET':
        raw = (window_input.as_form(window, current_user.time_zone) if window
               else prefilled())
        return _render(window, raw, {})
    raw = submitted()
    typed, errors = window_input.from_text(raw, current_user.time_zone)
    if request.form.get('action') == 'save' and not errors:
        return _save(window, raw, typed)
    values, checked = window_input.check(typed)
    errors = {**checked, **errors}      # what text could not be read, as it was read
    return _checked(window, raw, values, errors)


def _checked(window, raw, values, errors, findings=None):
    """The form again with every problem found: the fields' own and, when what
    the rules read could be read, the rules' (beside their field, as saving
    would refuse them), with the preview."""
    # While what the rules read could be read they run, even when another field
    # (a title, the emergency's reason) is refused: one check reports everything.
    if errors.keys() & rules.READS:
        return _render(window, raw, errors)
    findings = findings if findings is not None else findings_for(values, window)
    blocking = {f.field: f.message for f in findings if f.is_error and f.field}
    return _render(window, raw, {**blocking, **errors},
                   _preview(values, window, findings, errors))


def _save(window, raw, typed):
    user = current_user._get_current_object()
    acknowledged = acknowledgements(request.form)
    try:
        if window is None:
            saved = window_commands.create(typed, user, settings(), acknowledged)
        else:
            saved = window_commands.update(window.id, typed, user, settings(), acknowledged)
    except NotFound:
        abort(404)
    except Refused as refused:
        return _refused(window, raw, typed, refused)
    if window is None:
        flash(_('Window %(reference)s created as TENTATIVE; confirm it to tell the '
                'customers.', reference=saved.reference), 'info')
    else:
        flash(_('Window %(reference)s saved.', reference=saved.reference), 'info')
    return redirect(url_for('maintenance.show', window_id=saved.id))


def _refused(window, raw, typed, refused):
    """The form again: a field's own errors alone, the rules' with the preview."""
    values, errors = window_input.check(typed)
    return _checked(window, raw, values, {**refused.errors, **errors},
                    refused.findings or None)
