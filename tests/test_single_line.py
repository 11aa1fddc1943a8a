"""Control characters in a field that can reach a mail header (a contact's name
and address, a customer's name, a window's titles, codes and references, a
user's full name, a token's name) are refused from every way in, the form,
the API, a CSV file and the CLI, with an error naming the field and what it
accepts, and nothing is stored. Multi-line texts (descriptions, notes) keep
their line breaks but refuse NUL and the other controls."""
import html
import re

import pytest
from conftest import db, prepared_app
from helpers.maintenance_fixtures import build_network
from test_api_inventory import api, fields  # noqa: F401 (the fixture)
from test_api_windows import new, wapi  # noqa: F401 (the fixture)
from test_csv import SAMPLE, load_sample

from noc.accounts import tokens
from noc.core.text import multi_line_problem, single_line_problem
from noc.models import ApiToken, Contact, Customer, MaintenanceWindow, User

# CR, LF, CRLF, NUL, NEL (a C1 line break) and the Unicode line separator.
BAD = {'CR': 'Ana\rSouza', 'LF': 'Ana\nSouza', 'CRLF': 'Ana\r\nBcc: x@evil.example',
       'NUL': 'Ana\x00Souza', 'NEL': 'Ana\x85Souza', 'LS': 'Ana\u2028Souza'}
WORDS = 'line break or control character'

pytestmark = pytest.mark.usefixtures('quick_password_hash')


@pytest.mark.parametrize('value', [*BAD.values(), 'a\x1b[31m', 'a\x7f', 'a\x9b', 'a\u2029',
                                   'a\tb', ['ok', 'a\nb'], {'reason': 'a\rb'}])
def test_a_single_line_refuses_every_line_break_and_control(value):
    assert WORDS in str(single_line_problem(value))


@pytest.mark.parametrize('value', ['Ana Souza', 'São Paulo – Zé', '', None, 42, ['a', 'b']])
def test_a_single_line_takes_printable_text(value):
    assert single_line_problem(value) is None


def test_multi_line_text_keeps_its_lines_and_refuses_other_controls():
    assert multi_line_problem('linha 1\r\nlinha 2\n\tfim') is None
    for bad in ('a\x00b', 'a\x1bb', 'a\x07b', 'a\x7fb'):
        assert 'control character' in str(multi_line_problem(bad)), bad


