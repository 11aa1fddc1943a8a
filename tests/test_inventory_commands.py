"""Inventory commands, called as every entry point calls them, with no Flask app
or request context around them (the `bare` database of each engine)."""
import datetime
import json

import pytest

from noc.core.errors import NotFound, Refused
from noc.core.limits import MAX_ID, MAX_UPLOAD
from noc.inventory import commands, csvio
from noc.inventory.entities import ENTITIES
from noc.inventory.service import RowRefused
from noc.models import AuditLog, ChangeFreeze, Circuit, Customer, Site

SITES, CUSTOMERS, CIRCUITS = ENTITIES['sites'], ENTITIES['customers'], ENTITIES['circuits']
ACTOR = 'cmd-test'
SITE = {'code': 'poa-01', 'name': 'PoP Porto Alegre', 'kind': 'pop', 'city': 'Porto Alegre',
        'state': 'RS'}


def _audit():
    return [(e.action, e.entity, e.entity_key, e.username,
             json.loads(e.before_json or 'null'), json.loads(e.after_json or 'null'))
            for e in AuditLog.select().order_by(AuditLog.id)]


def _circuit_on(site):
    commands.create(CUSTOMERS, {'account_id': 'C-1', 'name': 'Provedor'}, ACTOR)
    return commands.create(CIRCUITS, {'circuit_id': 'J-1', 'customer': 'C-1',
                                      'service': 'l2-transport', 'a_site': site.code}, ACTOR)[0]


def test_create_stores_the_row_with_its_audit_entry(bare):
    site, action = commands.create(SITES, SITE, ACTOR)
    assert action == 'created' and site.code == 'POA-01' and site.kind == 'pop'
    [(verb, entity, key, who, before, after)] = _audit()
    assert (verb, entity, key, who, before) == ('create', 'site', 'POA-01', ACTOR, None)
    assert after['city'] == 'Porto Alegre'


def test_fields_left_out_take_the_forms_defaults(bare):
    customer, _ = commands.create(CUSTOMERS, {'account_id': 'C-9', 'name': 'Nove'}, ACTOR)
    assert (customer.kind, customer.notice_language, customer.time_zone) == \
        ('isp', 'pt_BR', 'America/Sao_Paulo')


def test_create_refuses_an_existing_key_and_stores_nothing(bare):
    commands.create(SITES, SITE, ACTOR)
    with pytest.raises(RowRefused) as refused:
        commands.create(SITES, {**SITE, 'name': 'Outro'}, ACTOR)
    assert isinstance(refused.value, Refused) and refused.value.kind == 'invalid'
    assert refused.value.errors == {'code': '"POA-01" already exists'}
    assert Site.get().name == 'PoP Porto Alegre' and len(_audit()) == 1


def test_over_long_text_is_a_field_error_not_a_cut(bare):
    with pytest.raises(RowRefused) as refused:
        commands.create(SITES, {**SITE, 'name': 'x' * 201}, ACTOR)
    assert refused.value.errors == {'name': 'is too long (201 characters; at most 200)'}
    freeze = '2026-12-20 2027-01-05 ' + 'r' * 201
    with pytest.raises(RowRefused) as refused:
        commands.create(CUSTOMERS, {'account_id': 'C-1', 'name': 'A', 'freezes': freeze}, ACTOR)
    assert refused.value.errors == {'freezes': 'is too long (201 characters; at most 200)'}
    assert Site.select().count() == Customer.select().count() == ChangeFreeze.select().count() == 0


def test_update_changes_the_fields_given_and_keeps_the_others(bare):
    site, _ = commands.create(SITES, SITE, ACTOR)
    saved, action = commands.update(SITES, site.id, {'city': 'Canoas'}, 'other')
    assert action == 'updated' and (saved.city, saved.name) == ('Canoas', 'PoP Porto Alegre')
    assert _audit()[-1] == ('update', 'site', 'POA-01', 'other', {'city': 'Porto Alegre'},
                            {'city': 'Canoas'})
    assert commands.update(SITES, site.id, {'city': 'Canoas'}, ACTOR)[1] == 'unchanged'
    assert len(_audit()) == 2                       # nothing logged for no change


def test_update_refuses_a_key_another_row_holds(bare):
    commands.create(SITES, SITE, ACTOR)
    other, _ = commands.create(SITES, {**SITE, 'code': 'CXS-01'}, ACTOR)
    with pytest.raises(RowRefused) as refused:
        commands.update(SITES, other.id, {'code': 'POA-01'}, ACTOR)
    assert refused.value.errors == {'code': '"POA-01" is already used by another record'}
    assert Site.get_by_id(other.id).code == 'CXS-01'


@pytest.mark.parametrize('row_id', [0, 424242, MAX_ID, MAX_ID + 1, 2 ** 70])
def test_a_missing_row_is_not_found_for_every_command(bare, row_id):
    for call in (lambda: commands.find(SITES, row_id),
                 lambda: commands.update(SITES, row_id, {'city': 'X'}, ACTOR),
                 lambda: commands.delete(SITES, row_id, ACTOR)):
        with pytest.raises(NotFound) as refused:
            call()
        assert refused.value.kind == 'not-found'
    assert _audit() == []


def test_find_within_a_narrower_view_reads_other_rows_as_missing(bare):
    site, _ = commands.create(SITES, SITE, ACTOR)
    assert commands.find(SITES, site.id).code == 'POA-01'
    with pytest.raises(NotFound):
        commands.find(SITES, site.id, SITES.query().where(Site.state == 'SP'))


