"""The customer page as it is shown: one maintenance as one customer sees it,
without a login, in the customer's language and time zone.

Every notice carries the address /c/<token> (maintenance.links): the signed
token is the key, so the page shows only that customer's circuits. Its forms
are in web.public_forms, its error pages in web.public.
"""
import zoneinfo

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from noc.core.limits import MAX_COMMENT, MAX_PROPOSALS
from noc.maintenance import answers, links, notices, windows
from noc.maintenance import reschedules as reschedule
from noc.models import AcknowledgedVia, RescheduleState, WindowCustomer, WindowStatus, utcnow
from noc.web.maintenance.views import IMPACT_LABELS, STATUS_LABELS

bp = Blueprint('public', __name__)

LANGUAGES = ('pt_BR', 'en')
# ?lang= as people may type it -> the language.
LANG_PARAMS = {'pt_BR': 'pt_BR', 'pt-BR': 'pt_BR', 'pt': 'pt_BR', 'en': 'en'}
ROWS = range(1, MAX_PROPOSALS + 1)
HEADERS = {
    'Referrer-Policy': 'no-referrer',           # the token is in the address
    'X-Robots-Tag': 'noindex, nofollow',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    # No script, no frame: the page is plain HTML with inline CSS.
    # img-src: the favicon, the page's only fetch.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}
# Errors the page shows beside their field or button; the others head the request form.
FIELDS = {'window', 'proposals', 'reason', 'email', 'acknowledge'} | {
    f'{name}{row}' for row in ROWS for name in ('proposal', 'start', 'end')}



@bp.after_request
def _headers(response):
    response.headers.update(HEADERS)
    return response


# Opening a token, in the reader's language.

def language_of(customer):
    chosen = LANG_PARAMS.get(request.args.get('lang', ''))
    if chosen:
        return chosen
    return customer.notice_language if customer.notice_language in LANGUAGES else 'pt_BR'


def lang_param():
    """The ?lang= the reader chose, kept on links and forms; None when none was."""
    return LANG_PARAMS.get(request.args.get('lang', ''))


def zone_of(customer):
    try:
        zoneinfo.ZoneInfo(customer.time_zone)
        return customer.time_zone
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return current_app.config['NOC']['app']['time_zone']


def page_url(token, anchor=''):
    return url_for('public.page', token=token, lang=lang_param()) + anchor


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
    return url_for('public.page', token=links.token(row, current_app.config['SECRET_KEY']),
                   lang=lang_param())


def _request_label(req):
    if req.state == RescheduleState.SPLIT:
        return _('accepted: your circuits moved to a new window %(reference)s',
                 reference=req.new_window.reference if req.new_window else '?')
    if req.state == RescheduleState.DECLINED and req.decision_reason:
        return _('declined: %(reason)s', reason=req.decision_reason)
    if req.state == RescheduleState.WITHDRAWN and req.decision_reason.startswith('#'):
        return _('withdrawn: replaced by a newer request')
    return str(RescheduleState.customer_label(req.state))


def _requests(window, customer):
    return [{'request': req, 'label': _request_label(req), 'proposals': req.proposals,
             'link': _split_link(req, customer) if req.state == RescheduleState.SPLIT else None}
            for req in reschedule.of_customer(window, customer.id)]


def _status_word(window):
    # 'In progress' as a label, 'in progress' within a sentence.
    return str(STATUS_LABELS.get(window.status, window.status)).lower()


def cannot_request(window, circuits):
    """Why the customer cannot ask to move the window, or '' when they can."""
    if not circuits:
        return _('Your circuits are no longer in this maintenance, so there is nothing '
                 'to move.')
    if window.status == WindowStatus.CANCELLED:
        return _('This maintenance was cancelled; there is nothing to move.')
    if not reschedule.open_for_requests(window):
        return _('This maintenance can no longer be moved: it is %(status)s.',
                 status=_status_word(window))
    return ''


def cannot_acknowledge(window, customer):
    reason = answers.why_not_acknowledge(window, customer.id)
    if reason == 'not-affected':
        return _('Your circuits are no longer in this maintenance; there is nothing to '
                 'acknowledge.')
    if reason == 'over':
        return _('There is nothing to acknowledge: this maintenance is %(status)s.',
                 status=_status_word(window))
    return ''


def _urls(token):
    lang = lang_param()
    return {'acknowledge': url_for('public.acknowledge', token=token, lang=lang),
            'request': url_for('public.ask', token=token, lang=lang),
            'withdraw': lambda request_id: url_for('public.withdraw', token=token,
                                                   request_id=request_id, lang=lang)}


def asked_and_refused(errors):
    """Whether `errors` refuse a request for another date (not an acknowledgement
    nor a withdrawal): the page then shows that form first."""
    return any(key != 'acknowledge' and not key.startswith('withdraw') for key in errors)


def render(token, window, customer, row, language, form=None, errors=None, status=200):
    """The page; `form` and `errors` of a refused form, shown beside its fields."""
    zone = zone_of(customer)
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
        via_label=AcknowledgedVia.label,
        circuits=circuits, acknowledged=answers.acknowledged(row, window),
        cannot_acknowledge=cannot_acknowledge(window, customer),
        cannot_request=cannot_request(window, circuits), requests=requests,
        has_open=any(item['request'].state == RescheduleState.OPEN for item in requests),
        form=form or {}, errors=errors, rows=ROWS, max_reason=MAX_COMMENT,
        other_errors=[message for key, message in errors.items()
                      if key not in FIELDS and not key.startswith('withdraw')],
        ask_refused=asked_and_refused(errors))
    return page, status


def open_token(token):
    """(window, customer, WindowCustomer, language) of a token; LinkRefused otherwise."""
    window, customer, row = links.resolve(token, current_app.config['SECRET_KEY'])
    return window, customer, row, language_of(customer)


@bp.route('/c/<token>')
def page(token):
    window, customer, row, language = open_token(token)
    with force_locale(language):
        return render(token, window, customer, row, language)
