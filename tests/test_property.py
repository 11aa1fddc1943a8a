"""Malformed CSV and form input, thrown by hypothesis at the import and the forms.

Whatever arrives: never a 5xx, never an exception out of the import, and
either all of it is stored or none of it (full exports compared).
"""
import base64
import csv
import io
import re

import pytest
from conftest import csrf_token, db
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_csv import ACTOR, ctx, load_sample, snapshot  # noqa: F401  (ctx: no app, English)
from test_inventory_web import CRUD, seed, state

from noc.core.db import database
from noc.inventory import csvio, service
from noc.inventory.entities import ENTITIES, IMPORT_ORDER
from noc.inventory.fields import ValueRefused

# Logins here test forms, not passwords: a cheap hash keeps the suite fast.
pytestmark = pytest.mark.usefixtures('quick_password_hash')

SETTINGS = settings(max_examples=60, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])

# Values each column accepts (some only in the right company), so that good
# rows turn up often enough to mix with bad ones.
GOOD = {
    'code': ['PX-1', 'px-2', 'POA-01', 'RING-SUL', 'SPAN-POA-CXS', 'RING-P', 'N/1.a_b'],
    'circuit_id': ['PX-IPT-1', 'POA-IPT-0001', 'px-ipt-2'],
    'account_id': ['C-1001', 'C-1003', 'C-NEW', 'c-1001'],
    'customer': ['C-1001', 'C-1002', 'C-1003'],
    'name': ['Nome', 'São José do Rio Preto', 'Ops'],
    'kind': ['pop', 'Tower', 'ring', 'span', 'device', 'isp', 'carrier', 'Enterprise'],
    'city': ['Recife', 'Florianópolis'],
    'state': ['SP', 'pe', 'RS'],
    'address': ['', 'Rua A, 1', 'Linha\nOutra'],
    'a_site': ['POA-01', 'cxs-01', ''],
    'z_site': ['FLN-DC', ''],
    'parent': ['', 'RING-SUL', 'RING-P'],
    'length_km': ['', '12,5', '0', '99999'],
    'description': ['', 'x'],
    'asns': ['', 'AS65100', 'AS65101 65102', 'AS64500'],
    'notice_language': ['pt-BR', 'en', 'pt_BR'],
    'language': ['pt-BR', 'en'],
    'time_zone': ['America/Sao_Paulo', 'UTC', 'Europe/Lisbon'],
    'freezes': ['', '2026-12-20 2027-01-05 Festas', '01/02/2027 03/02/2027'],
    'notes': ['', 'nota', 'várias\nlinhas'],
    'email': ['a@b.example', 'Nome.Sobrenome@Empresa.COM.br', 'noc@gaucho.example'],
    'phone': ['', '+55 11 5555-0000'],
    'roles': ['', 'maintenance', 'maintenance;bgp', 'technical\ncommercial'],
    'notice_format': ['invitation', 'plain'],
    'customer_ref': ['', 'REF-1'],
    'service': ['ip-transit', 'wavelength', 'l2-transport'],
    'bandwidth_mbps': ['', '100', '10.000'],
    'status': ['active', 'planned'],
    'segments': ['', 'RING-SUL', 'SPAN-POA-CXS;SPAN-CXS-FLN'],
    'redundancy_group': ['', 'RG-GAUCHO', 'rg-new'],
    'bgp_asn': ['', 'AS64500', '4200000001'],
    'bgp_as_set': ['', 'AS-X', 'AS64500:AS-CUST'],
}

# Where a column's good values depend on the kind of row.
GOOD_FOR = {
    'sites': {'kind': ['pop', 'Tower', 'datacenter'], 'code': ['PX-1', 'px-2', 'POA-01']},
    'segments': {'kind': ['span', 'device', 'Ring'], 'parent': ['', 'RING-SUL', 'RING-P'],
                 'code': ['SEG-1', 'seg-2', 'RING-P', 'SPAN-POA-CXS']},
    'customers': {'kind': ['isp', 'carrier', 'Enterprise'],
                  'asns': ['', 'AS65100', 'AS65101 65102']},
    'contacts': {},
    'circuits': {'service': ['ip-transit', 'ip-transit', 'wavelength'],
                 'bgp_asn': ['', '', '4200000001']},
}


