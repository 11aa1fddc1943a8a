"""Maintenance pages: the form and its preview, the window page and its actions,
the list's filters and the calendar, through the web client on both engines."""
import datetime
import html
import json
import re
import zoneinfo

import pytest
from conftest import db
from helpers.time_text import minute, moments

from noc.core.db import next_ids
from noc.models import (
    AuditLog,
    ChangeFreeze,
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    MaintenanceWindow,
    OutboxMessage,
    RedundancyGroup,
    Segment,
    Site,
    User,
    WindowCircuit,
)

SAO_PAULO = zoneinfo.ZoneInfo('America/Sao_Paulo')
UTC = datetime.timezone.utc


# The users here log in, nobody attacks them: a cheap hash keeps the suite fast.
pytestmark = pytest.mark.usefixtures('quick_password_hash')


def build_network():
    """Acme: a redundant pair over the ring's two spans, contacts of both formats;
    Globex: a circuit over span A, one contact, a change freeze; Initech: a circuit
    over span B and no maintenance contact."""
    sites = {code: Site.create(code=code, name=code, city='Belo Horizonte', state='MG')
             for code in ('BHZ01', 'BHZ02', 'CTG01')}
    ring = Segment.create(code='RING-BH', name='Anel BH', kind='ring')
    span_a = Segment.create(code='SPAN-A', name='A', kind='span', parent=ring,
                            a_site=sites['BHZ01'], z_site=sites['BHZ02'])
    span_b = Segment.create(code='SPAN-B', name='B', kind='span', parent=ring,
                            a_site=sites['BHZ02'], z_site=sites['CTG01'])
    acme = Customer.create(account_id='ACME-1', name='Acme Provedor', kind='isp',
                           search_text='acme-1 acme provedor')
    globex = Customer.create(account_id='GLOBEX-7', name='Globex Corp', kind='enterprise',
                             search_text='globex-7 globex corp')
    initech = Customer.create(account_id='INI-3', name='Initech', kind='enterprise',
                              search_text='ini-3 initech')
    Contact.create(customer=acme, name='Ana Souza', email='ana@acme.example.com',
                   role_maintenance=True, notice_format='invitation')
    Contact.create(customer=acme, name='Bruno Lopes', email='noc@acme.example.com',
                   role_maintenance=True, language='en', time_zone='Europe/Lisbon',
                   notice_format='plain')
    Contact.create(customer=globex, name='Carla Lima', email='carla@globex.example.com',
                   role_maintenance=True, language='en', notice_format='invitation')
    Contact.create(customer=globex, name='Sales', email='sales@globex.example.com',
                   role_commercial=True)
    Contact.create(customer=initech, name='Ivo', email='ivo@initech.example.com',
                   role_technical=True)
    pair = RedundancyGroup.create(name='RG-ACME-1')

    def circuit(code, customer, span, group=None):
        c = Circuit.create(circuit_id=code, customer=customer, service='ip-transit',
                           a_site=sites['BHZ01'], z_site=sites['CTG01'],
                           redundancy_group=group)
        CircuitSegment.create(circuit=c, segment=span)
        return c

    circuit('JAN-IPT-001', acme, span_a, pair)
    circuit('JAN-IPT-002', acme, span_b, pair)
    circuit('JAN-IPT-003', globex, span_a)
    circuit('JAN-IPT-004', initech, span_b)
    freeze_day = local_day(40)
    ChangeFreeze.create(customer=globex, starts_on=freeze_day, ends_on=freeze_day,
                        reason='Black Friday')


@pytest.fixture
def net(app):
    with db(app):
        build_network()


@pytest.fixture
def engineer(as_role):
    return as_role('engineer')


def local_day(days):
    return datetime.datetime.now(SAO_PAULO).date() + datetime.timedelta(days=days)


def at(days, hm):
    """A datetime-local value `days` from today (São Paulo) at HH:MM."""
    return f'{local_day(days).isoformat()}T{hm}'


def window_form(**overrides):
    data = {'title_pt': 'Troca de cabo óptico', 'title_en': 'Fibre cable replacement',
            'description_pt': 'Substituição de 2 km de cabo.',
            'description_en': 'Replacing 2 km of cable.', 'internal_notes': 'Equipe B, OS 4471',
            'starts_at': at(12, '23:00'), 'ends_at': at(13, '03:00'), 'outage_minutes': '30',
            'impact': 'OUTAGE', 'emergency_reason': '', 'circuits': '', 'sites': '',
            'segments': 'SPAN-A'}
    data.update(overrides)
    return data


