"""The inbound fixtures are what they claim: checked with the standard library's
email parser (policy=default) and icalendar, not with Janela's own code."""
import datetime
import email
import email.errors
import email.policy
import html
import re

import icalendar
import pytest
from helpers import inbound_fixtures as fx

UTC = datetime.timezone.utc
UID = 'mw-2026-00077-deadbeef@janela.example'
SEQUENCE = 3
ATTENDEE = 'carla@globex.example.com'
PROPOSED_START = datetime.datetime(2026, 12, 12, 4, 30, tzinfo=UTC)
PROPOSED_END = datetime.datetime(2026, 12, 12, 8, 0, tzinfo=UTC)
COMMENT_PT = "Não podemos nessa data; sugerimos sábado, 12/12. It's the only window."


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def calendar_parts(msg):
    return [part for part in msg.walk() if part.get_content_type() == 'text/calendar']


def load_calendar(part):
    content = part.get_content()
    return icalendar.Calendar.from_ical(content)


def only_event(cal):
    events = cal.walk('VEVENT')
    assert len(events) == 1
    return events[0]


def attendees(event):
    value = event.get('ATTENDEE')
    return value if isinstance(value, list) else [value]


def text_of(msg):
    """Every text/plain and text/html part, decoded, joined."""
    return '\n'.join(part.get_content() for part in msg.walk()
                     if part.get_content_type() in ('text/plain', 'text/html'))


ITIP_CASES = {
    'outlook_reply': (fx.outlook_reply, {}, 'REPLY', 'ACCEPTED'),
    'outlook_reply_pt_declined': (fx.outlook_reply,
                                  dict(partstat='DECLINED', language='pt', comment=COMMENT_PT),
                                  'REPLY', 'DECLINED'),
    'outlook_reply_tentative_utc': (fx.outlook_reply, dict(partstat='TENTATIVE', tz='utc'),
                                    'REPLY', 'TENTATIVE'),
    'outlook_reply_desktop_smtp': (fx.outlook_reply, dict(via='smtp', language='pt'),
                                   'REPLY', 'ACCEPTED'),
    'outlook_counter_windows': (fx.outlook_counter, dict(tz='windows', comment=COMMENT_PT),
                                'COUNTER', 'TENTATIVE'),
    'outlook_counter_utc_pt_declined': (fx.outlook_counter,
                                        dict(tz='utc', language='pt', partstat='DECLINED'),
                                        'COUNTER', 'DECLINED'),
    'outlook_counter_desktop_smtp': (fx.outlook_counter, dict(via='smtp'), 'COUNTER', 'TENTATIVE'),
    'google_reply': (fx.google_reply, {}, 'REPLY', 'ACCEPTED'),
    'google_reply_pt_tentative': (fx.google_reply,
                                  dict(partstat='TENTATIVE', language='pt', comment=COMMENT_PT),
                                  'REPLY', 'TENTATIVE'),
    'google_reply_declined': (fx.google_reply, dict(partstat='DECLINED'), 'REPLY', 'DECLINED'),
    'google_counter': (fx.google_counter, dict(comment=COMMENT_PT, language='pt'),
                       'COUNTER', 'TENTATIVE'),
    'thunderbird_reply': (fx.thunderbird_reply, {}, 'REPLY', 'ACCEPTED'),
    'thunderbird_reply_pt_declined': (fx.thunderbird_reply,
                                      dict(partstat='DECLINED', language='pt'),
                                      'REPLY', 'DECLINED'),
    'thunderbird_counter': (fx.thunderbird_counter, {}, 'COUNTER', 'TENTATIVE'),
}
COUNTER_CASES = [name for name, case in ITIP_CASES.items() if case[2] == 'COUNTER']


def build_itip(name, **extra):
    factory, kwargs, _, _ = ITIP_CASES[name]
    kwargs = dict(kwargs, uid=UID, sequence=SEQUENCE, attendee=ATTENDEE,
                  attendee_name='Carla Lima', **extra)
    if ITIP_CASES[name][2] == 'COUNTER':
        kwargs.update(starts_at=PROPOSED_START, ends_at=PROPOSED_END)
    return factory(**kwargs)


