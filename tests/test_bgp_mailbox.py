"""The BGP mailbox: ISPs ask about their prefix requests by mail and Janela answers
their registered BGP contacts, with only their own data, in their language; unknown
senders get no data, automatic mail is never answered. Through inbound.receive (the
way `noc mail-in` and the IMAP poll come in), on both engines; the parser alone first."""
import datetime
import email
import email.header
import email.policy
from email.message import EmailMessage
from email.utils import make_msgid
from types import SimpleNamespace

import helpers.routing_fixtures as flow
import pytest
from conftest import prepared_app
from helpers import inbound_fixtures as fixtures
from helpers.routing_fixtures import RADB, build_isps, write_rpsl, write_vrps

from noc.core.db import database
from noc.inbound import receive as inbound
from noc.models import (
    Contact,
    Customer,
    InboundMessage,
    InboundOutcome,
    MaintenanceWindow,
    OutboxMessage,
    utcnow,
)
from noc.routing.irr import store as irr_store
from noc.routing.prefix_requests import mail_query
from noc.web.mail import inbox as inbox_pages

BGP = 'bgp@janela.example.net'
H = datetime.timedelta(hours=1)


# -- the parser ---------------------------------------------------------------

def asked(subject, text):
    return [a.text for a in mail_query.parse(subject, text).items]


@pytest.mark.parametrize('subject, text, expected', [
    ('', 'PR-12\nPR-13\n192.0.2.0/24\n2001:DB8:1::/48\n',
     ['PR-12', 'PR-13', '192.0.2.0/24', '2001:db8:1::/48']),
    ('', 'PR-12, PR 13,pr#14; 192.0.2.0/24,198.51.100.0/24',
     ['PR-12', 'PR-13', 'PR-14', '192.0.2.0/24', '198.51.100.0/24']),
    ('', 'Bom dia! Qual a situação do pedido nº 12 e do prefixo 203.0.113.0/24? Obrigado.',
     ['PR-12', '203.0.113.0/24']),
    ('', 'Poderiam verificar os pedidos 12, 13 e 14, por favor?', ['PR-12', 'PR-13', 'PR-14']),
    ('', 'Hi, could you tell us where requests #7 and 8 stand, and 2001:db8::/32?',
     ['PR-7', 'PR-8', '2001:db8::/32']),
    ('Status of PR-5', 'and (3fff:100::/48).', ['PR-5', '3fff:100::/48']),
    ('Re: [PR-5] Prefixos aprovados', '', ['PR-5']),
    ('', 'solicitação número 5 e requisição 6', ['PR-5', 'PR-6']),
    ('', 'our block 192.0.2/24 and the host 192.0.2.10', ['192.0.2.0/24', '192.0.2.10']),
    ('', 'prefix 192.0.2.77/24 (with host bits)', ['192.0.2.0/24']),
    ('', 'PR-12 and pr-0012 and PR-12 again, 192.0.2.0/24 twice: 192.0.2.0/24',
     ['PR-12', '192.0.2.0/24']),
    # An IPv6 prefix before a colon, spaces around its slash, labels glued to
    # what they name, lists with a slash, dashes other than '-', an IPv4
    # address inside an IPv6 one, octets with leading zeros.
    ('', 'o prefixo 2001:db8:1::/48: está ok?', ['2001:db8:1::/48']),
    ('', '2001:db8:1::/ 48 e 2001:db8:2:: /48', ['2001:db8:1::/48', '2001:db8:2::/48']),
    ('', 'prefixo:192.0.2.0/24, IPv6:2001:db8:1::/48, ip:203.0.113.9',
     ['192.0.2.0/24', '2001:db8:1::/48', '203.0.113.9']),
    ('', 'PR-1/PR-2', ['PR-1', 'PR-2']),
    ('', 'PR–12, PR‑13 e PR—14', ['PR-12', 'PR-13', 'PR-14']),
    ('', '::ffff:192.0.2.0/120 e 64:ff9b::192.0.2.1', ['::ffff:c000:200/120',
                                                     '64:ff9b::c000:201']),
    ('', '192.000.2.0 e 010.001.002.000/24', ['192.0.2.0', '10.1.2.0/24']),
])
def test_references_and_prefixes_are_read_however_written(subject, text, expected):
    assert asked(subject, text) == expected


@pytest.mark.parametrize('text', [
    'Reunião às 10:30:00 de 24.11.2026; versão 1.2.3; MAC 00:1a:2b:3c:4d:5e',
    'Ligue para (31) 4002-8922 ramal 12',
    'PR-1.5 is a version, not a request',
    'pedido 12/2026 às 10:30; Hora:10:30:00; MAC:00:1a:2b:3c:4d:5e',
])
def test_times_dates_versions_and_phone_numbers_are_not_questions(text):
    assert asked('', text) == []


