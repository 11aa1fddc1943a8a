"""The customer page (/c/<token>): what one customer sees of a window without a
login, acknowledging it, asking for another date, and links that no longer work;
through the web client on both engines."""
import datetime
import html
import re
import zoneinfo
from types import SimpleNamespace

import pytest
from conftest import csrf_token, db
from helpers.maintenance_fixtures import build_network, confirmed
from helpers.maintenance_fixtures import settings as area_settings
from itsdangerous import URLSafeSerializer

from noc.maintenance import (
    answer_commands,
    answers,
    links,
    notices,
    reschedule_commands,
    window_commands,
)
from noc.maintenance import reschedules as reschedule
from noc.models import AuditLog, Contact, MaintenanceWindow, RescheduleRequest, WindowCustomer

UTC = datetime.timezone.utc
SAO_PAULO = zoneinfo.ZoneInfo('America/Sao_Paulo')
# Abbreviated weekdays in Brazilian Portuguese, Monday first (CLDR's, as babel prints them).
PT_WEEKDAYS = ('seg.', 'ter.', 'qua.', 'qui.', 'sex.', 'sáb.', 'dom.')
HEADERS = {'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex, nofollow',
           'Cache-Control': 'no-store'}


def setup(app, **overrides):
    """The network, a confirmed window over span A (ACME's and Globex's circuits)
    and each customer's page token."""
    with db(app):
        net = build_network()
        window = confirmed(**overrides)
        tokens = {name: links.token(links.state(window, net[name].id), area_settings().secret_key)
                  for name in ('acme', 'globex')}
        return SimpleNamespace(window=window, net=net, tokens=tokens, acme=net['acme'].id,
                               globex=net['globex'].id, client=app.test_client())


def text(response):
    return html.unescape(response.get_data(as_text=True))


def page(t, name='acme', query=''):
    return t.client.get(f'/c/{t.tokens[name]}{query}')


def post(t, path, data, name='acme', query='', shown=None):
    """Post one of the page's forms as a browser would: with the page's CSRF token
    (and, for acknowledging, the version of the window the page showed); `shown`:
    the page as it was shown earlier (a tab left open)."""
    shown = shown or page(t, name, query).get_data(as_text=True)
    fields = {'csrf_token': csrf_token(shown)}
    sequence = re.search(r'name="sequence" value="(\d+)"', shown)
    if sequence:
        fields['sequence'] = sequence.group(1)
    return t.client.post(f'/c/{t.tokens[name]}{path}{query}', data={**fields, **data})


def local_day(t, days=20):
    """A day `days` after the window starts, as São Paulo reads it (YYYY-MM-DD)."""
    return (t.window.starts_at + datetime.timedelta(days=days)).astimezone(SAO_PAULO) \
        .strftime('%Y-%m-%d')


def utc_of(day, hh_mm):
    """A São Paulo wall-clock time (UTC-3, no summer time) in UTC."""
    naive = datetime.datetime.strptime(f'{day} {hh_mm}', '%Y-%m-%d %H:%M')
    return (naive + datetime.timedelta(hours=3)).replace(tzinfo=UTC)


def error_of(body, element_id):
    """The text of the error element `element_id`, or None."""
    match = re.search(rf'id="{element_id}">([^<]*)<', body)
    return match and match.group(1)


def requests_of(app, customer_id):
    with db(app):
        return [(r, [(p.position, p.starts_at, p.ends_at) for p in r.proposals])
                for r in RescheduleRequest.select().where(RescheduleRequest.customer
                                                          == customer_id)
                .order_by(RescheduleRequest.id)]


# What the page shows.