@pytest.mark.parametrize('name', ITIP_CASES)
def test_itip_fixture_parses_with_matching_method_uid_sequence_and_partstat(name):
    _, _, method, partstat = ITIP_CASES[name]
    msg = parse(build_itip(name))
    assert not msg.defects
    parts = calendar_parts(msg)
    assert parts, 'no text/calendar part'
    for part in parts:
        cal = load_calendar(part)
        assert part.get_param('method') == method == str(cal['METHOD'])
        event = only_event(cal)
        assert str(event['UID']) == UID
        assert int(event['SEQUENCE']) == SEQUENCE          # echoed, never raised
        assert str(event['ORGANIZER']).lower() == f'mailto:{fx.ORGANIZER}'
        mine = [a for a in attendees(event) if str(a).lower() == f'mailto:{ATTENDEE}']
        assert len(mine) == 1
        assert mine[0].params['PARTSTAT'] == partstat
        assert isinstance(event.decoded('DTSTAMP'), datetime.datetime)


@pytest.mark.parametrize('name', COUNTER_CASES)
def test_counter_carries_the_proposed_times(name):
    msg = parse(build_itip(name))
    for part in calendar_parts(msg):
        event = only_event(load_calendar(part))
        assert event.decoded('DTSTART').astimezone(UTC) == PROPOSED_START
        assert event.decoded('DTEND').astimezone(UTC) == PROPOSED_END


def test_outlook_counter_windows_zone_has_its_vtimezone_and_original_times():
    cal = load_calendar(calendar_parts(parse(build_itip('outlook_counter_windows')))[0])
    zones = [str(tz['TZID']) for tz in cal.walk('VTIMEZONE')]
    assert zones == [fx.WINDOWS_TZID]
    event = only_event(cal)
    assert event['DTSTART'].params['TZID'] == fx.WINDOWS_TZID
    # X-MS-OLK-ORIGINALSTART/END: the original window, in the same zone.
    assert event['X-MS-OLK-ORIGINALSTART'].params['TZID'] == fx.WINDOWS_TZID
    assert event['X-MS-OLK-ORIGINALSTART'].to_ical() == b'20261210T000000'
    assert event['X-MS-OLK-ORIGINALEND'].to_ical() == b'20261210T040000'


def test_outlook_counter_utc_has_no_timezone():
    raw = build_itip('outlook_counter_utc_pt_declined')
    cal = load_calendar(calendar_parts(parse(raw))[0])
    assert not cal.walk('VTIMEZONE')
    assert only_event(cal)['DTSTART'].to_ical() == b'20261212T043000Z'
    assert parse(raw)['Subject'].startswith('Nova Hora Proposta: ')


def test_outlook_layout():
    msg = parse(build_itip('outlook_reply_pt_declined'))
    assert msg.get_content_type() == 'multipart/alternative'
    assert [p.get_content_type() for p in msg.iter_parts()] == [
        'text/plain', 'text/html', 'text/calendar']
    calendar = calendar_parts(msg)[0]
    assert calendar['Content-Transfer-Encoding'] == 'base64'
    assert calendar.get_param('charset') == 'utf-8'
    assert msg['Subject'] == 'Recusado: MW-2026-00042 Troca de placa'
    assert msg['Thread-Index'] and msg['Thread-Topic']
    assert 'X-MS-Has-Attach' in msg and 'x-ms-exchange-calendar-series-instance-id' in msg
    event = only_event(load_calendar(calendar))
    assert str(event['COMMENT']) == COMMENT_PT
    assert str(event['SUMMARY']).startswith('Recusado: ')
    assert COMMENT_PT in text_of(msg)


def test_outlook_desktop_marks_the_calendar_message():
    msg = parse(build_itip('outlook_reply_desktop_smtp'))
    assert msg['Content-class'] == 'urn:content-classes:calendarmessage'
    assert msg['X-Mailer'].startswith('Microsoft Outlook')
    assert msg['Subject'] == 'Aceito: MW-2026-00042 Troca de placa'
    cal = load_calendar(calendar_parts(msg)[0])
    assert str(cal['PRODID']) == '-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN'


@pytest.mark.parametrize('partstat, language, prefix', [
    ('ACCEPTED', 'en', 'Accepted: '), ('DECLINED', 'en', 'Declined: '),
    ('TENTATIVE', 'en', 'Tentative: '), ('ACCEPTED', 'pt', 'Aceito: '),
    ('DECLINED', 'pt', 'Recusado: '), ('TENTATIVE', 'pt', 'Provisório: ')])
