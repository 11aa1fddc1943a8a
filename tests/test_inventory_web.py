"""Inventory pages: lists, search, filters, pages, forms, roles, CSRF, CSV in and out."""
import csv
import html
import io
import json
import re
from html.parser import HTMLParser

import pytest
from conftest import csrf_token, db
from test_csv import ACTOR, SAMPLE, SAMPLE_COUNTS, load_sample, snapshot

from noc.inventory import csvio
from noc.inventory.entities import ENTITIES, IMPORT_ORDER
from noc.models import AuditLog, Circuit, Contact, Customer, CustomerAsn, Segment, Site

# The users here log in, nobody attacks them: a cheap hash keeps the suite fast.
pytestmark = pytest.mark.usefixtures('quick_password_hash')


def seed(app, kinds=IMPORT_ORDER):
    with db(app):
        load_sample(kinds)


def state(app):
    with db(app):
        return snapshot()


def page_text(response):
    return html.unescape(response.get_data(as_text=True))


LIST_KEY = {'sites': 'code', 'segments': 'code', 'customers': 'account_id',
            'contacts': 'name', 'circuits': 'circuit_id'}


def listed(response, kind):
    """The rows of a list page, each named by its key column, in order."""
    body = response.get_data(as_text=True)
    table = body[body.index('<tbody>'):body.index('</tbody>')]
    column = ENTITIES[kind].columns.index(LIST_KEY[kind])
    names = []
    for row in re.findall(r'<tr>(.*?)</tr>', table, re.S):
        cells = re.findall(r'<td[^>]*>(.*?)</td>', row, re.S)
        if len(cells) == len(ENTITIES[kind].columns):
            link = re.search(rf'<a href="/inventory/{kind}/\d+"[^>]*>([^<]*)</a>',
                             cells[column])
            assert link, cells[column]            # the key links to the row's page
            names.append(html.unescape(link.group(1)).strip())
    return names


class FormValues(HTMLParser):
    """The values a browser would send for the first POST form of a page."""

    def __init__(self, text):
        super().__init__()
        self.values, self._select, self._first, self._textarea = {}, None, None, None
        self._in_form = self._done = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'form' and (a.get('method') or '').lower() == 'post' and not self._done \
                and 'action' not in a:
            self._in_form = True
        if not self._in_form:
            return
        if tag == 'input' and a.get('name') and a.get('type') not in ('submit', 'file'):
            if a.get('type') == 'checkbox':
                if 'checked' in a:
                    self.values.setdefault(a['name'], []).append(a.get('value', 'on'))
                else:
                    self.values.setdefault(a['name'], [])
            else:
                self.values[a['name']] = a.get('value', '')
        elif tag == 'select':
            self._select, self._first = a['name'], None
        elif tag == 'option' and self._select:
            if self._first is None:
                self._first = a.get('value', '')
                self.values[self._select] = self._first
            if 'selected' in a:
                self.values[self._select] = a.get('value', '')
        elif tag == 'textarea':
            self._textarea = a['name']
            self.values[self._textarea] = ''

    def handle_endtag(self, tag):
        if tag == 'select':
            self._select = None
        elif tag == 'textarea':
            self._textarea = None
        elif tag == 'form' and self._in_form:
            self._in_form, self._done = False, True

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(response):
    values = FormValues(response.get_data(as_text=True)).values
    values.pop('csrf_token', None)
    # A browser drops the first newline after <textarea>.
    return {k: v[1:] if isinstance(v, str) and v.startswith('\n') else v
            for k, v in values.items()}


def last_audit(app):
    with db(app):
        entry = AuditLog.select().order_by(AuditLog.id.desc()).first()
        return entry and (entry.action, entry.entity, entry.entity_key, entry.username,
                          json.loads(entry.before_json or 'null'),
                          json.loads(entry.after_json or 'null'))


def row_id(app, kind, **where):
    model = ENTITIES[kind].model
    with db(app):
        return model.get(*[getattr(model, k) == v for k, v in where.items()]).id


# Lists: search, filters, pages ---------------------------------------------------

