"""Every received message: stored whole first, then handled.

Both ways in (`flask noc mail-in` on standard input, the worker's IMAP
poll) call `receive`. `store` commits the message before anything else
happens, so the MTA or the IMAP server can let go of it; a message that
cannot be read or handled stays stored with its error for the NOC, and
the next one goes on. The same Message-ID twice is stored once.
"""
import base64
import logging
import traceback

from noc.core.db import database, lock_rows, next_ids, write_transaction
from noc.mail import reading
from noc.models import InboundMessage, InboundOutcome, InboundState, utcnow

log = logging.getLogger('janela.inbound')


def _text(value, limit):
    # PostgreSQL text cannot hold NUL.
    return (value or '').replace('\x00', '')[:limit]


def _envelope(raw):
    """(key, sender, name, subject, mailbox) read leniently, never raising."""
    try:
        message = reading.parse(raw)
        # As written, not decoded: an encoded word could carry anything (NUL).
        message_id = str(message.get('Message-ID', '')).strip()
        name, sender = (reading.addresses(message, 'From') or [('', '')])[0]
        # Where it was delivered, else where it was sent; `process` routes it.
        to = [a for _, a in reading.addresses(message, 'X-Original-To', 'Delivered-To', 'To')]
        return (reading.key_of(message_id, raw), sender, name,
                ' '.join(reading.header(message, 'Subject').split()), to[0] if to else '')
    except Exception:       # the message is kept whatever it holds
        return reading.key_of('', raw), '', '', '', ''


def _raw_text(raw):
    try:
        text = raw.decode('utf-8')
        if '\x00' not in text:
            return 'utf-8', text
    except UnicodeDecodeError:
        pass
    return 'base64', base64.b64encode(raw).decode('ascii')


def store(raw, via, now=None):
    """(InboundMessage, True when new); commits before returning."""
    key, sender, name, subject, mailbox = _envelope(raw)
    encoding, text = _raw_text(raw)
    with database.atomic():
        new_id = next_ids('inbound_message')
        (InboundMessage.insert(
            id=new_id, message_key=key, received_at=now or utcnow(), via=via,
            mailbox=_text(mailbox, 254), sender=_text(sender, 254), sender_name=_text(name, 200),
            subject=_text(subject, 400), raw_encoding=encoding, raw=text)
         .on_conflict_ignore().execute())
    message = InboundMessage.get(InboundMessage.message_key == key)
    return message, message.id == new_id


def parsed(raw):
    """(Letter, the BGP mailbox it was sent to or ''): the whole message read,
    MIME and iCalendar. Called outside any transaction: an HTML-only mail can
    take seconds, and on SQLite a write transaction locks the whole database."""
    from noc.inbound import bgp_mailbox as bgp_mailbox
    letter = reading.read(raw)
    return letter, bgp_mailbox.mailbox_for(letter)


def _maintenance_settings():
    """The app's maintenance settings, or None with no app (a COUNTER then fails
    to be handled and stays for the NOC to handle again)."""
    from flask import current_app, has_app_context

    from noc.maintenance.settings import of_app
    return of_app(current_app) if has_app_context() else None


def process(message, now=None):
    """Handle one stored message once; an error is kept on the message.

    Read and parsed first, with no transaction open; then the row is locked
    and handled only if it is still new (another worker may have taken it
    meanwhile)."""
    from noc.inbound import bgp_mailbox as bgp_mailbox
    from noc.maintenance import inbox
    now = now or utcnow()
    try:
        stored = InboundMessage.get_or_none(
            (InboundMessage.id == message.id) & (InboundMessage.state == InboundState.NEW))
        if stored is None:                  # handled already
            return InboundMessage.get_by_id(message.id)
        letter, address = parsed(stored.raw_bytes)
        with write_transaction():
            fresh = lock_rows(InboundMessage.select().where(
                (InboundMessage.id == message.id) & (InboundMessage.state == InboundState.NEW)),
                skip_locked=True).first()
            if fresh is None:               # handled by another worker meanwhile
                return InboundMessage.get_by_id(message.id)
            # By the address it was sent to: the BGP mailbox answers prefix
            # questions; everything else is about maintenance windows.
            if address:
                fresh.mailbox = address
                bgp_mailbox.handle(fresh, letter, now)
            else:
                inbox.handle(fresh, letter, now, settings=_maintenance_settings())
            fresh.body_text = _text(fresh.body_text, 20000)
            fresh.error = _text('; '.join(letter.errors + ([fresh.error] if fresh.error else [])),
                                4000)
            fresh.save()
            return fresh
    except Exception as exc:
        log.exception('inbound message %s could not be handled', message.id)
        with database.atomic():
            InboundMessage.update(
                state=InboundState.ERROR, outcome=InboundOutcome.HANDLER_ERROR,
                error=_text(f'{type(exc).__name__}: {exc}\n' + traceback.format_exc(), 4000)
            ).where(InboundMessage.id == message.id).execute()
        return InboundMessage.get_by_id(message.id)


def receive(raw, via, now=None):
    """Store, then handle: the one way in for every received message."""
    message, new = store(raw, via, now)
    if new:
        message = process(message, now)
    return message, new


def process_pending(limit=100, now=None):
    """Handle messages stored but not handled (a crash between the two steps)."""
    pending = list(InboundMessage.select(InboundMessage.id)
                   .where(InboundMessage.state == InboundState.NEW)
                   .order_by(InboundMessage.received_at, InboundMessage.id).limit(limit))
    return [process(message, now) for message in pending]