def test_delete_refuses_a_row_in_use_then_deletes_it_once_free(bare):
    site, _ = commands.create(SITES, SITE, ACTOR)
    circuit = _circuit_on(site)
    with pytest.raises(RowRefused) as refused:
        commands.delete(SITES, site.id, ACTOR)
    assert refused.value.kind == 'conflict'
    assert refused.value.errors == {'code': 'still used by 1 circuit'}
    commands.delete(CIRCUITS, circuit.id, ACTOR)
    commands.delete(SITES, site.id, ACTOR)
    assert Site.select().count() == Circuit.select().count() == 0
    assert [(a, e, k) for a, e, k, *_ in _audit()][-2:] == [('delete', 'circuit', 'J-1'),
                                                             ('delete', 'site', 'POA-01')]


def test_import_is_all_or_nothing_and_a_preview_stores_nothing(bare):
    text = 'code,name,kind,city,state\nPOA-01,A,pop,Porto Alegre,RS\nCXS-01,B,pop,Caxias,RS\n'
    preview = commands.import_csv(SITES, text, ACTOR, commit=False)
    assert preview.ok and not preview.committed and Site.select().count() == 0
    result = commands.import_csv(SITES, text, ACTOR)
    assert result.committed and result.count('created') == 2 and Site.select().count() == 2
    bad = commands.import_csv(SITES, text + 'X-1,C,pop,Cidade,ZZ\n', ACTOR)
    assert not bad.committed and [(line, column) for line, column, _ in bad.errors] == \
        [(4, 'state')]
    assert Site.select().count() == 2


def test_import_takes_at_most_max_csv_rows(bare, monkeypatch):
    monkeypatch.setattr(csvio, 'MAX_CSV_ROWS', 2)
    rows = ''.join(f'S-{n},Site {n},pop,Cidade,RS\n' for n in range(3))
    result = commands.import_csv(SITES, 'code,name,kind,city,state\n' + rows, ACTOR)
    assert not result.ok and 'more than 2 rows; split the file' in result.errors[-1][2]
    assert Site.select().count() == 0


def test_an_upload_larger_than_max_upload_is_refused_by_field(bare):
    with pytest.raises(RowRefused) as refused:
        commands.import_upload(SITES, b'x' * (MAX_UPLOAD + 1), ACTOR)
    assert list(refused.value.errors) == ['file'] and 'too large' in refused.value.errors['file']
    assert commands.import_upload(SITES, 'code,name,kind,city,state\nA-1,A,pop,C,RS\n',
                                  ACTOR).committed


def test_typed_values_are_taken_as_they_are_with_the_same_rules(bare):
    """What the API sends: numbers, lists and periods as objects, never turned into text."""
    customer, _ = commands.create(CUSTOMERS, {
        'account_id': 'C-1', 'name': 'Provedor', 'asns': [64501, 64500],
        'freezes': [{'starts_on': '2026-12-20', 'ends_on': '2027-01-05', 'reason': 'Festas'}]},
        ACTOR)
    values = CUSTOMERS.read(customer)
    assert values['asns'] == [64500, 64501]
    assert [(str(s), str(e), r) for s, e, r in values['freezes']] == \
        [('2026-12-20', '2027-01-05', 'Festas')]
    site, _ = commands.create(SITES, SITE, ACTOR)
    circuit, _ = commands.create(CIRCUITS, {
        'circuit_id': 'J-1', 'customer': 'C-1', 'service': 'ip-transit', 'a_site': 'POA-01',
        'bandwidth_mbps': 10000, 'bgp_asn': 64500, 'segments': []}, ACTOR)
    assert (circuit.bandwidth_mbps, circuit.bgp_asn) == (10000, 64500)
    for changes, field in (({'bandwidth_mbps': 0}, 'bandwidth_mbps'),
                           ({'bandwidth_mbps': True}, 'bandwidth_mbps'),
                           ({'bgp_asn': 2 ** 32}, 'bgp_asn'),
                           ({'segments': ['NOPE']}, 'segments')):
        with pytest.raises(RowRefused) as refused:
            commands.update(CIRCUITS, circuit.id, changes, ACTOR)
        assert list(refused.value.errors) == [field], changes
    with pytest.raises(RowRefused) as refused:
        commands.update(CUSTOMERS, customer.id, {'asns': [64500, 64500]}, ACTOR)
    assert refused.value.errors == {'asns': 'lists an AS number twice'}
    with pytest.raises(RowRefused) as refused:
        commands.update(CUSTOMERS, customer.id, {'freezes': [
            {'starts_on': '2027-01-05', 'ends_on': '2026-12-20'}]}, ACTOR)
    assert 'ends before it starts' in refused.value.errors['freezes']
    assert CUSTOMERS.read(Customer.get_by_id(customer.id))['asns'] == [64500, 64501]


def test_the_time_of_a_change_is_the_callers_now(bare):
    then = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
    site, _ = commands.create(SITES, SITE, ACTOR, now=then)
    later = then + datetime.timedelta(hours=5)
    commands.update(SITES, site.id, {'city': 'Canoas'}, ACTOR, now=later)
    stored = Site.get_by_id(site.id)
    assert (stored.created_at, stored.updated_at) == (then, later)
    commands.delete(SITES, site.id, ACTOR, now=later + datetime.timedelta(days=1))
    result = commands.import_csv(SITES, 'code,name,kind,city,state\nA-1,A,pop,C,RS\n', ACTOR,
                                 now=then)
    assert result.committed and Site.get().created_at == then
    assert [e.at for e in AuditLog.select().order_by(AuditLog.id)] == \
        [then, later, later + datetime.timedelta(days=1), then]