def good(kind, name):
    return GOOD_FOR[kind].get(name) or GOOD.get(name) or ['x']


NASTY = ['', ' ', '\x00', 'a\x00b', '"', '""', '"a""b"', '\n', '\r\n', '\r', ',', ';',
         'x' * 300, 'y' * 6000, '²', '١٢٣', 'AS', 'AS-', '-1', '1e999', 'NaN', 'Infinity',
         '2026-02-30 2026-03-01', 'America', '__pycache__', '../../etc/passwd',
         'DROP TABLE site;--', "O'Brien", '\ufeff', '\u202e', '😀', 'ß' * 40, '\t',
         'a@b', '@', 'maintenance;;bgp', 'RING-SUL;RING-SUL', 'AS1 AS1', 'None', 'null']

text = st.text(st.characters(exclude_categories=('Cs',)), max_size=40)


def cell(kind, name, level='dirty'):
    """A value for a column: 'clean' may well go through, 'dirty' rarely does."""
    right = st.sampled_from(good(kind, name))
    if level == 'clean':
        return right
    if level == 'mixed':
        return st.one_of(right, right, right, right, right, st.sampled_from(NASTY))
    return st.one_of(right, st.sampled_from(NASTY), text)


@st.composite
def csv_files(draw, kind):
    """A CSV file for `kind`: the right header or a wrong one, good and bad rows."""
    entity = ENTITIES[kind]
    names = [fl.name for fl in entity.fields]
    level = draw(st.sampled_from(['clean', 'clean', 'mixed', 'dirty']))
    clean = level != 'dirty'
    header_kind = draw(st.sampled_from(['all', 'all', 'shuffled', 'subset'] if clean else
                                       ['all', 'shuffled', 'subset', 'random']))
    if header_kind == 'all':
        header = names
    elif header_kind == 'shuffled':
        header = draw(st.permutations(names))
    elif header_kind == 'subset':
        header = [n for n in names if entity.field(n).required or draw(st.booleans())]
    else:
        header = draw(st.lists(st.one_of(st.sampled_from(names + ['', 'colour']), text),
                               min_size=0, max_size=8))
    rows = draw(st.lists(
        st.one_of(
            st.tuples(*[cell(kind, h, level) for h in header]).map(list),    # right length
            st.lists(st.one_of(text, st.sampled_from(NASTY)), max_size=10)),  # any length
        max_size=6) if not clean else st.lists(
            st.tuples(*[cell(kind, h, level) for h in header]).map(list), min_size=1,
            max_size=4))
    delimiter = draw(st.sampled_from([',', ';']))
    out = io.StringIO()
    if clean or draw(st.booleans()):
        writer = csv.writer(out, delimiter=delimiter, lineterminator=draw(
            st.sampled_from(['\n', '\r\n'])))
        writer.writerow(header)
        writer.writerows(rows)
        data = out.getvalue()
    else:                         # written by hand: stray quotes, no escaping
        data = '\n'.join(delimiter.join(r) for r in [header] + rows)
    encoding = draw(st.sampled_from(['str', 'utf-8', 'utf-8-sig', 'cp1252'] +
                                    ([] if clean else ['garbage'])))
    if encoding == 'str':
        return data
    if encoding == 'garbage':
        return draw(st.binary(max_size=200)) + data.encode('utf-8')[:draw(
            st.integers(0, 200))]
    return data.encode(encoding, errors='replace')


@st.composite
def files_with_a_bad_row(draw, kind):
    """Good rows plus one row that cannot be good (wrong number of cells)."""
    names = [fl.name for fl in ENTITIES[kind].fields]
    fine = draw(st.lists(st.tuples(*[st.sampled_from(good(kind, n)) for n in names]),
                         min_size=1, max_size=4))
    first = 'X' + draw(text)                           # a blank line is no row
    bad = [first] + draw(st.lists(text, max_size=len(names) - 2)
                         | st.lists(text, min_size=len(names), max_size=len(names) + 3))
    rows = list(fine)
    rows.insert(draw(st.integers(0, len(rows))), bad)
    out = io.StringIO()
    csv.writer(out, lineterminator='\n').writerows([names] + rows)
    return out.getvalue()


