"""Notices as customers receive them: through a real SMTP server, read by three parsers.

Every message Janela sends must parse in icalendar, in vobject (an
independent parser) and in circuit-maintenance-parser (what NOCs run on
their inboxes), with the right maintenance id, status, impact, circuits and
times, and follow iMIP's MIME layout.
"""
import datetime
import email
import email.policy
import email.utils

import icalendar
import pytest
from helpers.maintenance_fixtures import build_network, confirmed, create, parse
from helpers.maintenance_fixtures import settings as area_settings
from helpers.maintenance_oracle import calendar_parts, cmp_errors, parse_with_cmp, parse_with_vobject

from noc.maintenance import windows
from noc.models import MaintenanceWindow, OutboxMessage
from noc.worker import Worker

UTC = datetime.timezone.utc


@pytest.fixture
def net(smtp_ctx):
    return build_network()


def deliver(app, server):
    server.clear()
    result = Worker(app, 'test-worker').run_once()
    return result, {m.rcpt_tos[0]: m for m in server.messages}


def mime_layout(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    def walk(part):
        if part.is_multipart():
            return (part.get_content_type(), [walk(p) for p in part.iter_parts()])
        return part.get_content_type()
    return msg, walk(msg)


def vevent(ics):
    cal = icalendar.Calendar.from_ical(ics)
    return cal, next(iter(cal.walk('VEVENT')))


@pytest.mark.dates
def test_confirmation_notices_follow_imip_and_maintnote(net, smtp_ctx, smtp_server):
    window = confirmed(segments='RING-BH', circuits='JAN-IPT-004 DEGRADED')
    result, received = deliver(smtp_ctx, smtp_server)
    assert result.get('sent') == 3 and set(received) == {
        'ana@acme.example.com', 'noc@acme.example.com', 'carla@globex.example.com'}
    stored = MaintenanceWindow.get_by_id(window.id)
    for address, message in received.items():
        msg, layout = mime_layout(message.raw)
        assert layout == ('multipart/mixed', [
            ('multipart/alternative', ['text/plain', 'text/html', 'text/calendar']),
            'application/ics'])
        assert msg['From'] == 'NOC Janela <noc@janela.example.net>'
        assert window.reference in msg['Subject']
        assert msg['Date'] and msg['Message-ID']
        parts = calendar_parts(message.raw)
        assert parts[0][1] == parts[1][1]                  # attachment = inline calendar
        cal, event = vevent(parts[0][1])
        invitation = address != 'noc@acme.example.com'
        # method= on the MIME part equals METHOD inside, and both are absent for plain.
        assert parts[0][0].get('method') == (cal.get('method') and str(cal['method']))
        assert (str(cal.get('method')) if cal.get('method') else None) == \
            ('REQUEST' if invitation else None)
        assert parts[0][0]['charset'].upper() == 'UTF-8'
        assert str(event['uid']) == stored.uid and int(event['sequence']) == 0
        assert event['dtstart'].dt == stored.starts_at and event['dtend'].dt == stored.ends_at
        assert event['dtstart'].to_ical().endswith(b'Z')          # UTC, never floating
        assert str(event['x-maintnote-maintenance-id']) == window.reference
        assert str(event['x-maintnote-status']) == 'CONFIRMED'
        assert str(event['x-maintnote-impact']) == 'OUTAGE'
        assert str(event['organizer']) == 'mailto:noc@janela.example.net'
        v = parse_with_vobject(parts[0][1])
        assert v['uid'] == stored.uid and v['dtstart'] == stored.starts_at
        if invitation:
            assert [a['value'] for a in v['attendees']] == [f'mailto:{address}']
            assert v['attendees'][0]['params']['RSVP'] == 'TRUE'
        else:
            assert v['attendees'] == []
    # ACME sees only its own circuits, by its own references; GLOBEX only its own.
    acme = parse_with_vobject(calendar_parts(received['ana@acme.example.com'].raw)[0][1])
    assert acme['x_maintnote']['X-MAINTNOTE-OBJECT-ID'] == ['ACME-LINK-A', 'ACME-LINK-B']
    assert acme['x_maintnote']['X-MAINTNOTE-ACCOUNT'] == ['ACME-1']
    globex = parse_with_vobject(calendar_parts(received['carla@globex.example.com'].raw)[0][1])
    assert globex['x_maintnote']['X-MAINTNOTE-OBJECT-ID'] == ['GX/CIRC/9']
    # Nothing for INITECH (no maintenance contact), nothing for sales.
    assert 'sales@globex.example.com' not in received


@pytest.mark.dates
def test_every_lifecycle_notice_parses_in_circuit_maintenance_parser(net, smtp_ctx, smtp_server):
    sent = []

    def collect(window):
        raw = deliver(smtp_ctx, smtp_server)[1]['carla@globex.example.com'].raw
        stored = MaintenanceWindow.get_by_id(window.id)
        sent.append((raw, stored.starts_at, stored.ends_at))
        return stored

    window = collect(confirmed(segments='SPAN-A'))
    window = collect(windows.update(window, parse(
        segments='SPAN-A', starts_at='2030-12-01 22:00', ends_at='2030-12-02 01:00'), 'test',
                settings=area_settings()))
    windows.remind(window, settings=area_settings())
    window = collect(window)
    window = collect(windows.start(window, 'test', settings=area_settings()))
    collect(windows.complete(window, 'test', settings=area_settings()))
    other = confirmed(segments='SPAN-A', starts_at='2030-10-10 22:00',
                      ends_at='2030-10-10 23:00')
    deliver(smtp_ctx, smtp_server)
    collect(windows.cancel(other, 'test', 'Equipe indisponível', settings=area_settings()))

    raws = [raw for raw, _, _ in sent]
    expected = [('CONFIRMED', 0), ('CONFIRMED', 1), ('CONFIRMED', 1), ('IN-PROCESS', 2),
                ('COMPLETED', 3), ('CANCELLED', 1)]
    subjects = [email.message_from_bytes(r, policy=email.policy.default)['Subject']
                for r in raws]
    assert len(set(subjects)) == len(subjects)         # each update has its own subject
    for (_raw, start, end), parsed, (status, sequence), subject in zip(
            sent, parse_with_cmp(raws), expected, subjects):
        assert cmp_errors(parsed) == [], parsed
        main = [m for m in parsed if m['part'] == 0][0]
        assert (main['status'], main['sequence']) == (status, sequence), subject
        assert main['provider'] == 'janela.example.net' and main['account'] == 'GLOBEX-7'
        assert main['impact'] == 'OUTAGE'
        assert main['circuits'] == [{'circuit_id': 'GX/CIRC/9', 'impact': 'OUTAGE'}]
        assert main['start'] == int(start.timestamp()) and main['end'] == int(end.timestamp())
        assert main['organizer'] == 'mailto:noc@janela.example.net'
        assert main['maintenance_id'] in subject
    # The maintenance id and UID stay; DTSTAMP is fresh on every message.
    ids = {p['maintenance_id'] for m in parse_with_cmp(raws[:5]) for p in m}
    assert ids == {window.reference}
    # (Both have one-second resolution: equal to the message's own Date, never older.)
    stamps = [vevent(calendar_parts(r)[0][1])[1]['dtstamp'].dt for r in raws]
    dates = [email.utils.parsedate_to_datetime(
        email.message_from_bytes(r, policy=email.policy.default)['Date']) for r in raws]
    assert stamps == dates == sorted(dates)
    assert len({m['Message-ID'] for m in map(email.message_from_bytes, raws)}) == len(raws)


def test_cancellation_is_itip_cancel_with_raised_sequence(net, smtp_ctx, smtp_server):
    window = confirmed(segments='SPAN-A')
    deliver(smtp_ctx, smtp_server)
    windows.cancel(window, 'test', 'Equipe indisponível', settings=area_settings())
    received = deliver(smtp_ctx, smtp_server)[1]
    parts = calendar_parts(received['ana@acme.example.com'].raw)
    cal, event = vevent(parts[0][1])
    assert parts[0][0]['method'] == 'CANCEL' == str(cal['method'])
    assert int(event['sequence']) == 1 and str(event['status']) == 'CANCELLED'
    assert [str(a) for a in event.get('attendee') if a] == ['mailto:ana@acme.example.com'] \
        or str(event['attendee']) == 'mailto:ana@acme.example.com'
    plain = calendar_parts(received['noc@acme.example.com'].raw)
    assert 'method' not in plain[0][0] and 'METHOD' not in plain[0][1]
    assert 'X-MAINTNOTE-STATUS:CANCELLED' in plain[0][1]


def body(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return msg.get_body(('plain',)).get_content()


@pytest.mark.dates
def test_times_in_each_contacts_zone_and_language_across_a_dst_change(net, smtp_ctx,
                                                                      smtp_server):
    # Lisbon moves to summer time at 01:00 UTC on 30 March 2031: a window from
    # 23:00 UTC on the 29th to 03:00 UTC shows 23:00 UTC to 04:00 UTC+01:00 there.
    confirmed(zone='UTC', segments='SPAN-A', starts_at='2031-03-29 23:00',
              ends_at='2031-03-30 03:00', emergency='on', emergency_reason='Cabo rompido')
    received = deliver(smtp_ctx, smtp_server)[1]
    lisbon = body(received['noc@acme.example.com'].raw)
    assert 'Sat 2031-03-29 23:00 UTC' in lisbon
    assert 'Sun 2031-03-30 04:00 UTC+01:00' in lisbon
    assert 'Europe/Lisbon' in lisbon and 'Hello, Bruno Lopes' in lisbon
    sao_paulo = body(received['ana@acme.example.com'].raw)
    assert 'sáb. 2031-03-29 20:00 UTC-03:00' in sao_paulo
    assert 'dom. 2031-03-30 00:00 UTC-03:00' in sao_paulo
    assert 'Olá, Ana Souza' in sao_paulo and 'MANUTENÇÃO EMERGENCIAL' in sao_paulo
    manaus = body(received['carla@globex.example.com'].raw)
    assert 'Sat 2031-03-29 19:00 UTC-04:00' in manaus and 'America/Manaus' in manaus
    assert 'EMERGENCY' in manaus and 'Cabo rompido' in manaus
    subject = email.message_from_bytes(received['ana@acme.example.com'].raw,
                                       policy=email.policy.default)['Subject']
    assert subject.startswith('[MW-') and 'EMERGÊNCIA' in subject
    # Whatever the reader's zone, the calendar carries the same UTC instants.
    for message in received.values():
        event = vevent(calendar_parts(message.raw)[0][1])[1]
        assert event['dtstart'].dt == datetime.datetime(2031, 3, 29, 23, 0, tzinfo=UTC)
        assert event['dtend'].dt == datetime.datetime(2031, 3, 30, 3, 0, tzinfo=UTC)


def test_customers_removed_get_cancel_and_added_get_invitation(net, smtp_ctx, smtp_server):
    window = confirmed(segments='', circuits='JAN-IPT-003')       # GLOBEX only
    deliver(smtp_ctx, smtp_server)
    windows.update(window, parse(segments='', circuits='JAN-IPT-001'), 'test',
            settings=area_settings())   # -> ACME
    received = deliver(smtp_ctx, smtp_server)[1]
    gone = calendar_parts(received['carla@globex.example.com'].raw)
    assert gone[0][0]['method'] == 'CANCEL'
    new = calendar_parts(received['ana@acme.example.com'].raw)
    assert new[0][0]['method'] == 'REQUEST'
    assert 'Nova manutenção' in email.message_from_bytes(
        received['ana@acme.example.com'].raw, policy=email.policy.default)['Subject']
    assert all(cmp_errors(p) == [] for p in parse_with_cmp([m.raw for m in received.values()]))


def test_html_escapes_what_people_typed(net, smtp_ctx, smtp_server):
    confirmed(segments='SPAN-A', title_en='<script>alert(1)</script> & co')
    raw = deliver(smtp_ctx, smtp_server)[1]['carla@globex.example.com'].raw
    html = email.message_from_bytes(raw, policy=email.policy.default) \
        .get_body(('html',)).get_content()
    assert '<script>' not in html and '&lt;script&gt;' in html


def test_outbox_rows_hold_the_message_that_was_sent(net, smtp_ctx, smtp_server):
    create(segments='SPAN-A')
    window = MaintenanceWindow.select().first()
    windows.confirm(window, 'test', settings=area_settings())
    received = deliver(smtp_ctx, smtp_server)[1]
    for row in OutboxMessage.select():
        assert row.state == 'sent' and row.server_reply.startswith('250')
        assert row.raw.encode() == received[row.recipient].raw.replace(b'\r\n', b'\r\n')