LIST_CASES = [
    ('sites', '', ['CXS-01', 'FLN-DC', 'POA-01']),
    ('sites', 'q=caxias', ['CXS-01']),
    ('sites', 'q=florian%C3%B3polis', ['FLN-DC']),
    ('sites', 'state=SC', ['FLN-DC']),
    ('sites', 'state=RS&q=poa', ['POA-01']),
    ('segments', 'q=ring', ['RING-SUL']),
    ('customers', '', ['C-1002', 'C-1003', 'C-1001']),           # by name
    ('customers', 'q=ga%C3%BAcho', ['C-1001']),
    ('customers', 'q=AS64501', ['C-1001']),
    ('customers', 'q=4200000001', ['C-1003']),
    ('contacts', 'q=banco', ['Ops Team']),
    ('contacts', 'role=bgp', ['João da Silva']),
    ('contacts', 'role=maintenance&language=pt_BR', ['João da Silva']),
    ('contacts', 'language=en', ['Ops Team']),
    ('circuits', 'q=GAUCHO-TRANSITO', ['POA-IPT-0001', 'POA-IPT-0002']),
    ('circuits', 'q=C-1002', ['FLN-L2-0001']),
    ('circuits', 'service=l2-transport', ['FLN-L2-0001']),
    ('circuits', 'status=planned', ['FLN-L2-0001']),
    ('circuits', 'site=CXS-01', ['POA-IPT-0002']),
    ('circuits', 'site=poa-01', ['FLN-L2-0001', 'POA-IPT-0001']),
    ('circuits', 'segment=RING-SUL', ['FLN-L2-0001', 'POA-IPT-0001', 'POA-IPT-0002']),
    ('circuits', 'segment=SPAN-POA-CXS', ['POA-IPT-0001']),
    ('circuits', 'customer=C-1002', ['FLN-L2-0001']),
    ('circuits', 'group=RG-GAUCHO&service=ip-transit', ['POA-IPT-0001', 'POA-IPT-0002']),
    ('circuits', 'group=RG-GAUCHO&status=planned', []),
]


KIND_FILTER_CASES = [
    ('sites', 'state=RS&kind=pop', ['CXS-01', 'POA-01']),
    ('segments', 'kind=span', ['SPAN-CXS-FLN', 'SPAN-POA-CXS']),
    ('segments', 'kind=device&q=pe1', ['DEV-POA-PE1']),
    ('customers', 'kind=carrier', ['C-1003']),
]


def _check_lists(browser, cases):
    for kind, query, expected in cases:
        response = browser.get(f'/inventory/{kind}/?{query}')
        assert response.status_code == 200, (kind, query)
        assert listed(response, kind) == expected, (kind, query)
        if not expected:
            assert 'Nothing found.' in page_text(response)


@pytest.mark.parametrize('kind', IMPORT_ORDER)
def test_list_search_and_filters(app, as_role, kind):
    seed(app)
    _check_lists(as_role('viewer'), [c for c in LIST_CASES if c[0] == kind])


def test_list_filtered_by_kind(app, as_role):
    seed(app)
    _check_lists(as_role('viewer'), KIND_FILTER_CASES)


def test_unknown_filter_values_are_ignored_not_failed(app, as_role):
    seed(app)
    browser = as_role('viewer')
    for query in ('state=ZZ', 'page=abc', 'page=-3', 'page=99999999999', 'role=root'):
        response = browser.get(f'/inventory/sites/?{query}')
        assert response.status_code == 200, query
        assert len(listed(response, 'sites')) == 3, query


def test_an_unknown_kind_filter_is_ignored(app, as_role):
    seed(app)
    response = as_role('viewer').get('/inventory/sites/?kind=igloo')
    assert response.status_code == 200 and len(listed(response, 'sites')) == 3


def _many(kind, n):
    """CSV of n rows of `kind` (the sample's sites, segments and customers exist)."""
    header = SAMPLE[kind].split('\n', 1)[0]
    make = {
        'sites': lambda i: f'S-{i:03},Site {i},pop,Cidade {i},{"SP" if i % 2 else "RJ"},',
        'segments': lambda i: f'SEG-{i:03},Segment {i},span,POA-01,,RING-SUL,{i},',
        'customers': lambda i: f'K-{i:03},Cliente {i:03},isp,AS{65000 + i},en,UTC,,',
        'contacts': lambda i: f'C-1003,Pessoa {i:03},p{i:03}@carrier.example,,,en,UTC,plain',
        'circuits': lambda i: f'CK-{i:03},C-1003,,wavelength,{i + 1},active,POA-01,,,,,,',
    }[kind]
    return '\n'.join([header] + [make(i) for i in range(n)]) + '\n'


def test_pagination_of_every_list(app, as_role):
    seed(app, ['sites', 'segments', 'customers'])
    browser = as_role('viewer')
    for kind in IMPORT_ORDER:
        _check_pages(app, browser, kind)


def _check_pages(app, browser, kind):
    with db(app):
        assert csvio.import_csv(ENTITIES[kind], _many(kind, 55), ACTOR).ok
        total = ENTITIES[kind].model.select().count()
    first = browser.get(f'/inventory/{kind}/')
    second = browser.get(f'/inventory/{kind}/?page=2')
    one, two = listed(first, kind), listed(second, kind)
    assert len(one) == 50 and len(two) == total - 50
    assert not set(one) & set(two)
    assert f'Page 1 of 2 · {total} in all' in page_text(first)
    assert 'rel="next"' in first.get_data(as_text=True)
    assert 'rel="next"' not in second.get_data(as_text=True)
    assert 'rel="prev"' in second.get_data(as_text=True)