def check_import(entity, data):
    """Import `data` twice (preview, then for real); all of it or nothing."""
    before = snapshot()
    preview = csvio.import_csv(entity, data, ACTOR, commit=False)
    assert snapshot() == before
    result = csvio.import_csv(entity, data, ACTOR)
    # The preview said exactly what the import did.
    assert (preview.ok, preview.errors) == (result.ok, result.errors)
    assert [(r.line, r.action) for r in preview.rows] == [(r.line, r.action) for r in result.rows]
    for line, column, message in result.errors:
        assert isinstance(line, int) and line >= 1
        assert column == '' or column in [fl.name for fl in entity.fields]
        assert message and isinstance(message, str)
    after = snapshot()
    event('imported' if result.ok else 'refused')
    if not result.ok:
        assert not result.committed
        assert after == before
        return result
    assert result.committed and result.rows
    # Everything was stored: the same file again finds every row as it says.
    again = csvio.import_csv(entity, data, ACTOR)
    assert again.ok, again.errors
    assert again.count('unchanged') == len(again.rows) == len(result.rows), \
        [(r.line, r.key, r.action) for r in again.rows]
    assert snapshot() == after
    return result


@pytest.fixture
def stocked(ctx):  # noqa: F811  (the imported fixture)
    """The sample operator, in English."""
    load_sample()
    return ctx


@SETTINGS
@given(data=st.data())
def test_random_csv_never_fails_and_is_all_or_nothing(stocked, data):
    kind = data.draw(st.sampled_from(IMPORT_ORDER))
    check_import(ENTITIES[kind], data.draw(csv_files(kind)))


@SETTINGS
@given(data=st.data())
def test_random_bytes_never_fail(stocked, data):
    kind = data.draw(st.sampled_from(IMPORT_ORDER))
    raw = data.draw(st.binary(max_size=400))
    header = ','.join(fl.name for fl in ENTITIES[kind].fields).encode()
    blob = data.draw(st.sampled_from([raw, header + b'\n' + raw, header + b'\r\n' + raw + b'\n']))
    check_import(ENTITIES[kind], blob)


@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_a_partly_valid_file_changes_nothing(stocked, data):
    kind = data.draw(st.sampled_from(IMPORT_ORDER))
    text_ = data.draw(files_with_a_bad_row(kind))
    before = snapshot()
    result = csvio.import_csv(ENTITIES[kind], text_, ACTOR)
    assert not result.ok and not result.committed
    assert any(column == '' and 'cells' in message for _, column, message in result.errors)
    assert snapshot() == before


# Through the web ---------------------------------------------------------------------

@pytest.fixture
def engineer(app, as_role):
    seed(app)
    browser = as_role('engineer')
    browser.token = csrf_token(browser.get('/inventory/sites/import').get_data(as_text=True))
    return browser


@settings(SETTINGS, max_examples=40)
@given(data=st.data())
def test_web_import_never_fails_and_is_all_or_nothing(app, engineer, data):
    kind = data.draw(st.sampled_from(IMPORT_ORDER))
    blob = data.draw(csv_files(kind))
    blob = blob.encode('utf-8') if isinstance(blob, str) else blob
    url = f'/inventory/{kind}/import'
    before = state(app)
    preview = engineer.client.post(url, data={'csrf_token': engineer.token,
                                              'file': (io.BytesIO(blob), 'x.csv')})
    assert preview.status_code in (200, 400), preview.status_code
    assert state(app) == before
    payload = base64.b64encode(blob).decode('ascii')
    confirm = engineer.client.post(url, data={'csrf_token': engineer.token, 'payload': payload})
    assert confirm.status_code in (302, 400), confirm.status_code
    after = state(app)
    event(f'preview {preview.status_code}, confirm {confirm.status_code}')
    if preview.status_code == 400 or confirm.status_code == 400:
        assert (preview.status_code, confirm.status_code) == (400, 400) or not blob
        assert after == before
        return
    # Stored, all of it: the same file previews as all unchanged.
    again = engineer.client.post(url, data={'csrf_token': engineer.token,
                                            'file': (io.BytesIO(blob), 'x.csv')})
    assert again.status_code == 200
    assert re.search(r'0 to create, 0 to update, \d+ unchanged', again.get_data(as_text=True))


