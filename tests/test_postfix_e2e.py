"""The Postfix recipe of deploy/postfix/ (quoted by README.md), run with
Debian's Postfix on loopback (issue 16, point 14): mail to the maintenance
address goes through the `janela` pipe as a user who is not root, with the
file modes of deploy/postfix/permissions.sh, and is handled; when that user
cannot read config.toml (the old README's `chmod 600`), the message is
deferred, never bounced, and delivered once the modes are right again.
tests/helpers/postfix_server.py runs the private instance."""
import os
import smtplib

import pytest
from conftest import SECRET, make_app
from helpers import inbound_fixtures as mail
from helpers.maintenance_fixtures import build_network, confirmed
from helpers.postfix_server import Deployment

from noc.core.db import database, init_db
from noc.models import InboundMessage

pytestmark = pytest.mark.external

SITE = f"""\
[app]
secret_key = "{SECRET}"
[database]
url = "sqlite:///instance/janela.db"
[mail]
from_address = "noc@janela.example.net"
[inbound]
bgp_mailboxes = ["bgp@janela.example.net"]
"""
NOC = 'noc@janela.example.net'
BGP = 'bgp@janela.example.net'


@pytest.fixture
def deployment():
    deployed = Deployment()
    try:
        yield deployed
    finally:
        deployed.stop()


def messages(app):
    """The received messages, read as root beside the pipe."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            return list(InboundMessage.select().order_by(InboundMessage.id))
        finally:
            database.close()
            database.obj.close_all()


def test_the_recipe_delivers_through_the_pipe_and_defers_what_it_cannot_store(deployment):
    app = make_app(deployment.install(SITE))
    with app.app_context():
        database.connect(reuse_if_open=True)
        init_db(database.obj)
        net = build_network()
        window = confirmed()
        database.close()
        database.obj.close_all()
    deployment.set_permissions()
    deployment.start()
    carla = net['contacts']['carla']

    def reply(n):
        return mail.plain_reply(reference=window.reference, body=f'Ciente, obrigada ({n}).',
                                sender=f'Carla Lima <{carla.email}>', to=NOC,
                                message_id=f'<reply-{n}@globex.example.com>')

    # Only the addresses of the transport map are taken; others are refused in SMTP.
    with smtplib.SMTP('127.0.0.1', deployment.port, timeout=30) as smtp:
        smtp.mail(carla.email)
        assert smtp.rcpt('someone-else@janela.example.net')[0] == 550

    # (1) A plain reply to the notice: through the pipe, stored and handled.
    first = deployment.send(reply(1), carla.email, NOC)
    line = deployment.delivery(first)
    assert 'relay=janela' in line and 'status=sent (delivered via janela service' in line, line
    [message] = messages(app)
    assert (message.via, message.kind, message.outcome) == ('stdin', 'message',
                                                            'message-attached')
    assert message.window_id == window.id and message.mailbox == NOC   # X-Original-To (O)
    assert b'Delivered-To: ' + NOC.encode() in message.raw_bytes         # D
    assert b'Return-Path: <' + carla.email.encode() + b'>' in message.raw_bytes   # R

    # The BGP mailbox through the same pipe: the envelope routes it (Delivered-To and
    # X-Original-To, flags D and O), whatever the To header says.
    question = (f'From: Carla Lima <{carla.email}>\r\nTo: {NOC}\r\nSubject: PR-1\r\n'
                'Message-ID: <bgp-1@globex.example.com>\r\n\r\n192.0.2.0/24\r\n').encode()
    line = deployment.delivery(deployment.send(question, carla.email, BGP))
    assert 'status=sent' in line, line
    asked = messages(app)[-1]
    assert (asked.kind, asked.mailbox) == ('bgp-query', BGP)

    # (2) The settings unreadable by the pipe's user: deferred, kept, never bounced.
    os.chmod(deployment.config_file, 0o600)
    mark = len(deployment.log())
    second = deployment.send(reply(2), carla.email, NOC)
    line = deployment.delivery(second, after=mark)
    assert 'status=deferred' in line, line
    assert 'cannot be read: Permission denied' in line, line     # mail-in's one line
    listing = deployment.queue_listing()
    assert second in listing and 'MAILER-DAEMON' not in listing, listing
    assert 'status=bounced' not in deployment.log()
    assert len(messages(app)) == 2

    # The recipe's modes again, the queue flushed: delivered, nothing left.
    deployment.set_permissions()
    mark = len(deployment.log())
    deployment.flush()
    line = deployment.delivery(second, after=mark)
    assert 'status=sent' in line, line
    assert [m.outcome for m in messages(app) if m.kind == 'message'] == ['message-attached'] * 2
    assert 'Mail queue is empty' in deployment.queue_listing()
    assert 'status=bounced' not in deployment.log()
