"""Fixes from review: redirects, sessions, limits, cascades in the audit log, odd input."""
import pytest
from conftest import PASSWORD, Browser, create_user, csrf_token

from noc.core.db import database
from noc.inventory import csvio
from noc.inventory.entities import ENTITIES
from noc.models import AuditLog, Circuit, Contact, Customer, Segment, User


def _in_db(app, fn):
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            return fn()
        finally:
            database.close()


@pytest.mark.parametrize('target', ['/%09/evil.example', '//evil.example', '/\\evil.example',
                                    'https://evil.example/', '/%0a/evil.example'])
def test_login_never_redirects_off_site(app, target):
    _in_db(app, lambda: create_user('engineer'))
    browser = Browser(app)
    response = browser.post_form(f'/login?next={target}', {'username': 'engineer',
                                                            'password': PASSWORD})
    assert response.status_code == 302 and response.location == '/'


def test_login_keeps_a_local_next(app):
    _in_db(app, lambda: create_user('engineer'))
    response = Browser(app).post_form('/login?next=/inventory/sites/%3Fstate%3DMG',
                                      {'username': 'engineer', 'password': PASSWORD})
    assert response.location == '/inventory/sites/?state=MG'


def test_successful_logins_do_not_use_up_the_rate_limit(app):
    app.config['NOC']['web']['login_rate_limit'] = '3 per minute'
    _in_db(app, lambda: create_user('engineer'))
    codes = [Browser(app).login('engineer').status_code for _ in range(5)]
    assert codes == [302] * 5
    failures = [Browser(app).login('engineer', 'wrong').status_code for _ in range(4)]
    assert failures == [401, 401, 401, 429]


def test_a_copied_cookie_dies_at_logout(app):
    _in_db(app, lambda: create_user('engineer'))
    browser = Browser(app)
    browser.login('engineer')
    cookie = browser.client.get_cookie('session').value
    token = csrf_token(browser.get('/').get_data(as_text=True))
    browser.client.post('/logout', data={'csrf_token': token})
    thief = app.test_client()
    thief.set_cookie('session', cookie)
    assert thief.get('/').status_code == 302


def test_password_change_ends_other_sessions_but_not_this_one(app):
    _in_db(app, lambda: create_user('engineer'))
    laptop, phone = Browser(app), Browser(app)
    laptop.login('engineer')
    phone.login('engineer')
    response = laptop.post_form('/preferences', {
        'full_name': '', 'language': 'en', 'time_zone': 'UTC',
        'current_password': PASSWORD, 'new_password': 'brand-new-password'})
    assert response.status_code == 302
    assert laptop.get('/').status_code == 200
    assert phone.get('/').status_code == 302


def test_mistyped_current_password_never_locks_the_account(app):
    app.config['NOC']['web']['lockout_attempts'] = 3
    _in_db(app, lambda: create_user('engineer'))
    browser = Browser(app)
    browser.login('engineer')
    for _ in range(5):
        assert browser.post_form('/preferences', {
            'full_name': '', 'language': 'en', 'time_zone': 'UTC',
            'current_password': 'typo', 'new_password': 'brand-new-password'}).status_code == 400
    assert _in_db(app, lambda: User.get(User.username == 'engineer').locked_until) is None
    assert Browser(app).login('engineer').status_code == 302


def test_deactivated_user_is_logged_out(as_role, app):
    admin = as_role('admin')
    other = as_role('engineer')
    user_id = _in_db(app, lambda: User.get(User.username == 'engineer').id)
    admin.post_form(f'/admin/users/{user_id}', {'username': 'engineer', 'role': 'engineer',
                                                 'language': 'en', 'time_zone': 'UTC'})
    assert other.get('/').status_code == 302


@pytest.mark.parametrize('path', ['/inventory/customers/99999999999999999999',
                                  '/inventory/sites/99999999999999999999/edit',
                                  '/admin/users/99999999999999999999'])
def test_huge_ids_are_not_found(as_role, path):
    assert as_role('admin').get(path).status_code == 404


def test_error_pages_speak_the_users_language(as_role):
    browser = as_role('viewer', language='pt_BR')
    page = browser.get('/no-such-page').get_data(as_text=True)
    assert 'Não encontrado' in page and 'Not Found' not in page
    page = browser.client.put('/').get_data(as_text=True)
    assert 'Method Not Allowed' not in page