def test_outlook_subject_prefixes(partstat, language, prefix):
    msg = parse(fx.outlook_reply(partstat=partstat, language=language,
                                 subject_title='MW-2026-00042 Fibre splice'))
    assert msg['Subject'] == prefix + 'MW-2026-00042 Fibre splice'


def test_google_layout_and_comment():
    msg = parse(build_itip('google_reply_pt_tentative'))
    assert msg.get_content_type() == 'multipart/mixed'
    alternative, attachment = list(msg.iter_parts())
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        'text/plain', 'text/html', 'text/calendar']
    assert attachment.get_content_type() == 'application/ics'
    assert attachment.get_param('name') == 'invite.ics'
    assert attachment.get_filename() == 'invite.ics'
    inline = load_calendar(calendar_parts(msg)[0])
    attached = icalendar.Calendar.from_ical(attachment.get_content())
    assert inline.to_ical() == attached.to_ical()
    assert str(inline['PRODID']) == '-//Google Inc//Google Calendar 70.9054//EN'
    me = attendees(only_event(inline))[0]
    assert me.params['X-NUM-GUESTS'] == '0'
    assert html.unescape(me.params['X-RESPONSE-COMMENT']) == COMMENT_PT
    assert 'COMMENT' not in only_event(inline)
    assert msg['Sender'] == 'Google Calendar <calendar-notification@google.com>'
    assert msg['From'].addresses[0].addr_spec == ATTENDEE
    assert msg['Subject'].startswith('Aceito provisoriamente: MW-2026-00042 Troca de placa @ ')
    assert msg['Message-ID'].startswith('<calendar-')


def test_google_counter_is_a_counter_with_zone_and_tentative():
    msg = parse(build_itip('google_counter'))
    cal = load_calendar(calendar_parts(msg)[0])
    assert str(cal['METHOD']) == 'COUNTER'
    assert [str(tz['TZID']) for tz in cal.walk('VTIMEZONE')] == ['America/Sao_Paulo']
    event = only_event(cal)
    assert event['DTSTART'].to_ical() == b'20261212T043000Z'     # UTC despite the VTIMEZONE
    me = attendees(event)[0]
    assert me.params['PARTSTAT'] == 'TENTATIVE'
    assert html.unescape(me.params['X-RESPONSE-COMMENT']) == COMMENT_PT


def test_thunderbird_layout():
    raw = build_itip('thunderbird_reply')
    assert b'Content-type: multipart/mixed; boundary="Boundary_(ID_qyG4ZdjoAsiZ+Jo19dCbWQ)"' in raw
    msg = parse(raw)
    assert 'In-Reply-To' not in msg
    alternative, attachment = list(msg.iter_parts())
    assert [p.get_content_type() for p in alternative.iter_parts()] == ['text/plain',
                                                                       'text/calendar']
    assert attachment.get_content_type() == 'application/ics'
    assert calendar_parts(msg)[0]['Content-Transfer-Encoding'] == '8BIT'
    assert msg['Subject'] == 'Accepted: MW-2026-00042 Troca de placa'
    assert 'has accepted your event invitation' in text_of(msg)
    declined = parse(build_itip('thunderbird_reply_pt_declined'))
    assert declined['Subject'] == 'Convite recusado: MW-2026-00042 Troca de placa'


def test_thunderbird_counter_has_empty_subject_and_local_zone():
    msg = parse(build_itip('thunderbird_counter'))
    assert msg['Subject'] == ''
    assert text_of(msg).strip() == ''
    event = only_event(load_calendar(calendar_parts(msg)[0]))
    assert event['DTSTART'].params['TZID'] == 'America/Sao_Paulo'
    assert event['DTSTART'].to_ical() == b'20261212T013000'


def test_dtstamp_is_the_one_given():
    stamp = datetime.datetime(2026, 12, 9, 15, 4, 5, tzinfo=UTC)
    for name in ITIP_CASES:
        msg = parse(build_itip(name, dtstamp=stamp))
        for part in calendar_parts(msg):
            assert only_event(load_calendar(part)).decoded('DTSTAMP') == stamp


# ---------------------------------------------------------------- headers common to all

