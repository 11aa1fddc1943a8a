"""The BGP mailbox: ISPs ask by mail about their prefix requests; Janela answers.

Who gets what (the From header can be forged by anyone):
- the sender must be a registered contact (any role) of a customer; the
  answer then goes to that customer's BGP contacts, each in their language,
  and holds only that customer's prefixes: whatever else was asked reads
  "not found among your requests", exactly like what does not exist;
- a customer without BGP contacts gets nothing mailed; the NOC reads it;
- an unknown sender gets no data: at most a short reply saying so, limited
  per address and overall by the rows already in the outbox (so it holds
  across restarts and workers), and the message waits in the unmatched queue;
- RFC 3834: nothing automatic is answered (auto-replies, bounces, lists, an
  empty Return-Path, robots, an X-Loop naming us, Janela itself); answers say
  Auto-Submitted: auto-replied and X-Loop, and a customer gets a bounded
  number per hour, which also ends a loop with an autoresponder that ignores
  those headers. A subject that only looks like an out-of-office reply is
  not answered either, but left for the NOC to read: it may be a question;
- a reply to mail Janela sent that names nothing ("obrigado") gets no mail:
  the NOC reads it.
Sets the InboundMessage's fields; the caller saves it in its transaction.
"""
import datetime
import html
import ipaddress
import logging
import re
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

import peewee as pw
from babel.dates import format_datetime
from flask import current_app, has_app_context, render_template
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _

from noc.mail import compose, outbox, reading
from noc.models import Circuit, Contact, Customer, OutboxMessage
from noc.models.routing import TrackedPrefix
from noc.routing.labels import STATE_LABELS, VERDICT_LABELS, label
from noc.routing.policy import verdict
from noc.routing.prefix_requests import mail_query, notices
from noc.routing.prefix_requests.workflow import reference

log = logging.getLogger('janela.bgp_mailbox')

MAX_ROWS = 200
ANSWER, UNKNOWN = 'bgp-answer', 'bgp-unknown'          # OutboxMessage.kind
# Only a plain address is answered: no header tricks through a From.
PLAIN_ADDRESS = re.compile(r'[A-Za-z0-9.!#$%&\'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+')
# RFC 3834 §2: never answer these, whatever their headers say.
ROBOT = re.compile(r'^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|listserv|majordomo|'
                   r'owner-.*|.*-request|.*-bounces?)@', re.IGNORECASE)
# Addresses written in a free-text header such as X-Loop.
ADDRESS_IN_TEXT = re.compile(r'[^\s<>()",;:]+@[^\s<>()",;:]+')
REPLY_PREFIX = re.compile(r'^\s*(re|res|aw|sv|antw)\s*:', re.IGNORECASE)
# On every answer: the question it answers. Coming back, it is our own mail.
MARKER = 'X-Janela-Bgp-Query'
# InboundMessage.outcome of messages left for the NOC without an answer.
SUSPECTED, THANKS = 'auto-suspected', 'reply-nothing-asked'


def settings():
    return current_app.config['NOC']


def addresses():
    return [a.lower() for a in settings()['inbound']['bgp_mailboxes']]


def own_addresses():
    """Every address Janela sends from or answers at."""
    return addresses() + [settings()['mail']['from_address'].lower()]


def mailbox_for(letter):
    """The BGP mailbox `letter` is for, or '' when it is for the maintenance
    handler (inbound routes by it).

    The envelope first: an X-Original-To or Delivered-To naming a BGP mailbox
    is where the MTA delivered it. When the BGP address is an alias of the
    maintenance mailbox, the envelope names only that mailbox, as it does for
    every message, so it decides nothing: To and Cc do. A message naming
    both mailboxes there is a question unless it replies to one of our
    maintenance notices, which the maintenance handler recognises.
    """
    if not has_app_context():
        # Only a caller without the app (a CLI command not run by `flask`)
        # gets here: its mail goes where all mail went before this handler.
        log.warning('no app context: %s routed to the maintenance handler', letter.message_key)
        return ''
    ours = addresses()
    named = next((a for a in letter.envelope if a in ours), '')
    if named or not ours:
        return named
    named = next((a for a in letter.recipients if a in ours), '')
    if named and settings()['mail']['from_address'].lower() in letter.recipients:
        from noc.maintenance import inbox
        if inbox.window_of_thread(letter) is not None:
            return ''
    return named


# -- whether to answer at all ---------------------------------------------------

def _names_us(values):
    """Whether one of these X-Loop values is one of our addresses (RFC 3834 §5.2)."""
    named = {a for value in values for a in ADDRESS_IN_TEXT.findall(str(value).lower())}
    return not named.isdisjoint(own_addresses())