@pytest.mark.dates
def test_page_shows_only_the_customers_circuits_in_its_language_and_zone(app):
    t = setup(app)
    response = page(t)      # an anonymous client: the token is the key, no login
    assert response.status_code == 200
    body = text(response)
    assert '<html lang="pt-BR">' in body
    assert 'Janela Demo Fibra' in body
    assert t.window.reference in body
    assert 'Troca de cabo óptico' in body and 'Substituição de 2 km de cabo.' in body
    assert 'Fibre cable replacement' not in body and 'Replacing 2 km' not in body
    # ACME's circuit in this window (their id and ours); Globex's never.
    circuits = re.findall(r'data-circuit="([^"]+)"', body)
    assert circuits == ['JAN-IPT-001']
    assert 'ACME-LINK-A' in body
    assert 'JAN-IPT-003' not in body and 'GX/CIRC/9' not in body and 'Globex' not in body
    # Times in the customer's zone and language (already translated words), and UTC.
    with db(app):
        starts = notices.when(t.window.starts_at, 'America/Sao_Paulo', 'pt_BR')
    local = t.window.starts_at.astimezone(SAO_PAULO)
    assert starts in body
    assert starts == (f"{PT_WEEKDAYS[local.weekday()]} {local.strftime('%Y-%m-%d %H:%M')} "
                      'UTC-03:00')
    assert t.window.starts_at.strftime('%Y-%m-%d %H:%M UTC') in body
    assert 'Horários em America/Sao_Paulo.' in body
    assert 'Confirmada' in body and '(CONFIRMED)' in body
    assert 'Indisponibilidade' in body and '30 minutos' in body
    # Its own layout: none of the NOC's navigation, no script at all.
    assert '<script' not in body.lower()
    assert '/maintenance' not in body and '/inventory' not in body and '/logout' not in body
    assert 'name="viewport"' in body
    # The forms: acknowledge and ask for another date, each with its CSRF token.
    assert f'action="/c/{t.tokens["acme"]}/acknowledge"' in body
    assert f'action="/c/{t.tokens["acme"]}/request"' in body
    assert body.count('type="datetime-local"') == 6
    assert '<label for="start1">' in body and 'id="start1"' in body
    assert body.count('name="csrf_token"') == 2


@pytest.mark.dates
def test_each_customer_sees_its_own_window(app):
    t = setup(app)
    body = text(page(t, 'globex'))
    assert '<html lang="en">' in body
    assert 'Fibre cable replacement' in body and 'Troca de cabo' not in body
    assert re.findall(r'data-circuit="([^"]+)"', body) == ['JAN-IPT-003']
    assert 'GX/CIRC/9' in body and 'ACME-LINK-A' not in body and 'Acme' not in body
    with db(app):
        assert notices.when(t.window.starts_at, 'America/Manaus', 'en') in body
    assert 'Times in America/Manaus.' in body and 'Confirmed (CONFIRMED)' in body.replace(
        ' <small>', ' ').replace('</small>', '')


def test_lang_switches_the_page_and_is_kept_on_the_forms(app):
    t = setup(app)
    body = text(page(t, query='?lang=en'))
    assert '<html lang="en">' in body and 'Fibre cable replacement' in body
    with db(app):
        assert notices.when(t.window.starts_at, 'America/Sao_Paulo', 'en') in body
    token = t.tokens['acme']
    assert f'action="/c/{token}/acknowledge?lang=en"' in body
    assert f'action="/c/{token}/request?lang=en"' in body
    assert f'href="/c/{token}?lang=pt_BR"' in body       # the way back
    assert '<html lang="pt-BR">' in text(page(t, 'globex', '?lang=pt_BR'))
    assert '<html lang="pt-BR">' in text(page(t, query='?lang=xx'))   # unknown: theirs
    # After a POST the redirect keeps the language.
    response = post(t, '/acknowledge', {}, query='?lang=en')
    assert response.status_code == 302
    assert response.headers['Location'] == f'/c/{token}?lang=en#acknowledgement'


def test_every_response_keeps_the_token_to_itself(app):
    t = setup(app)
    token = t.tokens['acme']
    responses = {
        'page': page(t),
        'unknown': t.client.get('/c/nothing-here'),
        'redirect': post(t, '/acknowledge', {}),
        'refused': post(t, '/request', {'start1': 'x'}),
        'no csrf': t.client.post(f'/c/{token}/acknowledge', data={}),
        'missing request': post(t, '/requests/123456/withdraw', {}),
    }
    assert [r.status_code for r in responses.values()] == [200, 404, 302, 400, 400, 404]
    for name, response in responses.items():
        for header, value in HEADERS.items():
            assert response.headers.get(header) == value, (name, header)
        assert "default-src 'none'" in response.headers['Content-Security-Policy']
        assert '<script' not in response.get_data(as_text=True).lower(), name