BUILDERS = {
    'outlook_reply': fx.outlook_reply, 'outlook_counter': fx.outlook_counter,
    'google_reply': fx.google_reply, 'google_counter': fx.google_counter,
    'thunderbird_reply': fx.thunderbird_reply, 'thunderbird_counter': fx.thunderbird_counter,
    'plain_reply': fx.plain_reply,
    'plain_reply_gmail': lambda **kw: fx.plain_reply(client='gmail', **kw),
    'bounce_postfix': fx.bounce_postfix, 'bounce_exchange': fx.bounce_exchange,
    'bounce_gmail': fx.bounce_gmail, 'delayed_dsn': fx.delayed_dsn,
    'out_of_office_outlook': fx.out_of_office_outlook, 'vacation_gmail': fx.vacation_gmail,
    'autoreply_generic': fx.autoreply_generic,
    'autoreply_ticket': lambda **kw: fx.autoreply_generic(kind='ticket', **kw),
}


@pytest.mark.parametrize('name', BUILDERS)
def test_sender_headers_and_unique_message_ids(name):
    first, second = parse(BUILDERS[name]()), parse(BUILDERS[name]())
    for msg in (first, second):
        assert msg['From'] and msg['To'] and msg['Date'] and msg['Message-ID']
        assert msg['Date'].datetime.tzinfo is not None
    assert first['Message-ID'] != second['Message-ID']
    twin_a = parse(BUILDERS[name](message_id='<same@x.example>'))
    twin_b = parse(BUILDERS[name](message_id='<same@x.example>'))
    assert twin_a['Message-ID'] == twin_b['Message-ID'] == '<same@x.example>'


@pytest.mark.parametrize('name', BUILDERS)
def test_threading_headers_when_given(name):
    msg = parse(BUILDERS[name](in_reply_to='<notice-2@janela.example>',
                               references='<notice-1@janela.example> <notice-2@janela.example>'))
    assert msg['In-Reply-To'] == '<notice-2@janela.example>'
    assert msg['References'].split() == ['<notice-1@janela.example>',
                                         '<notice-2@janela.example>']


def all_fixtures():
    for name, builder in BUILDERS.items():
        yield name, builder()
    for name in ITIP_CASES:
        yield name, build_itip(name)
    yield 'plain_reply_html', fx.plain_reply(html=True)
    yield 'plain_reply_html_only', fx.plain_reply(html_only=True, outlook_html='web')
    yield 'bounce_exchange_pt', fx.bounce_exchange(language='pt')
    for name in ('garbage_no_headers', 'garbage_missing_boundary', 'garbage_truncated_base64',
                 'garbage_invalid_ical', 'garbage_no_message_id', 'garbage_huge_header',
                 'garbage_latin1'):
        yield name, getattr(fx, name)()


@pytest.mark.parametrize('name, raw', list(all_fixtures()), ids=lambda v: v if isinstance(v, str)
                         else '')
def test_lines_end_in_crlf(name, raw):
    assert isinstance(raw, bytes)
    assert b'\n' not in raw.replace(b'\r\n', b''), f'{name} has a bare LF'
    assert b'\r' not in raw.replace(b'\r\n', b''), f'{name} has a bare CR'
    longest = max(len(line) for line in raw.split(b'\r\n'))
    if name != 'garbage_huge_header':
        assert longest <= 998, f'{name} has a line of {longest} octets'


# ---------------------------------------------------------------- delivery reports

BOUNCES = {
    'bounce_postfix': (fx.bounce_postfix, 'failed', '5.1.1'),
    'bounce_exchange': (fx.bounce_exchange, 'failed', '5.1.10'),
    'bounce_exchange_pt': (lambda **kw: fx.bounce_exchange(language='pt', **kw), 'failed',
                           '5.1.10'),
    'bounce_gmail': (fx.bounce_gmail, 'failed', '5.1.1'),
    'delayed_dsn': (fx.delayed_dsn, 'delayed', '4.4.1'),
}


def delivery_status(msg):
    parts = [p for p in msg.walk() if p.get_content_type() == 'message/delivery-status']
    assert len(parts) == 1
    blocks = parts[0].get_payload()
    assert len(blocks) >= 2          # per-message fields, then one block per recipient
    return blocks