def test_what_looks_like_a_prefix_but_is_none_is_reported_back():
    query = mail_query.parse('', '300.1.2.0/24, 192.0.2.0/33 and 2001:db8::/129; PR-4')
    assert query.unreadable == ['300.1.2.0/24', '192.0.2.0/33', '2001:db8::/129']
    assert [a.text for a in query.items] == ['PR-4'] and not query.empty


def test_digits_of_other_scripts_are_reported_back_not_read():
    query = mail_query.parse('', 'PR-1 e o prefixo ２００.1.2.0/22 e 192.0.2.٠; '
                                 '١٩٢.٠.٢.٠/٢٤')
    assert [a.text for a in query.items] == ['PR-1']
    assert query.unreadable == ['２００.1.2.0/22', '192.0.2.٠',
                                '١٩٢.٠.٢.٠/٢٤']


def test_a_text_past_the_bound_is_cut_between_words_and_says_so(monkeypatch):
    monkeypatch.setattr(mail_query, 'MAX_TEXT', 40)
    query = mail_query.parse('', 'PR-3 ' + 'x' * 25 + ' 192.0.2.0/24 and PR-4')
    assert [a.text for a in query.items] == ['PR-3'] and query.cut
    query = mail_query.parse('', 'PR-3\n-- \n' + 'a long signature ' * 10)
    assert [a.text for a in query.items] == ['PR-3'] and not query.cut


def test_the_signature_asks_nothing_and_items_past_the_limit_are_counted():
    assert asked('', 'PR-3\n-- \nRede Acme · Curitiba/PR 80010-000 · 192.168.0.1') == ['PR-3']
    many = '\n'.join(f'PR-{n}' for n in range(1, mail_query.MAX_ITEMS + 6))
    query = mail_query.parse('', many)
    assert len(query.items) == mail_query.MAX_ITEMS and query.left_out == 5


# -- the handler --------------------------------------------------------------

@pytest.fixture
def world(db_url, tmp_path):
    app = prepared_app(db_url, prefixes={'lab': True})
    ctx = app.test_request_context()
    ctx.push()
    database.connect(reuse_if_open=True)
    isps = build_isps()
    flow.load_vrps('lab', write_vrps(tmp_path / 'v.json'))
    irr_store.load_dump(write_rpsl(tmp_path / 'tc.rpsl'), 'TC')
    irr_store.load_dump(write_rpsl(tmp_path / 'radb.rpsl', RADB), 'RADB')
    acme, globex = isps['acme'], isps['globex']
    r1 = flow.submit(acme, isps['circuits']['acme'], '192.0.2.0/24\n2001:db8:1::/48',
                         actor='t')
    r2 = flow.submit(acme, isps['circuits']['acme'], '203.0.113.0/24', actor='t')
    r3 = flow.submit(globex, isps['circuits']['globex'], '198.51.100.0/24', actor='t')
    flow.check_pending()
    OutboxMessage.delete().execute()           # the notices of the checks
    yield SimpleNamespace(app=app, r1=r1, r2=r2, r3=r3, **isps)
    database.close()
    ctx.pop()


def ask(body, sender='Rede Acme <bgp@acme.example.com>', subject='Status', to=BGP,
        headers=(), html=None, message_id=None):
    message = EmailMessage()
    message['From'] = sender
    message['To'] = to
    message['Subject'] = subject
    message['Date'] = email.utils.format_datetime(utcnow())
    message['Message-ID'] = message_id or make_msgid(domain='acme.example.com')
    for name, value in headers:
        message[name] = value
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype='html')
    return message.as_bytes(policy=email.policy.SMTP)


def receive(raw, now=None):
    message, _ = inbound.receive(raw, 'stdin', now=now)
    return InboundMessage.get_by_id(message.id)


def sent(kind=None):
    query = OutboxMessage.select().order_by(OutboxMessage.id)
    return list(query.where(OutboxMessage.kind == kind) if kind else query)


def parts(row):
    """(headers, text, html) of a queued message."""
    message = email.message_from_string(row.raw)
    bodies = {part.get_content_type(): part.get_payload(decode=True).decode('utf-8')
              for part in message.walk() if not part.is_multipart()}
    return message, bodies['text/plain'], bodies['text/html']


def decoded(value):
    return str(email.header.make_header(email.header.decode_header(value)))


def written(body, headers, subject='Status'):
    """A message byte for byte as given: raw UTF-8 or encoded words in its headers."""
    fields = [('From', 'Rede Acme <bgp@acme.example.com>'), ('To', BGP), ('Subject', subject),
              ('Message-ID', make_msgid(domain='acme.example.com')),
              ('Date', email.utils.format_datetime(utcnow())), ('MIME-Version', '1.0'),
              ('Content-Type', 'text/plain; charset=utf-8'),
              ('Content-Transfer-Encoding', '8bit')]
    fields = [f for f in fields if f[0] not in dict(headers)] + list(headers)
    head = b''.join(name.encode() + b': ' + (value if isinstance(value, bytes)
                                             else value.encode()) + b'\r\n'
                    for name, value in fields)
    return head + b'\r\n' + body.encode() + b'\r\n'


