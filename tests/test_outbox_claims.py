"""At most one copy of a message (issue 16).

Against the real SMTP server on loopback. A claim carries a fencing token:
a worker whose batch outlives the lease renews it while it sends; a worker
that lost its claim (stalled past the lease) sends nothing and marks
nothing. A message that cannot go as stored fails alone, with its reason,
and a window that cannot move does not keep the rest of the pass from
running.
"""
import datetime
import threading
import time

import pytest
from helpers.maintenance_fixtures import build_network, confirmed
from helpers.schema_check import describe
from test_migrations import _baseline_with_data
from test_outbox import many_contacts, message_ids, states

from noc.core.db import database, migration_runner
from noc.mail import outbox
from noc.models import MessageState, OutboxMessage, utcnow
from noc.worker import LOST, Worker


@pytest.fixture
def net(smtp_ctx):
    return build_network()


def run_in_threads(app, names, until, seconds=60):
    """Each worker in its own thread, passing until `until()` or `seconds`."""
    database.close()
    errors = []

    def run(name):
        worker = Worker(app, name)
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                worker.run_once()
                with app.app_context(), database.connection_context():
                    if until():
                        return
                time.sleep(0.1)
        except Exception as exc:                          # reported below
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 30)
    database.connect(reuse_if_open=True)
    return errors


def all_sent():
    return not OutboxMessage.select().where(OutboxMessage.state != MessageState.SENT).exists()


def test_a_batch_outliving_the_lease_is_not_sent_twice(net, smtp_ctx, smtp_server):
    """Lease 2 s, the server 0.2 s a message, 16 messages in one batch: the batch
    takes over 3 s. The worker renews its lease while it sends, so the other
    worker never takes its messages (before fencing, 7 of the 16 went twice)."""
    many_contacts(net, 13)
    confirmed(segments='SPAN-A')
    total = OutboxMessage.select().count()
    assert total == 16
    smtp_ctx.config['NOC']['worker']['claim_lease_seconds'] = 2
    smtp_ctx.config['NOC']['mail']['batch_size'] = 100
    smtp_server.delay = 0.2
    errors = run_in_threads(smtp_ctx, ['w1', 'w2'], all_sent)
    assert errors == []
    ids = message_ids(smtp_server)
    assert len(set(ids)) == total                       # every message delivered...
    assert len(ids) == total                            # ...once
    assert states()[MessageState.SENT] == total


def test_a_worker_that_lost_its_claim_sends_and_marks_nothing(net, smtp_ctx, smtp_server,
                                                              monkeypatch):
    """Worker A claims the batch, then stalls past the lease (a long GC pause, a
    suspended VM) before its first message; B takes the batch over and sends
    it. When A wakes up, every message it holds is somebody else's now."""
    many_contacts(net, 4)
    confirmed(segments='SPAN-A')
    total = OutboxMessage.select().count()
    lease = smtp_ctx.config['NOC']['worker']['claim_lease_seconds']
    claimed_at = utcnow()
    original_hold = outbox.hold
    stalled = []

    def hold_after_a_stall(message, now=None):
        if not stalled:                                 # A stalls before its first message
            stalled.append(message.id)
            other = threading.Thread(target=lambda: Worker(smtp_ctx, 'B').run_once(
                claimed_at + datetime.timedelta(seconds=lease + 1)))
            other.start()
            other.join(30)
        return original_hold(message, now)
    monkeypatch.setattr(outbox, 'hold', hold_after_a_stall)

    done = Worker(smtp_ctx, 'A').run_once(claimed_at)

    assert stalled and done.get(LOST) == total and MessageState.SENT not in done
    ids = message_ids(smtp_server)
    assert len(ids) == total and len(set(ids)) == total
    rows = list(OutboxMessage.select())
    assert {(r.state, r.claimed_by) for r in rows} == {(MessageState.SENT, 'B')}


def test_only_the_claim_holder_marks_a_message(net, smtp_ctx, smtp_server):
    confirmed(segments='SPAN-A')
    now = utcnow()
    stale = outbox.claim('A', 10, lease=30, now=now)
    fresh = outbox.claim('B', 10, lease=30, now=now + datetime.timedelta(seconds=31))
    assert [m.id for m in stale] == [m.id for m in fresh]
    assert {m.claim_token for m in stale} != {m.claim_token for m in fresh}
    message = stale[0]
    assert not outbox.hold(message, now)
    assert not outbox.mark_sent(message, '250 from A')
    assert not outbox.mark_failed(message, '550 from A')
    assert outbox.mark_retry(message, '451 from A', 72, 30, now) is None
    assert outbox.renew(stale, now) == 0
    row = OutboxMessage.get_by_id(message.id)
    assert (row.state, row.claimed_by, row.server_reply) == (MessageState.SENDING, 'B', '')
    assert outbox.hold(fresh[0]) and outbox.mark_sent(fresh[0], '250 from B')
    assert OutboxMessage.get_by_id(message.id).server_reply == '250 from B'
    assert not outbox.mark_sent(fresh[0], '250 twice')  # a mark ends the claim


def test_migration_0014_adds_the_claim_token_and_reverts(ctx):
    db = database.obj
    _baseline_with_data(db)
    runner = migration_runner(db)
    runner.up()
    assert 'claim_token' in describe(db)['outbox_message']['columns']
    upgraded = describe(db)
    runner.down('0014_outbox_claim_token')
    assert 'claim_token' not in describe(db)['outbox_message']['columns']
    runner.up()
    assert describe(db) == upgraded
