"""Notices follow the standards their readers hold them to (issue 16, point 13).

Each test here failed on the notices as they were: the impact a customer is
told (MAINTNOTE §3.7.1.1), the date in the subject, RFC 2047 encoded words,
the ATTENDEE line of updates (RFC 5546), RSVP on notices that want no
answer, and who is told of a change to one language's text. The messages
are read as their receivers read them: the standard library's RFC 2047
decoder, vobject, and circuit-maintenance-parser (.venv-cmp).
"""
import datetime
import email
import email.policy
import re
import zoneinfo
from email.header import decode_header, make_header

import pytest
from flask_babel import force_locale
from helpers.maintenance_fixtures import build_network, confirmed, parse
from helpers.maintenance_fixtures import settings as area_settings
from helpers.maintenance_oracle import calendar_parts, cmp_errors, parse_with_cmp, parse_with_vobject

from noc.maintenance import answer_commands, answers, windows
from noc.models import Contact, Customer, MaintenanceWindow, OutboxMessage
from noc.models import Impact as I
from noc.models import MessageKind as K
from noc.models import Partstat as P

ANA, BRUNO, CARLA = 'ana@acme.example.com', 'noc@acme.example.com', 'carla@globex.example.com'
ENCODED_WORD = re.compile(rb'=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=')


@pytest.fixture
def net(ctx):
    return build_network()


def sent(kind=None, since=0):
    """{recipient: OutboxMessage} queued after message id `since`, of `kind`."""
    rows = OutboxMessage.select().where(OutboxMessage.id > since).order_by(OutboxMessage.id)
    return {m.recipient: m for m in rows if kind is None or m.kind == kind}


def last_id():
    row = OutboxMessage.select().order_by(OutboxMessage.id.desc()).first()
    return row.id if row else 0


def message(row):
    return email.message_from_bytes(row.raw.encode(), policy=email.policy.default)


def event_of(row):
    return parse_with_vobject(calendar_parts(row.raw.encode())[0][1])


def update(window, **changes):
    """Change a window as the edit form does: its stored values, with `changes`."""
    def local(moment):
        return moment.astimezone(zoneinfo.ZoneInfo('America/Sao_Paulo')).strftime('%Y-%m-%d %H:%M')
    fields = dict(title_pt=window.title_pt, title_en=window.title_en,
                  starts_at=local(window.starts_at), ends_at=local(window.ends_at),
                  description_pt=window.description_pt, description_en=window.description_en,
                  impact=window.impact, outage_minutes=str(window.outage_minutes))
    fields.update(changes)
    return windows.update(window, parse(**fields), 'test', settings=area_settings())


def test_impact_is_the_worst_among_the_customers_own_circuits(net):
    # A DEGRADED window; ACME's circuit is down altogether, GLOBEX's only loses
    # its redundancy. Each is told its own worst, in the calendar and the body.
    confirmed(segments='', impact='DEGRADED',
              circuits='JAN-IPT-001 OUTAGE\nJAN-IPT-003 REDUCED-REDUNDANCY')
    rows = sent(K.NEW)
    assert set(rows) == {ANA, BRUNO, CARLA}
    told = {ANA: I.OUTAGE, BRUNO: I.OUTAGE, CARLA: I.REDUCED_REDUNDANCY}
    for address, row in rows.items():
        assert event_of(row)['x_maintnote']['X-MAINTNOTE-IMPACT'] == [told[address]]
        text = message(row).get_body(('plain',)).get_content()
        # The body reads the impact's label in the contact's language (issue 17).
        with force_locale(row.contact.language):
            label = str(I.label(told[address]))
        assert re.search(rf'^(Impact|Impacto): {label}\r?$', text, re.M), text
    parsed = parse_with_cmp([rows[a].raw.encode() for a in (ANA, CARLA)])
    for address, result in zip((ANA, CARLA), parsed):
        assert cmp_errors(result) == []
        assert {m['impact'] for m in result} == {told[address]}