def text(response):
    return html.unescape(response.get_data(as_text=True))


def count(app, model=MaintenanceWindow):
    with db(app):
        return model.select().count()


def field_error(page, name):
    match = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', page, re.S)
    return match.group(1).strip() if match else None


def ack_keys(page):
    return re.findall(r'<input type="checkbox" name="ack" value="([^"]+)"', page)


def save(browser, data, url='/maintenance/new', ack=()):
    return browser.post_form(url, {**data, 'action': 'save', 'ack': list(ack)})


def created_id(response):
    assert response.status_code == 302, text(response)[:3000]
    match = re.search(r'/maintenance/(\d+)$', response.headers['Location'])
    assert match, response.headers['Location']
    return int(match.group(1))


def new_window(browser, **overrides):
    """A window saved through the form, its warnings acknowledged as a person would."""
    data = window_form(**overrides)
    preview = browser.post_form('/maintenance/new', {**data, 'action': 'check'})
    assert preview.status_code == 200
    return created_id(save(browser, data, ack=ack_keys(text(preview))))


def get_window(app, window_id):
    with db(app):
        return MaintenanceWindow.get_by_id(window_id)


def messages(app, window_id):
    with db(app):
        return sorted((m.recipient, m.kind, m.method, m.sequence) for m in
                      OutboxMessage.select().where(OutboxMessage.window == window_id))


def post(browser, url, data=None):
    """A POST as the confirmation page sends it (confirmed=1: issue 17); the
    unconfirmed first POST is tested on its own."""
    return browser.post_form(url, {'confirmed': '1', **(data or {})}, page_url='/maintenance')


def customer_rows(page):
    """{customer name: the HTML of its row} in the affected-customers table."""
    rows = {}
    for row in re.findall(r'<tr class="customer[^"]*">(.*?)</tr>', page, re.S):
        name = re.search(r'<a href="/inventory/customers/\d+">([^<]+)</a>', row).group(1)
        rows[name] = row
    return rows


# --- the form: bad input -------------------------------------------------------

@pytest.mark.parametrize('change, field, message', [
    (dict(ends_at=at(12, '22:00'), outage_minutes='0'), 'ends_at',
     'the end must be after the start'),
    (dict(circuits='JAN-IPT-001\nNOPE-404', segments=''), 'circuits',
     'unknown circuits: NOPE-404'),
    (dict(emergency='on'), 'emergency_reason', 'an emergency window needs its reason'),
    (dict(starts_at='tomorrow at noon'), 'starts_at', '"tomorrow at noon" is not a date'),
    (dict(segments='RING-NOWHERE'), 'segments', 'unknown: RING-NOWHERE'),
    (dict(title_pt=''), 'title_pt', 'is required'),
])
@pytest.mark.parametrize('action', ['check', 'save'])
def test_bad_input_is_shown_beside_its_field_and_nothing_is_stored(
        app, net, engineer, change, field, message, action):
    response = engineer.post_form('/maintenance/new', {**window_form(**change), 'action': action})
    assert response.status_code == 200
    page = text(response)
    assert message in (field_error(page, field) or ''), page[:4000]
    assert f'id="f-{field}"' in page
    assert count(app) == 0
    # What was typed is kept for the next try.
    assert 'value="Troca de cabo óptico"' in page or field == 'title_pt'


@pytest.mark.dates      # local days and times in the form, calendar and dashboard
def test_a_local_time_that_does_not_exist_is_refused(app, net, as_role):
    browser = as_role('engineer', username='nyc')
    with db(app):
        User.update(time_zone='America/New_York').where(User.username == 'nyc').execute()
    # Clocks in New York jump from 02:00 to 03:00 on the second Sunday of March.
    year = datetime.date.today().year + 1
    march = datetime.date(year, 3, 1)
    skip_day = march + datetime.timedelta(days=(6 - march.weekday()) % 7 + 7)
    response = browser.post_form('/maintenance/new', window_form(
        starts_at=f'{skip_day.isoformat()}T02:30', ends_at=f'{skip_day.isoformat()}T05:00',
        action='check'))
    assert response.status_code == 200
    page = text(response)
    assert 'does not exist in America/New_York' in field_error(page, 'starts_at')
    assert 'America/New_York' in page.split('id="f-starts_at"')[1][:300]   # zone beside
    assert count(app) == 0