def test_a_bgp_contact_gets_each_prefix_state_verdict_reasons_and_api_links(world):
    query_id = '<q-1@acme.example.com>'
    message = receive(ask(f'Bom dia,\nqual a situação do PR-{world.r1.id} e do '
                          '203.0.113.0/24?\nObrigado', subject='Situação dos prefixos',
                          message_id=query_id))
    assert (message.kind, message.state, message.outcome) == ('bgp-query', 'handled',
                                                              'answered')
    assert message.verified and message.customer_id == world.acme.id
    assert message.reviewed_at is not None            # nothing for the NOC to do
    [answer] = sent()
    assert (answer.kind, answer.recipient, answer.customer_id) == (
        'bgp-answer', 'bgp@acme.example.com', world.acme.id)
    headers, text, html = parts(answer)
    assert headers.get_all('Auto-Submitted') == ['auto-replied']
    assert headers['In-Reply-To'] == query_id and query_id in headers['References']
    assert str(email.header.make_header(email.header.decode_header(headers['Subject']))) == \
        'Re: Situação dos prefixos'
    assert headers['Reply-To'] == BGP and headers['Content-Language'] == 'pt-BR'
    assert headers['X-Loop'] == BGP                   # RFC 3834 §5: and ours come back ignored
    rows = {row.prefix: row for row in world.r1.prefixes + world.r2.prefixes}
    for prefix, row in rows.items():
        assert prefix in text and prefix in html
        assert f'http://127.0.0.1:5000/api/v1/prefixes/{row.id}' in text
        assert f'/api/v1/prefixes/{row.id}' in html
    assert f'/api/v1/prefix-requests/{world.r1.id}' in text
    # Portuguese labels and reasons (the contact's language), in text and table.
    assert 'Olá, Rede Acme' in text and 'não devemos aceitá-lo' in text and 'RPKI inválido' in text
    assert '<table' in html and 'não devemos aceitá-lo' in html and 'RPKI inválido' in html


def test_an_english_contact_reads_english_and_a_non_bgp_contact_asks_for_the_bgp_ones(world):
    receive(ask(f'Where does PR-{world.r3.id} stand?',
                sender='Globex NOC <peering@globex.example.com>'))
    [answer] = sent()
    headers, text, _ = parts(answer)
    assert answer.recipient == 'peering@globex.example.com'
    assert 'Hello, Globex NOC' in text and 'Approved;' in text and '198.51.100.0/24' in text
    assert headers['Content-Language'] == 'en'
    OutboxMessage.delete().execute()
    # Ana is Acme's maintenance contact: the answer goes to Acme's BGP contact only.
    message = receive(ask('192.0.2.0/24', sender='Ana <ana@acme.example.com>'))
    assert message.outcome == 'answered' and message.contact_id == \
        world.contacts['acme_noc'].id
    assert [m.recipient for m in sent()] == ['bgp@acme.example.com']


def test_a_spoofed_sender_asking_for_another_providers_prefixes_learns_nothing(world):
    # Mallory forges the From of Acme's BGP contact and asks about Globex's space.
    message = receive(ask(f'PR-{world.r3.id}\n198.51.100.0/24\n198.51.100.128/25\n'
                          f'PR-{world.r3.id + 1000}\n192.0.2.0/24',
                          headers=[('Reply-To', 'mallory@evil.example.net')]))
    assert message.outcome == 'answered'
    answers = sent()
    assert [a.recipient for a in answers] == ['bgp@acme.example.com']   # never Mallory
    raw = answers[0].raw
    _, text, html = parts(answers[0])
    for secret in ('Globex', 'GLOBEX', 'JAN-IPT-003', 'AS64501', 'mallory'):
        assert secret not in text and secret not in html and secret not in raw
    assert f'/api/v1/prefixes/{world.r3.prefixes[0].id}' not in text
    # Another customer's request and one that does not exist read the same.
    assert (f'PR-{world.r3.id}, 198.51.100.0/24, 198.51.100.128/25, '
            f'PR-{world.r3.id + 1000}') in text
    assert '192.0.2.0/24' in text          # what is Acme's is answered


def test_covering_and_more_specific_prefixes_and_addresses_find_what_is_tracked(world):
    asking = '192.0.2.128/25\n2001:db8::/32\n203.0.113.9\n3fff:200::/48'
    receive(ask(asking, sender='Globex NOC <peering@globex.example.com>'))
    _, globex_text, _ = parts(sent()[0])
    assert 'AS64500' not in globex_text and '- 192.0.2.0/24' not in globex_text
    OutboxMessage.delete().execute()
    Contact.update(language='en').where(Contact.email == 'bgp@acme.example.com').execute()
    receive(ask(asking, sender='Ana <ana@acme.example.com>'))
    _, text, _ = parts(sent()[0])
    assert '- 192.0.2.0/24 AS64500' in text and 'You asked: covers 192.0.2.128/25' in text
    assert '- 2001:db8:1::/48 AS64500' in text and 'You asked: inside 2001:db8::/32' in text
    assert '- 203.0.113.0/24 AS64500' in text and 'You asked: covers 203.0.113.9' in text
    assert 'Not found among your requests: 3fff:200::/48' in text