def test_impact_of_the_feed_is_the_customers_worst(net):
    from noc.maintenance import feeds
    confirmed(segments='', impact='DEGRADED', circuits='JAN-IPT-001 OUTAGE')
    ics = feeds.feed_ics(net['acme'], settings=area_settings())
    assert 'X-MAINTNOTE-IMPACT:OUTAGE' in ics and 'X-MAINTNOTE-IMPACT:DEGRADED' not in ics


@pytest.mark.dates
def test_subject_date_is_the_day_in_the_contacts_zone(net):
    # 23:30 in São Paulo is 02:30 UTC the next day: the subject of each contact
    # names the day its body shows (Lisbon the next one, Manaus the same).
    window = confirmed(segments='SPAN-A', starts_at='2030-11-06 23:30',
                       ends_at='2030-11-07 03:00')
    rows = sent(K.NEW)
    zones = {ANA: 'America/Sao_Paulo', BRUNO: 'Europe/Lisbon', CARLA: 'America/Manaus'}
    days = {}
    for address, row in rows.items():
        day = window.starts_at.astimezone(zoneinfo.ZoneInfo(zones[address])).date()
        days[address] = day
        assert message(row)['Subject'].endswith(f'({day.isoformat()})'), address
        assert row.subject.endswith(f'({day.isoformat()})')
    assert days[ANA] == datetime.date(2030, 11, 6) and days[BRUNO] == datetime.date(2030, 11, 7)


def _check_headers(row, contact):
    """RFC 2047 §2 and RFC 5322 §2.1.1 on the raw bytes, and the texts decoded back."""
    raw = row.raw.encode()
    head = raw.split(b'\r\n\r\n', 1)[0]
    for word in ENCODED_WORD.findall(raw):
        assert len(word) <= 75, (row.kind, word)
    for line in head.split(b'\r\n'):
        # A line may be longer only when it has no space to fold at (a Message-ID).
        value = line.strip() if line[:1].isspace() else line.partition(b': ')[2]
        assert len(line) <= 78 or b' ' not in value, (row.kind, line)
    assert head.isascii()
    parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
    assert str(make_header(decode_header(parsed['Subject']))) == row.subject
    assert message(row)['Subject'] == row.subject
    to = str(make_header(decode_header(parsed['To'])))
    assert to == f'{contact.name} <{contact.email}>', to
    assert message(row)['To'].addresses[0].addr_spec == contact.email


LONG_TITLE = ('Substituição emergencial do cabo óptico subterrâneo entre as estações de '
              'São José dos Campos e Taubaté, com remanejamento das emendas e da caixa de '
              'passagem na Rodovia Presidente Dutra')
LONG_NAME = 'José Antônio da Conceição Magalhães Gonçalves Júnior (Operações de Rede Ótica)'


def test_encoded_words_fit_rfc_2047_in_every_kind_and_language(net):
    Contact.update(name=LONG_NAME).where(Contact.email == ANA).execute()
    Contact.update(name='Ñoño Ümlaut-Çedilha, "Plantão" NOC').where(
        Contact.email == CARLA).execute()
    # ASCII that looks like an encoded word is a name, not one to decode.
    Contact.update(name='Bruno =?utf-8?q?Diretor?= Lopes').where(
        Contact.email == BRUNO).execute()
    Customer.update(name='Acme Provedor de Acesso à Internet e Comunicação Ltda.').where(
        Customer.id == net['acme'].id).execute()
    title = dict(title_pt=LONG_TITLE, title_en='Emergency replacement of the underground '
                 'fibre cable between São José dos Campos and Taubaté (ÇÃÕ)')
    window = confirmed(segments='SPAN-A', emergency='on', emergency_reason='Cabo rompido',
                       **title)
    window = update(window, description_pt='Nova descrição', **title)
    window = update(window, starts_at='2030-12-01 22:00', ends_at='2030-12-02 01:00', **title)
    windows.remind(window, settings=area_settings())
    answer_commands.remind(window.id, 'test', settings=area_settings())
    window = windows.start(MaintenanceWindow.get_by_id(window.id), 'test',
                           settings=area_settings())
    windows.complete(window, 'test', settings=area_settings())
    other = confirmed(segments='SPAN-A', starts_at='2030-10-10 22:00',
                      ends_at='2030-10-10 23:00', **title)
    windows.cancel(other, 'test', 'Equipe indisponível', settings=area_settings())
    rows = list(OutboxMessage.select().order_by(OutboxMessage.id))
    assert {r.kind for r in rows} >= {K.NEW, K.UPDATED, K.RESCHEDULED, K.REMINDER,
                                      K.ACK_REQUEST, K.STARTING, K.COMPLETED, K.CANCELLED}
    assert {r.recipient for r in rows} == {ANA, BRUNO, CARLA}
    contacts = {c.email: c for c in Contact.select()}
    for row in rows:
        _check_headers(row, contacts[row.recipient])
    # What NOCs run on their inbox reads every one of them (Subject and Date included).
    assert all(cmp_errors(p) == [] for p in parse_with_cmp([r.raw.encode() for r in rows]))


