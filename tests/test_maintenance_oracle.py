"""The oracles read a hand-built MAINTNOTE notice right and refuse broken ones.

The sample is built here with icalendar and the e-mail package, not with
Janela's code, so these tests prove the oracles themselves.
"""
import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

import pytest
from helpers import maintenance_oracle
from helpers.maintenance_oracle import (
    calendar_parts,
    cmp_errors,
    cmp_python,
    parse_with_cmp,
    parse_with_vobject,
)
from icalendar import Calendar, Event

UTC = datetime.timezone.utc
START = datetime.datetime(2030, 5, 4, 1, 0, tzinfo=UTC)
END = datetime.datetime(2030, 5, 4, 3, 30, tzinfo=UTC)
STAMP = datetime.datetime(2030, 4, 20, 12, 0, tzinfo=UTC)
CIRCUITS = [('CID-1001', 'OUTAGE'), ('CID-1002', 'REDUCED-REDUNDANCY')]


def build_ics(method='REQUEST', status='CONFIRMED', impact='OUTAGE', circuits=CIRCUITS,
              start=START, end=END, sequence=2, drop=()):
    """One VCALENDAR/VEVENT in the MAINTNOTE format; drop removes properties."""
    calendar = Calendar()
    calendar.add('prodid', '-//Janela tests//EN')
    calendar.add('version', '2.0')
    if method:
        calendar.add('method', method)
    event = Event()
    props = [
        ('uid', 'mw-42@janela.test'), ('sequence', sequence), ('dtstamp', STAMP),
        ('dtstart', start), ('dtend', end), ('summary', 'Fibre splice at POP-SAO'),
        ('organizer', 'mailto:noc@janela.test'),
        ('x-maintnote-provider', 'janela.test'), ('x-maintnote-account', 'ACME-7'),
        ('x-maintnote-maintenance-id', 'MW-42'), ('x-maintnote-impact', impact),
        ('x-maintnote-status', status),
    ]
    for name, value in props:
        if name not in drop:
            event.add(name, value)
    if method:
        event.add('attendee', 'mailto:ops@customer.test',
                  parameters={'RSVP': 'TRUE', 'PARTSTAT': 'NEEDS-ACTION'})
    for circuit_id, circuit_impact in circuits:
        event.add('x-maintnote-object-id', circuit_id,
                  parameters={'X-MAINTNOTE-OBJECT-IMPACT': circuit_impact})
    calendar.add_component(event)
    return calendar.to_ical().decode()


def build_email(ics, method='REQUEST', date=True):
    """multipart/mixed → [alternative → (plain, html, calendar)], + .ics attachment."""
    msg = EmailMessage()
    msg['From'], msg['To'] = 'noc@janela.test', 'ops@customer.test'
    msg['Subject'] = 'Maintenance MW-42: fibre splice'
    msg['Message-ID'] = make_msgid(domain='janela.test')
    if date:
        msg['Date'] = format_datetime(STAMP)
    msg.set_content('Fibre splice at POP-SAO.\n')
    msg.add_alternative('<p>Fibre splice at POP-SAO.</p>', subtype='html')
    params = {'method': method} if method else {}
    msg.add_alternative(ics, subtype='calendar', charset='utf-8', cte='quoted-printable',
                        params=params)
    msg.add_attachment(ics.encode(), maintype='application', subtype='ics',
                       filename='maintenance.ics')
    # As on the wire: CRLF line ends (the default policy would write bare LF
    # and so strip the CRs iCalendar needs from the quoted-printable part).
    return msg.as_bytes(policy=SMTP)


def maintenances(parsed_message):
    return [entry for entry in parsed_message if 'error' not in entry]


def test_cmp_reads_request_notice_from_both_parts():
    [parsed] = parse_with_cmp([build_email(build_ics())])
    assert cmp_errors(parsed) == []
    inline, attached = maintenances(parsed)
    assert (inline['content_type'], inline['method']) == ('text/calendar', 'REQUEST')
    assert attached['content_type'] == 'application/ics'
    for found in (inline, attached):
        assert found['maintenance_id'] == 'MW-42'
        assert found['status'] == 'CONFIRMED'
        assert found['impact'] == 'OUTAGE'
        assert found['circuits'] == [{'circuit_id': c, 'impact': i} for c, i in CIRCUITS]
        assert found['start'] == int(START.timestamp())
        assert found['end'] == int(END.timestamp())
        assert found['stamp'] == int(STAMP.timestamp())
        assert (found['account'], found['provider']) == ('ACME-7', 'janela.test')
        assert found['sequence'] == 2
        assert found['organizer'] == 'mailto:noc@janela.test'
        assert found['summary'] == 'Fibre splice at POP-SAO'