@pytest.mark.parametrize('client', ['gmail', 'outlook'])
def test_quoted_text_asks_nothing(world, client):
    quoted = (f'Prefixos do pedido PR-{world.r2.id}:\n- 203.0.113.0/24 AS64500\n'
              f'PR-{world.r3.id} 198.51.100.0/24')
    raw = fixtures.plain_reply(
        reference=f'PR-{world.r1.id}', body='E o 2001:db8:1::/48, como está?',
        quoted_notice_text=quoted, client=client, to=BGP,
        sender='Rede Acme <bgp@acme.example.com>', original_subject='Prefixos')
    message = receive(raw)
    assert message.outcome == 'answered'
    _, text, _ = parts(sent()[0])
    assert '- 2001:db8:1::/48' in text
    assert '203.0.113.0/24' not in text and f'PR-{world.r3.id}' not in text


def test_an_html_only_question_is_read(world):
    raw = fixtures.plain_reply(body=f'Status do PR-{world.r2.id}, por favor', client='gmail',
                               html_only=True, to=BGP, quoted_notice_text='PR-1',
                               sender='Rede Acme <bgp@acme.example.com>')
    assert receive(raw).outcome == 'answered'
    _, text, _ = parts(sent()[0])
    assert '- 203.0.113.0/24' in text and '192.0.2.0/24' not in text


def test_a_question_with_nothing_to_look_up_gets_help_and_waits_for_the_noc(world):
    message = receive(ask('Oi, podem me ligar sobre nossos prefixos?'))
    assert (message.state, message.outcome) == ('handled', 'nothing-asked')
    assert message.reviewed_at is None
    [answer] = sent()
    _, text, _ = parts(answer)
    assert 'PR-12' in text and 'AS64500' not in text


def test_a_customer_without_bgp_contacts_gets_nothing_and_the_noc_is_told(world):
    initech = Customer.create(account_id='INI-3', name='Initech', kind='isp')
    Contact.create(customer=initech, name='Ivo', email='ivo@initech.example.com',
                   role_maintenance=True)
    message = receive(ask('PR-1', sender='ivo@initech.example.com'))
    assert (message.state, message.outcome, message.verified) == (
        'handled', 'no-bgp-contact', True)
    assert message.reviewed_at is None and sent() == []
    assert message.id in [m.id for m in inbox_pages.query_for('review')]


def test_a_contact_of_two_customers_gets_each_its_own_answer(world):
    Contact.create(customer=world.globex, name='Consultor', email='duo@example.org')
    Contact.create(customer=world.acme, name='Consultor', email='duo@example.org')
    receive(ask(f'PR-{world.r1.id}, PR-{world.r3.id}', sender='duo@example.org'))
    by_recipient = {row.recipient: parts(row)[1] for row in sent()}
    assert set(by_recipient) == {'bgp@acme.example.com', 'peering@globex.example.com'}
    assert '192.0.2.0/24 AS64500' in by_recipient['bgp@acme.example.com']
    assert '198.51.100.0/24 AS64501' not in by_recipient['bgp@acme.example.com']
    assert '198.51.100.0/24 AS64501' in by_recipient['peering@globex.example.com']
    assert '192.0.2.0/24 AS64500' not in by_recipient['peering@globex.example.com']


def test_the_sender_address_is_matched_exactly_and_case_insensitively(world):
    assert receive(ask('PR-1', sender='BGP@ACME.Example.COM')).outcome == 'answered'
    assert receive(ask('PR-1', sender='%@acme.example.com')).outcome.startswith(
        'unknown-sender')


# -- unknown senders ----------------------------------------------------------

def test_an_unknown_sender_gets_no_data_one_short_reply_a_day_and_the_noc_sees_it(world):
    stranger = 'Eve <eve@other.example.org>'
    now = utcnow()
    # The forger's text for the victim, in the subject: none of it goes out.
    first = receive(ask(f'PR-{world.r1.id} 192.0.2.0/24', sender=stranger,
                        subject='Ganhe dinheiro fácil em http://evil.example.net/' + 'x' * 250),
                    now)
    assert (first.state, first.outcome, first.verified) == (
        'unmatched', 'unknown-sender-told', False)
    assert first.id in [m.id for m in inbox_pages.query_for('unmatched')]
    [reply] = sent()
    headers, text, html = parts(reply)
    assert (reply.kind, reply.recipient) == ('bgp-unknown', 'eve@other.example.org')
    assert headers.get_all('Auto-Submitted') == ['auto-replied']
    assert decoded(headers['Subject']) == reply.subject == (
        'Nossa caixa BGP: seu endereço não está cadastrado / '
        'Our BGP mailbox: your address is not registered')
    for data in ('192.0.2.0/24', 'AS64500', 'Acme', f'PR-{world.r1.id}', 'api/v1', 'evil',
                 'dinheiro', 'xxxxx'):
        assert data not in reply.raw and data not in text and data not in html
    second = receive(ask('PR-1', sender=stranger), now + 2 * H)
    assert second.outcome == 'unknown-sender' and len(sent()) == 1
    third = receive(ask('PR-1', sender=stranger), now + 25 * H)
    assert third.outcome == 'unknown-sender-told' and len(sent()) == 2


