"""An engineer, in Portuguese and in English, logs in, imports sites and customers
from CSV files and creates a circuit, all through headless Chromium.

The Portuguese words are those of the project's glossary; they come from the
compiled pt_BR catalogue (`pybabel compile -d noc/translations`).
"""
import csv
import os
import re

import pytest
from helpers.menu import menu_link
from playwright.sync_api import expect

from noc.models import Circuit, Customer, Site

TIMEOUT_MS = 10_000  # as the browser context in conftest.py

pytestmark = pytest.mark.browser

ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         'artifacts')

WORDS = {
    'pt_BR': {
        'html_lang': 'pt-BR', 'customers': 'Clientes', 'contacts': 'Contatos',
        'circuits': 'Circuitos', 'sites': 'Sites', 'segments': 'Segmentos',
        'log_in': 'Entrar', 'log_out': 'Sair', 'save': 'Salvar', 'new': 'Novo',
        'import_csv': 'Importar CSV', 'preview': 'Pré-visualizar', 'import': 'Importar',
        'wrong_login': 'Usuário ou senha incorretos.', 'required': 'é obrigatório',
        # Portuguese thousands separator: the integer field accepts it.
        'bandwidth': '10.000',
    },
    'en': {
        'html_lang': 'en', 'customers': 'Customers', 'contacts': 'Contacts',
        'circuits': 'Circuits', 'sites': 'Sites', 'segments': 'Segments',
        'log_in': 'Log in', 'log_out': 'Log out', 'save': 'Save', 'new': 'New',
        'import_csv': 'Import CSV', 'preview': 'Preview', 'import': 'Import',
        'wrong_login': 'Wrong username or password.', 'required': 'is required',
        'bandwidth': '10000',
    },
}

SITES = [
    {'code': 'SAO01', 'name': 'PoP São Paulo Centro', 'kind': 'pop', 'city': 'São Paulo',
     'state': 'SP', 'address': 'Rua Boa Vista, 100'},
    {'code': 'CPS01', 'name': 'PoP Campinas', 'kind': 'pop', 'city': 'Campinas',
     'state': 'SP', 'address': 'Av. Francisco Glicério, 1000'},
    {'code': 'RJO01', 'name': 'PoP Rio Centro', 'kind': 'pop', 'city': 'Rio de Janeiro',
     'state': 'RJ', 'address': 'Av. Rio Branco, 1; 3º andar'},
]

CUSTOMERS = [
    {'account_id': 'C-1001', 'name': 'Provedor Ipê Ltda', 'kind': 'isp',
     'asns': 'AS64500 AS64501', 'notice_language': 'pt-BR',
     'time_zone': 'America/Sao_Paulo', 'freezes': '2026-12-20 2027-01-05 Festas',
     'notes': 'Cliente desde 2019, "ouro"'},
    {'account_id': 'C-1002', 'name': 'Banco Exemplo S.A.', 'kind': 'enterprise',
     'asns': '', 'notice_language': 'en', 'time_zone': 'America/Manaus', 'freezes': '',
     'notes': ''},
]

expect.set_options(timeout=TIMEOUT_MS)


def write_csv(path, rows):
    with open(path, 'w', encoding='utf-8', newline='') as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def path_of(page):
    return re.sub(r'^https?://[^/]+', '', page.url)


def nav(page):
    return page.locator('header.top nav')


def log_in(page, server, words, username, password):
    page.goto(server.url + '/login')
    expect(page.locator('html')).to_have_attribute('lang', words['html_lang'])
    page.fill('#username', username)
    page.fill('#password', 'not-the-password')
    page.get_by_role('button', name=words['log_in'], exact=True).click()
    expect(page.locator('.flash.error'), 'a wrong password is refused in the '
           'page\'s language').to_have_text(words['wrong_login'])
    assert path_of(page).startswith('/login')

    page.fill('#username', username)
    page.fill('#password', password)
    page.get_by_role('button', name=words['log_in'], exact=True).click()
    page.wait_for_url(server.url + '/')
    expect(page.locator('ul.cards')).to_be_visible()
    for key in ('customers', 'contacts', 'circuits', 'sites', 'segments'):
        expect(menu_link(page, words[key]),
               f'navigation shows {words[key]!r}').to_be_visible()
    expect(page.get_by_role('button', name=words['log_out'], exact=True)).to_be_visible()


def import_csv(page, server, words, kind, nav_word, csv_path, keys, count):
    """Nav → Import CSV → upload → preview (nothing stored) → import → list."""
    menu_link(page, nav_word).click()
    page.wait_for_url(f'{server.url}/inventory/{kind}/')
    page.get_by_role('link', name=words['import_csv'], exact=True).click()
    page.wait_for_url(f'{server.url}/inventory/{kind}/import')
    page.set_input_files('#file', csv_path)
    page.get_by_role('button', name=words['preview'], exact=True).click()

    preview = page.locator('table tbody tr')
    expect(preview).to_have_count(len(keys))
    for row, key in zip(preview.all(), keys):
        expect(row).to_have_class('created')
        expect(row.locator('td').nth(1)).to_have_text(key)
    assert server.db(count) == 0, 'the preview stored rows'
    # The list, in another tab of the same session, is still empty.
    other = page.context.new_page()
    other.goto(f'{server.url}/inventory/{kind}/')
    expect(other.locator('td.empty')).to_have_count(1)
    other.close()

    page.get_by_role('button', name=words['import'], exact=True).click()
    page.wait_for_url(f'{server.url}/inventory/{kind}/')
    expect(page.locator('.flash.info')).to_contain_text(str(len(keys)))
    for key in keys:
        expect(page.locator('table').get_by_role('link', name=key, exact=True)).to_be_visible()
    assert server.db(count) == len(keys)