def test_pagination_keeps_search_and_filters(app, as_role):
    with db(app):
        assert csvio.import_csv(ENTITIES['sites'], _many('sites', 120), ACTOR).ok
    browser = as_role('viewer')
    pages = [listed(browser.get(f'/inventory/sites/?page={n}'), 'sites') for n in (1, 2, 3)]
    assert pages[0] == [f'S-{i:03}' for i in range(50)]
    assert pages[1] == [f'S-{i:03}' for i in range(50, 100)]
    assert pages[2] == [f'S-{i:03}' for i in range(100, 120)]
    # Past the end: the last page.
    assert listed(browser.get('/inventory/sites/?page=40'), 'sites') == pages[2]
    # A filter: 60 sites in SP, 50 + 10, and the next link keeps the filter.
    response = browser.get('/inventory/sites/?state=SP')
    assert listed(response, 'sites') == [f'S-{i:03}' for i in range(1, 100, 2)]
    nxt = html.unescape(re.search(r'<a rel="next" href="([^"]+)"',
                                  response.get_data(as_text=True)).group(1))
    assert 'state=SP' in nxt and 'page=2' in nxt
    assert listed(browser.get(nxt), 'sites') == [f'S-{i:03}' for i in range(101, 120, 2)]
    # Search and page together.
    response = browser.get('/inventory/sites/?q=S-1&page=1')
    assert listed(response, 'sites') == [f'S-{i:03}' for i in range(100, 120)]
    assert 'Page 1 of 1 · 20 in all' in page_text(response)


def test_search_for_an_underscore_is_literal(app, as_role):
    with db(app):
        text = ('code,name,kind,city,state,address\n'
                'A_1,Site a,pop,X,SP,\nAB1,Site b,pop,X,SP,\n')
        assert csvio.import_csv(ENTITIES['sites'], text, ACTOR).ok
    browser = as_role('viewer')
    assert listed(browser.get('/inventory/sites/?q=A_1'), 'sites') == ['A_1']
    # '%' is literal too: no site has it in its code, name or city.
    assert listed(browser.get('/inventory/sites/?q=a%25'), 'sites') == []
    assert sorted(listed(browser.get('/inventory/sites/?q=a'), 'sites')) == ['AB1', 'A_1']


# Create, edit, delete -----------------------------------------------------------

CRUD = {
    'sites': ({'code': 'rec-01', 'name': 'PoP Recife', 'kind': 'pop', 'city': 'Recife',
               'state': 'PE', 'address': 'Rua da Aurora, 1'},
              'REC-01', {'code': 'REC-01'}, ('city', 'Olinda')),
    'segments': ({'code': 'SPAN-NEW', 'name': 'Span novo', 'kind': 'span', 'a_site': 'POA-01',
                  'z_site': 'FLN-DC', 'parent': 'RING-SUL', 'length_km': '42,5',
                  'description': 'Linha 1\r\nLinha 2'},
                 'SPAN-NEW', {'code': 'SPAN-NEW'}, ('length_km', '43')),
    'customers': ({'account_id': 'C-3001', 'name': 'Cliente Novo', 'kind': 'isp',
                   'asns': 'AS65001 65002', 'notice_language': 'pt_BR',
                   'time_zone': 'America/Recife',
                   'freezes': '2026-12-20 2027-01-05 Festas\r\n2027-02-14 2027-02-18 Carnaval',
                   'notes': ''},
                  'C-3001', {'account_id': 'C-3001'}, ('name', 'Cliente Renomeado')),
    'contacts': ({'customer': 'C-1003', 'name': 'Ana', 'email': 'ana@carrier.example',
                  'phone': '+55 81 4000-0000', 'roles': ['maintenance', 'bgp'],
                  'language': 'en', 'time_zone': 'UTC', 'notice_format': 'plain'},
                 'C-1003 / ana@carrier.example', {'email': 'ana@carrier.example'},
                 ('roles', ['technical'])),
    'circuits': ({'circuit_id': 'REC-IPT-0001', 'customer': 'C-1003', 'customer_ref': 'ATL-1',
                  'service': 'ip-transit', 'bandwidth_mbps': '1000', 'status': 'active',
                  'a_site': 'POA-01', 'z_site': '', 'segments': 'SPAN-POA-CXS;RING-SUL',
                  'redundancy_group': 'RG-NOVO', 'bgp_asn': 'AS4200000001',
                  'bgp_as_set': 'AS-ATL', 'notes': ''},
                 'REC-IPT-0001', {'circuit_id': 'REC-IPT-0001'}, ('bandwidth_mbps', '2000')),
}


def _stored(app, kind, where):
    entity = ENTITIES[kind]
    with db(app):
        obj = entity.model.get_or_none(*[getattr(entity.model, k) == v
                                         for k, v in where.items()])
        return obj and entity.formatted(entity.read(obj))