def automatic(message, letter):
    """Why this message must not be answered (RFC 3834), or ''. Only a guess,
    reading.SUBJECT_GUESS, when nothing but its subject says automatic."""
    if letter.auto and letter.auto != reading.SUBJECT_GUESS:
        return letter.auto
    headers = reading.parse_headers(message.raw_bytes)
    if str(headers.get('Return-Path', 'x')).strip() in ('', '<>'):
        return 'empty Return-Path'
    suppress = str(headers.get('X-Auto-Response-Suppress', '')).lower()
    if 'all' in suppress or 'autoreply' in suppress:
        return f'X-Auto-Response-Suppress: {suppress[:100]}'
    if _names_us(headers.get_all('X-Loop') or []):
        return 'X-Loop: one of our addresses'
    if headers.get(MARKER) is not None:
        return f'{MARKER}: our own answer'
    sender = letter.sender
    if '@' not in sender:
        return 'no sender address'
    if sender in own_addresses():
        return 'sent by Janela itself'
    if ROBOT.match(sender):
        return 'sent by a robot address'
    return letter.auto


def replies_to_us(letter):
    """Whether the message answers mail Janela sent (In-Reply-To, References)."""
    ids = letter.in_reply_to[-100:]
    return bool(ids) and OutboxMessage.select().where(OutboxMessage.message_id.in_(ids)).exists()


def customers_of(sender):
    """The customers `sender` is a registered contact of, and that contact."""
    found = {}
    # Exact, case-insensitive: ILIKE would read % and _ in an address as wildcards.
    for contact in (Contact.select().where(pw.fn.LOWER(Contact.email) == sender)
                    .order_by(Contact.customer, Contact.id)):
        found.setdefault(contact.customer_id, contact)
    return found


# -- what the customer has ------------------------------------------------------

@dataclass
class Status:
    """One customer's answer: matched rows, each with how the mail named it."""
    rows: list = field(default_factory=list)       # [(TrackedPrefix, [(relation, text)])]
    missing: list = field(default_factory=list)    # asked texts with nothing of theirs
    more: int = 0                                  # rows past MAX_ROWS

    @property
    def requests(self):
        return sorted({row.request_id for row, _ in self.rows})


def _span(network):
    return (network.version, int(network.network_address), int(network.broadcast_address))


def _spans(customer_id, families):
    """(id, span) of every tracked prefix of the customer in `families`: integer
    ranges, since a customer may have thousands and a mail a hundred questions."""
    query = (TrackedPrefix.select(TrackedPrefix.id, TrackedPrefix.prefix)
             .where((TrackedPrefix.customer == customer_id)
                    & TrackedPrefix.family.in_(list(families))).tuples())
    return [(row_id, _span(ipaddress.ip_network(prefix))) for row_id, prefix in query]


def _relation(asked, tracked):
    """How a tracked prefix relates to an asked one (CIDR ranges nest or are apart)."""
    if asked[0] != tracked[0]:
        return None
    if asked == tracked:
        return 'exact'
    if tracked[1] <= asked[1] and asked[2] <= tracked[2]:
        return 'covers'            # the tracked prefix covers what was asked
    if asked[1] <= tracked[1] and tracked[2] <= asked[2]:
        return 'inside'
    return None


def _by_request(customer_id, items):
    ids = [a.request_id for a in items if a.request_id is not None]
    found = defaultdict(list)
    if ids:
        for row_id, request_id in (TrackedPrefix.select(TrackedPrefix.id, TrackedPrefix.request)
                                   .where((TrackedPrefix.customer == customer_id)
                                          & TrackedPrefix.request.in_(ids))
                                   .order_by(TrackedPrefix.family, TrackedPrefix.prefix)
                                   .tuples()):
            found[request_id].append(row_id)
    return found


def lookup(customer_id, query):
    """What the customer has of what `query` asks (never another customer's rows)."""
    status, matched = Status(), {}
    requests = _by_request(customer_id, query.items)
    families = {a.network.version for a in query.items if a.network is not None}
    spans = _spans(customer_id, families) if families else []
    for item in query.items:
        if item.request_id is not None:
            hits = [(row_id, 'request') for row_id in requests.get(item.request_id, [])]
        else:
            asked = _span(item.network)
            hits = [(row_id, relation) for row_id, span in spans
                    if (relation := _relation(asked, span))]
        if not hits:
            status.missing.append(item.text)
        for row_id, relation in hits:
            matched.setdefault(row_id, []).append((relation, item.text))
    ids = list(matched)
    status.more = max(len(ids) - MAX_ROWS, 0)
    rows = {row.id: row for row in TrackedPrefix.select(TrackedPrefix, Circuit)
            .join(Circuit).where(TrackedPrefix.id.in_(ids[:MAX_ROWS] or [-1]))}
    status.rows = [(rows[i], matched[i]) for i in ids[:MAX_ROWS]]
    return status


# -- the answer -----------------------------------------------------------------

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
    language = contact.language if contact else 'en'
    return format_datetime(moment, "d MMM y HH:mm ZZZZ", tzinfo=tz,
                           locale='pt_BR' if language == 'pt_BR' else 'en')


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
    return settings()['app']['base_url'].rstrip('/') + '/api/v1' + path