# Acknowledging.

def test_acknowledge_records_who_and_the_page_then_says_so(app, clock):
    t = setup(app)
    response = post(t, '/acknowledge', {'email': ' ANA@Acme.Example.com '})
    assert response.status_code == 302
    assert response.headers['Location'] == f'/c/{t.tokens["acme"]}#acknowledgement'
    with db(app):
        row = WindowCustomer.get(window=t.window.id, customer=t.acme)
        window = MaintenanceWindow.get_by_id(t.window.id)
        assert answers.acknowledged(row, window)
        assert (row.acknowledged_by, row.acknowledged_via) == ('ana@acme.example.com', 'page')
        assert clock.start <= row.acknowledged_at <= clock.now()
        assert not answers.acknowledged(
            WindowCustomer.get(window=t.window.id, customer=t.globex), window)
        when = notices.when(row.acknowledged_at, 'America/Sao_Paulo', 'pt_BR')
    body = text(page(t))
    acknowledged = re.search(r'id="acknowledged">([^<]*)<', body).group(1)
    assert 'ana@acme.example.com' in acknowledged and when in acknowledged
    assert '/acknowledge"' not in body              # no button any more
    assert 'role="status"' in body                  # the confirmation after the redirect
    # Again: nothing changes.
    assert t.client.post(f'/c/{t.tokens["acme"]}/acknowledge',
                         data={'csrf_token': csrf_token(body), 'sequence': '1'}).status_code == 302
    with db(app):
        again = WindowCustomer.get(window=t.window.id, customer=t.acme)
        assert again.acknowledged_at == row.acknowledged_at


def test_acknowledge_by_someone_unknown_is_recorded_as_the_page(app):
    t = setup(app)
    assert post(t, '/acknowledge', {'email': 'carla@globex.example.com'}).status_code == 302
    with db(app):
        row = WindowCustomer.get(window=t.window.id, customer=t.acme)
        assert row.acknowledged_at and row.acknowledged_by == 'page'


def test_acknowledging_a_window_that_changed_meanwhile_is_refused(app):
    t = setup(app)
    shown = page(t).get_data(as_text=True)
    seen = re.search(r'name="sequence" value="(\d+)"', shown).group(1)
    with db(app):
        window = MaintenanceWindow.get_by_id(t.window.id)
        window_commands.update(window.id, {'description_pt': 'Agora são 3 km de cabo.'}, 'tester',
                               area_settings())
        assert str(MaintenanceWindow.get_by_id(t.window.id).sequence) != seen
    response = t.client.post(f'/c/{t.tokens["acme"]}/acknowledge',
                             data={'csrf_token': csrf_token(shown), 'sequence': seen})
    assert response.status_code == 409
    body = text(response)
    assert error_of(body, 'acknowledge-error') and 'Agora são 3 km de cabo.' in body
    for stale in ('', 'x', '-1'):
        assert t.client.post(f'/c/{t.tokens["acme"]}/acknowledge',
                             data={'csrf_token': csrf_token(shown), 'sequence': stale}
                             ).status_code == 409
    with db(app):
        assert WindowCustomer.get(window=t.window.id, customer=t.acme).acknowledged_at is None


def test_a_post_without_the_csrf_token_is_refused(app):
    t = setup(app)
    token = t.tokens['acme']
    page(t)         # the session exists; only the form's token is missing
    day = local_day(t)
    for path, data in (('/acknowledge', {'sequence': '1'}),
                       ('/request', {'start1': f'{day}T22:00', 'end1': f'{day}T23:00',
                                     'reason': 'x'})):
        response = t.client.post(f'/c/{token}{path}', data=data)
        assert response.status_code == 400
        assert 'Form expired' in text(response) and 'Formulário expirado' in text(response)
    with db(app):
        assert WindowCustomer.get(window=t.window.id, customer=t.acme).acknowledged_at is None
        assert RescheduleRequest.select().count() == 0


# Asking for another date.