@pytest.mark.parametrize('kind', IMPORT_ORDER)
def test_create_edit_delete(app, as_role, kind):
    seed(app)
    data, key, where, (field, new_value) = CRUD[kind]
    browser = as_role('engineer')
    assert browser.get(f'/inventory/{kind}/new').status_code == 200

    # Create.
    response = browser.post_form(f'/inventory/{kind}/new', data)
    assert response.status_code == 302, page_text(response)[:3000]
    assert re.fullmatch(rf'/inventory/{kind}/\d+', response.location)
    stored = _stored(app, kind, where)
    assert stored is not None
    assert last_audit(app)[:4] == ('create', ENTITIES[kind].audit_entity, key, 'engineer')
    assert last_audit(app)[5] == stored
    shown = browser.get(response.location)
    assert shown.status_code == 200 and key.split(' / ')[-1] in page_text(shown)
    edit_url = response.location + '/edit'
    rid = int(response.location.rsplit('/', 1)[1])

    # The edit form holds what is stored: sending it back changes nothing.
    form = form_values(browser.get(edit_url))
    count = audit_count(app)
    response = browser.post_form(edit_url, form)
    assert response.status_code == 302, page_text(response)[:3000]
    assert 'Nothing changed.' in page_text(browser.get(response.location))
    assert _stored(app, kind, where) == stored
    assert audit_count(app) == count

    # Edit one field: stored, audited with that field only.
    response = browser.post_form(edit_url, {**form, field: new_value})
    assert response.status_code == 302, page_text(response)[:3000]
    changed = _stored(app, kind, where)
    assert {k for k in changed if changed[k] != stored[k]} == {field}
    action, entity, akey, user, before, after = last_audit(app)
    assert (action, entity, akey, user) == ('update', ENTITIES[kind].audit_entity, key, 'engineer')
    assert before == {field: stored[field]} and after == {field: changed[field]}

    # Delete: a GET shows the confirmation and deletes nothing.
    response = browser.get(f'/inventory/{kind}/{rid}/delete')
    assert response.status_code == 200
    text = page_text(response)
    assert 'This cannot be undone' in text and key in text
    assert _stored(app, kind, where) is not None
    response = browser.post_form(f'/inventory/{kind}/{rid}/delete', {})
    assert response.status_code == 302 and response.location == f'/inventory/{kind}/'
    assert _stored(app, kind, where) is None
    action, entity, akey, user, before, after = last_audit(app)
    assert (action, entity, akey, user, after) == ('delete', ENTITIES[kind].audit_entity, key, 'engineer',
                                                  None)
    assert before == changed
    assert browser.get(f'/inventory/{kind}/{rid}').status_code == 404
    # Everything else is as seeded.
    with db(app):
        for other in IMPORT_ORDER:
            assert ENTITIES[other].model.select().count() == SAMPLE_COUNTS[other]


def audit_count(app):
    with db(app):
        return AuditLog.select().count()


def test_created_rows_hold_what_the_form_said(app, as_role):
    seed(app)
    browser = as_role('engineer')
    for kind in ('customers', 'contacts', 'circuits', 'segments'):
        assert browser.post_form(f'/inventory/{kind}/new', CRUD[kind][0]).status_code == 302
    with db(app):
        customer = Customer.get(Customer.account_id == 'C-3001')
        assert sorted(a.asn for a in customer.asns) == [65001, 65002]
        assert sorted((str(f.starts_on), f.reason) for f in customer.freezes) == \
            [('2026-12-20', 'Festas'), ('2027-02-14', 'Carnaval')]
        assert customer.time_zone == 'America/Recife'
        ana = Contact.get(Contact.email == 'ana@carrier.example')
        assert ana.roles == ['maintenance', 'bgp'] and ana.customer.account_id == 'C-1003'
        circuit = Circuit.get(Circuit.circuit_id == 'REC-IPT-0001')
        assert sorted(link.segment.code for link in circuit.segment_links) == \
            ['RING-SUL', 'SPAN-POA-CXS']
        assert circuit.redundancy_group.name == 'RG-NOVO' and circuit.bgp_asn == 4200000001
        assert circuit.z_site is None
        span = Segment.get(Segment.code == 'SPAN-NEW')
        assert str(span.length_km) in ('42.5', '42.50') and span.parent.code == 'RING-SUL'
        assert span.description == 'Linha 1\r\nLinha 2'


def test_new_form_with_an_existing_key_is_refused_not_overwritten(app, as_role):
    seed(app)
    before = state(app)
    browser = as_role('engineer')
    response = browser.post_form('/inventory/sites/new', {
        'code': 'poa-01', 'name': 'Outro', 'kind': 'tower', 'city': 'Outra', 'state': 'SP'})
    assert response.status_code == 400
    assert '"POA-01" already exists' in page_text(response)
    assert state(app) == before


def test_edit_to_the_key_of_another_row_is_refused(app, as_role):
    seed(app)
    before = state(app)
    browser = as_role('engineer')
    url = f'/inventory/sites/{row_id(app, "sites", code="CXS-01")}/edit'
    form = form_values(browser.get(url))
    response = browser.post_form(url, {**form, 'code': 'POA-01'})
    assert response.status_code == 400
    assert '"POA-01" is already used by another record' in page_text(response)
    assert state(app) == before


def test_editing_a_customer_keeps_its_asns_without_a_clash(app, as_role):
    seed(app)
    browser = as_role('engineer')
    url = f'/inventory/customers/{row_id(app, "customers", account_id="C-1001")}/edit'
    form = form_values(browser.get(url))
    assert form['asns'] == 'AS64500 AS64501'
    response = browser.post_form(url, {**form, 'asns': 'AS64501 AS64502'})
    assert response.status_code == 302, page_text(response)[:2000]
    with db(app):
        assert sorted(a.asn for a in CustomerAsn.select().join(Customer)
                      .where(Customer.account_id == 'C-1001')) == [64501, 64502]


