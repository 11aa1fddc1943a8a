"""The two ways mail comes in: `flask noc mail-in` on standard input (an MTA
pipe) and the worker polling a real IMAP server (dovecot on loopback)."""
import datetime

import pytest
from conftest import db, make_app, prepared_app
from helpers import inbound_fixtures as mail
from helpers.maintenance_fixtures import build_network, confirmed

from noc.core.db import database
from noc.inbound import receive as inbound
from noc.models import AttendeeAnswer, InboundMessage, RescheduleRequest, utcnow
from noc.worker import Worker


@pytest.fixture
def world(app):
    with db(app):
        net = build_network()
        window = confirmed()
    return app, net, window


def reply_for(window, contact, **kw):
    return mail.outlook_reply(uid=window.uid, sequence=window.sequence, attendee=contact.email,
                              attendee_name=contact.name, starts_at=window.starts_at,
                              ends_at=window.ends_at, dtstamp=utcnow(), **kw)


def test_mail_in_stores_and_handles_a_message_from_standard_input(world):
    app, net, window = world
    raw = reply_for(window, net['contacts']['carla'])
    result = app.test_cli_runner().invoke(args=['noc', 'mail-in'], input=raw)
    assert result.exit_code == 0, result.output
    again = app.test_cli_runner().invoke(args=['noc', 'mail-in'], input=raw)
    assert again.exit_code == 0 and 'already received' in again.output
    with db(app):
        [message] = InboundMessage.select()
        assert (message.via, message.outcome) == ('stdin', 'answer-applied')
        assert message.raw_bytes == raw
        assert AttendeeAnswer.get().partstat == 'ACCEPTED'


def test_mail_in_exits_0_once_stored_even_when_handling_fails(world, monkeypatch):
    app, net, window = world
    from noc.maintenance import inbox
    monkeypatch.setattr(inbox, 'handle', lambda *a, **k: 1 / 0)
    result = app.test_cli_runner().invoke(args=['noc', 'mail-in'],
                                          input=reply_for(window, net['contacts']['carla']))
    assert result.exit_code == 0, result.output
    with db(app):
        [message] = InboundMessage.select()
        assert message.state == 'error' and 'ZeroDivisionError' in message.error


def test_mail_in_exits_75_when_the_message_cannot_be_stored(tmp_path):
    # A database that does not answer: the MTA must keep the message and retry.
    app = make_app('postgresql://nobody@127.0.0.1:9/none')
    result = app.test_cli_runner().invoke(args=['noc', 'mail-in'], input=b'Subject: x\r\n\r\nx')
    assert result.exit_code == 75
    assert 'not stored' in result.output
    empty = app.test_cli_runner().invoke(args=['noc', 'mail-in'], input=b'')
    assert empty.exit_code == 75


@pytest.fixture
def imap_app(db_url, imap_server):
    app = prepared_app(db_url, inbound={
        'imap_host': imap_server.host, 'imap_port': imap_server.port,
        'imap_security': 'none', 'imap_username': imap_server.username,
        'imap_password': imap_server.password, 'imap_timeout_seconds': 5})
    yield app
    if not database.is_closed():
        database.close()


def test_the_worker_fetches_the_mailbox_and_moves_what_it_stored(imap_app, imap_server):
    with db(imap_app):
        net = build_network()
        window = confirmed()
    carla = net['contacts']['carla']
    counter = mail.google_counter(uid=window.uid, sequence=window.sequence,
                                  attendee=carla.email, attendee_name=carla.name,
                                  starts_at=window.starts_at + datetime.timedelta(days=3),
                                  ends_at=window.ends_at + datetime.timedelta(days=3),
                                  message_id='<c-1@google.com>')
    imap_server.append(counter)
    imap_server.append(counter)               # delivered twice
    imap_server.append(mail.garbage_binary())
    imap_server.append(reply_for(window, carla))
    done = Worker(imap_app, 'test').run_once()
    assert (done['mail_fetched'], done['mail_new'], done['mail_duplicates']) == (4, 3, 1)
    assert imap_server.messages('INBOX') == []
    assert len(imap_server.messages('Janela/Processed')) == 4
    with db(imap_app):
        assert InboundMessage.select().count() == 3
        assert RescheduleRequest.select().count() == 1
        assert {m.via for m in InboundMessage.select()} == {'imap'}
    # Nothing new: the next pass fetches nothing.
    assert Worker(imap_app, 'test').run_once().get('mail_fetched') == 0


def test_an_unreachable_imap_server_does_not_stop_the_worker(app, imap_server):
    app.config['NOC']['inbound'].update(imap_host='127.0.0.1', imap_port=9,
                                        imap_security='none', imap_timeout_seconds=2)
    done = Worker(app, 'test').run_once()
    assert done.get('mail_error') == 1 and 'windows' in done


def test_a_wrong_imap_password_is_reported_not_raised(db_url, imap_server):
    app = prepared_app(db_url, inbound={
        'imap_host': imap_server.host, 'imap_port': imap_server.port,
        'imap_security': 'none', 'imap_username': 'janela', 'imap_password': 'wrong'})
    assert Worker(app, 'test').run_once().get('mail_error') == 1


def test_a_message_stored_but_not_handled_is_handled_by_the_next_pass(app):
    with db(app):
        net = build_network()
        window = confirmed()
        message, new = inbound.store(reply_for(window, net['contacts']['carla']), 'imap')
        assert new and message.state == 'new'      # as if the process died here
    done = Worker(app, 'test').run_once()
    assert done.get('mail_pending') == 1
    with db(app):
        assert InboundMessage.get().outcome == 'answer-applied'


def test_a_message_id_with_an_encoded_nul_does_not_jam_the_mailbox(imap_app, imap_server):
    with db(imap_app):
        build_network()
        window = confirmed()
    imap_server.append(b'From: Carla <carla@globex.example.com>\r\n'
                       b'Message-ID: <=?utf-8?q?a=00b?=@x>\r\nSubject: ' +
                       window.reference.encode() + b'\r\n\r\nhello\r\n')
    done = Worker(imap_app, 'test').run_once()
    assert done['mail_new'] == 1 and 'mail_error' not in done
    assert imap_server.messages('INBOX') == []
