"""The mail pages (an outbox message, a captured one, a received one): the HTML part in
a sandboxed frame served alone under its own policy, the calendar part as a summary
in the reader's words with the raw text behind <details>, a reply link; hostile and
broken mail shown, never a 500."""
import html
import re
from email.message import EmailMessage

import pytest
import test_outbox_web as outbox_web
from conftest import db

from noc.core.limits import MAX_SUMMARY_CALENDAR
from noc.inbound import receive as inbound
from noc.mail import calendar_summary, parts
from noc.worker import Worker

pytestmark = pytest.mark.usefixtures('quick_password_hash')
# The outbox pages' fixtures: an app with the capture backend, a window's notices.
app, capture_dir, notices = outbox_web.app, outbox_web.capture_dir, outbox_web.notices

PART_POLICY = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
               "frame-ancestors 'self'")


def page_text(response):
    return ' '.join(html.unescape(re.sub(r'<[^>]+>', ' ', response.get_data(as_text=True))).split())


def the_frame(response):
    """The page's only iframe, checked to be an empty sandbox; its src."""
    frames = re.findall(r'<iframe\b[^>]*>', response.get_data(as_text=True))
    assert len(frames) == 1, frames
    assert re.search(r'\ssandbox=""', frames[0]) and 'allow-' not in frames[0]
    assert 'srcdoc' not in frames[0]
    return html.unescape(re.search(r'\ssrc="([^"]+)"', frames[0]).group(1))


def assert_served_alone(browser, url, expected=None):
    part = browser.get(url)
    assert part.status_code == 200 and part.mimetype == 'text/html'
    assert part.headers['Content-Security-Policy'] == PART_POLICY
    assert part.headers['X-Content-Type-Options'] == 'nosniff'
    assert part.headers['X-Frame-Options'] == 'SAMEORIGIN'
    if expected is not None:
        assert part.get_data(as_text=True) == expected
    return part.get_data(as_text=True)


def html_of(raw):
    return parts.html(parts.message_of(raw))


def test_an_outbox_message_shows_its_html_framed_and_its_calendar_in_words(app, as_role,
                                                                           notices):
    window, found = notices
    bob = found['bob@acme.example']
    viewer = as_role('viewer')
    page = viewer.get(f'/messages/{bob.id}')
    assert page.status_code == 200
    # The page itself keeps the app's strict policy; only the part's route differs.
    assert page.headers['X-Frame-Options'] == 'DENY'
    assert "frame-ancestors 'none'" in page.headers['Content-Security-Policy']
    src = the_frame(page)
    assert src == f'/messages/{bob.id}/html'
    served = assert_served_alone(viewer, src, html_of(bob.raw))
    assert '<html' in served and window.reference in served
    text = page_text(page)
    assert f'Maintenance id {window.reference}' in text
    assert 'Status Confirmed (CONFIRMED)' in text and 'Impact Outage (OUTAGE)' in text
    assert 'Affected objects ACME-REF-1: Outage (OUTAGE) ACME-C2: Outage (OUTAGE)' in text
    assert re.search(r'When \d{4}-\d\d-\d\d \d\d:\d\d UTC-03:00 – \d{4}-\d\d-\d\d \d\d:\d\d '
                     r'UTC-03:00', text), text
    source = page.get_data(as_text=True)
    start = source.index('<details class="raw-calendar"')
    details = source[start:source.index('</details>', start)]
    assert 'BEGIN:VCALENDAR' in details and 'X-MAINTNOTE-MAINTENANCE-ID' in details
    assert 'BEGIN:VCALENDAR' not in source.replace(details, '')


def test_the_calendar_summary_in_portuguese(app, as_role, notices):
    window, found = notices
    viewer = as_role('viewer', language='pt_BR', username='vera')
    text = page_text(viewer.get(f'/messages/{found["bob@acme.example"].id}'))
    assert 'Confirmada (CONFIRMED)' in text and 'Indisponibilidade (OUTAGE)' in text
    assert f'ID da manutenção {window.reference}' in text
    assert 'Calendário bruto' in text


def test_a_captured_message_frames_its_html_from_its_own_route(app, as_role, notices,
                                                               capture_dir):
    window, found = notices
    viewer = as_role('viewer')
    Worker(app).run_once()
    bob = found['bob@acme.example']
    name = f'{bob.created_at:%Y%m%dT%H%M%S}-{bob.id}.eml'
    page = viewer.get(f'/mail/capture/{name}')
    assert page.status_code == 200
    src = the_frame(page)
    assert src == f'/mail/capture/{name}/html'
    assert_served_alone(viewer, src, html_of((capture_dir / name).read_text('ascii')))
    assert f'Maintenance id {window.reference}' in page_text(page)
    assert viewer.get('/mail/capture/secret.eml/html').status_code == 404


def received(app, html_body='', calendar='', subject='Sobre a janela', sender='ana@acme.example',
             msgid='<abc-1@acme.example>'):
    message = EmailMessage()
    message['From'] = f'Ana <{sender}>'
    message['To'] = 'noc@janela.example.net'
    message['Subject'] = subject
    message['Message-ID'] = msgid
    message.set_content('Podemos mudar a data?')
    if html_body:
        message.add_alternative(html_body, subtype='html')
    if calendar:
        message.add_attachment(calendar.encode(), maintype='text', subtype='calendar',
                               filename='invite.ics')
    with db(app):
        stored, _ = inbound.receive(message.as_bytes(), 'stdin')
        return stored.id


