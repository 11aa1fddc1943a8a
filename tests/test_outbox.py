"""The outbox and the worker against a real SMTP server, with failures injected.

What must hold: every notice is sent once; temporary failures are retried
with growing pauses until the server is back; permanent ones stop; a dead
connection or a killed worker loses nothing and sends nothing twice except
the message in flight; two workers never send the same message.
"""
import datetime
import email
import threading

import pytest
from helpers.maintenance_fixtures import build_network, confirmed
from helpers.smtp_server import SmtpServer

from noc.core.db import database
from noc.mail import outbox
from noc.models import Contact, OutboxMessage, utcnow
from noc.worker import Worker

UTC = datetime.timezone.utc


@pytest.fixture
def net(smtp_ctx):
    return build_network()


def many_contacts(net, count):
    """More maintenance contacts on ACME, so one confirmation queues many notices."""
    for n in range(count):
        Contact.create(customer=net['acme'], name=f'Contato {n}', role_maintenance=True,
                       email=f'noc{n:03d}@acme.example.com', notice_format='invitation')


def states():
    return {state: OutboxMessage.select().where(OutboxMessage.state == state).count()
            for state in OutboxMessage.STATES}


def message_ids(server):
    return [email.message_from_bytes(m.raw)['Message-ID'] for m in server.messages]


def test_smtp_down_for_an_hour_loses_nothing(net, smtp_ctx, smtp_server):
    confirmed(segments='SPAN-A')
    queued = OutboxMessage.select().count()
    smtp_server.stop()                                    # connection refused
    worker, now = Worker(smtp_ctx, 'w1'), utcnow()
    for minute in range(0, 60, 1):                        # a pass every minute
        worker.run_once(now + datetime.timedelta(minutes=minute))
    assert states()['queued'] == queued and states()['sent'] == 0
    row = OutboxMessage.select().first()
    assert 'ConnectionRefusedError' in row.last_error and row.attempts >= 5
    pauses = row.next_attempt_at - (now + datetime.timedelta(minutes=59))
    assert pauses <= datetime.timedelta(minutes=30)       # never longer than the cap
    smtp_server.start()
    worker.run_once(now + datetime.timedelta(minutes=95))
    assert states()['sent'] == queued and len(smtp_server.messages) == queued
    assert len(set(message_ids(smtp_server))) == queued


def test_4xx_is_retried_and_5xx_fails_for_good(net, smtp_ctx, smtp_server):
    confirmed(segments='SPAN-A')
    smtp_server.mode = 'tempfail'
    worker = Worker(smtp_ctx, 'w1')
    worker.run_once()
    assert states()['queued'] == 3
    assert all(r.last_error.startswith('451') for r in OutboxMessage.select())
    smtp_server.mode = 'permfail'
    worker.run_once(utcnow() + datetime.timedelta(minutes=5))
    assert states()['failed'] == 3
    assert all(r.last_error.startswith('550') for r in OutboxMessage.select())
    smtp_server.mode = 'ok'
    worker.run_once(utcnow() + datetime.timedelta(hours=5))
    assert smtp_server.messages == []                     # failed stays failed


def test_one_refused_recipient_does_not_stop_the_batch(net, smtp_ctx, smtp_server):
    confirmed(segments='SPAN-A')
    smtp_server.refused_rcpts.add('noc@acme.example.com')
    Worker(smtp_ctx, 'w1').run_once()
    failed = OutboxMessage.get(OutboxMessage.state == 'failed')
    assert failed.recipient == 'noc@acme.example.com' and failed.last_error.startswith('550')
    assert states()['sent'] == 2


def test_give_up_after_the_retry_period(net, smtp_ctx, smtp_server):
    confirmed(segments='SPAN-A')
    smtp_server.mode = 'tempfail'
    Worker(smtp_ctx, 'w1').run_once(utcnow() + datetime.timedelta(hours=73))
    assert states()['failed'] == 3
    assert 'gave up after 72 h' in OutboxMessage.select().first().last_error


