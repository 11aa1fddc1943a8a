"""The outbox pages and the mail capture: lists, a message, raw, calendar, resend, files."""
import email
import html
import os
import re

import pytest
from conftest import _empty, _prepared, db, make_app
from test_resend import build_inventory, claimed, make_window, messages

from noc.core.db import database, init_db
from noc.mail import outbox
from noc.models import AuditLog, OutboxMessage
from noc.worker import Worker


@pytest.fixture
def capture_dir(tmp_path):
    return tmp_path / 'mail'


@pytest.fixture
def app(db_url, capture_dir):
    """The app with the capture backend writing into a directory of this test."""
    app = make_app(db_url, mail={'backend': 'capture', 'capture_dir': str(capture_dir)},
                   web={'page_size': 10})
    with app.app_context():
        database.connect(reuse_if_open=True)
        if db_url not in _prepared:
            init_db(database.obj)
            _prepared.add(db_url)
        _empty(database.obj)
        database.close()
    yield app
    if not database.is_closed():
        database.close()


# The users here log in, nobody attacks them: a cheap hash keeps the suite fast.
pytestmark = pytest.mark.usefixtures('quick_password_hash')


@pytest.fixture
def notices(app):
    """A confirmed window: its three notices queued; Carla's failed. {recipient: message}."""
    with db(app):
        build_inventory()
        window = make_window(['ACME-C1', 'ACME-C2', 'OUT-C1'])
        found = messages(window)
        outbox.mark_failed(claimed(found['carla@outra.example']), '550 5.1.1 no such user')
        return window, messages(window)


def text(response):
    return html.unescape(response.get_data(as_text=True))


def listed_ids(response):
    return [int(i) for i in re.findall(r'href="/messages/(\d+)"', response.get_data(as_text=True))]


def test_list_filters_and_pages(app, as_role, notices):
    window, found = notices
    viewer = as_role('viewer')
    ids = {recipient: m.id for recipient, m in found.items()}
    page = viewer.get('/messages')
    assert page.status_code == 200
    assert sorted(listed_ids(page)) == sorted(ids.values())
    assert window.reference in text(page)
    # The window's page, when the maintenance pages exist; plain text until then.
    if 'maintenance.show' in app.view_functions:
        assert re.search(rf'<a href="[^"]+">{window.reference}</a>', page.get_data(as_text=True))
    else:
        assert not re.search(rf'<a [^>]*>{window.reference}</a>', page.get_data(as_text=True))
    assert listed_ids(viewer.get('/messages?state=failed')) == [ids['carla@outra.example']]
    assert sorted(listed_ids(viewer.get('/messages?state=queued'))) == sorted(
        [ids['alice@acme.example'], ids['bob@acme.example']])
    assert listed_ids(viewer.get('/messages?state=sent')) == []
    assert len(listed_ids(viewer.get('/messages?kind=new'))) == 3
    assert listed_ids(viewer.get('/messages?kind=cancelled')) == []
    assert listed_ids(viewer.get('/messages?q=ALICE@acme')) == [ids['alice@acme.example']]
    assert len(listed_ids(viewer.get(f'/messages?q={window.reference}'))) == 3
    # Unknown filter values are ignored, not an error.
    assert len(listed_ids(viewer.get('/messages?state=bogus&kind=%00x'))) == 3
    # Newest first, ten to a page.
    with db(app):
        model = OutboxMessage.get_by_id(ids['bob@acme.example'])
        rows = [dict(window=model.window_id, recipient=f'extra{n}@acme.example', kind='new',
                     subject=f'extra {n}', message_id=f'<extra{n}@test>', raw=model.raw,
                     ics=model.ics, created_at=model.created_at.replace(year=2099))
                for n in range(10)]
        outbox.enqueue_many(rows)
    first = viewer.get('/messages')
    assert 'Page 1 of 2' in text(first) and len(listed_ids(first)) == 10
    assert listed_ids(first)[0] == rows[-1]['id']
    second = viewer.get('/messages?page=2')
    assert sorted(listed_ids(second)) == sorted(ids.values())