def test_cmp_reads_plain_notice_without_method():
    [parsed] = parse_with_cmp([build_email(build_ics(method=None), method=None)])
    assert cmp_errors(parsed) == []
    assert maintenances(parsed)[0]['method'] is None
    assert maintenances(parsed)[0]['maintenance_id'] == 'MW-42'


def test_cmp_accepts_cancel_without_circuits():
    ics = build_ics(method='CANCEL', status='CANCELLED', circuits=[], sequence=3)
    [parsed] = parse_with_cmp([build_email(ics, method='CANCEL')])
    assert cmp_errors(parsed) == []
    assert maintenances(parsed)[0]['status'] == 'CANCELLED'
    assert maintenances(parsed)[0]['circuits'] == []


@pytest.mark.parametrize('broken, needle', [
    (dict(drop=('x-maintnote-account',)), 'account'),
    (dict(start=END, end=START), 'End time'),
    (dict(status='Confirmed'), 'status'),
    (dict(circuits=[]), 'circuit'),
])
def test_cmp_reports_broken_notices(broken, needle):
    good, bad = parse_with_cmp([build_email(build_ics()), build_email(build_ics(**broken))])
    assert cmp_errors(good) == []
    errors = cmp_errors(bad)
    assert errors and not maintenances(bad)
    assert all(needle.lower() in e['error'].lower() for e in errors)


def test_cmp_needs_a_date_header():
    [parsed] = parse_with_cmp([build_email(build_ics(), date=False)])
    [error] = cmp_errors(parsed)
    assert error['part'] == 'email'


def test_cmp_misreads_floating_times():
    # A zone-less time is read in the reader's zone (UTC-3 here): never send one.
    naive = dict(start=START.replace(tzinfo=None), end=END.replace(tzinfo=None))
    [parsed] = parse_with_cmp([build_email(build_ics(**naive))])
    assert maintenances(parsed)[0]['start'] == int(START.timestamp()) + 3 * 3600


def test_calendar_parts_finds_inline_and_attachment():
    inline, attached = calendar_parts(build_email(build_ics()))
    assert inline[0]['content_type'] == 'text/calendar'
    assert (inline[0]['method'], inline[0]['charset']) == ('REQUEST', 'utf-8')
    assert inline[0]['disposition'] is None
    assert attached[0]['content_type'] == 'application/ics'
    assert attached[0]['disposition'] == 'attachment'
    assert inline[1] == attached[1] and 'X-MAINTNOTE-MAINTENANCE-ID:MW-42' in inline[1]
    [(params, _)] = calendar_parts(build_email(build_ics(method=None), method=None)
                                   .replace(b'application/ics', b'text/plain'))
    assert 'method' not in params


def test_vobject_reads_the_event():
    [(_, ics), _] = calendar_parts(build_email(build_ics()))
    event = parse_with_vobject(ics)
    assert event['method'] == 'REQUEST' and event['vevent_count'] == 1
    assert (event['uid'], event['sequence'], event['status']) == ('mw-42@janela.test', 2, None)
    assert (event['dtstart'], event['dtend'], event['dtstamp']) == (START, END, STAMP)
    assert event['dtstart'].tzinfo is not None
    assert event['organizer']['value'] == 'mailto:noc@janela.test'
    [attendee] = event['attendees']
    assert attendee['value'] == 'mailto:ops@customer.test'
    assert attendee['params'] == {'RSVP': 'TRUE', 'PARTSTAT': 'NEEDS-ACTION'}
    notes = event['x_maintnote']
    assert notes['X-MAINTNOTE-OBJECT-ID'] == ['CID-1001', 'CID-1002']
    assert notes['X-MAINTNOTE-MAINTENANCE-ID'] == ['MW-42']
    assert notes['X-MAINTNOTE-STATUS'] == ['CONFIRMED']
    assert [p['X-MAINTNOTE-OBJECT-IMPACT'] for p in
            event['x_maintnote_params']['X-MAINTNOTE-OBJECT-ID']] == ['OUTAGE', 'REDUCED-REDUNDANCY']


def test_vobject_keeps_floating_times_naive():
    ics = build_ics(method=None, start=START.replace(tzinfo=None), end=END.replace(tzinfo=None))
    event = parse_with_vobject(ics)
    assert event['method'] is None and event['attendees'] == []
    assert event['dtstart'].tzinfo is None


def test_missing_cmp_venv_is_an_error_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(maintenance_oracle, 'CMP_VENV', tmp_path / 'nowhere')
    with pytest.raises(maintenance_oracle.OracleMissing, match='setup-cmp-venv.sh'):
        cmp_python()