def test_text_that_looks_like_an_encoded_word_stays_text():
    # No app or database: composing alone.
    from noc.mail import compose
    subject = '[MW-2026-00009] Maintenance updated: ' + '=?utf-8?q?Urgent?= ' * 6
    raw = compose.build(sender=('NOC', 'noc@janela.example.net'),
                        recipient=('=?utf-8?q?CEO?=', 'x@example.com'), subject=subject,
                        text='t', html='h', ics='', method='', stamp=datetime.datetime(
                            2026, 6, 17, tzinfo=datetime.timezone.utc),
                        msgid='<1@janela.example.net>', filename='x.ics').encode()
    parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
    assert str(make_header(decode_header(parsed['Subject']))) == subject
    assert str(make_header(decode_header(parsed['To']))) == '=?utf-8?q?CEO?= <x@example.com>'
    assert all(len(w) <= 75 for w in ENCODED_WORD.findall(raw))
    # A line break in a name or subject stays inside an encoded word: no header of its own.
    raw = compose.build(sender=('NOC', 'noc@janela.example.net'),
                        recipient=('Ana\r\nBcc: e@evil.example', 'x@example.com'),
                        subject='[MW-2026-00009] x\nBcc: e@evil.example', text='t', html='h',
                        ics='', method='', stamp=datetime.datetime(
                            2026, 6, 17, tzinfo=datetime.timezone.utc),
                        msgid='<1@janela.example.net>', filename='x.ics').encode()
    parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
    assert parsed['Bcc'] is None and b'\nBcc' not in raw


def attendee(row):
    found = event_of(row)['attendees']
    assert [a['value'] for a in found] == [f'mailto:{row.recipient}']
    return found[0]['params']


def test_updates_keep_the_answer_given_and_ask_only_while_one_is_wanted(net):
    window = confirmed(segments='SPAN-A')
    ana = Contact.get(Contact.email == ANA)
    params = attendee(sent(K.NEW)[ANA])
    assert params['PARTSTAT'] == P.NEEDS_ACTION and params['RSVP'] == 'TRUE'
    stamp = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    assert answer_commands.record_reply(window.id, ana.id, P.ACCEPTED, 0, stamp)
    mark = last_id()
    window = update(MaintenanceWindow.get_by_id(window.id), outage_minutes='45')
    params = attendee(sent(K.UPDATED, mark)[ANA])
    assert params['PARTSTAT'] == P.ACCEPTED and 'RSVP' not in params
    # A reminder does not ask again either; she has answered about these times.
    mark = last_id()
    windows.remind(window, settings=area_settings())
    params = attendee(sent(K.REMINDER, mark)[ANA])
    assert params['PARTSTAT'] == P.ACCEPTED and 'RSVP' not in params
    # New times: her answer was about others, so it is asked again, as the
    # acknowledgement is (window.times_sequence).
    mark = last_id()
    window = update(window, starts_at='2030-12-01 22:00', ends_at='2030-12-02 01:00')
    params = attendee(sent(K.RESCHEDULED, mark)[ANA])
    assert params['PARTSTAT'] == P.NEEDS_ACTION and params['RSVP'] == 'TRUE'
    assert not answers.acknowledged(answers.customer_states(window, [ana.customer_id])[
        ana.customer_id], window)
    # She declines the new times: kept in the next update, nothing asked.
    assert answer_commands.record_reply(window.id, ana.id, P.DECLINED, window.sequence, stamp)
    mark = last_id()
    update(MaintenanceWindow.get_by_id(window.id), outage_minutes='50')
    params = attendee(sent(K.UPDATED, mark)[ANA])
    assert params['PARTSTAT'] == P.DECLINED and 'RSVP' not in params