@pytest.mark.dates
def test_a_request_with_one_period_is_stored_in_utc(app):
    t = setup(app)
    day = local_day(t)
    response = post(t, '/request', {'start1': f'{day}T22:00', 'end1': f'{day}T23:30',
                                    'reason': 'Congelamento de mudanças na Black Friday',
                                    'email': ''})
    assert response.status_code == 302
    assert response.headers['Location'] == f'/c/{t.tokens["acme"]}#requests'
    [(request, proposals)] = requests_of(app, t.acme)
    assert (request.state, request.via, request.requested_by, request.contact_id) == \
        ('open', 'page', 'page', None)
    assert request.window_id == t.window.id
    assert request.reason == 'Congelamento de mudanças na Black Friday'
    assert proposals == [(1, utc_of(day, '22:00'), utc_of(day, '23:30'))]
    assert proposals[0][1].hour == 1                      # 22:00 in São Paulo is 01:00 UTC
    body = text(page(t))
    assert f'id="request-{request.id}" data-state="open"' in body
    assert f'/requests/{request.id}/withdraw"' in body
    with db(app):
        when = notices.when(proposals[0][1], 'America/Sao_Paulo', 'pt_BR')
    assert when in body and 'role="status"' in body


@pytest.mark.dates
def test_a_request_with_three_periods_and_a_contacts_address(app):
    t = setup(app)
    day1, day2, day3 = local_day(t, 20), local_day(t, 21), local_day(t, 22)
    response = post(t, '/request', {
        'start1': f'{day1}T22:00', 'end1': f'{day1}T23:00',
        'start2': f'{day2} 01:00', 'end2': f'{day2} 04:00',            # the other format
        'start3': f'{day3}T22:00:00', 'end3': f'{day3}T23:59',
        'reason': 'Janela de congelamento\r\nsegunda linha', 'email': 'NOC@acme.example.COM'})
    assert response.status_code == 302, text(response)[-2000:]
    [(request, proposals)] = requests_of(app, t.acme)
    with db(app):
        bruno = t.net['contacts']['bruno']
        assert request.contact_id == bruno.id and request.requested_by == 'noc@acme.example.com'
    assert request.reason == 'Janela de congelamento\nsegunda linha'
    assert proposals == [(1, utc_of(day1, '22:00'), utc_of(day1, '23:00')),
                         (2, utc_of(day2, '01:00'), utc_of(day2, '04:00')),
                         (3, utc_of(day3, '22:00'), utc_of(day3, '23:59'))]
    # Literally: 22:00 in São Paulo is 01:00 UTC the next day.
    assert proposals[0][1] == datetime.datetime.strptime(day1, '%Y-%m-%d').replace(
        tzinfo=UTC) + datetime.timedelta(days=1, hours=1)


def test_rows_left_empty_between_filled_ones_are_skipped(app):
    t = setup(app)
    day = local_day(t)
    assert post(t, '/request', {'start1': f'{day}T20:00', 'end1': f'{day}T21:00',
                                'start3': f'{day}T22:00', 'end3': f'{day}T23:00',
                                'reason': 'r'}).status_code == 302
    [(_, proposals)] = requests_of(app, t.acme)
    assert [p[1] for p in proposals] == [utc_of(day, '20:00'), utc_of(day, '22:00')]


