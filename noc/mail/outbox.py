"""The outbox: messages written with the change that caused them, sent later.

Delivery guarantee (documented in README): a message is claimed by one
worker (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite serialises writers), and
the claim carries a fencing token drawn at claim time. Only the worker
holding the token hands the message to the server: right before each
message it checks the claim is still its own and renews the lease (`hold`),
and the rest of its batch while it sends (`renew`); a message whose claim
was taken over is skipped. Only the holder marks the message sent, failed
or to retry (`WHERE id = ? AND claim_token = ?`), each in its own commit
right after the server answered. A worker killed mid-batch leaves its unsent
claims to be taken over after the claim lease; only the message in flight at
the moment of the kill (accepted by the server, not yet marked) can be sent
a second time. Nothing is lost: rows leave the outbox only by being marked
sent or failed.
"""
import datetime
import secrets

import peewee

from noc.core.db import lock_rows, next_ids, write_transaction
from noc.models import MessageState, OutboxMessage, utcnow

CHUNK = 200


def enqueue_many(rows):
    """Insert message rows (dicts of OutboxMessage columns) in the caller's transaction."""
    if not rows:
        return
    first = next_ids('outbox_message', len(rows))
    for offset, row in enumerate(rows):
        row['id'] = first + offset
        row.setdefault('state', MessageState.QUEUED)
    for start in range(0, len(rows), CHUNK):
        OutboxMessage.insert_many(rows[start:start + CHUNK]).execute()


def _claimable(now, lease):
    stale = now - datetime.timedelta(seconds=lease)
    return (((OutboxMessage.state == MessageState.QUEUED) & (OutboxMessage.next_attempt_at <= now))
            | ((OutboxMessage.state == MessageState.SENDING) & (OutboxMessage.claimed_at < stale)))


def claim(worker_id, limit, lease, now=None):
    """Take up to `limit` due messages for `worker_id`; committed before sending.

    The messages come back carrying this claim's fencing token.
    """
    now = now or utcnow()
    token = secrets.token_hex(16)
    with write_transaction():
        query = (OutboxMessage.select(OutboxMessage.id)
                 .where(_claimable(now, lease))
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
        # Two workers skip each other's rows instead of waiting or doubling.
        ids = [row.id for row in lock_rows(query, skip_locked=True)]
        if not ids:
            return []
        # The state condition again: on SQLite another worker may have got here first.
        (OutboxMessage.update(state=MessageState.SENDING, claimed_by=worker_id, claimed_at=now,
                              claim_token=token, attempts=OutboxMessage.attempts + 1)
         .where(OutboxMessage.id.in_(ids) & _claimable(now, lease)).execute())
    return list(OutboxMessage.select()
                .where(OutboxMessage.id.in_(ids) & (OutboxMessage.claim_token == token)
                       & (OutboxMessage.state == MessageState.SENDING))
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id))


def _held(messages):
    """The rows of `messages` (one claim) still claimed with their token."""
    tokens = {m.claim_token for m in messages}
    if len(tokens) != 1 or not next(iter(tokens)):
        raise ValueError('messages of one claim expected')
    return (OutboxMessage.id.in_([m.id for m in messages])
            & (OutboxMessage.claim_token == tokens.pop())
            & (OutboxMessage.state == MessageState.SENDING))


def hold(message, now=None):
    """Right before `message` goes to the server: True if this worker still holds
    its claim, which then runs for another lease from `now`; False if another
    worker took it over (or a person resent it), and it must not be sent."""
    return bool(OutboxMessage.update(claimed_at=now or utcnow())
                .where(_held([message])).execute())


def renew(messages, now=None):
    """Renew the lease on the claimed `messages` still held; returns how many."""
    if not messages:
        return 0
    return OutboxMessage.update(claimed_at=now or utcnow()).where(_held(messages)).execute()


def _finish(message, **values):
    """Mark `message` if this worker still holds its claim; False if it lost it."""
    return bool(OutboxMessage.update(claimed_at=None, claim_token='', **values)
                .where(_held([message])).execute())


def mark_sent(message, reply, now=None):
    return _finish(message, state=MessageState.SENT, server_reply=reply[:2000],
                   sent_at=now or utcnow(), last_error='')


def mark_failed(message, reason):
    return _finish(message, state=MessageState.FAILED, last_error=reason[:2000])


def mark_retry(message, reason, retry_for_hours, max_pause_minutes, now=None):
    """Try again later with a doubling pause, or give up once the message is too old.

    Returns the state written (QUEUED or FAILED), or None if the claim was lost.
    """
    now = now or utcnow()
    if now - message.created_at > datetime.timedelta(hours=retry_for_hours):
        done = mark_failed(message, f'gave up after {retry_for_hours} h: {reason}')
        return MessageState.FAILED if done else None
    pause = min(2 ** max(message.attempts - 1, 0), max_pause_minutes)
    done = _finish(message, state=MessageState.QUEUED, last_error=reason[:2000],
                   next_attempt_at=now + datetime.timedelta(minutes=pause))
    return MessageState.QUEUED if done else None


def requeue(message, now=None):
    """A failed or waiting message goes again now (the NOC's 'resend')."""
    (OutboxMessage.update(state=MessageState.QUEUED, next_attempt_at=now or utcnow(),
                          claimed_at=None, claim_token='', last_error='')
     .where(OutboxMessage.id == message.id).execute())


def counts():
    return dict(OutboxMessage.select(OutboxMessage.state, peewee.fn.COUNT(
        OutboxMessage.id)).group_by(OutboxMessage.state).tuples())