def test_a_connection_dying_mid_batch_sends_nothing_twice(net, smtp_ctx, smtp_server):
    many_contacts(net, 20)
    confirmed(segments='SPAN-A')
    total = OutboxMessage.select().count()
    smtp_server.mode, smtp_server.die_after = 'die_after', 7
    worker = Worker(smtp_ctx, 'w1')
    worker.run_once()
    assert len(smtp_server.messages) == 7
    assert states()['sent'] == 7 and states()['queued'] == total - 7
    smtp_server.mode = 'ok'
    worker.run_once(utcnow() + datetime.timedelta(minutes=2))
    ids = message_ids(smtp_server)
    assert len(ids) == total and len(set(ids)) == total


def test_a_killed_worker_leaves_its_claims_to_another_after_the_lease(net, smtp_ctx,
                                                                      smtp_server):
    many_contacts(net, 10)
    confirmed(segments='SPAN-A')
    total = OutboxMessage.select().count()
    # Worker A claimed everything, sent two, then was killed (SIGKILL): the
    # third was in flight (accepted by the server, not yet marked).
    claimed = outbox.claim('dead-worker', 100, lease=300)
    assert len(claimed) == total
    for message in claimed[:2]:
        outbox.mark_sent(message, '250 ok (before the kill)')
    in_flight = claimed[2]
    # Another worker does not touch A's claims while the lease runs...
    Worker(smtp_ctx, 'w2').run_once()
    assert smtp_server.messages == []
    # ...and takes them over after it.
    Worker(smtp_ctx, 'w2').run_once(utcnow() + datetime.timedelta(seconds=301))
    sent_to = sorted(m.rcpt_tos[0] for m in smtp_server.messages)
    assert len(sent_to) == total - 2                      # the two marked are not resent
    assert in_flight.recipient in sent_to                 # the one in flight may go twice
    assert states()['sent'] == total


@pytest.mark.parametrize('workers', [2])
def test_two_workers_never_send_the_same_message(net, smtp_ctx, smtp_server, workers):
    many_contacts(net, 120)
    confirmed(segments='SPAN-A')
    total = OutboxMessage.select().count()
    smtp_ctx.config['NOC']['mail']['batch_size'] = 10     # many claims, to interleave
    database.close()
    errors = []

    def run(name):
        try:
            Worker(smtp_ctx, name).run_once()
        except Exception as exc:                          # reported below
            errors.append(exc)
    threads = [threading.Thread(target=run, args=(f'w{n}',)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    database.connect(reuse_if_open=True)
    assert errors == []
    ids = message_ids(smtp_server)
    assert len(ids) == total and len(set(ids)) == total
    by_worker = {name for (name,) in OutboxMessage.select(OutboxMessage.claimed_by).tuples()}
    assert states()['sent'] == total
    assert len(by_worker) == workers                      # both really took part


def test_tls_and_login_to_a_real_server(net, smtp_ctx):
    server = SmtpServer(tls=True, auth=('janela', 's3cret-pass'))
    try:
        confirmed(segments='SPAN-A')
        conf = smtp_ctx.config['NOC']['mail']
        conf.update(server=server.host, port=server.port, security='starttls',
                    username='janela', password='s3cret-pass', ca_file='')
        from noc.mail import transport
        transport.configure(smtp_ctx)
        from noc.core.extensions import mailer
        mailer.init_app(smtp_ctx)
        # The system's CAs do not know the test server's certificate: refused, retried.
        Worker(smtp_ctx, 'w1').run_once()
        assert 'CERTIFICATE_VERIFY_FAILED' in OutboxMessage.select().first().last_error
        conf['ca_file'] = server.cafile
        Worker(smtp_ctx, 'w1').run_once(utcnow() + datetime.timedelta(minutes=5))
        assert states()['sent'] == 3 and len(server.messages) == 3
    finally:
        server.close()