ERROR_CASES = {
    # name: (form, the element with the error, a word it must contain)
    'end before start': (lambda d: {'start1': f'{d}T22:00', 'end1': f'{d}T21:00',
                                    'reason': 'r'}, 'proposal1-error', 'end'),
    'start in the past': (lambda d: {'start1': '2020-01-10T22:00', 'end1': '2020-01-10T23:00',
                                     'reason': 'r'}, 'proposal1-error', 'future'),
    'garbage': (lambda d: {'start1': 'next tuesday', 'end1': f'{d}T23:00', 'reason': 'r'},
                'start1-error', 'next tuesday'),
    'start without end': (lambda d: {'start1': f'{d}T22:00', 'reason': 'r'},
                          'end1-error', ''),
    'missing reason': (lambda d: {'start1': f'{d}T22:00', 'end1': f'{d}T23:00',
                                  'reason': '  \r\n '}, 'reason-error', ''),
    # One limit for a customer's reason, the command's (limits.MAX_COMMENT).
    'overlong reason': (lambda d: {'start1': f'{d}T22:00', 'end1': f'{d}T23:00',
                                   'reason': 'x' * 4001}, 'reason-error', '4000'),
    'no period': (lambda d: {'reason': 'r'}, 'proposals-error', ''),
    'too long a window': (lambda d: {'start1': f'{d}T08:00', 'end1': f'{d}T21:00',
                                     'reason': 'r'}, 'proposal1-error', '12'),
    'third row wrong, second empty': (lambda d: {'start1': f'{d}T20:00', 'end1': f'{d}T21:00',
                                                 'start3': f'{d}T23:00', 'end3': f'{d}T22:00',
                                                 'reason': 'r'}, 'proposal3-error', 'end'),
    'year 9999': (lambda d: {'start1': f'{d}T22:00', 'end1': '9999-12-31T23:00',
                             'reason': 'r'}, 'end1-error', ''),
    'an endless text': (lambda d: {'start1': '2' * 100000, 'end1': f'{d}T23:00', 'reason': 'r'},
                        'start1-error', ''),
}


@pytest.mark.dates
@pytest.mark.parametrize('case', list(ERROR_CASES))
def test_a_wrong_request_names_the_field_and_stores_nothing(app, case):
    t = setup(app)
    make, element, word = ERROR_CASES[case]
    data = make(local_day(t))
    response = post(t, '/request', data, query='?lang=en')     # English words to check
    assert response.status_code == 400
    body = text(response)
    message = error_of(body, element)
    assert message, (element, re.findall(r'class="field-error" id="([^"]+)"', body))
    assert word in message
    assert requests_of(app, t.acme) == []
    # What was typed comes back (times normalised for the date-time inputs).
    if data.get('start1') == 'next tuesday':
        assert 'value="next tuesday"' in body
    if case == 'end before start':
        assert f'value="{data["start1"]}"' in body and f'value="{data["end1"]}"' in body
    if data.get('reason', '').strip() and len(data['reason']) < 100:
        assert f'>{data["reason"]}</textarea>' in body
    assert '<script' not in body


def test_no_input_makes_a_server_error(app):
    t = setup(app)
    day = local_day(t)
    nasty = [
        {'start1': f'{day}T22:00', 'end1': f'{day}T23:00', 'reason': 'r',
         'start4': f'{day}T20:00', 'end4': f'{day}T21:00'},          # a fourth row: ignored
        {'start1': '\x00\x01', 'end1': '\x00', 'reason': '\x00'},
        {'start1': '2031-02-30T10:00', 'end1': '31/02/2031 10h00', 'reason': 'r'},
        {'start1': '0001-01-01T00:00', 'end1': '0001-01-01T01:00', 'reason': 'r'},
        {'start1': '📅', 'end1': 'ÿ' * 500, 'reason': '<script>alert(1)</script>',
         'email': 'x' * 5000},
        {'start1': f'{day}T22:00', 'end1': f'{day}T23:00', 'reason': 'r', 'email': 'a@b@c'},
        {'start1': ['a', 'b'], 'reason': ['x', 'y']},
    ]
    for data in nasty:
        response = post(t, '/request', data)
        assert response.status_code in (302, 400), (data, response.status_code)
        assert '<script>alert' not in response.get_data(as_text=True)
    stored = requests_of(app, t.acme)
    assert len(stored) == 2                       # the first and the sixth
    assert [len(p) for _, p in stored] == [1, 1]
    assert stored[1][0].requested_by == 'page'    # no contact has that address
    assert stored[0][0].state == 'withdrawn'      # replaced by the next
    for path in ('/requests/99999999999999999999999/withdraw', '/requests/-1/withdraw',
                 '/requests/x/withdraw'):
        assert post(t, path, {}).status_code == 404