BAD_FORMS = [   # (kind, values changed from a good form, field in error, message)
    ('sites', {'state': 'ZZ'}, 'state', '"ZZ" is not accepted; expected one of: AC'),
    ('sites', {'code': 'com espaço'}, 'code', 'is not a valid code'),
    ('sites', {'city': ''}, 'city', 'is required'),
    ('sites', {'name': 'x' * 201}, 'name', 'is too long (201 characters; at most 200)'),
    ('segments', {'length_km': 'muito'}, 'length_km', '"muito" is not a number'),
    ('segments', {'length_km': '1e9'}, 'length_km', 'out of range'),
    ('segments', {'parent': 'SPAN-POA-CXS'}, 'parent', 'only a ring can hold spans'),
    ('segments', {'a_site': 'NOPE'}, 'a_site', '"NOPE" was not found'),
    ('customers', {'asns': 'AS64500'}, 'asns', 'AS64500 already belongs to Provedor Gaúcho Net'),
    ('customers', {'asns': 'AS1 ²'}, 'asns', '"²" is not an AS number'),
    ('customers', {'asns': 'AS1 AS1'}, 'asns', 'lists an AS number twice'),
    ('customers', {'freezes': '2026-12-20'}, 'freezes', 'is not a period'),
    ('customers', {'freezes': '2026-02-30 2026-03-01'}, 'freezes', 'is not a date'),
    ('customers', {'time_zone': 'America'}, 'time_zone', 'is not a time zone'),
    ('customers', {'time_zone': 'Europe/Nowhere'}, 'time_zone', 'expected an IANA name'),
    ('customers', {'account_id': ''}, 'account_id', 'is required'),
    ('contacts', {'email': 'ana(at)carrier'}, 'email', 'is not an email address'),
    ('contacts', {'customer': 'C-9999'}, 'customer', '"C-9999" was not found'),
    ('contacts', {'roles': ['maintenance', 'dba']}, 'roles', '"dba" is not accepted'),
    ('contacts', {'language': 'fr'}, 'language', 'expected pt-BR or en'),
    ('circuits', {'bandwidth_mbps': 'rápido'}, 'bandwidth_mbps', '"rápido" is not a whole number'),
    ('circuits', {'bandwidth_mbps': '0'}, 'bandwidth_mbps',
     'out of range; expected 1 to 10000000'),
    ('circuits', {'bgp_asn': 'AS64500'}, 'bgp_asn', 'belongs to another customer'),
    ('circuits', {'service': 'l3vpn'}, 'bgp_asn', 'only to the IP transit service'),
    ('circuits', {'segments': 'RING-SUL;XYZ'}, 'segments', 'not found: XYZ'),
    ('circuits', {'bgp_as_set': 'AS SET'}, 'bgp_as_set', 'is not an AS-SET name'),
    ('circuits', {'a_site': ''}, 'a_site', 'is required'),
    ('circuits', {'status': 'vivo'}, 'status', '"vivo" is not accepted'),
]


def field_errors(response):
    return {name: html.unescape(text) for name, text in re.findall(
        r'<p class="field-error" id="(\w+)-error">([^<]*)</p>', response.get_data(as_text=True))}


@pytest.mark.parametrize('kind', IMPORT_ORDER)
def test_bad_form_values_are_refused_with_the_fields_message(app, as_role, kind):
    seed(app)
    before = state(app)
    browser = as_role('engineer')
    token = csrf_token(browser.get(f'/inventory/{kind}/new').get_data(as_text=True))
    for _, change, field, message in [c for c in BAD_FORMS if c[0] == kind]:
        sent = {**CRUD[kind][0], **change}
        response = browser.client.post(f'/inventory/{kind}/new',
                                       data={**sent, 'csrf_token': token})
        assert response.status_code == 400, change
        errors = field_errors(response)
        assert set(errors) == {field}, (change, errors)             # next to its field
        assert message in errors[field], (change, errors)
        assert str(ENTITIES[kind].field(field).label) in page_text(response)
        assert 'Please correct the fields marked below.' in page_text(response)
        # The form keeps what was typed.
        kept = form_values(response)
        for name in ('name', 'customer_ref', 'city', 'notes'):
            if name in sent:
                assert kept[name] == sent[name], (change, name)
    assert state(app) == before


def test_bad_edit_changes_nothing(app, as_role):
    seed(app)
    before = state(app)
    browser = as_role('engineer')
    url = f'/inventory/circuits/{row_id(app, "circuits", circuit_id="POA-IPT-0001")}/edit'
    form = form_values(browser.get(url))
    response = browser.post_form(url, {**form, 'segments': '', 'bandwidth_mbps': '-1'})
    assert response.status_code == 400
    assert 'out of range' in page_text(response)
    assert state(app) == before