@pytest.mark.parametrize('name', BOUNCES)
def test_bounce_is_a_delivery_status_report_naming_the_recipient(name):
    factory, action, status = BOUNCES[name]
    original = '<176500000000.1.2.janela@janela.example>'
    msg = parse(factory(original_message_id=original, failed_recipient='gone@acme.example.com'))
    assert msg.get_content_type() == 'multipart/report'
    assert msg.get_param('report-type') == 'delivery-status'
    per_message, *per_recipient = delivery_status(msg)
    assert per_message['Reporting-MTA']
    recipient = per_recipient[0]
    assert recipient['Final-Recipient'].lower().endswith('gone@acme.example.com')
    assert recipient['Action'] == action
    assert recipient['Status'] == status
    # The original message's headers come back, with its Message-ID.
    returned = [p for p in msg.walk()
                if p.get_content_type() in ('text/rfc822-headers', 'message/rfc822')]
    assert len(returned) == 1
    if returned[0].get_content_type() == 'message/rfc822':
        assert returned[0].get_payload()[0]['Message-ID'] == original
    else:
        assert f'Message-ID: {original}' in returned[0].get_content()


def test_postfix_bounce_details():
    msg = parse(fx.bounce_postfix(failed_recipient='gone@acme.example.com'))
    assert msg['Return-Path'] == '<>'
    assert msg['From'].addresses[0].username == 'MAILER-DAEMON'
    assert msg['Subject'] == 'Undelivered Mail Returned to Sender'
    assert msg['Auto-Submitted'] == 'auto-replied'
    diagnostic = delivery_status(msg)[1]['Diagnostic-Code']
    assert 'User unknown' in diagnostic and 'gone@acme.example.com' in diagnostic


def test_exchange_ndr_details():
    msg = parse(fx.bounce_exchange(failed_recipient='gone@acme.example.com', language='pt'))
    assert 'X-MS-Exchange-Message-Is-Ndr' in msg
    assert msg['From'] == 'postmaster@acme.example.com'
    assert msg['Subject'].startswith('Não é possível entregar: [MW-2026-00042]')
    assert msg['In-Reply-To'] == fx.NOTICE_MESSAGE_ID
    assert 'gone@acme.example.com' in text_of(msg)


def test_gmail_dsn_details():
    msg = parse(fx.bounce_gmail(failed_recipient='gone@acme.example.com'))
    assert msg['From'].addresses[0].addr_spec == 'mailer-daemon@googlemail.com'
    assert msg['Subject'] == 'Delivery Status Notification (Failure)'
    assert msg['X-Failed-Recipients'] == 'gone@acme.example.com'
    assert '** Address not found **' in text_of(msg)


def test_delayed_dsn_is_not_a_failure():
    msg = parse(fx.delayed_dsn())
    recipient = delivery_status(msg)[1]
    assert recipient['Action'] == 'delayed'
    assert recipient['Status'].startswith('4.')
    assert recipient['Will-Retry-Until']
    assert 'failed' not in [block['Action'] for block in delivery_status(msg)]
    assert msg['Subject'] == 'Delayed Mail (still being retried)'


# ---------------------------------------------------------------- automatic replies

def test_outlook_out_of_office():
    msg = parse(fx.out_of_office_outlook(language='pt'))
    assert msg['Subject'].startswith('Resposta automática: [MW-2026-00042]')
    assert msg['Return-Path'] == '<>'
    assert msg['Auto-Submitted'] == 'auto-generated'
    assert msg['X-Auto-Response-Suppress'] == 'All'
    assert msg['X-MS-Exchange-Inbox-Rules-Loop'] == fx.DEFAULT_ATTENDEE
    assert msg['In-Reply-To'] == fx.NOTICE_MESSAGE_ID
    english = parse(fx.out_of_office_outlook(language='en', auto_submitted=None))
    assert english['Subject'].startswith('Automatic reply: ')
    assert 'Auto-Submitted' not in english


def test_gmail_vacation():
    msg = parse(fx.vacation_gmail())
    assert msg['Auto-Submitted'] == 'auto-replied'
    assert 'Precedence' not in msg
    assert msg['In-Reply-To'] == fx.NOTICE_MESSAGE_ID
    assert msg['References'] == fx.NOTICE_MESSAGE_ID
    assert msg['Subject'].startswith('Férias [MW-2026-00042]')