@pytest.mark.parametrize('language', ['pt_BR', 'en'])
def test_log_in_import_and_create_a_circuit(live_server, page, tmp_path, language):
    words = WORDS[language]
    username, password = live_server.create_user('engineer', f'eng_{language.lower()}',
                                                 language)
    log_in(page, live_server, words, username, password)

    import_csv(page, live_server, words, 'sites', words['sites'],
               write_csv(tmp_path / 'sites.csv', SITES),
               [s['code'] for s in SITES], lambda: Site.select().count())
    expect(page.locator('table tbody')).to_contain_text('São Paulo')

    import_csv(page, live_server, words, 'customers', words['customers'],
               write_csv(tmp_path / 'customers.csv', CUSTOMERS),
               [c['account_id'] for c in CUSTOMERS], lambda: Customer.select().count())
    expect(page.locator('table tbody')).to_contain_text('Provedor Ipê Ltda')
    expect(page.locator('table tbody')).to_contain_text('AS64500 AS64501')

    # A new circuit: first with a missing id and a bandwidth that is no number.
    menu_link(page, words['circuits']).click()
    page.wait_for_url(f'{live_server.url}/inventory/circuits/')
    page.get_by_role('link', name=words['new'], exact=True).click()
    page.wait_for_url(f'{live_server.url}/inventory/circuits/new')
    # Optional fields start empty (no Python "[]" for the list of segments).
    for name in ('circuit_id', 'customer_ref', 'bandwidth_mbps', 'segments', 'bgp_asn'):
        expect(page.locator(f'#f-{name}'), f'the new circuit form starts with an '
               f'empty {name}').to_have_value('')
    page.select_option('#f-customer', 'C-1001')
    page.fill('#f-customer_ref', 'IPE-TRANSITO-01')
    page.select_option('#f-service', 'ip-transit')
    page.fill('#f-bandwidth_mbps', 'abc')
    page.select_option('#f-a_site', 'SAO01')
    page.select_option('#f-z_site', 'CPS01')
    page.get_by_role('button', name=words['save'], exact=True).click()

    expect(page.locator('#circuit_id-error'),
           'the missing circuit id is reported in the page\'s language'
           ).to_contain_text(words['required'])
    expect(page.locator('#f-circuit_id')).to_have_attribute('aria-invalid', 'true')
    expect(page.locator('#bandwidth_mbps-error')).to_contain_text('"abc"')
    expect(page.locator('#f-bandwidth_mbps')).to_have_attribute('aria-invalid', 'true')
    # What was typed and chosen is kept for the second try.
    expect(page.locator('#f-bandwidth_mbps')).to_have_value('abc')
    expect(page.locator('#f-customer')).to_have_value('C-1001')
    expect(page.locator('#f-a_site')).to_have_value('SAO01')
    assert path_of(page) == '/inventory/circuits/new'
    assert live_server.db(lambda: Circuit.select().count()) == 0

    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=os.path.join(ARTIFACTS, f'circuit-form-errors-{language}.png'),
                    full_page=True)

    page.fill('#f-circuit_id', 'ckt-sp-0001')
    page.fill('#f-bandwidth_mbps', words['bandwidth'])
    page.get_by_role('button', name=words['save'], exact=True).click()
    page.wait_for_url(re.compile(re.escape(live_server.url) + r'/inventory/circuits/\d+$'))

    expect(page.locator('h1')).to_contain_text('CKT-SP-0001')
    details = page.locator('dl.details')
    expect(details.get_by_role('link', name='Provedor Ipê Ltda', exact=True)).to_be_visible()
    expect(details.get_by_role('link', name='SAO01', exact=True)).to_be_visible()
    expect(details.get_by_role('link', name='CPS01', exact=True)).to_be_visible()
    expect(details).to_contain_text('IPE-TRANSITO-01')
    # Fields in entity order: circuit id, customer, reference, service, bandwidth.
    expect(details.locator('dd').nth(4)).to_have_text(
        re.compile(r'^\s*(10 Gbit/s|10[.,]?000( Mbit/s)?)\s*$'))
    page.screenshot(path=os.path.join(ARTIFACTS, f'circuit-{language}.png'), full_page=True)

    def stored():
        circuit = Circuit.get(Circuit.circuit_id == 'CKT-SP-0001')
        return {'customer': circuit.customer.account_id, 'ref': circuit.customer_ref,
                'service': circuit.service, 'bandwidth': circuit.bandwidth_mbps,
                'status': circuit.status, 'a': circuit.a_site.code,
                'z': circuit.z_site.code, 'count': Circuit.select().count()}
    assert live_server.db(stored) == {
        'customer': 'C-1001', 'ref': 'IPE-TRANSITO-01', 'service': 'ip-transit',
        'bandwidth': 10000, 'status': 'active', 'a': 'SAO01', 'z': 'CPS01', 'count': 1}

    # The list of circuits shows it too.
    menu_link(page, words['circuits']).click()
    expect(page.locator('table').get_by_role('link', name='CKT-SP-0001',
                                              exact=True)).to_be_visible()