# Deleting what is still used -------------------------------------------------------

@pytest.mark.parametrize('kind,where,reason', [
    ('sites', {'code': 'CXS-01'}, 'still used by 1 circuit'),
    ('sites', {'code': 'FLN-DC'}, 'still used by 1 circuit; still used by 1 segment'),
    ('segments', {'code': 'SPAN-CXS-FLN'}, 'still used by 2 circuits'),
    ('customers', {'account_id': 'C-1001'}, 'still used by 2 circuits'),
])
def test_deleting_a_row_still_used_is_refused(app, as_role, kind, where, reason):
    seed(app)
    before = state(app)
    browser = as_role('engineer')
    rid = row_id(app, kind, **where)
    response = browser.post_form(f'/inventory/{kind}/{rid}/delete', {})
    assert response.status_code == 400
    assert 'It cannot be deleted: ' + reason in page_text(response)
    assert state(app) == before


def test_deleting_a_customer_without_circuits_takes_its_contacts(app, as_role):
    seed(app)
    browser = as_role('engineer')
    with db(app):
        assert csvio.import_csv(ENTITIES['contacts'], 'customer,name,email,phone,roles,'
                                'language,time_zone,notice_format\n'
                                'C-1003,X,x@c.example,,bgp,en,UTC,plain\n', ACTOR).ok
    rid = row_id(app, 'customers', account_id='C-1003')
    confirm = browser.get(f'/inventory/customers/{rid}/delete')
    assert 'Its contacts, ASNs and change freezes are deleted with it.' in page_text(confirm)
    assert browser.post_form(f'/inventory/customers/{rid}/delete', {}).status_code == 302
    with db(app):
        assert not Customer.select().where(Customer.account_id == 'C-1003').exists()
        assert not Contact.select().where(Contact.email == 'x@c.example').exists()
        assert not CustomerAsn.select().where(CustomerAsn.asn == 4200000001).exists()
        assert Contact.select().count() == 3


# CSRF and roles --------------------------------------------------------------------

def _write_urls(app):
    site = row_id(app, 'sites', code='POA-01')
    return [('/inventory/sites/new', {'code': 'X-1', 'name': 'x', 'kind': 'pop', 'city': 'x',
                                      'state': 'SP'}),
            (f'/inventory/sites/{site}/edit', {'code': 'POA-01', 'name': 'Mudou', 'kind': 'pop',
                                               'city': 'x', 'state': 'SP'}),
            (f'/inventory/sites/{site}/delete', {}),
            ('/inventory/sites/import', {'file': (io.BytesIO(b'code,name,kind,city,state\n'
                                                             b'X-1,x,pop,x,SP\n'), 'a.csv')}),
            ('/inventory/sites/import', {'payload': 'Y29kZSxuYW1lLGtpbmQsY2l0eSxzdGF0ZQpYLTEs'
                                                    'eCxwb3AseCxTUAo='})]


def test_posts_without_a_valid_csrf_token_are_refused(app, as_role):
    seed(app, ['sites'])
    before = state(app)
    browser = as_role('admin')
    for url, data in _write_urls(app):
        for token in (None, 'forged-token'):
            fresh = {k: (io.BytesIO(v[0].getvalue()), v[1]) if isinstance(v, tuple) else v
                     for k, v in data.items()}
            if token:
                fresh['csrf_token'] = token
            response = browser.client.post(url, data=fresh)
            assert response.status_code == 400, (url, token)
            assert 'Form expired' in page_text(response)
    assert state(app) == before
    # The same posts with the token go through (the refusal was the token's).
    url, data = _write_urls(app)[0]
    assert browser.post_form(url, data).status_code == 302


@pytest.mark.parametrize('kind', IMPORT_ORDER)
def test_viewer_reads_but_cannot_write(app, as_role, kind):
    seed(app)
    before = state(app)
    viewer = as_role('viewer')
    rid = row_id(app, kind, **{ENTITIES[kind].key[-1]: {
        'sites': 'POA-01', 'segments': 'RING-SUL', 'customers': 'C-1001',
        'contacts': 'ops@banco.example', 'circuits': 'POA-IPT-0001'}[kind]})
    for url in (f'/inventory/{kind}/', f'/inventory/{kind}/{rid}',
                f'/inventory/{kind}/export.csv', f'/inventory/{kind}/?format=csv'):
        assert viewer.get(url).status_code == 200, url
    listing = viewer.get(f'/inventory/{kind}/').get_data(as_text=True)
    assert f'/inventory/{kind}/new' not in listing and f'/inventory/{kind}/import' not in listing
    token = csrf_token(listing)        # a real token: the refusal must be the role's
    for url in (f'/inventory/{kind}/new', f'/inventory/{kind}/{rid}/edit',
                f'/inventory/{kind}/{rid}/delete', f'/inventory/{kind}/import'):
        assert viewer.get(url).status_code == 403, url
        data = {**CRUD[kind][0], 'csrf_token': token}
        if url.endswith('import'):
            data = {'csrf_token': token,
                    'file': (io.BytesIO(SAMPLE[kind].encode()), 'x.csv')}
        assert viewer.client.post(url, data=data).status_code == 403, url
    assert state(app) == before