def test_generic_autoreplies():
    sieve = parse(fx.autoreply_generic())
    assert sieve['Subject'].startswith('Auto: [MW-2026-00042]')
    assert sieve['Auto-Submitted'].startswith('auto-replied')
    assert sieve['Precedence'] == 'bulk'
    ticket = parse(fx.autoreply_generic(kind='ticket'))
    assert ticket['X-Autoreply'] == 'yes'
    assert 'Auto-Submitted' not in ticket and 'In-Reply-To' not in ticket
    assert 'MW-2026-00042' in ticket['Subject']


# ---------------------------------------------------------------- plain replies

PLAIN_CASES = [
    dict(client='outlook', language='pt'),
    dict(client='outlook', language='en'),
    dict(client='outlook', language='pt', html=True),
    dict(client='outlook', language='pt', html_only=True),
    dict(client='outlook', language='pt', html_only=True, outlook_html='web'),
    dict(client='gmail', language='pt'),
    dict(client='gmail', language='en'),
    dict(client='gmail', language='pt', html_only=True),
    dict(client='outlook', language='pt', subject_prefix='Res:'),
]


@pytest.mark.parametrize('kwargs', PLAIN_CASES, ids=lambda kw: '-'.join(map(str, kw.values())))
def test_plain_reply_contains_the_reference(kwargs):
    msg = parse(fx.plain_reply(reference='MW-2026-00099', **kwargs))
    assert 'MW-2026-00099' in msg['Subject']
    assert 'MW-2026-00099' in text_of(msg)
    assert not calendar_parts(msg)
    prefix = kwargs.get('subject_prefix') or (
        'Re:' if kwargs['client'] == 'gmail' else 'RES:' if kwargs['language'] == 'pt' else 'RE:')
    assert msg['Subject'].startswith(prefix + ' [MW-2026-00099]')
    kinds = [p.get_content_type() for p in msg.walk() if not p.is_multipart()]
    if kwargs.get('html_only'):
        assert kinds == ['text/html']
    elif kwargs['client'] == 'gmail' or kwargs.get('html'):
        assert kinds == ['text/plain', 'text/html']
    else:
        assert kinds == ['text/plain']


def test_plain_reply_quoting_styles():
    outlook_pt = text_of(parse(fx.plain_reply(client='outlook', language='pt')))
    assert '-----Mensagem original-----' in outlook_pt
    assert 'De: Janela NOC <noc@janela.example>' in outlook_pt
    assert 'Enviada em: terça-feira, 8 de dezembro de 2026 10:00' in outlook_pt
    assert 'Assunto: [MW-2026-00042] Nova manutenção programada' in outlook_pt
    outlook_en = text_of(parse(fx.plain_reply(client='outlook', language='en')))
    assert '-----Original Message-----' in outlook_en
    assert 'Sent: Tuesday, December 8, 2026 10:00 AM' in outlook_en
    gmail_pt = parse(fx.plain_reply(client='gmail', language='pt'))
    plain = gmail_pt.get_body(preferencelist=('plain',)).get_content()
    assert ('Em ter., 8 de dez. de 2026 às 10:00, Janela NOC <noc@janela.example> escreveu:'
            in plain)
    assert re.search(r'^> Informamos a manutenção programada MW-2026-00042', plain, re.M)
    assert 'class="gmail_quote' in gmail_pt.get_body(preferencelist=('html',)).get_content()
    gmail_en = text_of(parse(fx.plain_reply(client='gmail', language='en')))
    assert 'On Tue, 8 Dec 2026 at 10:00, Janela NOC <noc@janela.example> wrote:' in gmail_en
    desktop = text_of(parse(fx.plain_reply(html_only=True)))
    assert 'class=WordSection1' in desktop and 'border-top:solid #E1E1E1' in desktop
    web = text_of(parse(fx.plain_reply(html_only=True, outlook_html='web')))
    assert 'id="divRplyFwdMsg"' in web and '<b>Enviado:</b>' in web and '<blockquote' in web


def test_plain_reply_custom_body_and_quote():
    msg = parse(fx.plain_reply(body='Pode ser no sábado?', quoted_notice_text='aviso MW-1',
                               reference='MW-1', language='pt', sender='Zé <ze@acme.example.com>'))
    content = text_of(msg)
    assert 'Pode ser no sábado?' in content and 'aviso MW-1' in content
    assert msg['From'].addresses[0].display_name == 'Zé'


