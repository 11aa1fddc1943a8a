"""What a customer's mail about a window does: the maintenance mailbox's handler.

- an iTIP REPLY sets the attendee's answer (older replies never win);
- an iTIP COUNTER opens a reschedule request with the proposed period, when
  the period passes the rules of the customer page (else the message waits
  for the NOC with the reason);
- a REPLY or COUNTER with a SEQUENCE above the window's, or a DTSTAMP not yet
  come, answers no notice we sent: it is held unverified, never applied;
- a plain reply is attached to the window for the NOC to read;
- a bounce flags the address on the window and on the contact;
- an auto-reply is kept on the window and otherwise ignored.
The sender must be a contact of a customer the window affects (or was sent
notices about); anything else lands in the unmatched queue, unverified.
Sets the InboundMessage's fields; the caller saves it in its transaction.
"""
import re

import peewee as pw

from noc.core.errors import Refused
from noc.maintenance import answer_commands, answers, reschedule_commands
from noc.models import (
    Contact,
    InboundKind,
    InboundOutcome,
    InboundState,
    MaintenanceWindow,
    OutboxMessage,
    Partstat,
    WindowCustomer,
    utcnow,
)

REFERENCE = re.compile(r'\bMW-\d{4}-\d{5}\b', re.IGNORECASE)
# The iTIP methods a customer's calendar answers with; any other is InboundKind.ITIP.
ITIP_KINDS = {'REPLY': InboundKind.REPLY, 'COUNTER': InboundKind.COUNTER}


def window_of_thread(letter):
    """The window of the notice a reply answers (In-Reply-To, References), or None."""
    if not letter.in_reply_to:
        return None
    sent = (OutboxMessage.select().where(OutboxMessage.message_id.in_(letter.in_reply_to))
            .order_by(OutboxMessage.id.desc()).first())
    return MaintenanceWindow.get_or_none(id=sent.window_id) if sent and sent.window_id else None


def _window_by_reference(*texts):
    for text in texts:
        for found in REFERENCE.findall(text or ''):
            window = MaintenanceWindow.get_or_none(reference=found.upper())
            if window:
                return window
    return None


def customer_ids(window):
    """Customers the window affects now or was about (told, then removed)."""
    told = {cid for (cid,) in WindowCustomer.select(WindowCustomer.customer)
            .where(WindowCustomer.window == window).tuples()}
    return set(answers.customers_of(window)) | told


def contact_for(window, *addresses):
    """The first address that is a contact of one of the window's customers."""
    customers = customer_ids(window)
    for address in addresses:
        if not address:
            continue
        # Exact, case-insensitive: ILIKE would read % and _ in an address as wildcards.
        contact = (Contact.select().where(
            (pw.fn.LOWER(Contact.email) == address.strip().lower())
            & Contact.customer.in_(list(customers) or [-1]))
            .order_by(Contact.role_maintenance.desc(), Contact.id).first())
        if contact:
            return contact
    return None


def _attach(message, window, contact):
    message.window = window
    if contact:
        message.contact, message.customer, message.verified = contact, contact.customer_id, True


def _unmatched(message, outcome, window=None):
    message.state, message.outcome, message.verified = InboundState.UNMATCHED, outcome, False
    message.window = window


def _seen(message, now):
    """Nothing for a person to do (a bare acceptance, an auto-reply)."""
    message.reviewed_at, message.reviewed_by = now, 'janela'


def _bounce(message, letter, now):
    message.kind = InboundKind.BOUNCE if letter.failed else InboundKind.DELAY
    originals = list(OutboxMessage.select().where(
        OutboxMessage.message_id.in_(letter.original_ids or ['-'])))
    window = next((MaintenanceWindow.get_or_none(id=o.window_id) for o in originals
                   if o.window_id), None)
    message.window = window
    message.body_text = '\n'.join(f'{r.address}: {r.action} {r.status} {r.diagnostic}'.strip()
                                  for r in letter.bounce)
    if not letter.failed:
        message.state, message.outcome = InboundState.HANDLED, InboundOutcome.DELIVERY_DELAYED
        _seen(message, now)
        return
    flagged = 0
    for recipient in letter.failed:
        # Only a report about a message we sent, to that message's recipient:
        # anyone can write a delivery report naming an address.
        sent = next((o for o in originals if o.recipient.lower() == recipient.address), None)
        contacts = [Contact.get_or_none(id=sent.contact_id)] if sent and sent.contact_id else []
        for contact in filter(None, contacts):
            answers.record_bounce(window, contact, f'{recipient.status} {recipient.diagnostic}'
                                  .strip(), now)
            message.contact, message.customer = contact, contact.customer_id
            flagged += 1
    if flagged:
        message.state, message.outcome = InboundState.HANDLED, InboundOutcome.BOUNCE_RECORDED
        message.verified = True
    else:
        _unmatched(message, InboundOutcome.BOUNCE_UNKNOWN_ADDRESS, window)