def test_show_raw_and_ics(app, as_role, notices):
    window, found = notices
    viewer = as_role('viewer')
    bob, carla = found['bob@acme.example'], found['carla@outra.example']
    page = viewer.get(f'/messages/{bob.id}')
    body = text(page)
    assert page.status_code == 200
    for shown in (bob.subject, 'bob@acme.example', 'new', 'Attempts'):
        assert shown in body
    # The text part decoded (it travels quoted-printable: "=C3=B3" for "ó").
    assert window.description_pt in body and 'Substitui=C3=A7=C3=A3o' in bob.raw
    assert f'/messages/{bob.id}/resend' not in body          # a viewer cannot resend
    failed = text(viewer.get(f'/messages/{carla.id}'))
    assert '550 5.1.1 no such user' in failed

    raw = viewer.get(f'/messages/{bob.id}/raw')
    assert raw.status_code == 200 and raw.mimetype == 'text/plain'
    assert raw.get_data(as_text=True) == bob.raw
    download = viewer.get(f'/messages/{bob.id}/raw?download=1')
    assert download.mimetype == 'message/rfc822'
    assert f'filename="{window.reference}-{bob.id}.eml"' in download.headers['Content-Disposition']
    assert email.message_from_bytes(download.get_data())['Message-ID'] == bob.message_id

    ics = viewer.get(f'/messages/{bob.id}.ics')
    assert ics.headers['Content-Type'] == 'text/calendar; charset=utf-8'
    assert ics.headers['Content-Disposition'] == f'attachment; filename="{window.reference}.ics"'
    assert ics.get_data(as_text=True) == bob.ics and 'BEGIN:VEVENT' in bob.ics
    with db(app):
        OutboxMessage.update(ics='').where(OutboxMessage.id == carla.id).execute()
    assert viewer.get(f'/messages/{carla.id}.ics').status_code == 404
    for url in ('/messages/999999', '/messages/999999/raw', '/messages/999999.ics',
                f'/messages/{2 ** 64}'):
        assert viewer.get(url).status_code == 404
    assert app.test_client().get(f'/messages/{bob.id}').status_code == 302   # log in first


def test_resend_needs_an_engineer_and_goes_back(app, as_role, notices):
    window, found = notices
    carla, alice = found['carla@outra.example'], found['alice@acme.example']
    viewer = as_role('viewer')
    assert viewer.post_form(f'/messages/{carla.id}/resend', {'confirmed': '1'},
                            page_url=f'/messages/{carla.id}').status_code == 403
    engineer = as_role('engineer')
    assert f'/messages/{carla.id}/resend' in engineer.get(f'/messages/{carla.id}').get_data(
        as_text=True)
    # A failed message goes again in place; back to the page it came from on this site.
    response = engineer.post_form(f'/messages/{carla.id}/resend', {'confirmed': '1'},
                                  page_url=f'/messages/{carla.id}',
                                  headers={'Referer': 'http://localhost/messages?state=failed'})
    assert response.status_code == 302
    assert response.headers['Location'] == '/messages?state=failed'
    with db(app):
        assert OutboxMessage.get_by_id(carla.id).state == 'queued'
        assert AuditLog.select().where((AuditLog.action == 'resend')
                                       & (AuditLog.entity_id == carla.id)).count() == 1
    # Deliver everything into the capture, then send Alice's again: a new copy.
    assert Worker(app).run_once()['sent'] == 3
    response = engineer.post_form(f'/messages/{alice.id}/resend', {'confirmed': '1'},
                                  page_url=f'/messages/{alice.id}',
                                  headers={'Referer': 'https://evil.example/messages'})
    assert response.headers['Location'].endswith(f'/messages/{alice.id}')   # not elsewhere
    with db(app):
        copies = list(OutboxMessage.select().where(
            (OutboxMessage.recipient == 'alice@acme.example') & (OutboxMessage.id != alice.id)))
        assert len(copies) == 1 and copies[0].state == 'queued'
        assert copies[0].message_id != alice.message_id
    assert 'goes in the next pass' in text(engineer.get(f'/messages/{alice.id}'))
    assert Worker(app).run_once()['sent'] == 1
    # Referers that would leave the site through a browser's repairs: the message's page.
    for referer in ('http://localhost/\t/evil.example', 'http://localhost//evil.example',
                    'http://localhost/\\evil.example', 'http://localhost/%2F%2Fevil.example'):
        again = engineer.post_form(f'/messages/{carla.id}/resend', {'confirmed': '1'},
                                   page_url=f'/messages/{carla.id}', headers={'Referer': referer})
        assert again.headers['Location'] == f'/messages/{carla.id}'


def captured_files(directory):
    return sorted(os.listdir(directory))