# --- the preview ---------------------------------------------------------------

def test_preview_lists_customers_contacts_and_how_each_is_told(app, net, engineer):
    response = engineer.post_form('/maintenance/new', window_form(segments='RING-BH',
                                                                  action='check'))
    assert response.status_code == 200
    page = text(response)
    assert 'Preview' in page and count(app) == 0
    rows = customer_rows(page)
    assert list(rows) == ['Acme Provedor', 'Globex Corp', 'Initech']
    acme, globex, initech = rows.values()
    assert 'JAN-IPT-001' in acme and 'JAN-IPT-002' in acme and 'JAN-IPT-003' not in acme
    assert re.search(r'Ana Souza &lt;ana@acme.example.com&gt;.*?invitation', acme, re.S) or \
        re.search(r'Ana Souza <ana@acme.example.com>.*?invitation', acme, re.S)
    assert re.search(r'Bruno Lopes.*?plain notice', acme, re.S)
    assert 'Carla Lima' in globex and 'invitation' in globex and 'Sales' not in globex
    assert 'nobody will be told' in initech and 'Ivo' not in initech
    assert 'nobody will be told' not in acme + globex
    # Both legs of Acme's pair are down: a warning to tick, no blocking error.
    assert len(ack_keys(page)) == 1 and ack_keys(page)[0].startswith('redundancy:')
    assert 'both legs of redundancy group RG-ACME-1' in page
    assert 'name="action" value="save"' in page
    # The form keeps every value for editing and checking again.
    assert 'value="Fibre cable replacement"' in page and '>RING-BH</textarea>' in page


def test_a_redundancy_warning_must_be_acknowledged_before_saving(app, net, engineer):
    data = window_form(segments='RING-BH')
    refused = save(engineer, data)
    assert refused.status_code == 200
    page = text(refused)
    assert 'both legs of redundancy group RG-ACME-1' in page and count(app) == 0
    [key] = ack_keys(page)
    window_id = created_id(save(engineer, data, ack=[key]))
    window = get_window(app, window_id)
    assert window.status == 'TENTATIVE' and key in json.loads(window.acknowledged_json)
    assert count(app, WindowCircuit) == 4


@pytest.mark.dates      # local days and times in the form, calendar and dashboard
def test_a_change_freeze_is_a_warning_in_the_preview(app, net, engineer):
    response = engineer.post_form('/maintenance/new', window_form(
        starts_at=at(40, '01:00'), ends_at=at(40, '03:00'), action='check'))
    page = text(response)
    assert 'Globex Corp is in a change freeze' in page
    assert [k for k in ack_keys(page) if k.startswith('freeze:')]


def test_the_same_circuit_cannot_be_in_two_overlapping_windows(app, net, engineer):
    first = new_window(engineer, segments='', circuits='JAN-IPT-003')
    reference = get_window(app, first).reference
    response = save(engineer, window_form(segments='', circuits='JAN-IPT-003',
                                          starts_at=at(13, '01:00'), ends_at=at(13, '05:00')))
    assert response.status_code == 200
    page = text(response)
    assert f'already in {reference} at an overlapping time: JAN-IPT-003' in page
    assert field_error(page, 'circuits')
    assert count(app) == 1


def test_a_large_scope_still_renders_folded(app, net, engineer):
    with db(app):
        customer = Customer.get(Customer.account_id == 'INI-3')
        span = Segment.get(Segment.code == 'SPAN-B')
        site = Site.get(Site.code == 'BHZ01')
        first = next_ids('circuit', 5000)
        for start in range(0, 5000, 500):      # SQLite limits the parameters of a query
            batch = range(start, start + 500)
            Circuit.insert_many([dict(id=first + i, circuit_id=f'BIG-{i:05d}',
                                      customer=customer.id, service='l2-transport',
                                      a_site=site.id) for i in batch]).execute()
            CircuitSegment.insert_many([dict(circuit=first + i, segment=span.id)
                                        for i in batch]).execute()
    response = engineer.post_form('/maintenance/new', window_form(segments='SPAN-B',
                                                                  action='check'))
    assert response.status_code == 200
    page = text(response)
    assert '5002 circuits of 2 customers' in page
    assert '5001 circuits' in customer_rows(page)['Initech']
    assert '… and 4501 more.' in page
    assert page.count('BIG-') == 500
    # Saved, its page folds the same way.
    window_id = created_id(save(engineer, window_form(segments='SPAN-B')))
    page = text(engineer.get(f'/maintenance/{window_id}'))
    assert '5002 circuits of 2 customers' in page and '… and 4501 more.' in page