SITES = 'code,name,kind,city,state\nBHZ01,BH,pop,Belo Horizonte,MG\nCTG01,Contagem,pop,Contagem,MG\n'
SEGMENTS = ('code,name,kind,a_site,z_site,parent\nRING-BH,Anel BH,ring,,,\n'
            'SPAN-1,Lance 1,span,BHZ01,CTG01,RING-BH\n')


def test_deleting_a_customer_keeps_its_contacts_in_the_audit_log(as_role, app):
    browser = as_role('engineer')
    def seed():
        csvio.import_csv(ENTITIES['customers'], 'account_id,name,kind,notice_language,time_zone\n'
                         'C-1,Provedor,isp,pt-BR,UTC\n', 'test')
        csvio.import_csv(ENTITIES['contacts'], 'customer,name,email,roles,language,time_zone,'
                         'notice_format\nC-1,Ana,ana@provedor.example.net,maintenance,en,UTC,'
                         'plain\n', 'test')
        return Customer.get(Customer.account_id == 'C-1').id
    customer_id = _in_db(app, seed)
    assert browser.post_form(f'/inventory/customers/{customer_id}/delete', {}).status_code == 302
    entry = _in_db(app, lambda: AuditLog.get((AuditLog.entity == 'contact')
                                             & (AuditLog.action == 'delete')))
    assert 'ana@provedor.example.net' in entry.before_json and entry.username == 'engineer'
    assert _in_db(app, lambda: Contact.select().count()) == 0


def test_a_ring_holding_spans_cannot_be_deleted(as_role, app):
    browser = as_role('engineer')
    _in_db(app, lambda: (csvio.import_csv(ENTITIES['sites'], SITES, 'test'),
                         csvio.import_csv(ENTITIES['segments'], SEGMENTS, 'test')))
    ring = _in_db(app, lambda: Segment.get(Segment.code == 'RING-BH').id)
    response = browser.post_form(f'/inventory/segments/{ring}/delete', {})
    assert response.status_code == 400 and 'holding 1 span' in response.get_data(as_text=True)
    assert _in_db(app, lambda: Segment.get(Segment.code == 'SPAN-1').parent_id) == ring


def test_a_new_redundancy_group_is_audited(ctx):
    csvio.import_csv(ENTITIES['sites'], SITES, 'test')
    csvio.import_csv(ENTITIES['customers'], 'account_id,name,kind,notice_language,time_zone\n'
                     'C-1,Provedor,isp,pt-BR,UTC\n', 'test')
    result = csvio.import_csv(ENTITIES['circuits'], 'circuit_id,customer,service,a_site,'
                              'redundancy_group,status\nJ-1,C-1,l2-transport,BHZ01,RG-1,active\n', 'test')
    assert result.ok
    assert AuditLog.select().where((AuditLog.entity == 'redundancy_group')
                                   & (AuditLog.entity_key == 'RG-1')).count() == 1


@pytest.mark.parametrize('text, stored', [('10.000', 10000), ('10 000', 10000), ('2.5', None),
                                          ('1.5.0', None)])
def test_bandwidth_grouping_and_decimals(ctx, text, stored):
    csvio.import_csv(ENTITIES['sites'], SITES, 'test')
    csvio.import_csv(ENTITIES['customers'], 'account_id,name,kind,notice_language,time_zone\n'
                     'C-1,Provedor,isp,pt-BR,UTC\n', 'test')
    result = csvio.import_csv(ENTITIES['circuits'], 'circuit_id,customer,service,a_site,'
                              f'bandwidth_mbps,status\nJ-1,C-1,l2-transport,BHZ01,"{text}",active\n', 'test')
    if stored is None:
        assert not result.ok and result.errors[0][1] == 'bandwidth_mbps'
        assert Circuit.select().count() == 0
    else:
        assert result.ok and Circuit.get().bandwidth_mbps == stored