def test_starting_completed_and_cancelled_notices_ask_no_answer(net):
    window = confirmed(segments='SPAN-A')
    mark = last_id()
    window = windows.start(window, 'test', settings=area_settings())
    windows.complete(window, 'test', settings=area_settings())
    other = confirmed(segments='SPAN-A', starts_at='2030-10-10 22:00',
                      ends_at='2030-10-10 23:00')
    windows.cancel(other, 'test', 'Equipe indisponível', settings=area_settings())
    rows = [r for r in OutboxMessage.select().where(OutboxMessage.id > mark)
            if r.recipient == ANA and r.kind != K.NEW]
    assert sorted(r.kind for r in rows) == sorted([K.STARTING, K.COMPLETED, K.CANCELLED])
    for row in rows:
        params = attendee(row)
        assert 'RSVP' not in params and params['PARTSTAT'] == P.NEEDS_ACTION, row.kind
        assert 'RSVP=TRUE' not in row.ics


def test_a_change_to_one_languages_text_tells_only_its_readers(net):
    window = confirmed(segments='SPAN-A')           # Ana reads pt_BR; Bruno, Carla en
    ana = Contact.get(Contact.email == ANA)
    stamp = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    answer_commands.record_reply(window.id, ana.id, P.ACCEPTED, 0, stamp)
    assert answers.unacknowledged(window, [ana.customer_id]) == []

    mark = last_id()
    window = update(window, description_en='Replacing 3 km of cable.')
    assert set(sent(since=mark)) == {BRUNO, CARLA}
    assert window.sequence == 1
    assert {event_of(r)['sequence'] for r in sent(since=mark).values()} == {1}

    mark = last_id()
    window = update(window, title_pt='Troca de cabo óptico (trecho norte)')
    assert set(sent(since=mark)) == {ANA}
    assert event_of(sent(since=mark)[ANA])['sequence'] == 2       # she never saw 1: fine

    mark = last_id()
    window = update(window, title_pt=window.title_pt, title_en=window.title_en)
    assert sent(since=mark) == {} and window.sequence == 2       # nothing changed

    # What every language shows tells everyone; her answer about these times stands.
    mark = last_id()
    window = update(window, outage_minutes='40')
    assert set(sent(since=mark)) == {ANA, BRUNO, CARLA}
    assert answers.unacknowledged(window, [ana.customer_id]) == []
    assert attendee(sent(since=mark)[ANA])['PARTSTAT'] == P.ACCEPTED


def test_a_changed_emergency_reason_tells_every_reader(net):
    """The reason shows in every language's notice, so changing it alone is news to all."""
    window = confirmed(segments='SPAN-A')
    window = update(window, emergency='on', emergency_reason='Cabo rompido por obra da prefeitura')
    mark = last_id()
    window = update(window, emergency='on', emergency_reason='Poste derrubado por um caminhão')
    assert set(sent(since=mark)) == {ANA, BRUNO, CARLA}
    assert all('caminhão' in message(row).get_body(('plain',)).get_content()
               for row in sent(since=mark).values())