# --- the window's life -----------------------------------------------------------

@pytest.mark.dates      # local days and times in the form, calendar and dashboard
def test_create_confirm_notify_edit_and_cancel(app, net, engineer):
    window_id = new_window(engineer)
    window = get_window(app, window_id)
    page = text(engineer.get(f'/maintenance/{window_id}'))
    assert window.reference in page and 'Equipe B, OS 4471' in page      # internal notes
    starts_utc = window.starts_at.strftime('%Y-%m-%d %H:%M')
    assert f'{starts_utc} UTC' in page
    assert messages(app, window_id) == []

    response = post(engineer, f'/maintenance/{window_id}/confirm')
    assert response.status_code == 302
    assert get_window(app, window_id).status == 'CONFIRMED'
    assert messages(app, window_id) == [
        ('ana@acme.example.com', 'new', 'REQUEST', 0),
        ('carla@globex.example.com', 'new', 'REQUEST', 0),
        ('noc@acme.example.com', 'new', '', 0),
    ]
    page = text(engineer.get(f'/maintenance/{window_id}'))
    notices = page.split('id="notices"')[1].split('</section>')[0]
    for recipient in ('ana@acme.example.com', 'noc@acme.example.com',
                      'carla@globex.example.com'):
        assert f'data-recipient="{recipient}"' in notices
    assert 'queued' in notices
    history = page.split('id="history"')[1]
    assert history.index('data-action="confirm"') < history.index('data-action="create"')
    assert '>status</span>' in history.split('data-action="confirm"')[1].split('</tr>')[0]

    # Moving a confirmed window: SEQUENCE goes up, everyone gets 'rescheduled'.
    form = text(engineer.get(f'/maintenance/{window_id}/edit'))
    assert f'value="{at(12, "23:00")}"' in form and '>SPAN-A</textarea>' in form
    moved = window_form(starts_at=at(14, '23:00'), ends_at=at(15, '03:00'))
    check = engineer.post_form(f'/maintenance/{window_id}/edit', {**moved, 'action': 'check'})
    assert check.status_code == 200 and 'Preview' in text(check)
    assert created_id(save(engineer, moved, url=f'/maintenance/{window_id}/edit')) == window_id
    window = get_window(app, window_id)
    assert window.sequence == 1
    assert window.starts_at.astimezone(SAO_PAULO).date() == local_day(14)
    assert sorted(m for m in messages(app, window_id) if m[1] == 'rescheduled') == [
        ('ana@acme.example.com', 'rescheduled', 'REQUEST', 1),
        ('carla@globex.example.com', 'rescheduled', 'REQUEST', 1),
        ('noc@acme.example.com', 'rescheduled', '', 1),
    ]

    # Cancelling needs a reason.
    response = post(engineer, f'/maintenance/{window_id}/cancel', {'reason': '  '})
    assert response.status_code == 200
    assert 'Give the reason for cancelling' in field_error(text(response), 'reason')
    assert get_window(app, window_id).status == 'CONFIRMED'
    response = post(engineer, f'/maintenance/{window_id}/cancel',
                    {'reason': 'Cabo chegou danificado'})
    assert response.status_code == 302
    window = get_window(app, window_id)
    assert (window.status, window.cancel_reason, window.sequence) == \
        ('CANCELLED', 'Cabo chegou danificado', 2)
    assert sorted(m for m in messages(app, window_id) if m[1] == 'cancelled') == [
        ('ana@acme.example.com', 'cancelled', 'CANCEL', 2),
        ('carla@globex.example.com', 'cancelled', 'CANCEL', 2),
        ('noc@acme.example.com', 'cancelled', '', 2),
    ]
    page = text(engineer.get(f'/maintenance/{window_id}'))
    assert 'Cabo chegou danificado' in page and f'/maintenance/{window_id}/edit' not in page
    # A cancelled window is not edited any more.
    response = engineer.get(f'/maintenance/{window_id}/edit')
    assert response.status_code == 302
    with db(app):
        actions = [e.action for e in AuditLog.select().where(
            AuditLog.entity == 'maintenance_window').order_by(AuditLog.id)]
    assert actions == ['create', 'confirm', 'update', 'cancel']