def test_capture_list_and_show(app, as_role, notices, capture_dir):
    window, found = notices
    viewer = as_role('viewer')
    assert 'No captured mail yet' in text(viewer.get('/mail/capture'))
    Worker(app).run_once()
    names = captured_files(capture_dir)
    assert len(names) == 2 and all(re.match(r'^\d{8}T\d{6}-\d+\.eml$', n) for n in names)
    listing = viewer.get('/mail/capture')
    body = text(listing)
    assert listing.status_code == 200
    # Subjects decoded from RFC 2047 (Bob's is in Portuguese, with accents).
    assert found['bob@acme.example'].subject in body
    assert found['alice@acme.example'].subject in body
    assert '=?utf-8?' not in body and 'Alice <alice@acme.example>' in body

    bob = found['bob@acme.example']
    name = f'{bob.created_at:%Y%m%dT%H%M%S}-{bob.id}.eml'
    assert name in names
    page = viewer.get(f'/mail/capture/{name}')
    assert page.status_code == 200
    # The page keeps the app's policy; the HTML part comes alone from its own route
    # (tests/test_mail_pages.py checks that route's policy), into an empty sandbox.
    assert page.headers['X-Frame-Options'] == 'DENY'
    source = page.get_data(as_text=True)
    assert window.description_pt in html.unescape(source)
    assert 'BEGIN:VCALENDAR' in source and 'X-MAINTNOTE-MAINTENANCE-ID' in source
    iframe = re.search(r'<iframe\b[^>]*>', source).group(0)
    assert re.search(r'\ssandbox=""', iframe) and 'allow-' not in iframe
    with open(capture_dir / name, encoding='ascii') as fh:
        msg = email.message_from_file(fh)
    html_part = next(p for p in msg.walk() if p.get_content_type() == 'text/html')
    framed = viewer.get(html.unescape(re.search(r'\ssrc="([^"]*)"', iframe).group(1)))
    assert framed.get_data(as_text=True) == html_part.get_payload(decode=True).decode('utf-8')
    outside = source.replace(iframe, '')
    assert '<table cellpadding' not in outside and '<body style' not in outside

    raw = viewer.get(f'/mail/capture/{name}/raw')
    assert raw.mimetype == 'message/rfc822'
    assert raw.get_data() == (capture_dir / name).read_bytes()


@pytest.mark.parametrize('name', [
    '..%2F..%2Fconfig.toml', '../../config.toml', '%2E%2E%2Fsecret.eml', 'secret.eml',
    '20260101T000000-1.eml.tmp', '20260101T000000-1.txt', '20260101T000000-x.eml',
    '20260101T000000-99999.eml', '20260101T000000-1.eml%00', 'notes.txt',
    '.%2F20260101T000000-1.eml',
])
def test_capture_refuses_names_it_did_not_write(app, as_role, capture_dir, name):
    capture_dir.mkdir()
    (capture_dir / 'notes.txt').write_text('secret')
    (capture_dir / 'secret.eml').write_text('Subject: secret\r\n\r\nsecret')
    (capture_dir / '20260101T000000-1.txt').write_text('secret')
    (capture_dir / '20260101T000000-1.eml.tmp').write_text('secret')
    viewer = as_role('viewer')
    for url in (f'/mail/capture/{name}', f'/mail/capture/{name}/raw'):
        response = viewer.get(url)
        assert response.status_code == 404, url
        assert 'secret' not in response.get_data(as_text=True)


def test_capture_page_with_smtp_backend(app, as_role, capture_dir):
    capture_dir.mkdir()
    (capture_dir / '20260101T000000-1.eml').write_text('Subject: old capture\r\n\r\nold')
    viewer = as_role('viewer')
    assert 'old capture' in text(viewer.get('/mail/capture'))
    app.config['NOC']['mail'].update(backend='smtp', server='smtp.example.net', port=587)
    page = text(viewer.get('/mail/capture'))
    assert 'SMTP server smtp.example.net, port 587' in page and 'old capture' not in page
    assert viewer.get('/mail/capture/20260101T000000-1.eml').status_code == 404


def test_roles_of_the_outbox_and_feed_views(app):
    """Reading needs a viewer, changing an engineer; only the feed's token address is open."""
    views = {rule.endpoint: app.view_functions[rule.endpoint] for rule in app.url_map.iter_rules()
             if rule.endpoint.startswith(('outbox.', 'feeds.'))}
    changing = {'outbox.resend', 'feeds.issue', 'feeds.revoke'}
    assert changing <= set(views) and 'outbox.capture_show' in views
    for endpoint, view in views.items():
        if endpoint == 'feeds.public_feed':
            assert getattr(view, 'required_role', None) is None     # the token is the key
        else:
            assert view.required_role == ('engineer' if endpoint in changing else 'viewer'), \
                endpoint
