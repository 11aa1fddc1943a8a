"""The customer page: one maintenance as one customer sees it, without a login.

Every notice carries the address /c/<token> (maintenance.links): the signed
token is the key, so the page shows only that customer's circuits, in the
customer's language and time zone, and lets them acknowledge the work or ask
for another date. Nothing here reads a user session; the token travels in
the URL, so no response may leak it (no referrer) or be kept (no store).
"""
import zoneinfo

import peewee as pw
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from noc.core.db import database
from noc.core.extensions import limiter
from noc.core.text import clean_text
from noc.maintenance import answers, links, notices, windows
from noc.maintenance import reschedules as reschedule
from noc.maintenance.input import parse_local_time
from noc.models import AuditLog, Contact, RescheduleRequest, WindowCustomer, utcnow
from noc.web.maintenance.views import IMPACT_LABELS, STATUS_LABELS

bp = Blueprint('public', __name__)

LANGUAGES = ('pt_BR', 'en')
# ?lang= as people may type it -> the language.
LANG_PARAMS = {'pt_BR': 'pt_BR', 'pt-BR': 'pt_BR', 'pt': 'pt_BR', 'en': 'en'}
MAX_ID = 2 ** 63 - 1
MAX_REASON = 2000
MAX_EMAIL = 254
MAX_TIME_TEXT = 40
ROWS = range(1, reschedule.MAX_PROPOSALS + 1)
# Per address and action: generous for a customer's NOC behind one NAT, short
# for a script hammering a leaked link.
POST_LIMIT = '30 per minute; 300 per hour'
HEADERS = {
    'Referrer-Policy': 'no-referrer',           # the token is in the address
    'X-Robots-Tag': 'noindex, nofollow',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    # No script, no image, no frame: the page is plain HTML with inline CSS.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
# Errors the page shows beside their field or button; the others head the request form.
FIELDS = {'window', 'proposals', 'reason', 'email', 'acknowledge'} | {
    f'{name}{row}' for row in ROWS for name in ('proposal', 'start', 'end')}

REQUEST_STATES = {
    'open': _l('waiting for the NOC'),
    'moved': _l('accepted: the window was moved'),
    'declined': _l('declined'),
    'withdrawn': _l('withdrawn'),
    'closed': _l('closed'),
}
VIA_LABELS = {
    'page': _l('on this page'),
    'calendar': _l('by answering the calendar invitation'),
    'mail': _l('by e-mail'),
    'api': _l('through the API'),
}


@bp.after_request
def _headers(response):
    response.headers.update(HEADERS)
    return response


# Opening a token, in the reader's language.

def _language(customer):
    chosen = LANG_PARAMS.get(request.args.get('lang', ''))
    if chosen:
        return chosen
    return customer.notice_language if customer.notice_language in LANGUAGES else 'pt_BR'


def _lang_param():
    """The ?lang= the reader chose, kept on links and forms; None when none was."""
    return LANG_PARAMS.get(request.args.get('lang', ''))


def _zone(customer):
    try:
        zoneinfo.ZoneInfo(customer.time_zone)
        return customer.time_zone
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return current_app.config['NOC']['app']['time_zone']


def _page_url(token, anchor=''):
    return url_for('public.page', token=token, lang=_lang_param()) + anchor


def _contact(customer, text):
    """The customer's contact with this e-mail address (any case), or None."""
    email = clean_text(text)
    if not email or len(email) > MAX_EMAIL:
        return None
    return (Contact.select()
            .where((Contact.customer == customer)
                   & (pw.fn.LOWER(Contact.email) == email.lower()))
            .order_by(Contact.id).first())


# What the page shows.

def _when(zone, language):
    return lambda moment: notices.when(moment, zone, language) if moment else ''


def _utc(moment):
    return moment.strftime('%Y-%m-%d %H:%M UTC') if moment else ''


def _split_link(req, customer):
    """The page of the window this customer's circuits moved to, when it is open."""
    new = req.new_window
    row = WindowCustomer.get_or_none(window=new.id, customer=customer.id) if new else None
    if row is None or row.link_revoked_at or new.ends_at <= utcnow():
        return None
    return url_for('public.page', token=links.token(row), lang=_lang_param())


def _request_label(req):
    if req.state == 'split':
        return _('accepted: your circuits moved to a new window %(reference)s',
                 reference=req.new_window.reference if req.new_window else '?')
    if req.state == 'declined' and req.decision_reason:
        return _('declined: %(reason)s', reason=req.decision_reason)
    if req.state == 'withdrawn' and req.decision_reason.startswith('#'):
        return _('withdrawn: replaced by a newer request')
    return str(REQUEST_STATES.get(req.state, req.state))


def _requests(window, customer):
    return [{'request': req, 'label': _request_label(req), 'proposals': req.proposals,
             'link': _split_link(req, customer) if req.state == 'split' else None}
            for req in reschedule.of_customer(window, customer.id)]


def _status_word(window):
    # 'In progress' as a label, 'in progress' within a sentence.
    return str(STATUS_LABELS.get(window.status, window.status)).lower()


def _cannot_request(window, circuits):
    """Why the customer cannot ask to move the window, or '' when they can."""
    if not circuits:
        return _('Your circuits are no longer in this maintenance, so there is nothing '
                 'to move.')
    if window.status == 'CANCELLED':
        return _('This maintenance was cancelled; there is nothing to move.')
    if not reschedule.open_for_requests(window):
        return _('This maintenance can no longer be moved: it is %(status)s.',
                 status=_status_word(window))
    return ''


def _cannot_acknowledge(window, customer):
    reason = answers.why_not_acknowledge(window, customer.id)
    if reason == 'not-affected':
        return _('Your circuits are no longer in this maintenance; there is nothing to '
                 'acknowledge.')
    if reason == 'over':
        return _('There is nothing to acknowledge: this maintenance is %(status)s.',
                 status=_status_word(window))
    return ''


def _urls(token):
    lang = _lang_param()
    return {'acknowledge': url_for('public.acknowledge', token=token, lang=lang),
            'request': url_for('public.ask', token=token, lang=lang),
            'withdraw': lambda request_id: url_for('public.withdraw', token=token,
                                                   request_id=request_id, lang=lang)}


def _render(token, window, customer, row, language, form=None, errors=None, status=200):
    """The page; `form` and `errors` of a refused form, shown beside its fields."""
    zone = _zone(customer)
    circuits = windows.by_customer(window).get(customer.id, [])
    errors = errors or {}
    requests = _requests(window, customer)
    page = render_template(
        'public/window.html', token=token, window=window, customer=customer, row=row,
        language=language, html_lang='pt-BR' if language == 'pt_BR' else 'en',
        other_language='en' if language == 'pt_BR' else 'pt_BR',
        zone=zone, when=_when(zone, language), utc=_utc, urls=_urls(token),
        operator=current_app.config['NOC']['app']['operator_name'],
        status_label=STATUS_LABELS.get(window.status, window.status),
        impact_label=lambda impact: IMPACT_LABELS.get(impact, impact),
        via_label=lambda via: VIA_LABELS.get(via, via),
        circuits=circuits, acknowledged=answers.acknowledged(row, window),
        cannot_acknowledge=_cannot_acknowledge(window, customer),
        cannot_request=_cannot_request(window, circuits), requests=requests,
        has_open=any(item['request'].state == 'open' for item in requests),
        form=form or {}, errors=errors, rows=ROWS, max_reason=MAX_REASON,
        other_errors=[message for key, message in errors.items()
                      if key not in FIELDS and not key.startswith('withdraw')])
    return page, status


def _open(token):
    """(window, customer, WindowCustomer, language) of a token; LinkInvalid otherwise."""
    window, customer, row = links.resolve(token)
    return window, customer, row, _language(customer)


@bp.route('/c/<token>')
def page(token):
    window, customer, row, language = _open(token)
    with force_locale(language):
        return _render(token, window, customer, row, language)


# Acknowledging.

@bp.route('/c/<token>/acknowledge', methods=['POST'])
@limiter.limit(POST_LIMIT)
def acknowledge(token):
    window, customer, row, language = _open(token)
    with force_locale(language):
        problem = _cannot_acknowledge(window, customer)
        if not problem and answers.acknowledged(row, window):
            flash(_('This maintenance was already acknowledged.'), 'info')
            return redirect(_page_url(token, '#acknowledgement'))
        if not problem and request.form.get('sequence') != str(window.sequence):
            # The window changed after the page was shown: what was read is not it.
            problem = _('This maintenance changed while the page was open; read it again, '
                        'then acknowledge.')
        if problem:
            return _render(token, window, customer, row, language,
                           errors={'acknowledge': problem}, status=409)
        contact = _contact(customer, request.form.get('email'))
        with database.atomic():
            answers.acknowledge(window, customer.id, contact.email if contact else 'page',
                                'page')
        flash(_('Thank you: the maintenance is acknowledged.'), 'info')
        if clean_text(request.form.get('email')) and contact is None:
            flash(_('The e-mail address you gave is not one of your registered contacts, '
                    'so it was not recorded.'), 'info')
    return redirect(_page_url(token, '#acknowledgement'))


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
            shown[f'{side}{row}'] = moment.astimezone(zoneinfo.ZoneInfo(zone)) \
                .strftime('%Y-%m-%dT%H:%M')
        if len(moments) == 2:
            periods.append((row, moments['start'], moments['end']))
    return periods, errors, shown


def _read_reason(form, errors):
    reason = clean_text((form.get('reason') or '').replace('\r\n', '\n'))
    if not reason:
        errors['reason'] = _('Say why the planned date does not suit you.')
    elif len(reason) > MAX_REASON:
        errors['reason'] = _('The reason is too long (at most %(max)d characters).',
                             max=MAX_REASON)
    return reason


def _renumbered(errors, rows):
    """The domain counts the periods given; the form counts its rows (2 may be empty)."""
    found = {}
    for key, message in errors.items():
        number = key[len('proposal'):]
        if key.startswith('proposal') and number.isdigit() and 0 < int(number) <= len(rows):
            key = f'proposal{rows[int(number) - 1]}'
        found[key] = message
    return found


def _period_errors(periods, window, filled):
    """The domain's verdict on the periods that could be read (all errors at once)."""
    errors = reschedule.check_periods([(s, e) for _, s, e in periods], window, utcnow())
    if 'proposals' in errors and filled:
        del errors['proposals']       # rows were filled; their own errors say what is wrong
    return _renumbered(errors, [row for row, _, _ in periods])


def _requested_by(contact):
    # reschedule writes 'customer:<requested_by>' into 64-character columns (the
    # audit log's username, decided_by): a longer address would fail there on
    # PostgreSQL. The request keeps the contact itself either way.
    if contact is None or len('customer:' + contact.email) > AuditLog.username.max_length:
        return 'page'
    return contact.email


@bp.route('/c/<token>/request', methods=['POST'])
@limiter.limit(POST_LIMIT)
def ask(token):
    window, customer, row, language = _open(token)
    with force_locale(language):
        zone = _zone(customer)
        periods, errors, form = _read_periods(request.form, zone)
        filled = bool(periods or errors)
        reason = _read_reason(request.form, errors)
        form.update(reason=reason, email=clean_text(request.form.get('email'))[:MAX_EMAIL])
        problem = _cannot_request(window, windows.by_customer(window).get(customer.id, []))
        if problem:
            return _render(token, window, customer, row, language, form,
                           {'window': problem}, 409)
        if errors:
            errors.update(_period_errors(periods, window, filled))
            return _render(token, window, customer, row, language, form, errors, 400)
        contact = _contact(customer, request.form.get('email'))
        replaces = any(r.state == 'open' for r in reschedule.of_customer(window, customer.id))
        try:
            reschedule.submit(window, customer, [(s, e) for _, s, e in periods], reason, 'page',
                              contact=contact, requested_by=_requested_by(contact))
        except reschedule.RequestInvalid as exc:
            errors = _renumbered(exc.errors, [r for r, _, _ in periods])
            return _render(token, window, customer, row, language, form, errors,
                           409 if 'window' in errors else 400)
        flash(_('Your request was sent to the NOC, which will answer by e-mail.')
              + (' ' + _('It replaces your earlier request.') if replaces else ''), 'info')
        if clean_text(request.form.get('email')) and contact is None:
            flash(_('The e-mail address you gave is not one of your registered contacts, '
                    'so it was not recorded.'), 'info')
    return redirect(_page_url(token, '#requests'))


@bp.route('/c/<token>/requests/<int:request_id>/withdraw', methods=['POST'])
@limiter.limit(POST_LIMIT)
def withdraw(token, request_id):
    window, customer, row, language = _open(token)
    with force_locale(language):
        found = RescheduleRequest.get_or_none(
            (RescheduleRequest.id == request_id) & (RescheduleRequest.window == window)
            & (RescheduleRequest.customer == customer.id)) if request_id <= MAX_ID else None
        if found is None:
            abort(404)
        try:
            reschedule.withdraw(found)
        except reschedule.RequestInvalid as exc:
            return _render(token, window, customer, row, language,
                           errors={f'withdraw{request_id}': m for m in exc.errors.values()},
                           status=409)
        flash(_('Your request was withdrawn.'), 'info')
    return redirect(_page_url(token, '#requests'))


# Links that do not open, and errors, on a page of this kind (never the NOC's).

def _note(language, title, message):
    with force_locale(language):
        return {'lang': 'pt-BR' if language == 'pt_BR' else 'en', 'title': str(title),
                'message': str(message), 'back': _('Back to the maintenance page')}


def _notes_page(notes, status, back=None):
    return render_template('public/invalid.html', notes=notes, back=back,
                           operator=current_app.config['NOC']['app']['operator_name'],
                           html_lang=notes[0]['lang']), status


@bp.errorhandler(links.LinkInvalid)
def invalid_link(exc):
    if exc.reason == 'unknown':
        # Whose link it was is unknown, so which language too: both.
        return _notes_page([_note(language, _l('This link is not valid'), _l(
            'Check that the whole address in the notice was opened, or reply to the notice '
            'to reach the NOC.')) for language in LANGUAGES], 404)
    reference = exc.window.reference
    if exc.reason == 'revoked':
        title, message = _l('This link was replaced'), _l(
            'Use the link in the latest notice about %(reference)s.', reference=reference)
    else:
        title, message = _l('The maintenance %(reference)s has ended', reference=reference), \
            _l('This page is no longer available.')
    return _notes_page([_note(_language(exc.customer), title, message)], 410)


ERRORS = {
    400: (_l('Bad request'), _l('The request could not be understood; go back and try again.')),
    404: (_l('Not found'), _l('There is nothing at this address.')),
    405: (_l('Not allowed here'), _l('This address does not take that kind of request.')),
    429: (_l('Too many attempts'), _l('Too many attempts. Wait a minute and try again.')),
}


def _back():
    token = (request.view_args or {}).get('token')
    return _page_url(token) if token else None


@bp.errorhandler(CSRFError)
def csrf_error(exc):
    return _notes_page([_note(language, _l('Form expired'), _l(
        'The form was open too long or came from elsewhere; go back, reload the page and '
        'send it again.')) for language in LANGUAGES], 400, _back())


@bp.errorhandler(HTTPException)
def http_error(exc):
    code = exc.code or 500
    title, message = ERRORS.get(code, (_l('Error %(code)d', code=code),
                                       _l('The request failed.')))
    return _notes_page([_note(language, title, message) for language in LANGUAGES],
                       code, _back())


@bp.errorhandler(Exception)
def unexpected(exc):
    current_app.logger.exception('unexpected error on %s', request.path)
    try:
        return _notes_page([_note(language, _l('Internal error'), _l(
            'Something went wrong on our side; it was logged. Try again, and tell the NOC '
            'administrators if it persists.')) for language in LANGUAGES], 500)
    except Exception:  # the page itself failed: still no traceback
        current_app.logger.exception('error page failed')
        return '500 Internal error', 500, {'Content-Type': 'text/plain; charset=utf-8'}


def register(app):
    app.register_blueprint(bp)