REPLY = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
METHOD:REPLY\r
BEGIN:VEVENT\r
UID:mw-1@janela\r
DTSTAMP:20261201T120000Z\r
DTSTART:20261209T050000Z\r
DTEND:20261209T090000Z\r
SEQUENCE:2\r
SUMMARY:Troca de fibra\r
ORGANIZER;CN=NOC:mailto:noc@janela.example.net\r
ATTENDEE;CN=Ana;PARTSTAT=ACCEPTED:mailto:ana@acme.example\r
X-MAINTNOTE-IMPACT:OUTAGE\r
X-MAINTNOTE-OBJECT-ID;X-MAINTNOTE-OBJECT-IMPACT=DEGRADED:JAN-IPT-001\r
END:VEVENT\r
END:VCALENDAR\r
"""


def test_a_received_message_with_a_calendar_reply(app, as_role):
    message_id = received(app, html_body='<p style="color:red">Aceito</p>', calendar=REPLY)
    viewer = as_role('viewer')
    page = viewer.get(f'/inbox/{message_id}')
    assert page.status_code == 200
    text = page_text(page)
    assert 'Method answer to an invitation (REPLY)' in text
    assert 'Ana <ana@acme.example> : accepted (ACCEPTED)' in text or \
        'Ana <ana@acme.example>: accepted (ACCEPTED)' in text, text
    assert 'When 2026-12-09 02:00 UTC-03:00 – 2026-12-09 06:00 UTC-03:00' in text
    assert 'Sequence 2' in text and 'Impact Outage (OUTAGE)' in text
    assert 'JAN-IPT-001: Degraded (DEGRADED)' in text
    assert_served_alone(viewer, the_frame(page), '<p style="color:red">Aceito</p>\n')
    portuguese = page_text(as_role('viewer', language='pt_BR', username='vera')
                           .get(f'/inbox/{message_id}'))
    assert 'aceitou (ACCEPTED)' in portuguese and 'Indisponibilidade (OUTAGE)' in portuguese


def test_the_reply_link_answers_the_sender_in_the_thread(app, as_role):
    message_id = received(app, subject='Dúvida sobre MW-2026-0001')
    source = as_role('viewer').get(f'/inbox/{message_id}').get_data(as_text=True)
    link = html.unescape(re.search(r'href="(mailto:[^"]+)"', source).group(1))
    assert link == ('mailto:ana@acme.example?subject=Re%3A%20D%C3%BAvida%20sobre%20MW-2026-0001'
                    '&In-Reply-To=%3Cabc-1%40acme.example%3E')
    again = received(app, subject='RE: Re: já respondido', sender='bia@acme.example',
                     msgid='<abc-2@acme.example>')
    source = as_role('engineer').get(f'/inbox/{again}').get_data(as_text=True)
    assert 'subject=RE%3A%20Re%3A%20j%C3%A1%20respondido' in source


HOSTILE_HTML = ('<html><body onload="alert(1)"><script>fetch("/admin/users/")</script>'
                '<img src="https://tracker.example/p.gif"><form action="/logout" method="post">'
                '<table><tr><td>unclosed')


@pytest.mark.parametrize('calendar', [
    'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\nATTENDEE;PARTSTAT=:\r\n',
    'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n',
    'garbage \x00\x01 ' * 10,
    'BEGIN:VCALENDAR\r\n' + 'X-A:' + 'a' * (MAX_SUMMARY_CALENDAR + 10) + '\r\nEND:VCALENDAR\r\n',
])
def test_hostile_html_and_broken_calendars_are_shown_not_run(app, as_role, calendar):
    message_id = received(app, html_body=HOSTILE_HTML, calendar=calendar)
    viewer = as_role('viewer')
    page = viewer.get(f'/inbox/{message_id}')
    assert page.status_code == 200
    source = page.get_data(as_text=True)
    assert '<script>fetch' not in source and 'onload="alert' not in source
    assert 'could not be read' in page_text(page)
    assert re.search(r'<details class="raw-calendar" open>', source)
    served = assert_served_alone(viewer, the_frame(page))
    assert '<script>' in served        # as sent: the policy and the sandbox keep it inert


def test_a_message_without_html_or_calendar_has_no_frame(app, as_role):
    message_id = received(app)
    viewer = as_role('viewer')
    source = viewer.get(f'/inbox/{message_id}').get_data(as_text=True)
    assert '<iframe' not in source and 'raw-calendar' not in source
    assert viewer.get(f'/inbox/{message_id}/html').status_code == 404


def test_parts_survive_unknown_charsets_and_summaries_refuse_garbage():
    raw = (b'Content-Type: text/html; charset="x-no-such"\r\n\r\n<p>ol\xe1</p>\r\n')
    assert parts.html(parts.message_of(raw)) == '<p>ol\xe1</p>\r\n'
    for text in ('', 'BEGIN:VCALENDAR', 'x' * (MAX_SUMMARY_CALENDAR + 1), REPLY[:60]):
        assert calendar_summary.summarize(text) is None
    summary = calendar_summary.summarize(REPLY)
    assert (summary.method, summary.sequence, summary.attendees[0].partstat) == \
        ('REPLY', '2', 'ACCEPTED')