def _context(message, letter, customer, contact, query, status, sender_contact):
    conf = settings()
    return dict(
        customer=customer, query=query, status=status, rows=status.rows,
        nothing_asked=query.empty, sender=letter.sender,
        asked_by=f'{sender_contact.name} <{letter.sender}>' if sender_contact else letter.sender,
        received=_when(message.received_at, contact),
        greeting=_('Hello, %(name)s,', name=contact.name), reference=reference,
        asked_text=asked_text, message=verdict.message,
        state_label=lambda v: label(STATE_LABELS, v),
        verdict_label=lambda v: label(VERDICT_LABELS, v),
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
                          text, body_html, contact.language, ANSWER, customer.id, now))
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


def _unknown_reply_allowed(sender, now):
    conf = settings()['inbound']
    hours, per_hour = conf['bgp_unknown_reply_hours'], conf['bgp_unknown_replies_per_hour']
    if not hours or not per_hour or not PLAIN_ADDRESS.fullmatch(sender):
        return False
    recent = OutboxMessage.select().where(
        (OutboxMessage.kind == UNKNOWN)
        & (OutboxMessage.created_at > now - datetime.timedelta(hours=1)))
    if recent.count() >= per_hour:
        return False
    return not OutboxMessage.select().where(
        (OutboxMessage.kind == UNKNOWN) & (OutboxMessage.recipient == sender)
        & (OutboxMessage.created_at > now - datetime.timedelta(hours=hours))).exists()


def _generic_reply(message, letter, now):
    conf = settings()
    subject, texts = _generic_text()
    text = '\n\n'.join(texts) + f'\n\n-- \n{conf["app"]["operator_name"]} · NOC\n'
    body_html = ''.join(f'<p>{html.escape(t)}</p>\n' for t in texts)
    outbox.enqueue_many([_mail(message, letter, None, ('', letter.sender), subject, text,
                               body_html, 'pt_BR', UNKNOWN, None, now)])


# -- the handler ----------------------------------------------------------------

def _seen(message, now):
    """Nothing for a person to do."""
    message.reviewed_at, message.reviewed_by = now, 'janela'


def _ignore(message, reason, now):
    message.kind = 'auto-reply'
    message.state, message.outcome = 'handled', 'auto-ignored'
    message.body_text = reason
    _seen(message, now)


def _unknown(message, letter, now, reply=True):
    message.state, message.outcome, message.verified = 'unmatched', 'unknown-sender', False
    if reply and _unknown_reply_allowed(letter.sender, now):
        _generic_reply(message, letter, now)
        message.outcome = 'unknown-sender-told'


def _answers_this_hour(customer_id, now):
    """Answers mailed to the customer in the last hour, counted from what was
    sent (one answer is one mail per BGP contact, written at one moment), not
    from the questions: a question can concern several customers."""
    return (OutboxMessage.select(pw.fn.COUNT(pw.fn.DISTINCT(OutboxMessage.created_at)))
            .where((OutboxMessage.customer == customer_id) & (OutboxMessage.kind == ANSWER)
                   & (OutboxMessage.created_at > now - datetime.timedelta(hours=1)))
            .scalar()) or 0


def _answer_customers(message, letter, contacts, now):
    # Only what the sender wrote: a reply that is all quote asks nothing.
    query = mail_query.parse(letter.subject, letter.reply_text)
    message.state = 'handled'
    if query.empty and replies_to_us(letter):
        # "Obrigado" to an answer: telling all their BGP contacts how to ask
        # would be noise. A person reads it.
        message.outcome = THANKS
        return
    limit = settings()['inbound']['bgp_answers_per_hour']
    outcomes = []
    for customer_id, contact in contacts.items():
        customer = Customer.get_by_id(customer_id)
        if _answers_this_hour(customer_id, now) >= limit:
            outcomes.append('rate-limited')
        elif answer(message, letter, customer, contact, query, now):
            outcomes.append('nothing-asked' if query.empty else 'answered')
        else:
            outcomes.append('no-bgp-contact')
    # An outcome that needs a person wins over 'answered'.
    message.outcome = next((o for o in outcomes if o != 'answered'), 'answered')
    if message.outcome == 'answered' and not query.cut:     # cut: the NOC reads the rest
        _seen(message, now)


def handle(message, letter, now):
    """Route one stored message sent to the BGP mailbox; sets kind, state, outcome."""
    if letter.bounce is not None:
        # A report about an answer we sent: flag the address as the
        # maintenance mailbox does; never answered.
        from noc.maintenance import inbox
        return inbox.handle(message, letter, now)
    reason = automatic(message, letter)
    if reason and reason != reading.SUBJECT_GUESS:
        return _ignore(message, reason, now)
    message.kind = 'bgp-query'
    message.body_text = letter.reply_text or letter.text
    contacts = customers_of(letter.sender)
    if not contacts:
        return _unknown(message, letter, now, reply=not reason)
    first = next(iter(contacts.values()))
    message.contact, message.customer, message.verified = first, first.customer_id, True
    if reason:
        # Only the subject looks like an out-of-office reply: no answer (it may
        # be one), but not marked read (it may be a question).
        message.state, message.outcome = 'handled', SUSPECTED
        return
    _answer_customers(message, letter, contacts, now)