def test_generic_replies_have_a_ceiling_per_hour_and_can_be_off(world):
    world.app.config['NOC']['inbound']['bgp_unknown_replies_per_hour'] = 2
    outcomes = [receive(ask('PR-1', sender=f'x{n}@forged.example.org')).outcome
                for n in range(4)]
    assert outcomes == ['unknown-sender-told'] * 2 + ['unknown-sender'] * 2
    world.app.config['NOC']['inbound']['bgp_unknown_reply_hours'] = 0
    OutboxMessage.delete().execute()
    assert receive(ask('PR-1', sender='new@forged.example.org')).outcome == 'unknown-sender'
    assert sent() == []


# -- no loops (RFC 3834) --------------------------------------------------------

ACME = 'Rede Acme <bgp@acme.example.com>'


@pytest.mark.parametrize('raw', [
    ask('PR-1', headers=[('Auto-Submitted', 'auto-replied')]),
    ask('PR-1', headers=[('Auto-Submitted', 'auto-generated')]),
    ask('PR-1', headers=[('Precedence', 'bulk')]),
    ask('PR-1', headers=[('Precedence', 'list')]),
    ask('PR-1', headers=[('Precedence', 'junk')]),
    ask('PR-1', headers=[('List-Id', '<nog.lists.example.org>')]),
    ask('PR-1', headers=[('Return-Path', '<>')]),
    ask('PR-1', headers=[('X-Auto-Response-Suppress', 'All')]),
    ask('PR-1', headers=[('List-Post', '<mailto:nog@lists.example.org>')]),
    ask('PR-1', headers=[('List-Help', '<mailto:nog-request@lists.example.org?subject=help>')]),
    ask('PR-1', headers=[('X-Loop', BGP)]),
    ask('PR-1', headers=[('X-Loop', 'NOC@janela.example.net (Janela)')]),
    ask('PR-1', headers=[('X-Janela-Bgp-Query', '12')]),
    ask('PR-1', subject='Resposta automática: Status', headers=[('Return-Path', '<>')]),
    ask('PR-1', sender='NOC Janela <noc@janela.example.net>'),
    ask('PR-1', sender=BGP),
    ask('PR-1', sender='MAILER-DAEMON@acme.example.com'),
    ask('PR-1', sender='noreply@acme.example.com'),
    fixtures.vacation_gmail(sender=ACME, to=BGP),
    fixtures.out_of_office_outlook(sender=ACME, to=BGP),
    fixtures.autoreply_generic(sender='bgp@acme.example.com', to=BGP),
    fixtures.autoreply_generic(sender='bgp@acme.example.com', to=BGP, kind='ticket'),
], ids=['auto-replied', 'auto-generated', 'bulk', 'list', 'junk', 'list-id', 'null-path',
        'suppress', 'list-post', 'list-help', 'x-loop-bgp', 'x-loop-from', 'our-marker',
        'subject-and-null-path', 'janela-from', 'bgp-mailbox', 'mailer-daemon', 'noreply',
        'gmail-vacation', 'outlook-oof', 'sieve', 'ticket'])
def test_automatic_mail_is_never_answered_even_from_a_registered_contact(world, raw):
    message = receive(raw)
    assert (message.kind, message.state, message.outcome) == (
        'auto-reply', 'handled', 'auto-ignored')
    assert message.reviewed_at is not None and sent() == []


def test_an_x_loop_of_someone_else_is_no_reason_to_stay_quiet(world):
    message = receive(ask(f'PR-{world.r1.id}', headers=[('X-Loop', 'helpdesk@acme.example.com')]))
    assert message.outcome == 'answered' and len(sent()) == 1


def test_a_bounce_of_an_answer_flags_the_contact_and_is_not_answered(world):
    receive(ask(f'PR-{world.r1.id}'))
    [answer] = sent()
    bounce = receive(fixtures.bounce_postfix(original_message_id=answer.message_id,
                                             failed_recipient='bgp@acme.example.com',
                                             original_from=BGP))
    assert bounce.kind == 'bounce' and bounce.outcome == 'bounce-recorded'
    assert Contact.get_by_id(world.contacts['acme_bgp'].id).bounced_at is not None
    assert len(sent()) == 1