@st.composite
def form_fields(draw, kind):
    """Field values for a create form: good, nasty, random or left out."""
    entity = ENTITIES[kind]
    clean = draw(st.booleans())
    # A clean form is the good one with one field changed (to a mostly good value).
    changed = draw(st.sampled_from([fl.name for fl in entity.fields]))
    values = {}
    for fl in entity.fields:
        right = st.just(CRUD[kind][0][fl.name])
        if clean:
            choices = [cell(kind, fl.name, 'mixed') if fl.name == changed else right]
        else:
            choices = [right, cell(kind, fl.name), st.just(None)]
        if fl.widget == 'checkboxes' and not clean:
            choices.append(st.lists(st.one_of(st.sampled_from(['maintenance', 'bgp', 'x']),
                                              text), max_size=4))
        value = draw(st.one_of(*choices))
        if value is not None:
            values[fl.name] = value
    return values


@settings(SETTINGS, max_examples=50)
@given(data=st.data())
def test_random_form_input_never_fails_and_is_all_or_nothing(app, engineer, data):
    kind = data.draw(st.sampled_from(IMPORT_ORDER))
    values = data.draw(form_fields(kind))
    before = state(app)
    response = engineer.client.post(f'/inventory/{kind}/new',
                                    data={**values, 'csrf_token': engineer.token})
    assert response.status_code in (302, 400), response.status_code
    after = state(app)
    event(f'{kind}: {response.status_code}')
    if response.status_code == 400:
        assert after == before
        assert 'field-error' in response.get_data(as_text=True)
        return
    # Created: one more row of this kind, the others untouched, and the row
    # holds exactly what the form said.
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= {kind, 'audit', 'groups', 'links'}
    assert after['audit'] == before['audit'] + 1
    entity = ENTITIES[kind]
    row_id = int(response.location.rsplit('/', 1)[1])
    with db(app):
        obj = entity.model.get_by_id(row_id)
        # As the form view reads them: checkboxes as lists.
        sent = {k: [v] if entity.field(k).widget == 'checkboxes' and isinstance(v, str)
                else v for k, v in values.items()}
        parsed = service.parse(entity, sent, obj)
        assert entity.formatted(parsed) == entity.formatted(entity.read(obj))
    # Remove it again so later examples can reuse the key.
    token = engineer.token
    assert engineer.client.post(f'/inventory/{kind}/{row_id}/delete',
                                data={'csrf_token': token}).status_code == 302


# Every field against every nasty value ------------------------------------------------

def test_every_field_takes_or_refuses_every_nasty_value(stocked):
    """Field by field: a value is parsed or refused with a message, nothing else.

    Random drawing rarely puts "America" in a time zone or "²" in an ASN, so
    the known troublemakers are tried everywhere, and the ones a field takes
    are saved in the good row (then rolled back) and must read back the same.
    """
    for kind in IMPORT_ORDER:
        entity = ENTITIES[kind]
        good_row = dict(CRUD[kind][0])
        for fl in entity.fields:
            for value in NASTY + [v + '\x00' for v in good(kind, fl.name)]:
                try:
                    fl.parse(value)
                except Exception as exc:
                    assert isinstance(exc, ValueRefused), (kind, fl.name, value, exc)
                    assert str(exc), (kind, fl.name, value)
                    continue
                with database.atomic() as savepoint:
                    try:
                        row, _ = service.save_text(entity, {**good_row, fl.name: value},
                                                   ACTOR)
                    except service.RowRefused as exc:
                        assert exc.errors and all(exc.errors.values())
                    else:
                        stored = entity.formatted(entity.read(entity.model.get_by_id(row.id)))
                        parsed = entity.formatted(service.parse(
                            entity, {**good_row, fl.name: value}, row))
                        assert stored == parsed, (kind, fl.name, value)
                    savepoint.rollback()


@settings(SETTINGS, max_examples=200)
@given(data=st.data())
def test_any_text_in_any_field_is_parsed_or_refused(stocked, data):
    kind = data.draw(st.sampled_from(IMPORT_ORDER))
    fl = data.draw(st.sampled_from(ENTITIES[kind].fields))
    value = data.draw(st.one_of(text, st.sampled_from(NASTY),
                                st.lists(st.one_of(text, st.sampled_from(NASTY)), max_size=3)))
    try:
        fl.parse(value)
    except Exception as exc:
        assert isinstance(exc, ValueRefused), (kind, fl.name, value, exc)
        assert str(exc)
