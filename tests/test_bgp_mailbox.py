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

import pytest

import inbound_fixtures as fixtures
from conftest import prepared_app
from noc.db import database
from noc.mail import inbound
from noc.models import Contact, Customer, InboundMessage, OutboxMessage, utcnow
from noc.routing import irr_store, mail_query, requests, snapshots
from noc.web import inbox as inbox_pages
from routing_fixtures import RADB, build_isps, write_rpsl, write_vrps

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
])
def test_references_and_prefixes_are_read_however_written(subject, text, expected):
    assert asked(subject, text) == expected


@pytest.mark.parametrize('text', [
    'Reunião às 10:30:00 de 24.11.2026; versão 1.2.3; MAC 00:1a:2b:3c:4d:5e',
    'Ligue para (31) 4002-8922 ramal 12',
    'PR-1.5 is a version, not a request',
])
def test_times_dates_versions_and_phone_numbers_are_not_questions(text):
    assert asked('', text) == []


def test_what_looks_like_a_prefix_but_is_none_is_reported_back():
    query = mail_query.parse('', '300.1.2.0/24, 192.0.2.0/33 and 2001:db8::/129; PR-4')
    assert query.unreadable == ['300.1.2.0/24', '192.0.2.0/33', '2001:db8::/129']
    assert [a.text for a in query.items] == ['PR-4'] and not query.empty


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
    snapshots.load('lab', write_vrps(tmp_path / 'v.json'))
    irr_store.load_dump(write_rpsl(tmp_path / 'tc.rpsl'), 'TC')
    irr_store.load_dump(write_rpsl(tmp_path / 'radb.rpsl', RADB), 'RADB')
    acme, globex = isps['acme'], isps['globex']
    r1 = requests.submit(acme, isps['circuits']['acme'], '192.0.2.0/24\n2001:db8:1::/48',
                         actor='t')
    r2 = requests.submit(acme, isps['circuits']['acme'], '203.0.113.0/24', actor='t')
    r3 = requests.submit(globex, isps['circuits']['globex'], '198.51.100.0/24', actor='t')
    requests.check_pending()
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
    rows = {row.prefix: row for row in world.r1.prefixes + world.r2.prefixes}
    for prefix, row in rows.items():
        assert prefix in text and prefix in html
        assert f'http://127.0.0.1:5000/api/v1/prefixes/{row.id}' in text
        assert f'/api/v1/prefixes/{row.id}' in html
    assert f'/api/v1/prefix-requests/{world.r1.id}' in text
    # Portuguese labels and reasons (the contact's language), in text and table.
    assert 'Olá, Rede Acme' in text and 'recusar' in text and 'RPKI inválido' in text
    assert '<table' in html and '<td>recusar</td>' in html and 'RPKI inválido' in html


def test_an_english_contact_reads_english_and_a_non_bgp_contact_asks_for_the_bgp_ones(world):
    receive(ask(f'Where does PR-{world.r3.id} stand?',
                sender='Globex NOC <peering@globex.example.com>'))
    [answer] = sent()
    headers, text, _ = parts(answer)
    assert answer.recipient == 'peering@globex.example.com'
    assert 'Hello, Globex NOC' in text and 'approved' in text and '198.51.100.0/24' in text
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
    first = receive(ask(f'PR-{world.r1.id} 192.0.2.0/24', sender=stranger), now)
    assert (first.state, first.outcome, first.verified) == (
        'unmatched', 'unknown-sender-told', False)
    assert first.id in [m.id for m in inbox_pages.query_for('unmatched')]
    [reply] = sent()
    headers, text, html = parts(reply)
    assert (reply.kind, reply.recipient) == ('bgp-unknown', 'eve@other.example.org')
    assert headers.get_all('Auto-Submitted') == ['auto-replied']
    for data in ('192.0.2.0/24', 'AS64500', 'Acme', f'PR-{world.r1.id}', 'api/v1'):
        assert data not in reply.raw.replace(headers['Subject'], '') and data not in text
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
    ask('PR-1', subject='Resposta automática: Status'),
    ask('PR-1', sender='NOC Janela <noc@janela.example.net>'),
    ask('PR-1', sender=BGP),
    ask('PR-1', sender='MAILER-DAEMON@acme.example.com'),
    ask('PR-1', sender='noreply@acme.example.com'),
    fixtures.vacation_gmail(sender=ACME, to=BGP),
    fixtures.out_of_office_outlook(sender=ACME, to=BGP),
    fixtures.autoreply_generic(sender='bgp@acme.example.com', to=BGP),
    fixtures.autoreply_generic(sender='bgp@acme.example.com', to=BGP, kind='ticket'),
], ids=['auto-replied', 'auto-generated', 'bulk', 'list', 'junk', 'list-id', 'null-path',
        'suppress', 'subject', 'janela-from', 'bgp-mailbox', 'mailer-daemon', 'noreply',
        'gmail-vacation', 'outlook-oof', 'sieve', 'ticket'])
def test_automatic_mail_is_never_answered_even_from_a_registered_contact(world, raw):
    message = receive(raw)
    assert (message.kind, message.state, message.outcome) == (
        'auto-reply', 'handled', 'auto-ignored')
    assert message.reviewed_at is not None and sent() == []


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


# -- routing by mailbox ---------------------------------------------------------

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
    from noc import config
    site = tmp_path / 'site.toml'
    site.write_text('[app]\nsecret_key = "' + 's' * 40 + '"\n')
    with pytest.raises(config.ConfigError, match='inbound.bgp_mailboxes'):
        config.load(environ={'NOC_CONFIG': str(site), 'NOC_INBOUND_BGP_MAILBOXES': 'bgp, x'})
    values = config.load(environ={'NOC_CONFIG': str(site),
                                  'NOC_INBOUND_BGP_MAILBOXES': 'bgp@a.example, rotas@a.example'})
    assert values['inbound']['bgp_mailboxes'] == ['bgp@a.example', 'rotas@a.example']


def test_prefix_notices_ask_for_replies_at_the_bgp_mailbox(world):
    requests.act([world.r3.prefixes[0].id], 'configure', 'eng')
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


def test_only_the_first_20000_characters_are_read(world):
    message = receive(ask('obrigado ' * 2300 + f'\nPR-{world.r1.id}'))
    assert message.outcome == 'nothing-asked'


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