def test_start_and_complete_and_refused_actions_are_shown(app, net, engineer):
    window_id = new_window(engineer, circuits='JAN-IPT-004', segments='')
    response = post(engineer, f'/maintenance/{window_id}/start')
    assert response.status_code == 200
    assert 'only a CONFIRMED window can start' in text(response)
    assert get_window(app, window_id).status == 'TENTATIVE'
    assert post(engineer, f'/maintenance/{window_id}/confirm').status_code == 302
    # Days ahead of its start (issue 17): no start nor completion without a reason.
    starts = minute(get_window(app, window_id).starts_at)
    for action in ('start', 'complete'):
        early = post(engineer, f'/maintenance/{window_id}/{action}')
        assert early.status_code == 200 and starts in moments(text(early))
        assert 'name="override_reason"' in text(early)
        assert get_window(app, window_id).status == 'CONFIRMED'
    assert post(engineer, f'/maintenance/{window_id}/start',
                {'override_reason': 'crew early'}).status_code == 302
    assert get_window(app, window_id).status == 'IN-PROCESS'
    assert post(engineer, f'/maintenance/{window_id}/complete',
                {'override_reason': 'done early'}).status_code == 302
    assert get_window(app, window_id).status == 'COMPLETED'
    response = post(engineer, f'/maintenance/{window_id}/complete')
    assert response.status_code == 200
    assert 'only a window in progress can be completed' in text(response)


def test_confirming_needs_warnings_that_arose_since_to_be_acknowledged(app, net, engineer):
    first = new_window(engineer, segments='', circuits='JAN-IPT-001')
    assert ack_keys(text(engineer.get(f'/maintenance/{first}'))) == []
    # A second window takes the other leg of the pair down at the same time.
    new_window(engineer, segments='', circuits='JAN-IPT-002')
    page = text(engineer.get(f'/maintenance/{first}'))
    [key] = ack_keys(page)
    refused = post(engineer, f'/maintenance/{first}/confirm')
    assert refused.status_code == 200
    assert 'Acknowledge the warnings first' in text(refused)
    assert get_window(app, first).status == 'TENTATIVE'
    assert post(engineer, f'/maintenance/{first}/confirm', {'ack': key}).status_code == 302
    assert get_window(app, first).status == 'CONFIRMED'


def test_viewers_read_but_cannot_change(app, net, engineer, as_role):
    window_id = new_window(engineer)
    viewer = as_role('viewer')
    assert viewer.get('/maintenance').status_code == 200
    assert viewer.get(f'/maintenance/{window_id}').status_code == 200
    assert viewer.get('/maintenance/calendar').status_code == 200
    assert viewer.get('/maintenance/new').status_code == 403
    assert viewer.get(f'/maintenance/{window_id}/edit').status_code == 403
    for url in ('/maintenance/new', f'/maintenance/{window_id}/edit',
                f'/maintenance/{window_id}/confirm', f'/maintenance/{window_id}/start',
                f'/maintenance/{window_id}/complete', f'/maintenance/{window_id}/cancel'):
        data = {**window_form(), 'action': 'save', 'reason': 'x'}
        assert post(viewer, url, data).status_code == 403, url
    page = text(viewer.get(f'/maintenance/{window_id}'))
    assert f'/maintenance/{window_id}/confirm' not in page
    assert count(app) == 1 and get_window(app, window_id).status == 'TENTATIVE'


@pytest.mark.parametrize('path', ['/maintenance/424242', '/maintenance/424242/edit',
                                  '/maintenance/99999999999999999999999'])
def test_unknown_windows_are_not_found(engineer, path):
    assert engineer.get(path).status_code == 404


@pytest.mark.parametrize('action', ['confirm', 'start', 'complete', 'cancel'])
def test_actions_on_unknown_windows_are_not_found(engineer, action):
    for window_id in ('424242', '99999999999999999999999'):
        response = post(engineer, f'/maintenance/{window_id}/{action}', {'reason': 'x'})
        assert response.status_code == 404, (window_id, action)