# ---------------------------------------------------------------- malformed messages

def test_garbage_without_headers():
    msg = parse(fx.garbage_no_headers())
    assert msg['From'] is None and msg['Message-ID'] is None
    assert any(isinstance(d, email.errors.MissingHeaderBodySeparatorDefect) for d in msg.defects)


def test_garbage_binary():
    raw = fx.garbage_binary()
    assert b'\x00' in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode('utf-8')
    assert parse(raw)['From'] is None
    assert fx.garbage_binary() == raw            # deterministic


def test_garbage_missing_boundary():
    msg = parse(fx.garbage_missing_boundary())
    assert msg.get_content_type() == 'multipart/mixed'
    assert msg.get_boundary() is None
    assert any(isinstance(d, email.errors.NoBoundaryInMultipartDefect) for d in msg.defects)
    assert not calendar_parts(msg)


def test_garbage_truncated_base64():
    msg = parse(fx.garbage_truncated_base64())
    assert any(isinstance(d, email.errors.CloseBoundaryNotFoundDefect) for d in msg.defects)
    part = calendar_parts(msg)[0]
    data = part.get_payload(decode=True)
    assert any(isinstance(d, (email.errors.InvalidBase64PaddingDefect,
                              email.errors.InvalidBase64LengthDefect,
                              email.errors.InvalidBase64CharactersDefect))
               for d in part.defects)
    assert b'END:VCALENDAR' not in data
    with pytest.raises(ValueError):
        icalendar.Calendar.from_ical(data.decode('utf-8', 'replace'))


def test_garbage_unterminated_calendar_fails_to_parse():
    msg = parse(fx.garbage_invalid_ical(kind='unterminated'))
    part = calendar_parts(msg)[0]
    assert part.get_param('method') == 'REPLY'
    with pytest.raises(ValueError):
        icalendar.Calendar.from_ical(part.get_content())


def test_garbage_bad_dtstart_is_reported():
    part = calendar_parts(parse(fx.garbage_invalid_ical(kind='bad_dtstart')))[0]
    event = only_event(icalendar.Calendar.from_ical(part.get_content()))
    assert [name for name, _ in event.errors] == ['DTSTART']
    assert not isinstance(event.decoded('DTSTART'), (datetime.date, datetime.datetime))


def test_garbage_without_message_id():
    msg = parse(fx.garbage_no_message_id())
    assert msg['Message-ID'] is None
    assert msg['From'] and msg['Date'] and msg['In-Reply-To'] == fx.NOTICE_MESSAGE_ID


@pytest.mark.parametrize('header', ['References', 'X-Junk'])
def test_garbage_huge_header(header):
    raw = fx.garbage_huge_header(length=120_000, header=header)
    assert max(len(line) for line in raw.split(b'\r\n')) > 100_000
    msg = parse(raw)
    assert len(str(msg[header])) >= 120_000
    assert msg['From'] and msg['Message-ID']


@pytest.mark.parametrize('charset', ['iso-8859-1', 'windows-1252'])
def test_garbage_legacy_charset_declared(charset):
    raw = fx.garbage_latin1(charset=charset, declared=True)
    with pytest.raises(UnicodeDecodeError):
        raw.decode('utf-8')
    msg = parse(raw)
    assert msg.get_content_charset() == charset
    body = msg.get_content()
    assert 'manutenção MW-2026-00042' in body and 'João Conceição' in body
    assert 'manutenção programada' in msg['Subject']
    if charset == 'windows-1252':
        assert '“Janela”' in body and '€' in body


@pytest.mark.parametrize('charset', ['iso-8859-1', 'windows-1252'])
def test_garbage_legacy_charset_undeclared(charset):
    raw = fx.garbage_latin1(charset=charset, declared=False)
    assert 'manutenção'.encode(charset) in raw
    msg = parse(raw)
    assert msg.get_content_charset() is None
    body = msg.get_content()
    assert 'manutenção' not in body          # read as ASCII: the accents are lost
    assert '\ufffd' in body
    assert 'MW-2026-00042' in str(msg['Subject'])
