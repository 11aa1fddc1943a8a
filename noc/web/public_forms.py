"""The customer page's forms: acknowledge the work, ask for another date, take
a request back. Each reads the form into typed values, calls the command of
maintenance.answer_commands or reschedule_commands, and shows a refusal
beside the fields it names.
"""

from flask import abort, current_app, flash, redirect, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from noc.core.errors import CONFLICT, NotFound
from noc.core.extensions import limiter
from noc.core.i18n import in_zone
from noc.core.limits import MAX_EMAIL, MAX_TIME_TEXT
from noc.core.text import clean_text
from noc.maintenance import answer_commands, answers, windows
from noc.maintenance import reschedule_commands as commands
from noc.maintenance import reschedules as reschedule
from noc.maintenance.input import parse_local_time
from noc.maintenance.settings import of_app
from noc.models import AcknowledgedVia, MaintenanceWindow, RescheduleState, RescheduleVia
from noc.web.form_errors import field_errors
from noc.web.public_page import (
    ROWS,
    bp,
    cannot_acknowledge,
    cannot_request,
    open_token,
    page_url,
    render,
    zone_of,
)

# Per address and action: generous for a customer's NOC behind one NAT, short
# for a script hammering a leaked link.
POST_LIMIT = '30 per minute; 300 per hour'


def _contact(customer, text):
    """The customer's contact with this e-mail address (any case), or None."""
    return answers.contact_by_email(customer.id, clean_text(text))


def _unknown_address(contact):
    if clean_text(request.form.get('email')) and contact is None:
        flash(_('The e-mail address you gave is not one of your registered contacts, '
                'so it was not recorded.'), 'info')


# Acknowledging.

def _seen_sequence():
    """The window's SEQUENCE as the page showed it; -1 (never one) when garbled."""
    text = request.form.get('sequence', '')
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else -1


@bp.route('/c/<token>/acknowledge', methods=['POST'])
@limiter.limit(POST_LIMIT)
def acknowledge(token):
    window, customer, row, language = open_token(token)
    with force_locale(language):
        contact = _contact(customer, request.form.get('email'))
        try:
            recorded = answer_commands.acknowledge(
                window.id, customer.id, seen_sequence=_seen_sequence(),
                contact_id=contact.id if contact else None, via=AcknowledgedVia.PAGE)
        except NotFound:            # the contact was removed since it was read
            abort(404)
        except answer_commands.AnswerRefused as exc:
            # Why it cannot be acknowledged is said as the page says it when shown,
            # of the window as the command found it (it may have changed since it was read).
            window = MaintenanceWindow.get_by_id(window.id)
            problem = cannot_acknowledge(window, customer) or exc.errors['acknowledge']
            return render(token, window, customer, row, language,
                          errors={'acknowledge': problem}, status=409)
        if not recorded:
            flash(_('This maintenance was already acknowledged.'), 'info')
            return redirect(page_url(token, '#acknowledgement'))
        flash(_('Thank you: the maintenance is acknowledged.'), 'info')
        _unknown_address(contact)
    return redirect(page_url(token, '#acknowledgement'))


# Asking for another date.

def _moment(text, zone):
    if len(text) > MAX_TIME_TEXT:
        raise ValueError(_l('is not a date and time; use YYYY-MM-DD HH:MM'))
    return parse_local_time(text, zone)


def _read_periods(form, zone):
    """The filled rows -> ([(row, start, end)], errors by field, the values to show)."""
    periods, errors, shown = [], {}, {}
    for row in ROWS:
        texts = {side: clean_text(form.get(f'{side}{row}')) for side in ('start', 'end')}
        shown.update({f'{side}{row}': text for side, text in texts.items()})
        if not any(texts.values()):
            continue
        moments = {}
        for side, text in texts.items():
            try:
                moments[side] = _moment(text, zone)
            except ValueError as exc:
                errors[f'{side}{row}'] = exc.args[0]
        for side, moment in moments.items():     # as the date-time input wants it
            shown[f'{side}{row}'] = in_zone(moment, zone).strftime('%Y-%m-%dT%H:%M')
        if len(moments) == 2:
            periods.append((row, moments['start'], moments['end']))
    return periods, errors, shown


def _form_errors(exc, periods):
    """A refusal by the page's fields: the command counts the periods it was
    given, the form its rows (row 2 may be empty)."""
    errors = field_errors(exc)
    for position, _column, message in exc.lines:
        errors[f'proposal{periods[position - 1][0]}'] = message
    return errors


def _all_errors(window, customer, periods, reason, errors):
    """Rows that could not be read, with what the command says of the rest."""
    try:
        commands.check_ask(window.id, customer.id, [(s, e) for _, s, e in periods], reason,
                           settings=of_app(current_app))
    except reschedule.RescheduleRefused as exc:
        if exc.kind == CONFLICT:
            raise                           # the window's state comes first, as in `ask`
        found = _form_errors(exc, periods)
        found.pop('proposals', None)       # rows were filled; their own errors say what is wrong
        errors = {**found, **errors}
    return errors


@bp.route('/c/<token>/request', methods=['POST'])
@limiter.limit(POST_LIMIT)
def ask(token):
    window, customer, row, language = open_token(token)
    with force_locale(language):
        periods, errors, form = _read_periods(request.form, zone_of(customer))
        reason = request.form.get('reason', '')     # the command cleans it, or refuses a NUL
        form.update(reason=clean_text(reason),
                    email=clean_text(request.form.get('email'))[:MAX_EMAIL])
        contact = _contact(customer, request.form.get('email'))
        replaces = any(r.state == RescheduleState.OPEN for r in reschedule.of_customer(window, customer.id))
        try:
            if errors:
                errors = _all_errors(window, customer, periods, reason, errors)
                return render(token, window, customer, row, language, form, errors, 400)
            commands.ask(window.id, customer.id, [(s, e) for _, s, e in periods], reason,
                         RescheduleVia.PAGE, settings=of_app(current_app),
                         contact_id=contact.id if contact else None)
        except NotFound:            # the contact was removed since it was read
            abort(404)
        except reschedule.RescheduleRefused as exc:
            errors = _form_errors(exc, periods)
            if exc.kind == CONFLICT:
                # Said as the page says it when shown, of the window as the command
                # found it (it may have changed since it was read).
                window = MaintenanceWindow.get_by_id(window.id)
                circuits = windows.by_customer(window).get(customer.id, [])
                errors = {'window': cannot_request(window, circuits) or errors['window']}
            return render(token, window, customer, row, language, form, errors,
                          409 if exc.kind == CONFLICT else 400)
        flash(_('Your request was sent to the NOC, which will answer by e-mail.')
              + (' ' + _('It replaces your earlier request.') if replaces else ''), 'info')
        _unknown_address(contact)
    return redirect(page_url(token, '#requests'))


@bp.route('/c/<token>/requests/<int:request_id>/withdraw', methods=['POST'])
@limiter.limit(POST_LIMIT)
def withdraw(token, request_id):
    window, customer, row, language = open_token(token)
    with force_locale(language):
        try:
            commands.withdraw(request_id, customer_id=customer.id, window_id=window.id)
        except NotFound:
            abort(404)
        except reschedule.RescheduleRefused as exc:
            return render(token, window, customer, row, language,
                          errors={f'withdraw{request_id}': m for m in exc.errors.values()},
                          status=409)
        flash(_('Your request was withdrawn.'), 'info')
    return redirect(page_url(token, '#requests'))