def _field_error(page, name):
    match = re.search(rf'<p class="field-error" id="{name}-error">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else ''


def test_the_inventory_form_refuses_them_beside_the_field(app, as_role):
    with db(app):
        load_sample(['customers'])
    browser = as_role('engineer')
    for case, value in BAD.items():
        for kind, data, field in (
                ('contacts', {'customer': 'C-1003', 'name': value, 'email': 'ana@x.example',
                              'roles': ['maintenance'], 'language': 'en', 'time_zone': 'UTC',
                              'notice_format': 'plain'}, 'name'),
                ('contacts', {'customer': 'C-1003', 'name': 'Ana', 'email': f'a{value}@x.example',
                              'roles': ['maintenance'], 'language': 'en', 'time_zone': 'UTC',
                              'notice_format': 'plain'}, 'email'),
                ('customers', {'account_id': 'C-9', 'name': value, 'kind': 'isp',
                               'notice_language': 'pt_BR', 'time_zone': 'UTC'}, 'name')):
            response = browser.post_form(f'/inventory/{kind}/new', data)
            assert response.status_code in (200, 400), (case, response.status_code)
            page = response.get_data(as_text=True)
            assert WORDS in _field_error(page, field), (case, field)
    with db(app):
        assert Contact.select().count() == 0
        assert Customer.select().where(Customer.account_id == 'C-9').count() == 0


def test_the_api_refuses_them_naming_the_field(api):  # noqa: F811
    for case, value in BAD.items():
        for path, body, field in (
                ('/contacts', {'customer': 'ACME-1', 'name': value, 'email': 'n@acme.example'},
                 'name'),
                ('/customers', {'account_id': 'NEW-1', 'name': value}, 'name'),
                ('/customers', {'account_id': 'NEW-1', 'name': 'Ok', 'asns': [64999],
                                'notes': 'one\nline\x07'}, 'notes')):
            answer = api('POST', path, 'engineer', json=body)
            assert fields(answer) == {field}, (case, path, answer.get_json())
            message = answer.get_json()['errors'][0]['message']
            # The API's JSON reading refuses a NUL itself, naming it; the rest the field.
            assert 'control character' in message or 'without NUL' in message, message
    changed = api('PATCH', '/contacts/1', 'engineer', json={'name': BAD['CRLF']})
    assert changed.status_code in (404, 422)
    with db(api.app):
        assert Customer.select().where(Customer.account_id == 'NEW-1').count() == 0
        assert Contact.select().where(Contact.name.contains('Souza')).count() == 0


def test_a_csv_file_is_refused_naming_the_line_and_column(app, tmp_path):
    runner = app.test_cli_runner()
    with db(app):
        load_sample(['sites', 'segments', 'customers'])
    for case, value in BAD.items():
        row = f'C-1001,"{value}",nova@carrier.example,,maintenance,en,UTC,plain\n'
        path = tmp_path / 'contacts.csv'
        path.write_bytes((SAMPLE['contacts'] + row).encode())
        result = runner.invoke(args=['noc', 'import', 'contacts', str(path)])
        assert result.exit_code == 1, (case, result.output)
        # The CLI speaks the app's language (pt_BR here); the code point is named.
        assert re.search(r'contacts.csv:5: name: .*\(U\+', result.output), (case, result.output)
    with db(app):
        assert Contact.select().count() == 0


def test_the_cli_refuses_them_in_windows_users_and_tokens(app):
    runner = app.test_cli_runner()
    with db(app):
        build_network()
    for case, value in BAD.items():
        window = runner.invoke(args=['noc', 'window', 'create', '--title', value,
                                     '--start', '2026-07-10 23:00', '--end', '2026-07-11 02:00',
                                     '--circuit', 'JAN-IPT-004'])
        assert window.exit_code == 1 and 'title_pt: ' in window.output, (case, window.output)
        assert '(U+' in window.output
        user = runner.invoke(args=['noc', 'create-user', 'maria', '--name', value,
                                   '--password', 'correct-horse-battery'])
        assert user.exit_code == 1 and 'full_name' in user.output, (case, user.output)
        token = runner.invoke(args=['noc', 'token', 'create', '--name', value,
                                    '--customer', 'ACME-1'])
        assert token.exit_code != 0 and 'name' in token.output, (case, token.output)
        assert '(U+' in token.output and '(U+' in user.output
    with db(app):
        assert MaintenanceWindow.select().count() == 0
        assert User.select().count() == 0 and ApiToken.select().count() == 0


def test_the_window_form_and_api_refuse_them_in_titles_not_descriptions(wapi):  # noqa: F811
    for case, value in BAD.items():
        refused = wapi('POST', '/maintenance-windows', 'engineer', json=new(title_en=value),
                       headers={'Accept-Language': 'en'})
        assert refused.status_code == 422, (case, refused.get_data(as_text=True))
        errors = {e['field']: e['message'] for e in refused.get_json()['errors']}
        assert (WORDS if case != 'NUL' else 'NUL') in errors.get('title_en', ''), (case, errors)
    nul = wapi('POST', '/maintenance-windows', 'engineer', json=new(description_pt='a\x00b'))
    assert nul.status_code == 422
    lines = wapi('POST', '/maintenance-windows', 'engineer',
                 json=new(description_pt='linha 1\r\nlinha 2'))
    assert lines.status_code == 201, lines.get_data(as_text=True)


def test_token_names_are_refused_by_the_command(app):
    with db(app):
        build_network()
        with pytest.raises(tokens.TokenRefused) as refused:
            tokens.create({'name': 'Acme\nNOC', 'kind': 'noc', 'role': 'viewer'}, 'admin')
        assert set(refused.value.errors) == {'name'}


@pytest.mark.parametrize('engine', ['sqlite'])
def test_the_window_form_shows_the_title_error(db_url, as_role):
    app = prepared_app(db_url)
    with db(app):
        build_network()
    from conftest import Browser, create_user
    with db(app):
        create_user('engineer', username='eng')
    browser = Browser(app)
    browser.login('eng')
    from test_maintenance_web import window_form
    for case, value in BAD.items():
        response = browser.post_form('/maintenance/new',
                                     {**window_form(title_pt=value), 'action': 'save'})
        assert WORDS in _field_error(response.get_data(as_text=True), 'title_pt'), case
    with db(app):
        assert MaintenanceWindow.select().count() == 0