def test_our_own_answer_coming_back_is_not_answered(world):
    receive(ask(f'PR-{world.r1.id}'))
    [answer] = sent()
    looped = answer.raw.replace('To: Rede Acme <bgp@acme.example.com>', f'To: {BGP}')
    message = receive(looped.encode())
    assert message.outcome == 'auto-ignored' and len(sent()) == 1


def test_answers_per_customer_and_hour_are_bounded(world):
    world.app.config['NOC']['inbound']['bgp_answers_per_hour'] = 2
    now = utcnow()
    outcomes = [receive(ask(f'PR-{world.r1.id}'), now + n * datetime.timedelta(minutes=1))
                .outcome for n in range(3)]
    assert outcomes == ['answered', 'answered', 'rate-limited'] and len(sent()) == 2
    later = receive(ask(f'PR-{world.r1.id}'), now + 2 * H)
    assert later.outcome == 'answered'


# -- subjects that look automatic -------------------------------------------------

@pytest.mark.parametrize('subject', [
    'Ausência do prefixo 192.0.2.0/24 na tabela', 'Ausente: rota 192.0.2.0/24',
    'Férias – pedidos PR-1', 'Fora do escritório o link caiu, PR-1', 'Auto reply check PR-1',
    'Out of office hours: 192.0.2.0/24 unreachable',
])
def test_a_question_whose_subject_merely_starts_like_an_absence_is_answered(world, subject):
    message = receive(ask('Bom dia, o 192.0.2.0/24 sumiu da tabela?',
                          subject=email.header.Header(subject, 'utf-8').encode()))
    assert (message.kind, message.outcome) == ('bgp-query', 'answered')
    assert message.subject == subject
    [answer] = sent()
    assert '- 192.0.2.0/24 AS64500' in parts(answer)[1]


@pytest.mark.parametrize('subject', [
    'Resposta automática: Status', 'Automatic reply: Status', 'Out of Office: Status',
    'Out of Office AutoReply: Status', 'Fora do escritório: Status', 'Ausente do escritório',
    'Respuesta automática: Status',
])
def test_a_subject_alone_saying_automatic_gets_no_answer_and_waits_for_the_noc(world, subject):
    message = receive(ask(f'PR-{world.r1.id}', subject=subject))
    assert (message.kind, message.state, message.outcome) == (
        'bgp-query', 'handled', 'auto-suspected')
    assert message.customer_id == world.acme.id and message.reviewed_at is None
    assert message.id in [m.id for m in inbox_pages.query_for('review')]
    assert message.outcome in InboundOutcome.values()         # the NOC reads what it is
    assert sent() == []
    # From a stranger neither: no reply saying "you are not registered".
    stranger = receive(ask('PR-1', sender='eve@other.example.org', subject=subject))
    assert (stranger.state, stranger.outcome) == ('unmatched', 'unknown-sender')
    assert sent() == []


# -- who wrote, and how ------------------------------------------------------------

@pytest.mark.parametrize('sender', [
    '=?utf-8?q?=3Cbgp=40acme=2Eexample=2Ecom=3E?= <eve@evil.example.net>',
    '=?utf-8?q?bgp?=@acme.example.com',
    '=?utf-8?b?YmdwQGFjbWUuZXhhbXBsZS5jb20=?=',
])
def test_an_address_spelled_in_an_encoded_word_is_no_address(world, sender):
    message = receive(written(f'PR-{world.r1.id}', [('From', sender)]))
    assert message.customer_id is None and not message.verified
    assert message.sender != 'bgp@acme.example.com'
    assert all(row.recipient != 'bgp@acme.example.com' for row in sent())


def test_only_the_display_name_of_a_sender_is_decoded(world):
    message = receive(written(f'PR-{world.r1.id}', [(
        'From', '=?utf-8?q?Jos=C3=A9_=3Cbgp=40acme=2Eexample=2Ecom=3E?= <Eve@Evil.example.net>')]))
    assert (message.sender, message.sender_name) == (
        'eve@evil.example.net', 'José <bgp@acme.example.com>')
    assert message.outcome == 'unknown-sender-told'
    assert [row.recipient for row in sent()] == ['eve@evil.example.net']


def test_raw_utf8_headers_read_as_utf8(world):
    raw = written(f'PR-{world.r1.id}', [('From', 'José Acme <bgp@acme.example.com>'.encode()),
                                        ('Subject', 'Situação do prefixo'.encode())])
    assert b'Situa\xc3\xa7\xc3\xa3o' in raw
    message = receive(raw)
    assert (message.subject, message.sender_name) == ('Situação do prefixo', 'José Acme')
    [answer] = sent()
    headers, _, _ = parts(answer)
    assert decoded(headers['Subject']) == answer.subject == 'Re: Situação do prefixo'
    # Raw bytes that are no UTF-8 are read as Latin-1, not as nothing.
    latin = receive(written(f'PR-{world.r1.id}', [('Subject', 'Situação'.encode('latin-1'))]))
    assert latin.subject == 'Situação'