def test_a_cancel_reason_over_the_limit_is_refused_whole(app, net, engineer):
    window_id = new_window(engineer)
    response = post(engineer, f'/maintenance/{window_id}/cancel', {'reason': 'x' * 2001})
    assert response.status_code == 200
    assert 'too long (at most 2000' in field_error(text(response), 'reason')
    assert get_window(app, window_id).status == 'TENTATIVE'


# --- list, calendar, dashboard ---------------------------------------------------

def listed(response):
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return re.findall(r'<tr data-reference="([^"]+)"', body.split('<tbody>')[1])


def test_the_list_filters_by_status_customer_site_segment_and_text(app, net, engineer):
    ring = new_window(engineer, title_pt='Emenda no anel', segments='SPAN-A')
    lone = new_window(engineer, title_pt='Troca de placa', segments='',
                      circuits='JAN-IPT-004', starts_at=at(20, '01:00'),
                      ends_at=at(20, '04:00'))
    old = new_window(engineer, title_pt='Antiga', segments='', circuits='JAN-IPT-002',
                     starts_at=at(25, '01:00'), ends_at=at(25, '04:00'))
    assert post(engineer, f'/maintenance/{ring}/confirm').status_code == 302
    refs = {i: get_window(app, i).reference for i in (ring, lone, old)}
    with db(app):       # a window that already happened
        MaintenanceWindow.update(
            starts_at=datetime.datetime.now(UTC) - datetime.timedelta(days=3),
            ends_at=datetime.datetime.now(UTC) - datetime.timedelta(days=3, hours=-2),
        ).where(MaintenanceWindow.id == old).execute()

    def shown(**args):
        return listed(engineer.get('/maintenance', query_string=args))

    assert shown() == [refs[ring], refs[lone]]                      # soonest first
    assert shown(past='1') == [refs[old]]
    assert shown(status='CONFIRMED') == [refs[ring]]
    assert shown(status='TENTATIVE') == [refs[lone]]
    assert shown(customer='GLOBEX-7') == [refs[ring]]
    assert shown(customer='initech') == [refs[lone]]
    assert shown(customer='acme') == [refs[ring]]
    assert shown(segment='SPAN-B') == [refs[lone]]
    assert shown(segment='RING-BH') == [refs[ring], refs[lone]]     # the ring's spans
    assert shown(site='CTG01') == [refs[ring], refs[lone]]
    assert shown(site='NOWHERE') == []
    assert 'There is no site NOWHERE.' in text(engineer.get('/maintenance?site=NOWHERE'))
    assert shown(q='PLACA') == [refs[lone]]
    assert shown(q=refs[ring].lower()) == [refs[ring]]
    page = engineer.get('/maintenance').get_data(as_text=True)
    row = page.split(f'data-reference="{refs[ring]}"')[1].split('</tr>')[0]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ['2', '2']  # circuits, customers


def calendar_cell(browser, view, day):
    response = browser.get('/maintenance/calendar',
                           query_string={'view': view, 'date': day.isoformat()})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    match = re.search(rf'<td class="day[^"]*" data-date="{day.isoformat()}">(.*?)</td>',
                      body, re.S)
    assert match, f'no {day} in the {view} view'
    return match.group(1)


@pytest.mark.parametrize('view', ['month', 'week'])
@pytest.mark.dates      # local days and times in the form, calendar and dashboard
def test_the_calendar_puts_windows_on_their_local_days(app, net, engineer, view):
    # 23:30 in São Paulo is 02:30 UTC of the next day.
    late = new_window(engineer, segments='', circuits='JAN-IPT-003', outage_minutes='0',
                      starts_at=at(15, '23:30'), ends_at=at(15, '23:59'))
    overnight = new_window(engineer, segments='', circuits='JAN-IPT-004',
                           starts_at=at(15, '22:00'), ends_at=at(16, '02:00'))
    late_ref, night_ref = (get_window(app, i).reference for i in (late, overnight))
    assert get_window(app, late).starts_at.date() == local_day(16)      # the UTC day

    day, next_day = local_day(15), local_day(16)
    cell = calendar_cell(engineer, view, day)
    assert late_ref in cell and night_ref in cell
    cell = calendar_cell(engineer, view, next_day)
    assert night_ref in cell and late_ref not in cell
    assert '…–02:00' in cell                            # continues from the day before
    assert late_ref not in calendar_cell(engineer, view, local_day(14))
    # The same filters as the list.
    response = engineer.get('/maintenance/calendar', query_string={
        'view': view, 'date': day.isoformat(), 'customer': 'initech'})
    body = response.get_data(as_text=True)
    assert night_ref in body and late_ref not in body
    # Previous and next keep the view and the filters.
    assert re.search(r'rel="prev" href="[^"]*customer=initech', body)