def test_admin_pages_are_for_admins_only(app, as_role):
    seed(app, ['sites'])
    viewer, engineer, admin = as_role('viewer'), as_role('engineer'), as_role('admin')
    with db(app):
        from noc.models import User
        uid = User.get(User.username == 'viewer').id
    admin_urls = ['/admin/users/', '/admin/users/new', f'/admin/users/{uid}', '/admin/audit/']
    for url in admin_urls:
        assert viewer.get(url).status_code == 403, url
        assert engineer.get(url).status_code == 403, url
        assert admin.get(url).status_code == 200, url
    token = csrf_token(engineer.get('/inventory/sites/').get_data(as_text=True))
    response = engineer.client.post(f'/admin/users/{uid}', data={
        'csrf_token': token, 'username': 'viewer', 'role': 'admin', 'language': 'en',
        'time_zone': 'UTC', 'active': 'y'})
    assert response.status_code == 403
    with db(app):
        assert User.get(User.id == uid).role == 'viewer'
    # Engineers may do all the inventory writes.
    assert engineer.get('/inventory/sites/new').status_code == 200
    assert engineer.get('/inventory/sites/import').status_code == 200


def test_anonymous_is_sent_to_log_in_and_cannot_write(app):
    seed(app, ['sites'])
    before = state(app)
    client = app.test_client()
    for url in ('/inventory/sites/', '/inventory/sites/new', '/inventory/sites/export.csv',
                '/inventory/customers/?format=csv', '/admin/audit/'):
        response = client.get(url)
        assert response.status_code in (302, 401), url
        assert 'login' in (response.location or ''), url
    assert client.post('/inventory/sites/new', data={'code': 'X'}).status_code in (302, 400, 401)
    assert state(app) == before


def test_changes_by_the_web_are_in_the_audit_page(app, as_role):
    seed(app, ['sites'])
    engineer, admin = as_role('engineer'), as_role('admin')
    url = f'/inventory/sites/{row_id(app, "sites", code="POA-01")}/edit'
    form = form_values(engineer.get(url))
    assert engineer.post_form(url, {**form, 'city': 'Canoas'}).status_code == 302
    text = page_text(admin.get('/admin/audit/?entity=site&action=update'))
    assert 'POA-01' in text and 'engineer' in text
    assert 'Porto Alegre' in text and 'Canoas' in text
    # Links and bookmarks made before migration 0011 find the same entries.
    assert page_text(admin.get('/admin/audit/?entity=sites&action=updated')) == text
    show = admin.get(url.removesuffix('/edit')).get_data(as_text=True)
    assert 'entity=site&amp;' in show or 'entity=site"' in show


# CSV import page -------------------------------------------------------------------

def _upload(browser, kind, data, name='import.csv'):
    return browser.post_form(f'/inventory/{kind}/import',
                             {'file': (io.BytesIO(data), name)})


@pytest.mark.parametrize('kind', IMPORT_ORDER)
def test_import_page_previews_then_stores(app, as_role, kind):
    seed(app, IMPORT_ORDER[:IMPORT_ORDER.index(kind)])
    before = state(app)
    browser = as_role('engineer')
    assert browser.get(f'/inventory/{kind}/import').status_code == 200
    preview = _upload(browser, kind, SAMPLE[kind].encode('utf-8'))
    assert preview.status_code == 200, page_text(preview)[:3000]
    text = page_text(preview)
    assert f'{SAMPLE_COUNTS[kind]} to create, 0 to update, 0 unchanged. ' \
           'Nothing has been stored yet.' in text
    assert state(app) == before                                    # a preview stores nothing
    form = form_values(preview)
    assert set(form) == {'payload'}
    response = browser.post_form(f'/inventory/{kind}/import', form,
                                 page_url=f'/inventory/{kind}/import')
    assert response.status_code == 302 and response.location == f'/inventory/{kind}/'
    assert f'Imported: {SAMPLE_COUNTS[kind]} created, 0 updated, 0 unchanged.' in \
        page_text(browser.get(response.location))
    with db(app):
        assert ENTITIES[kind].model.select().count() == SAMPLE_COUNTS[kind]
        users = {e.username for e in AuditLog.select().where(AuditLog.entity == ENTITIES[kind].audit_entity)}
        assert 'engineer' in users
    # The same file again: a preview saying nothing would change.
    again = page_text(_upload(browser, kind, SAMPLE[kind].encode('utf-8')))
    assert f'0 to create, 0 to update, {SAMPLE_COUNTS[kind]} unchanged' in again


def test_import_page_reports_bad_rows_and_stores_nothing(app, as_role):
    seed(app, ['sites', 'segments', 'customers'])
    before = state(app)
    browser = as_role('engineer')
    data = (SAMPLE['contacts'] + 'C-1001,Zé,"ze\nsem arroba",,bgp,en,UTC,plain\n').encode()
    response = _upload(browser, 'contacts', data)
    assert response.status_code == 400
    text = page_text(response)
    assert 'Errors: nothing was imported' in text
    assert re.search(r'<tr><td>5</td><td>email</td><td>[^<]*line break or control character',
                     response.get_data(as_text=True))
    assert 'name="payload"' not in response.get_data(as_text=True)
    assert state(app) == before