def test_digits_of_other_scripts_do_not_stop_the_answer(world):
    message = receive(ask(f'PR-{world.r1.id} e o prefixo \uff12\uff10\uff10.1.2.0/22 '
                          'e 192.0.2.\u0660'))
    assert (message.state, message.outcome) == ('handled', 'answered')
    _, text, _ = parts(sent()[0])
    assert '- 192.0.2.0/24 AS64500' in text
    assert ('Não conseguimos ler como prefixo: \uff12\uff10\uff10.1.2.0/22, 192.0.2.\u0660'
            in text)


# -- replies to our own mail ---------------------------------------------------------

def test_thanks_for_an_answer_sends_nothing_and_waits_for_the_noc(world):
    receive(ask(f'PR-{world.r1.id}', message_id='<q-9@acme.example.com>'))
    [answer] = sent()
    references = f'<q-9@acme.example.com> {answer.message_id}'
    thanks = receive(ask('Obrigado!\n\nRede Acme', subject='Re: Status',
                         headers=[('In-Reply-To', answer.message_id),
                                  ('References', references)]))
    assert (thanks.kind, thanks.state, thanks.outcome) == (
        'bgp-query', 'handled', 'reply-nothing-asked')
    assert thanks.reviewed_at is None and thanks.customer_id == world.acme.id
    assert thanks.outcome in InboundOutcome.values()
    assert len(sent()) == 1
    # Through References alone (Outlook's In-Reply-To may name another message).
    receive(ask('Valeu', subject='RES: Status', headers=[('References', references)]))
    assert len(sent()) == 1
    # A question in the same thread is answered.
    again = receive(ask(f'E o PR-{world.r2.id}?', subject='Re: Status',
                        headers=[('In-Reply-To', answer.message_id)]))
    assert again.outcome == 'answered' and len(sent()) == 2


# -- routing by mailbox ---------------------------------------------------------

NOC = 'noc@janela.example.net'


@pytest.mark.parametrize('to, headers', [
    # Postfix alias into the one IMAP mailbox, Dovecot LMTP's Delivered-To
    # names that mailbox; X-Original-To (local/virtual/pipe) the alias.
    (BGP, [('Delivered-To', NOC), ('X-Original-To', BGP)]),
    (BGP, [('Delivered-To', NOC)]),                         # without X-Original-To
    ('Rede Acme <lista@acme.example.com>', [('Delivered-To', NOC), ('Delivered-To', BGP)]),
    (f'NOC Janela <{NOC}>, BGP Janela <{BGP}>', []),
    (NOC, [('Cc', f'BGP <{BGP}>')]),
    (NOC, [('Cc', BGP), ('Delivered-To', NOC)]),
], ids=['x-original-to', 'alias-without-envelope', 'any-delivered-to', 'to-both', 'cc',
        'cc-delivered-to-maintenance'])
def test_mail_naming_the_bgp_address_reaches_the_bgp_handler(world, to, headers):
    message = receive(ask(f'PR-{world.r1.id}', to=to, headers=headers))
    assert (message.kind, message.outcome) == ('bgp-query', 'answered')
    assert message.mailbox == BGP
    headers, _, _ = parts(sent()[0])
    assert headers['Reply-To'] == BGP


def test_a_reply_to_a_maintenance_notice_naming_both_mailboxes_stays_maintenance(world):
    window = MaintenanceWindow.create(
        reference='MW-2026-00042', uid='mw-42@janela.example.net', title_pt='Janela',
        title_en='Window', starts_at=utcnow() + 240 * H, ends_at=utcnow() + 242 * H,
        impact='OUTAGE', status='CONFIRMED')
    notice = OutboxMessage.create(window=window, customer=world.acme, recipient='x@example.com',
                                  kind='notice', subject='Aviso', raw='x',
                                  message_id='<notice-42@janela.example.net>')
    raw = ask(f'Ciente, e o PR-{world.r1.id}?', to=f'{NOC}, {BGP}', subject='Re: Aviso',
              headers=[('In-Reply-To', notice.message_id)])
    message = receive(raw)
    assert message.kind == 'message' and message.window_id == window.id
    assert sent('bgp-answer') == []
    # Without the notice in its thread, a message to both is a question.
    assert receive(ask(f'PR-{world.r1.id}', to=f'{NOC}, {BGP}')).outcome == 'answered'


def test_an_encoded_word_in_to_routes_nowhere(world):
    raw = written(f'PR-{world.r1.id}', [
        ('To', '=?utf-8?q?=3Cbgp=40janela=2Eexample=2Enet=3E?= <lista@acme.example.com>')])
    message = receive(raw)
    assert message.kind == 'message' and sent() == []


def test_mail_to_another_address_still_goes_to_the_maintenance_handler(world):
    message = receive(ask(f'PR-{world.r1.id}', to='NOC Janela <noc@janela.example.net>'))
    assert message.kind == 'message' and message.outcome == 'no-window' and sent() == []