def _itip(message, letter, event, now, settings):
    message.kind = ITIP_KINDS.get(event.method, InboundKind.ITIP)
    window = MaintenanceWindow.get_or_none(uid=event.uid)
    if window is None:
        return _unmatched(message, InboundOutcome.UNKNOWN_EVENT)
    attendees = [a for a, _, _ in event.attendees]
    contact = contact_for(window, letter.sender)
    if contact is None:
        return _unmatched(message, InboundOutcome.UNKNOWN_SENDER, window)
    # Delegates and shared mailboxes: the attendee may be another contact of
    # the same customer than the sender; the answer is the attendee's.
    attendee = contact_for(window, *attendees) if attendees else None
    if attendee is None or attendee.customer_id != contact.customer_id:
        attendee = contact
    _attach(message, window, attendee)
    partstat = next((p for a, p, _ in event.attendees if a == attendee.email.lower()),
                    event.attendees[0][1] if event.attendees else '')
    message.partstat = partstat
    message.body_text = event.comment or letter.reply_text
    if event.method == 'REPLY':
        return _reply(message, window, attendee, event, partstat, now)
    if event.method == 'COUNTER':
        return _counter(message, window, attendee, event, letter, now, settings)
    message.state, message.outcome = InboundState.HANDLED, InboundOutcome.itip(event.method)


# The fields of a refusal that say the answer is ahead of what we sent
# (answers.ahead), and what the message is then.
AHEAD = {'sequence': InboundOutcome.SEQUENCE_AHEAD, 'dtstamp': InboundOutcome.STAMP_AHEAD}


def _refused(message, exc, outcome):
    """The command refused: an answer ahead of what we sent is held unverified
    in the unmatched queue; any other waits for the NOC with the reason."""
    ahead = next((AHEAD[field] for field in exc.errors if field in AHEAD), None)
    if ahead is not None:
        _unmatched(message, ahead, message.window)
    else:
        message.outcome = outcome
    message.error = str(exc)


def _reply(message, window, contact, event, partstat, now):
    if partstat not in Partstat.ANSWERS:
        message.state, message.outcome = InboundState.HANDLED, InboundOutcome.REPLY_WITHOUT_ANSWER
        return
    message.state = InboundState.HANDLED
    try:
        applied = answer_commands.record_reply(window.id, contact.id, partstat, event.sequence,
                                               event.stamped_at, event.comment, message.id, now)
    except Refused as exc:
        return _refused(message, exc, InboundOutcome.ANSWER_REFUSED)
    message.outcome = InboundOutcome.ANSWER_APPLIED if applied else InboundOutcome.ANSWER_OLDER
    if partstat == Partstat.ACCEPTED and not event.comment:
        _seen(message, now)


def _counter(message, window, contact, event, letter, now, settings):
    # Its PARTSTAT (Outlook's TENTATIVE) is not an answer to the current times:
    # the attendee is asking to change them.
    message.state = InboundState.HANDLED
    if event.starts_at is None or event.ends_at is None:
        message.outcome = InboundOutcome.COUNTER_WITHOUT_PERIOD
        message.error = 'COUNTER without DTSTART/DTEND'
        return
    try:
        reschedule_commands.counter(window.id, contact.id, (event.starts_at, event.ends_at),
                                    event.comment or letter.reply_text, sequence=event.sequence,
                                    stamp=event.stamped_at, settings=settings,
                                    inbound_id=message.id, now=now)
    except Refused as exc:
        return _refused(message, exc, InboundOutcome.COUNTER_REFUSED)
    message.outcome = InboundOutcome.REQUEST_OPENED
    _seen(message, now)          # the request is what the NOC works from


def _plain(message, letter, now):
    message.kind = InboundKind.MESSAGE
    message.body_text = letter.reply_text or letter.text
    window = window_of_thread(letter) or _window_by_reference(letter.subject, letter.text)
    if window is None:
        return _unmatched(message, InboundOutcome.NO_WINDOW)
    contact = contact_for(window, letter.sender)
    if contact is None:
        return _unmatched(message, InboundOutcome.UNKNOWN_SENDER, window)
    _attach(message, window, contact)
    message.state, message.outcome = InboundState.HANDLED, InboundOutcome.MESSAGE_ATTACHED


def _automatic(message, letter, now):
    message.kind = InboundKind.AUTO_REPLY
    message.body_text = letter.auto
    window = window_of_thread(letter) or _window_by_reference(letter.subject)
    if window:
        _attach(message, window, contact_for(window, letter.sender))
    message.state, message.outcome = InboundState.HANDLED, InboundOutcome.AUTO_REPLY
    _seen(message, now)


def handle(message, letter, now=None, *, settings=None):
    """Route one stored message; sets its kind, state, window and outcome.
    `settings` the maintenance settings (a COUNTER's period is checked with them)."""
    now = now or utcnow()
    if letter.bounce is not None:
        return _bounce(message, letter, now)
    if letter.auto:
        return _automatic(message, letter, now)
    event = next((e for e in letter.events if e.method in ITIP_KINDS), None)
    if event is not None:
        return _itip(message, letter, event, now, settings)
    return _plain(message, letter, now)
