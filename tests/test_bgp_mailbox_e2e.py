"""The BGP mailbox end to end: questions land in a real IMAP server (dovecot), the
worker fetches and handles them, and the answers leave through a real SMTP server
(aiosmtpd), on both engines: the registered contact's question, a spoofed sender
asking for another provider's prefixes, an unknown sender, automatic mail and our own
answer coming back."""
import email
import email.policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from conftest import db, prepared_app
from helpers import inbound_fixtures as fixtures
from helpers.routing_fixtures import RADB, build_isps, write_rpsl, write_vrps

from noc.core.db import database
from noc.models import InboundMessage, OutboxMessage, utcnow
from noc.routing.irr import store as irr_store
from noc.routing.prefix_requests import workflow as requests
from noc.routing.rpki import snapshots
from noc.worker import Worker

BGP = 'bgp@janela.example.net'


@pytest.fixture
def mail_app(db_url, imap_server, smtp_server, tmp_path):
    app = prepared_app(
        db_url, prefixes={'lab': True},
        inbound={'imap_host': imap_server.host, 'imap_port': imap_server.port,
                 'imap_security': 'none', 'imap_username': imap_server.username,
                 'imap_password': imap_server.password, 'imap_timeout_seconds': 5},
        mail={'backend': 'smtp', 'server': smtp_server.host, 'port': smtp_server.port,
              'timeout_seconds': 5})
    with db(app):
        world = build_isps()
        snapshots.load('lab', write_vrps(tmp_path / 'v.json'))
        irr_store.load_dump(write_rpsl(tmp_path / 'tc.rpsl'), 'TC')
        irr_store.load_dump(write_rpsl(tmp_path / 'radb.rpsl', RADB), 'RADB')
        world['r1'] = requests.submit(world['acme'], world['circuits']['acme'],
                                      '192.0.2.0/24\n2001:db8:1::/48', actor='t')
        world['r2'] = requests.submit(world['acme'], world['circuits']['acme'],
                                      '203.0.113.0/24', actor='t')
        world['r3'] = requests.submit(world['globex'], world['circuits']['globex'],
                                      '198.51.100.0/24', actor='t')
        requests.check_pending()
        world['ids'] = {k: [p.id for p in world[k].prefixes] for k in ('r1', 'r2', 'r3')}
        OutboxMessage.delete().execute()          # the notices of the checks
    yield app, world
    if not database.is_closed():
        database.close()


def question(body, sender, subject='Status', to=BGP, headers=()):
    message = EmailMessage()
    message['From'], message['To'], message['Subject'] = sender, to, subject
    message['Date'] = email.utils.format_datetime(utcnow())
    message['Message-ID'] = make_msgid(domain='example.com')
    for name, value in headers:
        message[name] = value
    message.set_content(body)
    return message['Message-ID'], message.as_bytes(policy=email.policy.SMTP)


def answers_to(smtp_server, message_id):
    found = []
    for received in smtp_server.messages:
        parsed = email.message_from_bytes(received.raw, policy=email.policy.default)
        if parsed['In-Reply-To'] == message_id:
            text = parsed.get_body(('plain',)).get_content()
            html = parsed.get_body(('html',)).get_content()
            found.append((received, parsed, text, html))
    return found