def test_calendar_survives_nonsense_dates(engineer):
    for date in ('yesterday', '0001-01-01', '9999-12-31', '2026-02-30'):
        assert engineer.get(f'/maintenance/calendar?date={date}&view=week').status_code == 200


@pytest.mark.dates      # local days and times in the form, calendar and dashboard
def test_dashboard_shows_the_next_week_and_the_outbox(app, net, engineer):
    soon = new_window(engineer, segments='', circuits='JAN-IPT-003', emergency='on',
                      emergency_reason='Cabo rompido', starts_at=at(2, '01:00'),
                      ends_at=at(2, '03:00'))
    later = new_window(engineer, segments='', circuits='JAN-IPT-004')
    assert post(engineer, f'/maintenance/{soon}/confirm').status_code == 302
    page = engineer.get('/').get_data(as_text=True)
    section = page.split('id="next-windows"')[1].split('</section>')[0]
    assert get_window(app, soon).reference in section
    assert get_window(app, later).reference not in section
    assert re.search(r'class="messages-queued[^"]*">.*?<strong>1</strong>', page, re.S)
    assert re.search(r'class="messages-failed[^"]*">.*?<strong>0</strong>', page, re.S)
    with db(app):
        OutboxMessage.update(state='failed').execute()
    page = engineer.get('/').get_data(as_text=True)
    assert re.search(r'class="messages-failed alarm">.*?<strong>1</strong>', page, re.S)


def test_navigation_and_links_to_pages_that_may_not_exist(app, engineer):
    page = engineer.get('/').get_data(as_text=True)
    nav = page.split('<nav class="main"')[1].split('</nav>')[0]
    links = re.findall(r'href="([^"]+)"', nav)
    assert links[:2] == ['/maintenance', '/maintenance/calendar']
    from noc.web.maintenance.views import maybe_url
    with app.test_request_context():
        assert maybe_url('maintenance.show', window_id=3) == '/maintenance/3'
        assert maybe_url('no_such.endpoint') is None


def test_acknowledge_all_covers_only_the_warnings_that_were_shown(app, net, engineer):
    data = window_form(segments='RING-BH', starts_at=at(40, '01:00'), ends_at=at(40, '03:00'))
    page = text(engineer.post_form('/maintenance/new', {**data, 'action': 'check'}))
    assert 'I acknowledge all 2 warnings below' in page
    shown = re.findall(r'<input type="hidden" name="ack_shown" value="([^"]+)"', page)
    assert sorted(shown) == sorted(ack_keys(page)) and len(shown) == 2
    # A warning that was not on the page (here: left out) is not covered by "all".
    partial = engineer.post_form('/maintenance/new', {
        **data, 'action': 'save', 'ack_all': '1',
        'ack_shown': [k for k in shown if k.startswith('redundancy')]})
    assert partial.status_code == 200 and count(app) == 0
    done = engineer.post_form('/maintenance/new',
                              {**data, 'action': 'save', 'ack_all': '1', 'ack_shown': shown})
    window = get_window(app, created_id(done))
    assert sorted(json.loads(window.acknowledged_json)) == sorted(shown)


def test_a_fields_error_and_a_rules_error_are_reported_together(app, net, engineer):
    """Issue 17: one check names every problem: an empty title (the field's own
    check) does not hide that the start breaks the notice period (a rule), and the
    summary at the top links each to its field."""
    response = engineer.post_form('/maintenance/new', window_form(
        title_pt='', starts_at=at(1, '23:00'), ends_at=at(2, '03:00'), action='check'))
    assert response.status_code == 200
    page = text(response)
    assert 'is required' in (field_error(page, 'title_pt') or ''), page[:4000]
    assert 'told at least' in (field_error(page, 'starts_at') or ''), page[:4000]
    summary = page.split('id="error-summary"')[1].split('</div>')[0]
    assert 'href="#f-title_pt"' in summary and 'href="#f-starts_at"' in summary
    assert count(app) == 0