def test_import_page_takes_windows_1252_with_semicolons(app, as_role):
    browser = as_role('engineer')
    data = ('code;name;kind;city;state;address\r\n'
            'SPO-01;PoP São Paulo;pop;São Paulo;SP;Praça da Sé\r\n').encode('cp1252')
    preview = _upload(browser, 'sites', data)
    assert preview.status_code == 200 and '1 to create' in page_text(preview)
    response = browser.post_form('/inventory/sites/import', form_values(preview))
    assert response.status_code == 302
    with db(app):
        site = Site.get(Site.code == 'SPO-01')
        assert (site.city, site.address) == ('São Paulo', 'Praça da Sé')


def test_import_confirmation_with_a_tampered_payload_stores_nothing(app, as_role):
    seed(app, ['sites'])
    before = state(app)
    browser = as_role('engineer')
    for payload in ('not base64 !!', '', 'AAAA'):
        response = browser.post_form('/inventory/sites/import', {'payload': payload})
        assert response.status_code == 400, payload
    response = browser.post_form('/inventory/sites/import', {})
    assert response.status_code == 400 and 'Choose a CSV file' in page_text(response)
    assert state(app) == before


# CSV export ---------------------------------------------------------------------------

def _csv_keys(response, column):
    assert response.status_code == 200
    assert response.mimetype == 'text/csv'
    text = response.get_data(as_text=True)
    assert text.startswith('\ufeff')          # spreadsheets read it as UTF-8
    return [r[column] for r in csv.DictReader(io.StringIO(text[1:]))]


def test_export_of_a_filtered_list_holds_only_those_rows(app, as_role):
    seed(app)
    browser = as_role('viewer')
    assert _csv_keys(browser.get('/inventory/circuits/?service=ip-transit&format=csv'),
                     'circuit_id') == ['POA-IPT-0001', 'POA-IPT-0002']
    assert _csv_keys(browser.get('/inventory/circuits/?segment=SPAN-POA-CXS&format=csv'),
                     'circuit_id') == ['POA-IPT-0001']
    assert _csv_keys(browser.get('/inventory/sites/?q=caxias&format=csv'), 'code') == ['CXS-01']
    assert _csv_keys(browser.get('/inventory/contacts/?role=maintenance&format=csv'),
                     'email') == ['ops@banco.example', 'noc@gaucho.example']
    # Past page 1 the export still holds every matching row, not one page.
    assert _csv_keys(browser.get('/inventory/sites/?format=csv&page=2'), 'code') == \
        ['CXS-01', 'FLN-DC', 'POA-01']
    full = browser.get('/inventory/circuits/export.csv')
    assert _csv_keys(full, 'circuit_id') == ['FLN-L2-0001', 'POA-IPT-0001', 'POA-IPT-0002']
    assert 'attachment' in full.headers['Content-Disposition']


def test_exported_file_imports_back_unchanged_through_the_page(app, as_role):
    seed(app)
    before = state(app)
    browser = as_role('engineer')
    for kind in IMPORT_ORDER:
        data = browser.get(f'/inventory/{kind}/export.csv').get_data()
        preview = _upload(browser, kind, data)
        assert f'0 to create, 0 to update, {SAMPLE_COUNTS[kind]} unchanged' in \
            page_text(preview), kind
        assert browser.post_form(f'/inventory/{kind}/import',
                                 form_values(preview)).status_code == 302
    assert state(app) == before


# Odd requests never fail ----------------------------------------------------------------

ODD_QUERIES = ['q=%27%3B--', 'q=%5C', 'q=' + 'x' * 5000, 'q=%C2%B2', 'q=AS%C2%B2',
               'q=%25%25', 'page=%00', 'q=%F0%9F%98%80', 'q=%E2%80%AE', 'q=%FF%FE',
               'site=%FF', 'segment=' + 'Z' * 300, 'customer=%27', 'group=%C3%A7',
               'role=%00', 'state=%00', 'language=%00']
NUL_QUERIES = ['q=%00', 'q=AS%00', 'site=%00', 'segment=%00', 'customer=%00', 'group=%00']


def test_odd_list_queries_never_fail(app, as_role):
    seed(app)
    browser = as_role('viewer')
    for kind in IMPORT_ORDER:
        for query in ODD_QUERIES:
            for fmt in ('', '&format=csv'):
                response = browser.get(f'/inventory/{kind}/?{query}{fmt}')
                assert response.status_code < 500, (kind, query, fmt)


def test_nul_in_list_queries_never_fails(app, as_role):
    seed(app)
    browser = as_role('viewer')
    for kind in IMPORT_ORDER:
        for query in NUL_QUERIES:
            response = browser.get(f'/inventory/{kind}/?{query}')
            assert response.status_code < 500, (kind, query)