def test_a_second_request_replaces_the_first(app):
    t = setup(app)
    day = local_day(t)
    for hour in ('20', '22'):
        assert post(t, '/request', {'start1': f'{day}T{hour}:00', 'end1': f'{day}T{hour}:30',
                                    'reason': hour}).status_code == 302
    (first, _), (second, proposals) = requests_of(app, t.acme)
    assert (first.state, second.state) == ('withdrawn', 'open')
    assert first.decision_reason == f'#{second.id}'
    assert proposals[0][1] == utc_of(day, '22:00')
    body = text(page(t))
    assert f'id="request-{first.id}" data-state="withdrawn"' in body
    assert f'/requests/{first.id}/withdraw"' not in body
    assert f'/requests/{second.id}/withdraw"' in body


def test_withdraw(app):
    t = setup(app)
    day = local_day(t)
    assert post(t, '/request', {'start1': f'{day}T22:00', 'end1': f'{day}T23:00',
                                'reason': 'r'}).status_code == 302
    assert post(t, '/request', {'start1': f'{day}T22:00', 'end1': f'{day}T23:00',
                                'reason': 'theirs'}, name='globex').status_code == 302
    [(mine, _)] = requests_of(app, t.acme)
    [(theirs, _)] = requests_of(app, t.globex)
    # Another customer's request is not found through this link.
    assert post(t, f'/requests/{theirs.id}/withdraw', {}).status_code == 404
    response = post(t, f'/requests/{mine.id}/withdraw', {})
    assert response.status_code == 302
    assert response.headers['Location'] == f'/c/{t.tokens["acme"]}#requests'
    [(mine, _)] = requests_of(app, t.acme)
    [(theirs, _)] = requests_of(app, t.globex)
    assert (mine.state, theirs.state) == ('withdrawn', 'open')
    assert mine.decided_by == 'customer:page'
    body = text(page(t))
    assert f'id="request-{mine.id}" data-state="withdrawn"' in body
    # Withdrawing it again: already decided.
    shown = page(t).get_data(as_text=True)
    response = t.client.post(f'/c/{t.tokens["acme"]}/requests/{mine.id}/withdraw',
                             data={'csrf_token': csrf_token(shown)})
    assert response.status_code == 409
    assert error_of(text(response), f'withdraw-error-{mine.id}')


def test_decisions_show_on_the_page(app):
    """Globex's request declined with a reason; ACME's circuits split off to a new
    window: ACME's page of the old window says it no longer affects them."""
    t = setup(app)
    day = local_day(t)
    for name in ('acme', 'globex'):
        assert post(t, '/request', {'start1': f'{day}T22:00', 'end1': f'{day}T23:00',
                                    'reason': 'r'}, name=name).status_code == 302
    [(acme_request, _)] = requests_of(app, t.acme)
    [(globex_request, _)] = requests_of(app, t.globex)
    before = page(t).get_data(as_text=True)
    with db(app):
        reschedule_commands.decline(globex_request.id, 'Semana de congelamento do backbone',
                                    'tester', settings=area_settings())
        option = reschedule.options(acme_request, settings=area_settings())[0]
        keys = [f.key for f in option.split if not f.is_error]
        split = reschedule_commands.split(acme_request.id, option.proposal.id, 'tester',
                                          acknowledged=keys, settings=area_settings())
        new_reference = split.new_window.reference
    body = text(page(t, 'globex'))
    assert 'declined: Semana de congelamento do backbone' in body
    assert 'data-state="declined"' in body
    body = text(page(t))
    assert 'id="no-circuits"' in body and 'data-circuit=' not in body
    assert new_reference in body and 'data-state="split"' in body
    assert body.count('class="chosen"') == 1
    assert f'action="/c/{t.tokens["acme"]}/request"' not in body
    assert f'action="/c/{t.tokens["acme"]}/acknowledge"' not in body
    # The new window's page, linked from there, shows the circuits.
    link = re.search(r'<a href="(/c/[^"]+)">', body).group(1)
    assert link != f'/c/{t.tokens["acme"]}'
    new_page = text(t.client.get(link))
    assert new_reference in new_page and 'data-circuit="JAN-IPT-001"' in new_page
    # Asking on the old window is refused.
    response = post(t, '/request', {'start1': f'{day}T20:00', 'end1': f'{day}T21:00',
                                    'reason': 'r'}, shown=before)
    assert response.status_code == 409 and error_of(text(response), 'window-error')
    assert len(requests_of(app, t.acme)) == 1
    response = post(t, '/acknowledge', {}, shown=before)
    assert response.status_code == 409 and error_of(text(response), 'acknowledge-error')
    with db(app):
        assert WindowCustomer.get(window=t.window.id, customer=t.acme).acknowledged_at is None


