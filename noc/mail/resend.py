"""Sending a notice again: a message still waiting goes now, a sent one goes as a new copy.

A copy of a sent notice is a new message to its readers: calendar clients
and the NetBox/Nautobot parsers order notices by the mail's Date and the
calendar's DTSTAMP and drop duplicates on (Date, provider, subject), so the
copy gets a fresh Date, Message-ID and DTSTAMP. What it says (UID,
SEQUENCE, times, circuits) is the original's, byte for byte: SEQUENCE goes
up only when the window changes, never for a resend.
"""
import datetime
import email
import email.encoders
import re
from email.mime.base import MIMEBase
from email.utils import format_datetime

from flask_babel import lazy_gettext as _l

from noc.core.db import lock_rows, write_transaction
from noc.core.errors import CONFLICT, NotFound, Refused
from noc.core.limits import MAX_ID
from noc.mail import compose, outbox
from noc.models import MessageState, OutboxMessage, audit, utcnow

CALENDAR_TYPES = ('text/calendar', 'application/ics')
# Only a line that starts with DTSTAMP: a folded DESCRIPTION line starts with a space.
DTSTAMP = re.compile(r'^DTSTAMP[;:][^\r\n]*', re.M)
# The columns a copy keeps from the original.
COPIED = ('window', 'customer', 'contact', 'recipient', 'kind', 'method', 'sequence',
          'subject')


class ResendRefused(Refused):
    """The message cannot be sent again now; str() says why, for a person."""

    def __init__(self, message):
        super().__init__(kind=CONFLICT, message=str(message))


def find(message_id):
    """The outbox message `message_id`, or NotFound."""
    found = (OutboxMessage.get_or_none(OutboxMessage.id == message_id)
             if 0 < message_id <= MAX_ID else None)
    if found is None:
        raise NotFound('outbox message', message=str(_l('the message no longer exists')))
    return found


def resend(message_id, actor, provider, now=None):
    """Send message `message_id` again; returns the OutboxMessage that will go out.
    `provider` is the domain of a copy's Message-ID (maintenance.provider).

    queued or failed: the same row, due now. sent: a new row, re-stamped.
    sending (a worker has it right now) or a sent notice superseded by a later
    one to the same recipient: ResendRefused. Gone: NotFound.
    """
    now = now or utcnow()
    # Read, decide, write: no worker may claim the row in between.
    with write_transaction():
        fresh = None
        if 0 < message_id <= MAX_ID:
            fresh = lock_rows(OutboxMessage.select()
                              .where(OutboxMessage.id == message_id)).first()
        if fresh is None:
            raise NotFound('outbox message', message=str(_l('the message no longer exists')))
        if fresh.state in MessageState.NOT_SENT:
            return _requeue(fresh, actor, now)
        if fresh.state == MessageState.SENT:
            return _copy(fresh, actor, provider, now)
        raise ResendRefused(_l('the message is being sent right now; wait for the result'))


def _requeue(message, actor, now):
    before = {'state': message.state, 'attempts': message.attempts,
              'next_attempt_at': message.next_attempt_at, 'last_error': message.last_error}
    outbox.requeue(message, now)
    audit.record(actor, audit.Action.RESEND, audit.Entity.OUTBOX_MESSAGE, message.id,
                 message.subject[:200],
                 before, {'state': MessageState.QUEUED, 'next_attempt_at': now})
    return OutboxMessage.get_by_id(message.id)


def superseded_by(message):
    """A later notice of the same window to the same recipient (higher SEQUENCE), or None.

    A copy of an older notice with a fresh Date and DTSTAMP would look newer
    than it is to readers that order by them, and undo the later one.
    """
    if message.window_id is None:
        return None
    return (OutboxMessage.select(OutboxMessage.id, OutboxMessage.sequence)
            .where((OutboxMessage.window == message.window_id)
                   & (OutboxMessage.recipient == message.recipient)
                   & (OutboxMessage.sequence > message.sequence))
                .order_by(OutboxMessage.sequence.desc()).first())


def _copy(message, actor, provider, now):
    later = superseded_by(message)
    if later is not None:
        raise ResendRefused(_l('a later notice (SEQUENCE %(sequence)d) went to this recipient '
                               'since; resend that one instead', sequence=later.sequence))
    msgid = compose.message_id(provider)
    raw, ics = restamp(message.raw, message.ics, now, msgid)
    row = {name: getattr(message, name + '_id' if name in ('window', 'customer', 'contact')
                         else name) for name in COPIED}
    row.update(message_id=msgid, raw=raw, ics=ics, next_attempt_at=now, created_at=now)
    outbox.enqueue_many([row])
    audit.record(actor, audit.Action.RESEND, audit.Entity.OUTBOX_MESSAGE, message.id,
                 message.subject[:200],
                 {'state': message.state, 'message_id': message.message_id},
                 {'resent_as': row['id'], 'message_id': msgid})
    return OutboxMessage.get_by_id(row['id'])


def stamp_ics(ics, now):
    """The calendar with every DTSTAMP set to `now` (UTC)."""
    stamp = now.astimezone(datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    return DTSTAMP.sub('DTSTAMP:' + stamp, ics)


def restamp(raw, ics, now, msgid):
    """(raw, ics) of a message with a fresh Date, Message-ID and DTSTAMP.

    Every calendar part (inline text/calendar and the .ics attachment) gets
    the same new calendar, so whichever part a reader takes says the same.
    """
    msg = email.message_from_string(raw, policy=compose.CRLF)
    _set_header(msg, 'Date', format_datetime(now))
    _set_header(msg, 'Message-ID', msgid)
    parts = [p for p in msg.walk() if p.get_content_type() in CALENDAR_TYPES]
    if parts:
        # The inline part is what was sent; the column is a copy of it.
        inline = next((p for p in parts if p.get_content_type() == 'text/calendar'), parts[0])
        ics = inline.get_payload(decode=True).decode('utf-8')
    ics = stamp_ics(ics, now)
    for part in parts:
        _set_calendar(part, ics)
    return msg.as_string(policy=compose.CRLF), ics


def _set_header(msg, name, value):
    if name in msg:
        msg.replace_header(name, value)
    else:
        msg[name] = value


def _set_calendar(part, ics):
    """Replace a calendar part's content, base64 as compose wrote it, headers untouched."""
    if part.get_content_type() == 'text/calendar':
        payload = compose.UTF8_B64.body_encode(ics)
    else:
        holder = MIMEBase('application', 'ics')
        holder.set_payload(ics.encode('utf-8'))
        email.encoders.encode_base64(holder)
        payload = holder.get_payload()
    if (part.get('Content-Transfer-Encoding') or '').lower() != 'base64':
        _set_header(part, 'Content-Transfer-Encoding', 'base64')
    part.set_payload(payload)
