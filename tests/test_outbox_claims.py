"""At most one copy of a message, and one bad row never stops the outbox (issue 16).

Against the real SMTP server on loopback. A claim carries a fencing token:
a worker whose batch outlives the lease renews it while it sends; a worker
that lost its claim (stalled past the lease) sends nothing and marks
nothing. A message that cannot go as stored fails alone, with its reason,
and a window that cannot move does not keep the rest of the pass from
running.
"""
import datetime
import email
import logging
import threading
import time

import pytest
from helpers.maintenance_fixtures import build_network, confirmed
from helpers.schema_check import describe
from test_migrations import _baseline_with_data
from test_outbox import many_contacts, message_ids, states

from noc.core import config
from noc.core.db import database, migration_runner
from noc.mail import outbox
from noc.maintenance import windows
from noc.models import (
    Contact,
    MaintenanceWindow,
    MessageState,
    OutboxMessage,
    WindowStatus,
    utcnow,
)
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


def test_the_lease_must_outlast_one_smtp_exchange(tmp_path):
    site = tmp_path / 'site.toml'
    site.write_text('')
    overrides = {'app': {'secret_key': 's' * 40}, 'worker': {'claim_lease_seconds': 60},
                 'mail': {'timeout_seconds': 30}}
    with pytest.raises(config.ConfigError, match='claim_lease_seconds = 60 is below 5 times'):
        config.load(overrides, environ={'NOC_CONFIG': str(site)})
    overrides['mail']['timeout_seconds'] = 12
    assert config.load(overrides, environ={'NOC_CONFIG': str(site)})['worker'] == {
        'interval_seconds': 30, 'enabled': True, 'claim_lease_seconds': 60}


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


# --- one bad row never stops the outbox -------------------------------------------------

INJECTED = 'Ana\r\nBcc: intruso@evil.example\nX-Injected: yes\r\rBruno'


def test_a_crlf_in_a_contact_name_never_reaches_a_header(net, smtp_ctx, smtp_server):
    """A name stored before names were checked (written here past validation)."""
    contact = net['contacts']['ana']
    Contact.update(name=INJECTED).where(Contact.id == contact.id).execute()
    confirmed(segments='SPAN-A')
    done = Worker(smtp_ctx, 'w1').run_once()
    assert done[MessageState.SENT] == states()[MessageState.SENT] == 3
    [received] = [m for m in smtp_server.messages if m.rcpt_tos == [contact.email]]
    parsed = email.message_from_bytes(received.raw)
    assert parsed['Bcc'] is None and parsed['X-Injected'] is None
    assert ' '.join(parsed['To'].split()) == (
        '"Ana Bcc: intruso@evil.example X-Injected: yes Bruno" <ana@acme.example.com>')
    assert parsed['Subject'] and parsed['Date'] and parsed['Message-ID']
    assert parsed.get_all('To') == [parsed['To']]


def _broken_copies(message):
    """Rows as earlier code wrote them for a name with a bare LF, and a recipient
    address SMTP cannot carry."""
    header, body = message.raw.split('\r\n\r\n', 1)
    injected = header.replace('\r\nTo: ', '\r\nTo: Ana\nBcc: intruso@evil.example\n ', 1)
    ended = header.replace('\r\nTo: ', '\r\nTo: Ana\n\nSubject: lost\r\n', 1)
    fields = dict(window=message.window_id, recipient=message.recipient, kind=message.kind,
                  subject=message.subject, message_id='<broken@janela>',
                  next_attempt_at=message.next_attempt_at, created_at=message.created_at)
    outbox.enqueue_many([
        dict(fields, raw=injected + '\r\n\r\n' + body),
        dict(fields, raw=ended + '\r\n\r\n' + body),
        dict(fields, raw=message.raw, recipient='x@acme.example\r\nRCPT TO:<intruso@evil.example>'),
    ])


def test_a_message_that_cannot_go_as_stored_fails_alone(net, smtp_ctx, smtp_server):
    confirmed(segments='SPAN-A')
    good = OutboxMessage.select().count()
    _broken_copies(OutboxMessage.select().first())
    done = Worker(smtp_ctx, 'w1').run_once()
    assert done[MessageState.SENT] == good and done[MessageState.FAILED] == 3
    assert len(smtp_server.messages) == good
    assert not any(b'intruso' in m.raw for m in smtp_server.messages)
    failed = OutboxMessage.select().where(OutboxMessage.state == MessageState.FAILED)
    reasons = sorted(m.last_error for m in failed)
    assert all(reason.startswith('unsendable: ') for reason in reasons)
    assert any('recipient address' in r for r in reasons)
    assert any('bare CR or LF' in r for r in reasons)


def test_a_window_that_cannot_move_holds_up_nothing_else(net, smtp_ctx, smtp_server,
                                                         monkeypatch, caplog):
    stuck = confirmed(segments='SPAN-A')
    moving = confirmed(segments='SPAN-B')
    queued = OutboxMessage.select().count()
    original = windows.move_by_clock

    def fails_for_one(window, move, *args, **kw):
        if window.id == stuck.id:
            raise ValueError('cannot compose this notice')
        return original(window, move, *args, **kw)
    monkeypatch.setattr(windows, 'move_by_clock', fails_for_one)
    caplog.set_level(logging.ERROR, logger='janela.worker')

    done = Worker(smtp_ctx, 'w1').run_once(stuck.starts_at + datetime.timedelta(minutes=1))

    assert done['windows'] == 1
    assert MaintenanceWindow.get_by_id(moving.id).status == WindowStatus.IN_PROCESS
    assert MaintenanceWindow.get_by_id(stuck.id).status == WindowStatus.CONFIRMED
    starting = OutboxMessage.select().count() - queued
    assert starting > 0 and done[MessageState.SENT] == queued + starting
    assert f'window {stuck.id}: ValueError: cannot compose this notice' in caplog.text


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