def test_questions_through_imap_are_answered_through_smtp(mail_app, imap_server, smtp_server):
    app, world = mail_app
    r1, r2, r3 = (world[k].id for k in ('r1', 'r2', 'r3'))
    asked_by_acme, raw = question(f'Bom dia, qual a situação do PR-{r1} e do 203.0.113.0/24?',
                                  'Rede Acme <bgp@acme.example.com>', 'Situação dos prefixos')
    imap_server.append(raw)
    spoofed, raw = question(f'Status of PR-{r3}, 198.51.100.0/24 please',
                            'Rede Acme <bgp@acme.example.com>',
                            headers=[('Reply-To', 'mallory@evil.example.net')])
    imap_server.append(raw)
    asked_by_globex, raw = question(f'Hi, where does request #{r3} stand?',
                                    'Globex NOC <peering@globex.example.com>')
    imap_server.append(raw)
    stranger, raw = question('192.0.2.0/24?', 'eve@other.example.org')
    imap_server.append(raw)
    stranger_again, raw = question('PR-1?', 'eve@other.example.org')
    imap_server.append(raw)
    imap_server.append(fixtures.vacation_gmail(sender='Rede Acme <bgp@acme.example.com>',
                                               to=BGP))
    to_maintenance, raw = question(f'PR-{r1}', 'Ana <ana@acme.example.com>',
                                   to='noc@janela.example.net')
    imap_server.append(raw)

    done = Worker(app, 'test').run_once()
    assert (done['mail_fetched'], done['mail_new']) == (7, 7)
    assert imap_server.messages('INBOX') == []

    # The registered contact: every prefix's state, verdict, reasons and API link.
    [(received, parsed, text, html)] = answers_to(smtp_server, asked_by_acme)
    assert received.rcpt_tos == ['bgp@acme.example.com']
    assert received.mail_from == 'noc@janela.example.net'
    assert parsed['Auto-Submitted'] == 'auto-replied' and parsed['Content-Language'] == 'pt-BR'
    assert parsed['Subject'] == 'Re: Situação dos prefixos'
    for prefix_id in world['ids']['r1'] + world['ids']['r2']:
        assert f'http://127.0.0.1:5000/api/v1/prefixes/{prefix_id}' in text
        assert f'/api/v1/prefixes/{prefix_id}' in html
    assert 'RPKI inválido' in text and '<table' in html and '203.0.113.0/24' in html

    # The spoofed sender: only Acme's registered address, nothing of Globex's.
    [(received, parsed, text, html)] = answers_to(smtp_server, spoofed)
    assert received.rcpt_tos == ['bgp@acme.example.com']
    for secret in ('Globex', 'AS64501', 'JAN-IPT-003', 'mallory',
                   f'/api/v1/prefixes/{world["ids"]["r3"][0]}'):
        assert secret not in text and secret not in html
        assert secret not in received.raw.decode('ascii', 'replace')
    assert f'PR-{r3}, 198.51.100.0/24' in text          # "not found among your requests"

    # Globex's own contact, in English.
    [(received, parsed, text, html)] = answers_to(smtp_server, asked_by_globex)
    assert received.rcpt_tos == ['peering@globex.example.com']
    assert 'Hello, Globex NOC' in text and '198.51.100.0/24 AS64501' in text

    # The stranger: one short reply without data; the NOC has both messages.
    [(received, parsed, text, html)] = answers_to(smtp_server, stranger)
    assert received.rcpt_tos == ['eve@other.example.org']
    assert '192.0.2.0/24' not in text and 'AS64500' not in text and 'Acme' not in text
    assert answers_to(smtp_server, stranger_again) == []
    assert answers_to(smtp_server, to_maintenance) == []
    assert len(smtp_server.messages) == 4             # nothing to the auto-reply
    with db(app):
        unmatched = [m.outcome for m in InboundMessage.select()
                     .where(InboundMessage.state == 'unmatched').order_by(InboundMessage.id)]
        assert unmatched == ['unknown-sender-told', 'unknown-sender', 'no-window']
        assert InboundMessage.get(InboundMessage.outcome == 'auto-ignored').kind == 'auto-reply'


def test_our_answer_coming_back_to_the_mailbox_ends_there(mail_app, imap_server, smtp_server):
    app, world = mail_app
    asked, raw = question(f'PR-{world["r1"].id}', 'Rede Acme <bgp@acme.example.com>')
    imap_server.append(raw)
    Worker(app, 'test').run_once()
    [(received, _, _, _)] = answers_to(smtp_server, asked)
    # A forwarding rule (or a broken autoresponder) sends the answer back to us.
    imap_server.append(b'Delivered-To: ' + BGP.encode() + b'\r\n' + received.raw)
    done = Worker(app, 'test').run_once()
    assert done['mail_new'] == 1 and len(smtp_server.messages) == 1
    with db(app):
        looped = InboundMessage.select().order_by(InboundMessage.id.desc()).first()
        assert (looped.outcome, looped.kind) == ('auto-ignored', 'auto-reply')


def test_the_bgp_address_as_an_alias_of_the_maintenance_mailbox(mail_app, imap_server,
                                                                 smtp_server):
    """Postfix expands bgp@ into the one IMAP mailbox; Dovecot's LMTP writes the
    mailbox's own address in Delivered-To, and a local or pipe delivery the
    alias in X-Original-To. Either way the question is answered."""
    app, world = mail_app
    noc = 'noc@janela.example.net'
    lmtp, raw = question(f'PR-{world["r1"].id}', 'Rede Acme <bgp@acme.example.com>')
    imap_server.append(f'Delivered-To: {noc}\r\n'.encode() + raw)
    aliased, raw = question(f'PR-{world["r2"].id}', 'Rede Acme <bgp@acme.example.com>',
                            to='Peering <peering-list@acme.example.com>')
    imap_server.append(f'Delivered-To: {noc}\r\nX-Original-To: {BGP}\r\n'.encode() + raw)
    copied, raw = question(f'PR-{world["r1"].id}', 'Rede Acme <bgp@acme.example.com>', to=noc,
                           headers=[('Cc', BGP)])
    imap_server.append(f'Delivered-To: {noc}\r\n'.encode() + raw)
    maintenance, raw = question(f'PR-{world["r1"].id}', 'Ana <ana@acme.example.com>', to=noc)
    imap_server.append(f'Delivered-To: {noc}\r\n'.encode() + raw)

    done = Worker(app, 'test').run_once()
    assert done['mail_new'] == 4
    for asked in (lmtp, aliased, copied):
        [(received, parsed, text, _)] = answers_to(smtp_server, asked)
        assert received.rcpt_tos == ['bgp@acme.example.com']
        assert parsed['Reply-To'] == BGP and parsed['X-Loop'] == BGP
        assert '- 192.0.2.0/24 AS64500' in text or '- 203.0.113.0/24 AS64500' in text
    assert answers_to(smtp_server, maintenance) == []
    with db(app):
        routed = {m.message_key: (m.kind, m.mailbox) for m in InboundMessage.select()}
        assert routed[maintenance] == ('message', noc)
        assert {routed[k] for k in (lmtp, aliased, copied)} == {('bgp-query', BGP)}
