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
This module decides whether and to whom to answer; bgp_answers.py writes
the answers, from what routing/prefix_requests/mail_status.py finds.
"""
import datetime
import logging
import re

import peewee as pw
from flask import has_app_context

from noc.inbound import bgp_answers
from noc.inbound.bgp_answers import MARKER, settings
from noc.mail import reading
from noc.models import (
    Contact,
    Customer,
    InboundKind,
    InboundOutcome,
    InboundState,
    MessageKind,
    OutboxMessage,
)
from noc.routing.prefix_requests import mail_query

log = logging.getLogger('janela.bgp_mailbox')

# RFC 3834 §2: never answer these, whatever their headers say.
ROBOT = re.compile(r'^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|listserv|majordomo|'
                   r'owner-.*|.*-request|.*-bounces?)@', re.IGNORECASE)
# Addresses written in a free-text header such as X-Loop.
ADDRESS_IN_TEXT = re.compile(r'[^\s<>()",;:]+@[^\s<>()",;:]+')


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


# -- the handler ----------------------------------------------------------------

def _seen(message, now):
    """Nothing for a person to do."""
    message.reviewed_at, message.reviewed_by = now, 'janela'


def _ignore(message, reason, now):
    message.kind = InboundKind.AUTO_REPLY
    message.state, message.outcome = InboundState.HANDLED, InboundOutcome.AUTO_IGNORED
    message.body_text = reason
    _seen(message, now)


def _unknown(message, letter, now, reply=True):
    message.state, message.outcome = InboundState.UNMATCHED, InboundOutcome.UNKNOWN_SENDER
    message.verified = False
    if reply and bgp_answers.unknown_reply_allowed(letter.sender, now):
        bgp_answers.generic_reply(message, letter, now)
        message.outcome = InboundOutcome.UNKNOWN_SENDER_TOLD


def _answers_this_hour(customer_id, now):
    """Answers mailed to the customer in the last hour, counted from what was
    sent (one answer is one mail per BGP contact, written at one moment), not
    from the questions: a question can concern several customers."""
    return (OutboxMessage.select(pw.fn.COUNT(pw.fn.DISTINCT(OutboxMessage.created_at)))
            .where((OutboxMessage.customer == customer_id) & (OutboxMessage.kind == MessageKind.BGP_ANSWER)
                   & (OutboxMessage.created_at > now - datetime.timedelta(hours=1)))
            .scalar()) or 0


def _answer_customers(message, letter, contacts, now):
    # Only what the sender wrote: a reply that is all quote asks nothing.
    query = mail_query.parse(letter.subject, letter.reply_text)
    message.state = InboundState.HANDLED
    if query.empty and replies_to_us(letter):
        # "Obrigado" to an answer: telling all their BGP contacts how to ask
        # would be noise. A person reads it.
        message.outcome = InboundOutcome.REPLY_NOTHING_ASKED
        return
    limit = settings()['inbound']['bgp_answers_per_hour']
    outcomes = []
    for customer_id, contact in contacts.items():
        customer = Customer.get_by_id(customer_id)
        if _answers_this_hour(customer_id, now) >= limit:
            outcomes.append(InboundOutcome.RATE_LIMITED)
        elif bgp_answers.answer(message, letter, customer, contact, query, now):
            outcomes.append(InboundOutcome.NOTHING_ASKED if query.empty else InboundOutcome.ANSWERED)
        else:
            outcomes.append(InboundOutcome.NO_BGP_CONTACT)
    # An outcome that needs a person wins over ANSWERED.
    answered = InboundOutcome.ANSWERED
    message.outcome = next((o for o in outcomes if o != answered), answered)
    if message.outcome == answered and not query.cut:     # cut: the NOC reads the rest
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
    message.kind = InboundKind.BGP_QUERY
    message.body_text = letter.reply_text or letter.text
    contacts = customers_of(letter.sender)
    if not contacts:
        return _unknown(message, letter, now, reply=not reason)
    first = next(iter(contacts.values()))
    message.contact, message.customer, message.verified = first, first.customer_id, True
    if reason:
        # Only the subject looks like an out-of-office reply: no answer (it may
        # be one), but not marked read (it may be a question).
        message.state, message.outcome = InboundState.HANDLED, InboundOutcome.AUTO_SUSPECTED
        return
    _answer_customers(message, letter, contacts, now)
