"""The BGP mailbox's answers: the status of a customer's prefixes mailed to
each of their BGP contacts in their language, and the short reply an unknown
sender may get. Every answer is an automatic reply (RFC 3834): it says so,
and names the question it answers, so it is never answered in turn.
"""
import datetime
import html
import re
import zoneinfo

from flask import current_app, render_template
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from noc.core.config import public_base_url
from noc.core.i18n import time_text
from noc.mail import compose, outbox, reading
from noc.models import MessageKind, OutboxMessage
from noc.routing.labels import reference
from noc.routing.policy import verdict
from noc.routing.prefix_requests import mail_query, notices, wording
from noc.routing.prefix_requests.mail_status import lookup

# Only a plain address is answered: no header tricks through a From.
PLAIN_ADDRESS = re.compile(r'[A-Za-z0-9.!#$%&\'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+')
REPLY_PREFIX = re.compile(r'^\s*(re|res|aw|sv|antw)\s*:', re.IGNORECASE)
# On every answer: the question it answers. Coming back, it is our own mail.
MARKER = 'X-Janela-Bgp-Query'


def settings():
    return current_app.config['NOC']


def asked_label(relation, text):
    if relation == 'covers':
        return _('covers %(asked)s', asked=text)
    if relation == 'inside':
        return _('inside %(asked)s', asked=text)
    return text


def asked_text(asked):
    return ', '.join(asked_label(relation, text) for relation, text in asked)


def _when(moment, contact):
    zone = contact.time_zone if contact else settings()['app']['time_zone']
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = datetime.timezone.utc
    return time_text(moment, tz, contact.language if contact else 'en')


def _subject(letter, fallback):
    subject = ' '.join((letter.subject or '').split())[:300]
    if not subject:
        return fallback
    return subject if REPLY_PREFIX.match(subject) else f'Re: {subject}'


def _thread_headers(letter):
    """In-Reply-To and References of an answer, only well-formed ASCII ids."""
    ids = [i for i in letter.in_reply_to if i.isascii() and i.isprintable()][-9:]
    own = letter.message_id.strip()
    headers = {}
    if reading.MESSAGE_ID.fullmatch(own) and own.isascii() and own.isprintable():
        headers['In-Reply-To'] = own
        ids.append(own)
    if ids:
        headers['References'] = ' '.join(dict.fromkeys(ids))
    return headers


def _mail(message, letter, contact, recipient, subject, text, body_html, language, kind,
          customer_id, now):
    conf = settings()
    msgid = compose.message_id(conf['maintenance']['provider'])
    mailbox = next((a for a in conf['inbound']['bgp_mailboxes']
                    if a.lower() == message.mailbox.lower()), conf['mail']['from_address'])
    headers = {**_thread_headers(letter), 'Reply-To': mailbox, 'X-Loop': mailbox,
               'X-Auto-Response-Suppress': 'All', MARKER: str(message.id)}
    raw = compose.build(sender=(conf['mail']['from_name'], conf['mail']['from_address']),
                        recipient=recipient, subject=subject, text=text, html=body_html,
                        ics='', method='', stamp=now, msgid=msgid, filename='',
                        language='pt-BR' if language == 'pt_BR' else 'en', headers=headers,
                        # RFC 3834 §5: an automatic answer to someone's message.
                        auto_submitted='auto-replied')
    return dict(window=None, customer=customer_id, contact=contact.id if contact else None,
                recipient=recipient[1], kind=kind, method='', sequence=0,
                subject=subject[:400], message_id=msgid, raw=raw, ics='',
                next_attempt_at=now, created_at=now)


def _api(path=''):
    return public_base_url(settings()) + '/api/v1' + path


def _context(message, letter, customer, contact, query, status, sender_contact):
    conf = settings()
    return dict(
        customer=customer, query=query, status=status, rows=status.rows,
        nothing_asked=query.empty, sender=letter.sender,
        asked_by=f'{sender_contact.name} <{letter.sender}>' if sender_contact else letter.sender,
        received=_when(message.received_at, contact),
        greeting=_('Hello, %(name)s,', name=contact.name), reference=reference,
        asked_text=asked_text, message=verdict.message,
        **wording.helpers(),
        prefix_url=lambda row: _api(f'/prefixes/{row.id}'),
        request_url=lambda request_id: _api(f'/prefix-requests/{request_id}'),
        prefixes_url=_api('/prefixes'), docs_url=_api('/docs'),
        max_items=mail_query.MAX_ITEMS, max_text=format_decimal(mail_query.MAX_TEXT),
        language=contact.language,
        operator=conf['app']['operator_name'], from_address=conf['mail']['from_address'])


def answer(message, letter, customer, sender_contact, query, now):
    """Queue the status answer to each BGP contact of `customer` -> count."""
    status = lookup(customer.id, query)
    rows = []
    for contact in notices.contacts(customer.id):
        with force_locale(contact.language):
            context = _context(message, letter, customer, contact, query, status,
                               sender_contact)
            subject = _subject(letter, _('Status of your prefixes'))
            text = render_template('email/bgp_status.txt', **context)
            body_html = render_template('email/bgp_status.html', **context)
        rows.append(_mail(message, letter, contact, (contact.name, contact.email), subject,
                          text, body_html, contact.language, MessageKind.BGP_ANSWER, customer.id,
                          now))
    outbox.enqueue_many(rows)
    return len(rows)


def _generic_text():
    """(subject, paragraphs) of the reply to an unknown sender, in both
    languages: we do not know theirs. Nothing of what they wrote, not even
    the subject: anyone can put a stranger's address in a From."""
    subjects, parts = [], []
    for language in ('pt_BR', 'en'):
        with force_locale(language):
            subjects.append(_('Our BGP mailbox: your address is not registered'))
            parts.append(_('This mailbox answers questions about prefix requests only from '
                           'the contacts our customers registered with us, and only to them. '
                           'Your address is not one of them, so we sent no data. If you are '
                           'a customer, ask your company to register this address as a BGP '
                           'contact, or write to the NOC.'))
    return ' / '.join(subjects), parts


def unknown_reply_allowed(sender, now):
    conf = settings()['inbound']
    hours, per_hour = conf['bgp_unknown_reply_hours'], conf['bgp_unknown_replies_per_hour']
    if not hours or not per_hour or not PLAIN_ADDRESS.fullmatch(sender):
        return False
    recent = OutboxMessage.select().where(
        (OutboxMessage.kind == MessageKind.BGP_UNKNOWN)
        & (OutboxMessage.created_at > now - datetime.timedelta(hours=1)))
    if recent.count() >= per_hour:
        return False
    return not OutboxMessage.select().where(
        (OutboxMessage.kind == MessageKind.BGP_UNKNOWN) & (OutboxMessage.recipient == sender)
        & (OutboxMessage.created_at > now - datetime.timedelta(hours=hours))).exists()


def generic_reply(message, letter, now):
    conf = settings()
    subject, texts = _generic_text()
    text = '\n\n'.join(texts) + f'\n\n-- \n{conf["app"]["operator_name"]} · NOC\n'
    body_html = ''.join(f'<p>{html.escape(t)}</p>\n' for t in texts)
    outbox.enqueue_many([_mail(message, letter, None, ('', letter.sender), subject, text,
                               body_html, 'pt_BR', MessageKind.BGP_UNKNOWN, None, now)])