def test_a_cancelled_window_shows_why_and_takes_no_request(app):
    t = setup(app)
    before = page(t).get_data(as_text=True)
    with db(app):
        window_commands.cancel(t.window.id, 'tester', 'Chuva forte na região', area_settings())
    body = text(page(t))
    assert 'id="cancelled"' in body and 'Chuva forte na região' in body
    assert '(CANCELLED)' in body
    assert 'type="datetime-local"' not in body and '/request"' not in body
    assert '/acknowledge"' not in body
    day = local_day(t)
    response = post(t, '/request', {'start1': f'{day}T22:00', 'end1': f'{day}T23:00',
                                    'reason': 'r'}, shown=before)
    assert response.status_code == 409 and error_of(text(response), 'window-error')
    assert requests_of(app, t.acme) == []
    assert post(t, '/acknowledge', {}, shown=before).status_code == 409


def test_a_window_cancelled_while_the_form_was_sent_is_said_as_the_page_says_it(app, monkeypatch):
    # The NOC cancels between the moment the page's form opens the token and the
    # moment the command locks the window: the refusal describes the window as the
    # command found it (cancelled), in the page's own words, not the window as read.
    t = setup(app)
    day = local_day(t)
    shown = page(t, query='?lang=en').get_data(as_text=True)

    def cancelling_first(command):
        def run(*args, **kwargs):
            window_commands.cancel(t.window.id, 'tester', 'Chuva', area_settings())
            return command(*args, **kwargs)
        return run
    monkeypatch.setattr(reschedule_commands, 'ask', cancelling_first(reschedule_commands.ask))
    asked = post(t, '/request', {'start1': f'{day}T22:00', 'end1': f'{day}T23:00',
                                 'reason': 'r'}, query='?lang=en', shown=shown)
    assert asked.status_code == 409
    assert error_of(text(asked), 'window-error') == \
        'This maintenance was cancelled; there is nothing to move.'
    assert '(CANCELLED)' in text(asked)
    with db(app):       # open again, to be cancelled again as the acknowledgement is sent
        MaintenanceWindow.update(status='CONFIRMED').where(
            MaintenanceWindow.id == t.window.id).execute()
    monkeypatch.setattr(answer_commands, 'acknowledge',
                        cancelling_first(answer_commands.acknowledge))
    acknowledged = post(t, '/acknowledge', {}, query='?lang=en', shown=shown)
    assert acknowledged.status_code == 409
    assert 'There is nothing to acknowledge: this maintenance is cancelled.' in \
        text(acknowledged)
    assert requests_of(app, t.acme) == []


def test_work_in_progress_is_acknowledged_but_not_moved(app):
    t = setup(app)
    with db(app):
        window_commands.start(t.window.id, 'tester', area_settings(),
                              override_reason='started early for the test')
    body = text(page(t))
    assert '(IN-PROCESS)' in body and 'type="datetime-local"' not in body
    assert 'id="cannot-request"' in body
    assert post(t, '/acknowledge', {}).status_code == 302
    with db(app):
        assert WindowCustomer.get(window=t.window.id, customer=t.acme).acknowledged_at


# Links that no longer work.

def test_a_tampered_or_made_up_token_is_not_found(app):
    t = setup(app)
    token = t.tokens['acme']
    payload, signature = token.rsplit('.', 1)
    tampered = [payload + '.' + ('A' if signature[0] != 'A' else 'B') + signature[1:],
                token[:-2], 'x', 'W1sxLDIsM10']
    with db(app):
        # Globex's own window-customer data signed with another secret.
        row = WindowCustomer.get(window=t.window.id, customer=t.globex)
        tampered.append(URLSafeSerializer('not-our-secret', salt=links.SALT)
                        .dumps([row.window_id, row.customer_id, row.link_nonce]))
    for bad in tampered:
        response = t.client.get(f'/c/{bad}')
        assert response.status_code == 404, bad
        body = text(response)
        assert 'This link is not valid' in body
        assert 'lang="pt-BR"' in body and 'lang="en"' in body     # both: reader unknown
        assert t.window.reference not in body
    response = t.client.post(f'/c/{tampered[0]}/acknowledge',
                             data={'csrf_token': csrf_token(page(t).get_data(as_text=True))})
    assert response.status_code == 404


