"""The outbox: messages written with the change that caused them, sent later.

Delivery guarantee (documented in README): a message is claimed by one
worker (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite serialises writers), sent,
and marked sent in its own commit right after the server accepted it. A
worker killed mid-batch leaves its unsent claims to be taken over after the
claim lease; only the message in flight at the moment of the kill (accepted
by the server, not yet marked) can be sent a second time. Nothing is lost:
rows leave the outbox only by being marked sent or failed.
"""
import datetime

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
    """Take up to `limit` due messages for `worker_id`; committed before sending."""
    now = now or utcnow()
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
                              attempts=OutboxMessage.attempts + 1)
         .where(OutboxMessage.id.in_(ids) & _claimable(now, lease)).execute())
    return list(OutboxMessage.select()
                .where(OutboxMessage.id.in_(ids) & (OutboxMessage.claimed_by == worker_id)
                       & (OutboxMessage.claimed_at == now)
                       & (OutboxMessage.state == MessageState.SENDING))
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id))


def mark_sent(message, reply, now=None):
    (OutboxMessage.update(state=MessageState.SENT, server_reply=reply[:2000],
                          sent_at=now or utcnow(), last_error='', claimed_at=None)
     .where(OutboxMessage.id == message.id).execute())


def mark_failed(message, reason):
    (OutboxMessage.update(state=MessageState.FAILED, last_error=reason[:2000], claimed_at=None)
     .where(OutboxMessage.id == message.id).execute())


def mark_retry(message, reason, retry_for_hours, max_pause_minutes, now=None):
    """Try again later with a doubling pause, or give up once the message is too old."""
    now = now or utcnow()
    if now - message.created_at > datetime.timedelta(hours=retry_for_hours):
        mark_failed(message, f'gave up after {retry_for_hours} h: {reason}')
        return False
    pause = min(2 ** max(message.attempts - 1, 0), max_pause_minutes)
    (OutboxMessage.update(state=MessageState.QUEUED, last_error=reason[:2000], claimed_at=None,
                          next_attempt_at=now + datetime.timedelta(minutes=pause))
     .where(OutboxMessage.id == message.id).execute())
    return True


def requeue(message, now=None):
    """A failed or waiting message goes again now (the NOC's 'resend')."""
    (OutboxMessage.update(state=MessageState.QUEUED, next_attempt_at=now or utcnow(),
                          claimed_at=None, last_error='')
     .where(OutboxMessage.id == message.id).execute())


def counts():
    return dict(OutboxMessage.select(OutboxMessage.state, peewee.fn.COUNT(
        OutboxMessage.id)).group_by(OutboxMessage.state).tuples())