def test_the_envelope_address_decides_over_the_to_header(world):
    raw = ask(f'PR-{world.r1.id}', to='lista@acme.example.com',
              headers=[('Delivered-To', BGP.upper())])
    assert receive(raw).outcome == 'answered'
    world.app.config['NOC']['inbound']['bgp_mailboxes'] = []
    assert receive(ask('PR-1')).kind == 'message'       # no BGP mailbox configured


def test_the_mta_pipe_answers_too(world):
    result = world.app.test_cli_runner().invoke(
        args=['noc', 'mail-in'], input=ask(f'PR-{world.r1.id}'))
    assert result.exit_code == 0 and 'bgp-query handled answered' in result.output
    assert [m.recipient for m in sent()] == ['bgp@acme.example.com']


def test_a_bad_mailbox_address_stops_start_up_naming_the_key(tmp_path):
    from noc.core import config
    site = tmp_path / 'site.toml'
    site.write_text('[app]\nsecret_key = "' + 's' * 40 + '"\n')
    with pytest.raises(config.ConfigError, match='inbound.bgp_mailboxes'):
        config.load(environ={'NOC_CONFIG': str(site), 'NOC_INBOUND_BGP_MAILBOXES': 'bgp, x'})
    values = config.load(environ={'NOC_CONFIG': str(site),
                                  'NOC_INBOUND_BGP_MAILBOXES': 'bgp@a.example, rotas@a.example'})
    assert values['inbound']['bgp_mailboxes'] == ['bgp@a.example', 'rotas@a.example']


def test_prefix_notices_ask_for_replies_at_the_bgp_mailbox(world):
    flow.act([world.r3.prefixes[0].id], 'configure', 'eng')
    notice = sent('prefix')[-1]
    headers = email.message_from_string(notice.raw, policy=email.policy.default)
    assert headers['Reply-To'] == BGP
    assert headers['Auto-Submitted'] == 'auto-generated'


def test_a_reply_that_is_all_quote_asks_nothing(world):
    body = (f'On Mon, Nov 23, 2026, Janela <noc@janela.example.net> wrote:\n'
            f'> - 192.0.2.0/24 AS64500 · PR-{world.r1.id}\n'
            f'> - 203.0.113.0/24 AS64500 · PR-{world.r2.id}\n')
    message = receive(ask(body, subject='Re: Status dos prefixos'))
    assert message.outcome == 'nothing-asked'
    assert all('AS64500' not in parts(row)[1] for row in sent())   # no state table


def test_a_long_message_is_read_to_a_large_bound_and_the_answer_says_where_it_stopped(world):
    # Far past the 20,000 characters once read: answered, nothing said about a cut.
    message = receive(ask('obrigado ' * 2300 + f'\nPR-{world.r1.id}'))
    assert message.outcome == 'answered'
    _, text, _ = parts(sent()[0])
    assert '- 192.0.2.0/24 AS64500' in text and 'não o resto' not in text
    OutboxMessage.delete().execute()
    # Past the bound: what comes before is answered, the rest is said unread.
    filler = 'obrigado ' * (mail_query.MAX_TEXT // 9 + 10)
    message = receive(ask(f'PR-{world.r2.id}\n{filler}\n192.0.2.0/24'))
    assert message.outcome == 'answered' and message.reviewed_at is None   # the NOC reads on
    _, text, html = parts(sent()[0])
    assert '- 203.0.113.0/24 AS64500' in text and '192.0.2.0/24' not in text
    for body in (text, html):
        assert 'lemos os primeiros 1.000.000 caracteres dela e não o resto' in body
    OutboxMessage.delete().execute()
    Contact.update(language='en').where(Contact.email == 'bgp@acme.example.com').execute()
    receive(ask(f'{filler}\nPR-{world.r1.id}'))
    _, text, _ = parts(sent()[0])
    assert 'we read its first 1,000,000 characters and not the rest' in text
    assert 'We found no request number' in text and 'AS64500' not in text


@pytest.mark.parametrize('second', ['contact-elsewhere', 'no-bgp-contact'])
def test_the_hourly_ceiling_counts_answers_sent_to_each_customer(world, second):
    """A sender registered at two customers: each customer's BGP contacts get at
    most the ceiling, whatever happens for the other customer."""
    world.app.config['NOC']['inbound']['bgp_answers_per_hour'] = 2
    other = world.globex if second == 'contact-elsewhere' else Customer.create(
        account_id='Z-9', name='Zeta', kind='isp')
    Contact.create(customer=other, name='Consultora', email='ana@acme.example.com',
                   role_maintenance=True, language='en')
    for n in range(5):
        receive(ask(f'PR-{world.r1.id} #{n}', sender='Ana <ana@acme.example.com>'))
    per_customer = {}
    for row in sent('bgp-answer'):
        per_customer.setdefault(row.customer_id, set()).add(row.created_at)
    assert len(per_customer[world.acme.id]) == 2
    assert all(len(moments) <= 2 for moments in per_customer.values())