def test_audit_day_filter_uses_the_readers_time_zone(as_role, app):
    import datetime
    admin = as_role('admin')
    _in_db(app, lambda: User.update(time_zone='America/Sao_Paulo').execute())
    admin.post_form('/inventory/sites/new', {'code': 'LATE01', 'name': 'Late', 'kind': 'pop',
                                             'city': 'BH', 'state': 'MG'})
    # 22:30 in São Paulo on the 24th is 01:30 UTC on the 25th.
    moment = datetime.datetime(2026, 11, 25, 1, 30, tzinfo=datetime.timezone.utc)
    _in_db(app, lambda: AuditLog.update(at=moment).execute())
    assert 'LATE01' in admin.get('/admin/audit/?since=2026-11-24&until=2026-11-24').get_data(as_text=True)
    assert 'LATE01' not in admin.get('/admin/audit/?since=2026-11-25').get_data(as_text=True)


def test_csv_download_starts_with_a_bom_for_spreadsheets(as_role, app):
    _in_db(app, lambda: csvio.import_csv(ENTITIES['sites'], SITES, 'test'))
    body = as_role('viewer').get('/inventory/sites/export.csv').get_data()
    assert body.startswith('\ufeff'.encode()) and b'Contagem' in body
    assert _in_db(app, lambda: csvio.import_csv(ENTITIES['sites'], body, 'test').count('unchanged')) == 2


def test_behind_a_trusted_proxy_each_client_has_its_own_login_limit(db_url, app):
    from conftest import make_app
    proxied = make_app(db_url, web={'login_rate_limit': '2 per minute', 'trusted_proxies': 1})
    browser = Browser(proxied)

    def fail(address):
        return browser.post_form('/login', {'username': 'x', 'password': 'y'},
                                 headers={'X-Forwarded-For': address}).status_code
    assert [fail('198.51.100.7') for _ in range(3)] == [401, 401, 429]
    assert fail('203.0.113.9') == 401           # another client behind the same proxy


def test_without_trusted_proxies_forwarded_headers_are_ignored(app):
    app.config['NOC']['web']['login_rate_limit'] = '2 per minute'
    browser = Browser(app)
    codes = [browser.post_form('/login', {'username': 'x', 'password': 'y'},
                               headers={'X-Forwarded-For': f'198.51.100.{n}'}).status_code
             for n in range(3)]
    assert codes == [401, 401, 429]


ACCENTED = ('code,name,kind,city,state\nAAX01,Estação Araxá,pop,Araxá,MG\n'
            'SAO01,PoP São Paulo,pop,São Paulo,SP\n')


@pytest.mark.parametrize('query, found', [('araxa', ['AAX01']), ('ARAXÁ', ['AAX01']),
                                          ('estacao', ['AAX01']), ('ESTAÇÃO', ['AAX01']),
                                          ('sao paulo', ['SAO01']), ('aax', ['AAX01']),
                                          ('ção', ['AAX01']), ('x', ['AAX01'])])
def test_search_ignores_case_and_accents_on_both_engines(as_role, app, query, found):
    _in_db(app, lambda: csvio.import_csv(ENTITIES['sites'], ACCENTED, 'test'))
    page = as_role('viewer').get('/inventory/sites/', query_string={'q': query})
    listed = [code for code in ('AAX01', 'SAO01') if f'>{code}</a>' in page.get_data(as_text=True)]
    assert listed == found


def test_circuit_search_finds_customers_by_name_without_accents(as_role, app):
    def seed():
        csvio.import_csv(ENTITIES['sites'], ACCENTED, 'test')
        csvio.import_csv(ENTITIES['customers'], 'account_id,name,kind,notice_language,time_zone\n'
                         'C-1,Conexão Triângulo,isp,pt-BR,UTC\n', 'test')
        csvio.import_csv(ENTITIES['circuits'], 'circuit_id,customer,service,a_site,status\n'
                         'J-1,C-1,l2-transport,AAX01,active\n', 'test')
    _in_db(app, seed)
    page = as_role('viewer').get('/inventory/circuits/?q=conexao+triangulo').get_data(as_text=True)
    assert '>J-1</a>' in page


def test_renaming_updates_what_search_finds(ctx):
    csvio.import_csv(ENTITIES['sites'], ACCENTED, 'test')
    csvio.import_csv(ENTITIES['sites'], 'code,name,kind,city,state\n'
                     'AAX01,Torre Uberaba,tower,Uberaba,MG\n', 'test')
    from noc.models import Site
    assert Site.get(Site.code == 'AAX01').search_text == 'aax01 torre uberaba uberaba'