def test_a_revoked_link_is_gone_and_a_reissued_one_works(app):
    t = setup(app)
    with db(app):
        window = MaintenanceWindow.get_by_id(t.window.id)
        acme = t.net['acme']
        links.revoke(window, acme, 'tester')
    response = page(t)
    assert response.status_code == 410
    body = text(response)
    assert t.window.reference in body
    assert '<html lang="pt-BR">' in body and 'lang="en"' not in body   # the customer's language
    assert 'This link was replaced' in text(page(t, query='?lang=en'))
    assert page(t, 'globex').status_code == 200                       # only ACME's link
    with db(app):
        new_token = links.token(links.reissue(window, acme, 'tester'), area_settings().secret_key)
        assert AuditLog.select().where(AuditLog.entity == 'customer_link').count() == 2
    assert new_token != t.tokens['acme']
    assert t.client.get(f'/c/{new_token}').status_code == 200
    assert page(t).status_code == 410                 # the old one never comes back


def test_the_link_replaced_by_a_reissue_says_so(app):
    t = setup(app)
    with db(app):
        links.reissue(MaintenanceWindow.get_by_id(t.window.id), t.net['acme'], 'tester')
    response = page(t, query='?lang=en')
    assert response.status_code == 410 and 'This link was replaced' in text(response)


@pytest.mark.dates
def test_the_link_of_a_window_that_ended_is_gone(app, clock):
    t = setup(app)
    clock.move_to(t.window.ends_at + datetime.timedelta(minutes=1))
    response = page(t, 'globex')
    assert response.status_code == 410
    body = text(response)
    assert f'The maintenance {t.window.reference} has ended' in body
    assert '<html lang="en">' in body
    assert '<script' not in body
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    response = t.client.post(f'/c/{t.tokens["acme"]}/acknowledge', data={})
    assert response.status_code in (400, 410)       # no CSRF token: refused either way


def test_the_posts_are_rate_limited(app):
    t = setup(app)
    shown = page(t).get_data(as_text=True)
    token = csrf_token(shown)
    codes = [t.client.post(f'/c/{t.tokens["acme"]}/acknowledge',
                           data={'csrf_token': token, 'sequence': 'stale'}).status_code
             for _ in range(31)]
    assert codes[:30] == [409] * 30 and codes[30] == 429
    response = t.client.post(f'/c/{t.tokens["acme"]}/acknowledge',
                             data={'csrf_token': token, 'sequence': 'stale'})
    assert response.status_code == 429
    assert 'Too many attempts' in text(response) and 'Tentativas demais' in text(response)
    assert response.headers['Referrer-Policy'] == 'no-referrer'
    assert '/maintenance' not in text(response)
    assert page(t).status_code == 200              # reading the page is not limited



def test_a_contact_with_a_long_address_can_ask_and_withdraw(app):
    """The domain writes 'customer:<address>' into 64-character columns; the page
    keeps such an address out of them and the request keeps the contact."""
    t = setup(app)
    address = 'maintenance-team-of-the-backbone-' + 'a' * 30 + '@acme.example.com'
    with db(app):
        contact = Contact.create(customer=t.acme, name='Long', email=address)
    day = local_day(t)
    response = post(t, '/request', {'start1': f'{day}T22:00', 'end1': f'{day}T23:00',
                                    'reason': 'r', 'email': address.upper()})
    assert response.status_code == 302
    [(request, _)] = requests_of(app, t.acme)
    assert request.contact_id == contact.id and request.requested_by == 'page'
    assert post(t, f'/requests/{request.id}/withdraw', {}).status_code == 302
    assert requests_of(app, t.acme)[0][0].state == 'withdrawn'
