"""CSV import and export of the inventory (domain level, both engines).

An import is all or nothing, matched by natural key (re-importing changes
nothing), and every bad row is reported as (line, column, reason).
"""
import csv
import io
import json

import pytest

from noc.core.db import database
from noc.inventory import csvio
from noc.inventory.entities import ENTITIES, IMPORT_ORDER
from noc.models import (
    AuditLog,
    ChangeFreeze,
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    CustomerAsn,
    RedundancyGroup,
    Segment,
    Site,
)

ACTOR = 'cli:tester'

# A small operator, one file per kind, in import order. Deliberately not in the
# shape export writes: labels instead of codes, "pt-BR", dd/mm/yyyy, "310,5",
# segments unsorted, lower-case codes, a multi-line quoted cell.
SAMPLE = {
    'sites': (
        'code,name,kind,city,state,address\n'
        'POA-01,PoP Porto Alegre Centro,pop,Porto Alegre,RS,"Rua dos Andradas, 1000"\n'
        'cxs-01,PoP Caxias do Sul,PoP,Caxias do Sul,RS,\n'
        'FLN-DC,Data center Florianópolis,datacenter,Florianópolis,SC,"Rodovia SC-401\n'
        'km 5"\n'
    ),
    'segments': (
        'code,name,kind,a_site,z_site,parent,length_km,description\n'
        'RING-SUL,Anel Sul,ring,,,,,Anel metropolitano\n'
        'SPAN-POA-CXS,Span Porto Alegre–Caxias,span,POA-01,CXS-01,ring-sul,128.40,\n'
        'SPAN-CXS-FLN,Span Caxias–Florianópolis,span,CXS-01,FLN-DC,RING-SUL,"310,5",\n'
        'DEV-POA-PE1,PE1 Porto Alegre,device,POA-01,,,,\n'
    ),
    'customers': (
        'account_id,name,kind,asns,notice_language,time_zone,freezes,notes\n'
        'C-1001,Provedor Gaúcho Net,isp,AS64500 as64501,pt-BR,America/Sao_Paulo,'
        '2026-11-25 2026-11-30 Black Friday,\n'
        'C-1002,Banco Exemplo S.A.,Enterprise,,en,America/Sao_Paulo,'
        '"20/12/2026 05/01/2027 Fim de ano\n2027-02-10 2027-02-20 Carnaval","Linha 1\nLinha 2"\n'
        'C-1003,Carrier Atlântico,carrier,4200000001,en,UTC,,\n'
    ),
    'contacts': (
        'customer,name,email,phone,roles,language,time_zone,notice_format\n'
        'C-1001,João da Silva,noc@Gaucho.Example,+55 51 3333-0000,maintenance;bgp,pt-BR,'
        'America/Sao_Paulo,invitation\n'
        'C-1001,Maria Souza,maria@gaucho.example,,commercial,pt_BR,America/Sao_Paulo,plain\n'
        'C-1002,Ops Team,ops@banco.example,,maintenance,en,America/New_York,plain\n'
    ),
    'circuits': (
        'circuit_id,customer,customer_ref,service,bandwidth_mbps,status,a_site,z_site,'
        'segments,redundancy_group,bgp_asn,bgp_as_set,notes\n'
        'POA-IPT-0001,C-1001,GAUCHO-TRANSITO-1,ip-transit,10000,active,POA-01,,'
        'SPAN-POA-CXS;SPAN-CXS-FLN,rg-gaucho,AS64500,AS-GAUCHO,\n'
        'POA-IPT-0002,C-1001,GAUCHO-TRANSITO-2,ip-transit,10.000,active,CXS-01,,'
        'RING-SUL,RG-GAUCHO,64501,,\n'
        'FLN-L2-0001,C-1002,BANCO-L2,l2-transport,1000,planned,FLN-DC,POA-01,'
        'SPAN-CXS-FLN,,,,"Entregue no\nrack 12"\n'
    ),
}
SAMPLE_COUNTS = {'sites': 3, 'segments': 4, 'customers': 3, 'contacts': 3, 'circuits': 3}


@pytest.fixture
def ctx(bare):
    """Import and export are domain work: no app context, so messages are in
    English (what the assertions quote), as the commands' callers get them
    before they choose a language."""
    return bare


def snapshot():
    """Everything the inventory holds, as text: full exports plus side tables."""
    state = {kind: csvio.export_csv(ENTITIES[kind]) for kind in IMPORT_ORDER}
    state['groups'] = sorted(g.name for g in RedundancyGroup.select())
    state['links'] = sorted((link.circuit_id, link.segment_id)
                            for link in CircuitSegment.select())
    # Inventory entries only: logging users in and out is not an inventory change.
    entities = [ENTITIES[k].audit_entity for k in IMPORT_ORDER]
    state['audit'] = AuditLog.select().where(AuditLog.entity.in_(entities)).count()
    return state


def load_sample(kinds=IMPORT_ORDER):
    for kind in kinds:
        result = csvio.import_csv(ENTITIES[kind], SAMPLE[kind], ACTOR)
        assert result.ok, (kind, result.errors)
        assert result.committed


def rows(text):
    """Records of an export, without the header."""
    return list(csv.reader(io.StringIO(text, newline='')))[1:]


# Importing each kind ---------------------------------------------------------

def test_import_all_five_kinds(ctx):
    for kind in IMPORT_ORDER:
        result = csvio.import_csv(ENTITIES[kind], SAMPLE[kind], ACTOR)
        assert result.ok and result.committed, result.errors
        assert result.count('created') == SAMPLE_COUNTS[kind]
        assert [r.line for r in result.rows][:2] == [2, 3]
        assert ENTITIES[kind].model.select().count() == SAMPLE_COUNTS[kind]

    poa = Site.get(Site.code == 'POA-01')
    assert poa.address == 'Rua dos Andradas, 1000' and poa.state == 'RS'
    assert Site.get(Site.code == 'CXS-01').kind == 'pop'              # label, lower case
    assert Site.get(Site.code == 'FLN-DC').address == 'Rodovia SC-401\nkm 5'

    ring = Segment.get(Segment.code == 'RING-SUL')
    spans = Segment.select().where(Segment.parent == ring).order_by(Segment.code)
    assert [s.code for s in spans] == ['SPAN-CXS-FLN', 'SPAN-POA-CXS']
    assert str(Segment.get(Segment.code == 'SPAN-CXS-FLN').length_km) in ('310.5', '310.50')
    assert Segment.get(Segment.code == 'SPAN-POA-CXS').a_site.code == 'POA-01'

    gaucho = Customer.get(Customer.account_id == 'C-1001')
    assert sorted(a.asn for a in gaucho.asns) == [64500, 64501]
    assert [(str(z.starts_on), str(z.ends_on), z.reason) for z in gaucho.freezes] == \
        [('2026-11-25', '2026-11-30', 'Black Friday')]
    banco = Customer.get(Customer.account_id == 'C-1002')
    assert banco.kind == 'enterprise' and banco.notice_language == 'en'
    assert banco.notes == 'Linha 1\nLinha 2'
    assert sorted((str(z.starts_on), z.reason) for z in banco.freezes) == \
        [('2026-12-20', 'Fim de ano'), ('2027-02-10', 'Carnaval')]
    assert [a.asn for a in Customer.get(Customer.account_id == 'C-1003').asns] == [4200000001]

    joao = Contact.get(Contact.name == 'João da Silva')
    assert joao.email == 'noc@gaucho.example' and joao.customer_id == gaucho.id
    assert joao.roles == ['maintenance', 'bgp'] and joao.language == 'pt_BR'
    assert Contact.get(Contact.name == 'Ops Team').notice_format == 'plain'

    c1 = Circuit.get(Circuit.circuit_id == 'POA-IPT-0001')
    assert c1.customer_id == gaucho.id and c1.bgp_asn == 64500 and c1.bgp_as_set == 'AS-GAUCHO'
    assert sorted(s.segment.code for s in c1.segment_links) == ['SPAN-CXS-FLN', 'SPAN-POA-CXS']
    c2 = Circuit.get(Circuit.circuit_id == 'POA-IPT-0002')
    assert c2.bandwidth_mbps == 10000                                   # "10.000"
    assert c1.redundancy_group_id is not None
    assert c1.redundancy_group_id == c2.redundancy_group_id
    assert c1.redundancy_group.name == 'RG-GAUCHO'
    assert RedundancyGroup.select().count() == 1
    c3 = Circuit.get(Circuit.circuit_id == 'FLN-L2-0001')
    assert c3.z_site.code == 'POA-01' and c3.status == 'planned' and c3.bgp_asn is None
    assert c3.redundancy_group_id is None and c3.notes == 'Entregue no\nrack 12'

    created = AuditLog.select().where(AuditLog.action == 'create')
    # One per row, plus the redundancy group the circuits brought into being.
    assert created.count() == sum(SAMPLE_COUNTS.values()) + 1
    entry = created.where(AuditLog.entity_key == 'C-1001').get()
    assert entry.username == ACTOR and entry.before_json is None
    assert json.loads(entry.after_json)['asns'] == 'AS64500 AS64501'


def test_export_then_reimport_changes_nothing(ctx):
    load_sample()
    before = snapshot()
    for kind in IMPORT_ORDER:
        exported = csvio.export_csv(ENTITIES[kind])
        assert len(rows(exported)) == SAMPLE_COUNTS[kind]
        result = csvio.import_csv(ENTITIES[kind], exported, ACTOR)
        assert result.ok, result.errors
        assert (result.count('created'), result.count('updated')) == (0, 0), \
            (kind, [(r.key, r.action) for r in result.rows])
        assert result.count('unchanged') == SAMPLE_COUNTS[kind]
    assert snapshot() == before


def test_reimporting_the_same_files_changes_nothing(ctx):
    load_sample()
    before = snapshot()
    for kind in IMPORT_ORDER:
        result = csvio.import_csv(ENTITIES[kind], SAMPLE[kind], ACTOR)
        assert result.ok
        assert result.count('unchanged') == SAMPLE_COUNTS[kind], \
            (kind, [(r.key, r.action) for r in result.rows])
    assert snapshot() == before


def test_export_into_an_empty_database_recreates_everything(ctx):
    load_sample()
    exported = {kind: csvio.export_csv(ENTITIES[kind]) for kind in IMPORT_ORDER}
    database.obj.execute_sql('DELETE FROM circuit_segment')
    for model in (Circuit, RedundancyGroup, Contact, CustomerAsn, ChangeFreeze, Customer):
        model.delete().execute()
    Segment.update(parent=None).execute()
    Segment.delete().execute()
    Site.delete().execute()
    for kind in IMPORT_ORDER:
        result = csvio.import_csv(ENTITIES[kind], exported[kind], ACTOR)
        assert result.ok and result.count('created') == SAMPLE_COUNTS[kind], result.errors
    again = {kind: csvio.export_csv(ENTITIES[kind]) for kind in IMPORT_ORDER}
    assert again == exported


# Bad rows: reported precisely, nothing changes -------------------------------

GOOD_ROW = {   # a new row and an update of a stored one, before the bad one
    'sites': ('SAO-01,PoP São Paulo,pop,São Paulo,SP,"Av. Paulista\n1000"',
              'POA-01,PoP Porto Alegre (novo nome),pop,Porto Alegre,RS,'),
    'segments': ('SPAN-FLN-POA,Span Florianópolis–POA,span,FLN-DC,POA-01,RING-SUL,400,'
                 '"linha 1\nlinha 2"',
                 'RING-SUL,Anel Sul (renomeado),ring,,,,,'),
    'customers': ('C-2001,Novo Cliente,isp,AS65010,pt-BR,America/Sao_Paulo,,"nota\nlonga"',
                  'C-1003,Carrier Atlântico Renomeado,carrier,4200000001,en,UTC,,'),
    'contacts': ('C-1003,Nova Pessoa,nova@carrier.example,,"maintenance\nbgp",en,UTC,plain',
                 'C-1001,João da Silva,noc@gaucho.example,+55 51 9999-9999,maintenance,'
                 'pt_BR,America/Sao_Paulo,invitation'),
    # A customer's reference is one line (it reaches a mail's headers); notes are not.
    'circuits': ('NEW-0001,C-1003,ref-1,wavelength,100000,active,POA-01,FLN-DC,'
                 'RING-SUL,,,,"nota\nlonga"',
                 'FLN-L2-0001,C-1002,BANCO-L2,l2-transport,2000,active,FLN-DC,POA-01,'
                 'SPAN-CXS-FLN,,,,'),
}

BAD_ROWS = [
    ('sites', 'XYZ-01,Site,pop,Cidade,ZZ,', 'state', '"ZZ" is not accepted'),
    ('sites', 'has space,Site,pop,Cidade,SP,', 'code', 'is not a valid code'),
    ('sites', 'XYZ-02,,pop,Cidade,SP,', 'name', 'is required'),
    ('segments', 'SPAN-X,Span,span,POA-01,NOPE-99,,,', 'z_site', '"NOPE-99" was not found'),
    ('segments', 'SPAN-Y,Span,span,POA-01,,SPAN-POA-CXS,,', 'parent', 'only a ring'),
    ('segments', 'SPAN-Z,Span,span,,,,doze,', 'length_km', '"doze" is not a number'),
    ('segments', 'SPAN-W,Span,span,,,,-3,', 'length_km', 'out of range'),
    ('customers', 'C-9,X,isp,AS99999999999,en,UTC,,', 'asns', 'is not an AS number'),
    ('customers', 'C-9,X,isp,AS64500,en,UTC,,', 'asns', 'already belongs to Provedor'),
    ('customers', 'C-9,X,isp,,en,UTC,2026-12-10 2026-12-01 Natal,', 'freezes',
     'ends before it starts'),
    ('customers', 'C-9,X,isp,,klingon,UTC,,', 'notice_language', 'expected pt-BR or en'),
    ('customers', 'C-9,X,isp,,en,Mars/Olympus,,', 'time_zone', 'is not a time zone'),
    ('customers', 'C-9,X,isp,,en,America,,', 'time_zone', 'is not a time zone'),
    ('contacts', 'C-1001,Fulano,not-an-email,,maintenance,en,UTC,plain', 'email',
     'is not an email address'),
    ('contacts', 'C-4040,Fulano,f@x.example,,maintenance,en,UTC,plain', 'customer',
     '"C-4040" was not found'),
    ('contacts', 'C-1001,Fulano,f@x.example,,maintenance;cooking,en,UTC,plain', 'roles',
     '"cooking" is not accepted'),
    ('circuits', 'BAD-1,C-1001,,ip-transit,100,active,XXX-99,,,,,,', 'a_site',
     '"XXX-99" was not found'),
    ('circuits', 'BAD-1,C-1001,,ip-transit,100,active,POA-01,,SPAN-NOPE,,,,', 'segments',
     'not found: SPAN-NOPE'),
    ('circuits', 'BAD-1,C-1002,,l2-transport,100,active,POA-01,,,,AS65000,,', 'bgp_asn',
     'only to the IP transit service'),
    ('circuits', 'BAD-1,C-1002,,ip-transit,100,active,POA-01,,,,AS64500,,', 'bgp_asn',
     'belongs to another customer'),
    ('circuits', 'BAD-1,C-1001,,ip-transit,0,active,POA-01,,,,,,', 'bandwidth_mbps',
     'out of range'),
    ('circuits', 'BAD-1,C-1001,,ip-transit,100,active,POA-01,,,,,AS GAUCHO,', 'bgp_as_set',
     'is not an AS-SET name'),
    ('circuits', 'BAD-1,C-1001,,ip-transit,100,active,POA-01,,,bad group!,,,',
     'redundancy_group', 'is not a valid name'),
]


@pytest.mark.parametrize('kind,bad,column,reason', BAD_ROWS,
                         ids=[f'{b[0]}-{b[2]}-{i}' for i, b in enumerate(BAD_ROWS)])
def test_one_bad_row_is_reported_and_changes_nothing(ctx, kind, bad, column, reason):
    load_sample()
    before = snapshot()
    header = SAMPLE[kind].split('\n', 1)[0]
    new_row, update_row = GOOD_ROW[kind]
    # header = line 1; the new row spans lines 2-3 (a quoted line break);
    # the update is line 4; the bad row is line 5.
    assert new_row.count('\n') == 1
    text = '\n'.join([header, new_row, update_row, bad, ''])
    result = csvio.import_csv(ENTITIES[kind], text, ACTOR)
    assert not result.ok and not result.committed
    assert [(line, col) for line, col, _ in result.errors] == [(5, column)], result.errors
    assert reason in result.errors[0][2]
    assert snapshot() == before

    # Without the bad row the same file imports: the good rows were good.
    good = '\n'.join([header, new_row, update_row, ''])
    result = csvio.import_csv(ENTITIES[kind], good, ACTOR)
    assert result.ok, result.errors
    assert (result.count('created'), result.count('updated')) == (1, 1)


def test_every_bad_row_is_reported_with_its_own_line(ctx):
    load_sample(['sites'])
    before = snapshot()
    text = ('code,name,kind,city,state,address\r\n'
            'OK-1,Bom,pop,Cidade,SP,"Rua\r\nA"\r\n'          # lines 2-3
            'BAD 1,Ruim,pop,Cidade,SP,\r\n'                  # line 4
            '\r\n'                                           # line 5: blank, skipped
            'OK-2,Bom,"pop",Cidade,SP,"x\r\ny\r\nz"\r\n'     # lines 6-8
            'BAD-2,Ruim,igloo,Cidade,XX,\r\n'                # line 9
            'BAD-3,only three cells,pop\r\n')                # line 10
    result = csvio.import_csv(ENTITIES['sites'], text, ACTOR)
    assert not result.ok
    errors = sorted((line, col) for line, col, _ in result.errors)
    assert errors == [(4, 'code'), (9, 'kind'), (9, 'state'), (10, '')]
    cells = next(msg for line, _, msg in result.errors if line == 10)
    assert '3 cells' in cells and '6' in cells
    assert snapshot() == before


def test_a_database_refusal_is_reported_and_rolls_everything_back(ctx, monkeypatch):
    """Even an error only the database notices leaves nothing behind."""
    load_sample(['sites'])
    before = snapshot()
    text = ('code,name,kind,city,state,address\n'
            'NEW-1,Novo,pop,Cidade,SP,\n'
            'NEW-2,Novo,pop,Cidade,SP,\n')
    original = Site.save

    def refuse_second(self, *args, **kwargs):
        if self.code == 'NEW-2':
            raise __import__('peewee').IntegrityError('simulated refusal')
        return original(self, *args, **kwargs)
    monkeypatch.setattr(Site, 'save', refuse_second)
    result = csvio.import_csv(ENTITIES['sites'], text, ACTOR)
    assert not result.ok and [(line, c) for line, c, _ in result.errors] == [(3, '')]
    assert 'simulated refusal' in result.errors[0][2]
    monkeypatch.undo()
    assert snapshot() == before


# File shapes -------------------------------------------------------------------

SEMICOLON_CP1252 = (
    'code;name;kind;city;state;address\r\n'
    'SPO-01;PoP São Paulo – Barra Funda;pop;São Paulo;SP;Rua Açaí, nº 5\r\n'
    'BSB-01;Torre Brasília;Tower;Brasília;DF;"Quadra 1; Bloco Ç"\r\n'
)


def test_semicolon_separated_windows_1252_file_imports_with_accents(ctx):
    data = SEMICOLON_CP1252.encode('cp1252')
    with pytest.raises(UnicodeDecodeError):
        data.decode('utf-8')
    result = csvio.import_csv(ENTITIES['sites'], data, ACTOR)
    assert result.ok and result.count('created') == 2, result.errors
    spo = Site.get(Site.code == 'SPO-01')
    assert (spo.name, spo.city, spo.address) == \
        ('PoP São Paulo – Barra Funda', 'São Paulo', 'Rua Açaí, nº 5')
    bsb = Site.get(Site.code == 'BSB-01')
    assert (bsb.kind, bsb.city, bsb.address) == ('tower', 'Brasília', 'Quadra 1; Bloco Ç')
    # The same content as UTF-8 with a BOM (Excel's "CSV UTF-8") is the same file.
    again = csvio.import_csv(ENTITIES['sites'], SEMICOLON_CP1252.encode('utf-8-sig'), ACTOR)
    assert again.ok and again.count('unchanged') == 2, again.errors


def test_semicolon_file_with_lists_and_decimal_commas(ctx):
    load_sample(['sites'])
    text = ('code;name;kind;a_site;z_site;parent;length_km;description\n'
            'RING-NORTE;Anel Norte;ring;;;;;\n'
            'SPAN-N1;Span N1;span;POA-01;CXS-01;RING-NORTE;12,75;Descrição\n')
    result = csvio.import_csv(ENTITIES['segments'], text.encode('cp1252'), ACTOR)
    assert result.ok, result.errors
    span = Segment.get(Segment.code == 'SPAN-N1')
    assert str(span.length_km) == '12.75' and span.parent.code == 'RING-NORTE'
    assert span.description == 'Descrição'


@pytest.mark.parametrize('header,unknown,missing', [
    ('code,nome,kind,city,state,address', ['nome'], ['name']),
    ('code,name,kind,city,address,colour', ['colour'], ['state']),
    ('code,name,city', [], ['kind', 'state']),
])
def test_header_with_unknown_or_missing_columns_is_refused(ctx, header, unknown, missing):
    load_sample(['sites'])
    before = snapshot()
    result = csvio.import_csv(ENTITIES['sites'], header + '\nX-1,a,b,c,d,e\n', ACTOR)
    assert not result.ok and len(result.errors) == 1
    line, column, message = result.errors[0]
    assert line == 1
    if unknown:
        assert 'unknown columns: ' + ', '.join(unknown) in message
    if missing:
        assert 'missing columns: ' + ', '.join(missing) in message
    assert 'expected columns: code, name, kind, city, state, address' in message
    assert snapshot() == before


def test_header_naming_a_column_twice_is_refused(ctx):
    result = csvio.import_csv(ENTITIES['sites'],
                              'code,name,kind,city,state,name\nA,b,pop,c,SP,d\n', ACTOR)
    assert not result.ok and result.errors[0][0] == 1
    assert 'named twice' in result.errors[0][2]
    assert Site.select().count() == 0


@pytest.mark.parametrize('data', ['', b'', '\n\n', 'code,name,kind,city,state,address\n',
                                  'code,name,kind,city,state,address\n,,,,,\n'])
def test_empty_files_are_refused(ctx, data):
    result = csvio.import_csv(ENTITIES['sites'], data, ACTOR)
    assert not result.ok and result.errors
    assert Site.select().count() == 0


def test_the_same_key_twice_in_one_file_is_refused(ctx):
    load_sample(['sites'])
    before = snapshot()
    text = ('code,name,kind,city,state,address\n'
            'NEW-1,Novo,pop,Cidade,SP,\n'
            'POA-01,Outro nome,pop,Porto Alegre,RS,\n'
            'new-1,Novo de novo,pop,Cidade,SP,\n')       # codes are upper-cased: the same key
    result = csvio.import_csv(ENTITIES['sites'], text, ACTOR)
    assert not result.ok
    assert [(line, c) for line, c, _ in result.errors] == [(4, 'code')]
    assert 'repeats "NEW-1" of line 2' in result.errors[0][2]
    assert snapshot() == before


def test_the_same_contact_twice_in_one_file_is_refused(ctx):
    load_sample(['sites', 'segments', 'customers'])
    text = ('customer,name,email,phone,roles,language,time_zone,notice_format\n'
            'C-1001,A,noc@gaucho.example,,,en,UTC,plain\n'
            'C-1002,A,noc@gaucho.example,,,en,UTC,plain\n'   # another customer: fine
            'C-1001,B,noc@GAUCHO.example,,,en,UTC,plain\n')  # domains are case-blind
    result = csvio.import_csv(ENTITIES['contacts'], text, ACTOR)
    assert [(line, c) for line, c, _ in result.errors] == [(4, 'email')]
    assert Contact.select().count() == 0


def test_an_asn_of_another_customer_is_refused(ctx):
    load_sample(['customers'])
    before = snapshot()
    header = SAMPLE['customers'].split('\n', 1)[0]
    result = csvio.import_csv(ENTITIES['customers'],
                              header + '\nC-2000,Outro,isp,AS64501,en,UTC,,\n', ACTOR)
    assert [(line, c) for line, c, _ in result.errors] == [(2, 'asns')]
    assert 'AS64501 already belongs to Provedor Gaúcho Net' in result.errors[0][2]
    assert snapshot() == before
    # Two new customers in one file claiming the same ASN: the second is refused.
    result = csvio.import_csv(ENTITIES['customers'], header + '\nC-2000,A,isp,AS65100,en,UTC,,'
                              '\nC-2001,B,isp,AS65100,en,UTC,,\n', ACTOR)
    assert [(line, c) for line, c, _ in result.errors] == [(3, 'asns')]
    assert snapshot() == before
    # Moving an ASN between customers in one file is fine when the owner lets go first.
    result = csvio.import_csv(ENTITIES['customers'], header +
                              '\nC-1001,Provedor Gaúcho Net,isp,AS64500,pt-BR,'
                              'America/Sao_Paulo,2026-11-25 2026-11-30 Black Friday,'
                              '\nC-1003,Carrier Atlântico,carrier,4200000001 AS64501,en,UTC,,\n',
                              ACTOR)
    assert result.ok, result.errors
    assert CustomerAsn.get(CustomerAsn.asn == 64501).customer.account_id == 'C-1003'


def test_span_before_its_ring_in_the_same_file(ctx):
    load_sample(['sites'])
    text = ('code,name,kind,a_site,z_site,parent,length_km,description\n'
            'SPAN-A,Span A,span,POA-01,CXS-01,RING-X,,\n'
            'RING-X,Anel X,ring,,,,,\n')
    result = csvio.import_csv(ENTITIES['segments'], text, ACTOR)
    assert result.ok, result.errors
    assert Segment.get(Segment.code == 'SPAN-A').parent.code == 'RING-X'
    again = csvio.import_csv(ENTITIES['segments'], text, ACTOR)
    assert again.ok and again.count('unchanged') == 2, again.errors


def test_rings_cannot_loop_or_stop_being_rings_while_holding_spans(ctx):
    load_sample(['sites', 'segments'])
    header = SAMPLE['segments'].split('\n', 1)[0]
    assert csvio.import_csv(ENTITIES['segments'], header + '\nRING-A,A,ring,,,RING-SUL,,\n',
                            ACTOR).ok
    before = snapshot()
    for row, column, reason in [
            ('RING-SUL,Anel Sul,ring,,,RING-A,,', 'parent', 'cannot be part of itself'),
            ('RING-SUL,Anel Sul,ring,,,RING-SUL,,', 'parent', 'cannot be part of itself'),
            ('RING-SUL,Anel Sul,span,,,,,', 'kind', 'a ring holding 3 spans'),
            ('RING-SUL,Anel Sul,device,,,,,', 'kind', 'a ring holding 3 spans')]:
        result = csvio.import_csv(ENTITIES['segments'], f'{header}\n{row}\n', ACTOR)
        assert [(line, c) for line, c, _ in result.errors] == [(2, column)], (row, result.errors)
        assert reason in result.errors[0][2]
    assert snapshot() == before
    # A ring without spans may become a device.
    assert csvio.import_csv(ENTITIES['segments'], header + '\nRING-A,A,device,,,,,\n',
                            ACTOR).ok


def test_columns_left_out_of_the_file_keep_their_stored_values(ctx):
    """Updating names from a short file must not wipe ASNs, freezes, notes."""
    load_sample()
    before = {c.account_id: (sorted(a.asn for a in c.asns), c.freezes.count(), c.notes)
              for c in Customer.select()}
    text = ('account_id,name,kind,notice_language,time_zone\n'
            'C-1002,Banco Exemplo Renomeado,enterprise,en,America/Sao_Paulo\n'
            'C-1001,Provedor Gaúcho Net,isp,pt_BR,America/Sao_Paulo\n')
    result = csvio.import_csv(ENTITIES['customers'], text, ACTOR)
    assert result.ok, result.errors
    assert [r.action for r in result.rows] == ['updated', 'unchanged']
    after = {c.account_id: (sorted(a.asn for a in c.asns), c.freezes.count(), c.notes)
             for c in Customer.select()}
    assert after == before
    assert Customer.get(Customer.account_id == 'C-1002').name == 'Banco Exemplo Renomeado'
    # An empty cell in a column that is there does clear the value.
    text = 'account_id,name,kind,notice_language,time_zone,asns\nC-1001,P,isp,en,UTC,\n'
    assert csvio.import_csv(ENTITIES['customers'], text, ACTOR).ok
    assert Customer.get(Customer.account_id == 'C-1001').asns.count() == 0


def test_preview_stores_nothing(ctx):
    load_sample(['sites', 'segments', 'customers'])
    before = snapshot()
    for kind in ('contacts', 'circuits'):
        result = csvio.import_csv(ENTITIES[kind], SAMPLE[kind], ACTOR, commit=False)
        assert result.ok and not result.committed
        assert result.count('created') == SAMPLE_COUNTS[kind]
        assert snapshot() == before


# Audit -------------------------------------------------------------------------

def test_update_is_audited_with_the_changed_fields_only(ctx):
    load_sample()
    header = SAMPLE['circuits'].split('\n', 1)[0]
    text = (header + '\n'
            'POA-IPT-0001,C-1001,GAUCHO-TRANSITO-1,ip-transit,20000,active,POA-01,,'
            'SPAN-POA-CXS,RG-GAUCHO,AS64500,AS-GAUCHO,\n'
            'POA-IPT-0002,C-1001,GAUCHO-TRANSITO-2,ip-transit,10000,active,CXS-01,,'
            'RING-SUL,RG-GAUCHO,64501,,\n')
    count = AuditLog.select().count()
    result = csvio.import_csv(ENTITIES['circuits'], text, ACTOR)
    assert [r.action for r in result.rows] == ['updated', 'unchanged']
    assert AuditLog.select().count() == count + 1                  # none for unchanged rows
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    circuit = Circuit.get(Circuit.circuit_id == 'POA-IPT-0001')
    assert (entry.action, entry.entity, entry.entity_id, entry.entity_key, entry.username) == \
        ('update', 'circuit', circuit.id, 'POA-IPT-0001', ACTOR)
    assert json.loads(entry.before_json) == {'bandwidth_mbps': '10000',
                                             'segments': 'SPAN-CXS-FLN;SPAN-POA-CXS'}
    assert json.loads(entry.after_json) == {'bandwidth_mbps': '20000',
                                            'segments': 'SPAN-POA-CXS'}


def test_customer_update_audit_names_asns_and_freezes(ctx):
    load_sample(['customers'])
    header = SAMPLE['customers'].split('\n', 1)[0]
    result = csvio.import_csv(ENTITIES['customers'], header +
                              '\nC-1001,Provedor Gaúcho Net,isp,AS64500,pt-BR,'
                              'America/Sao_Paulo,,\n', ACTOR)
    assert result.ok
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert json.loads(entry.before_json) == {
        'asns': 'AS64500 AS64501', 'freezes': '2026-11-25 2026-11-30 Black Friday'}
    assert json.loads(entry.after_json) == {'asns': 'AS64500', 'freezes': ''}


# The command line --------------------------------------------------------------

@pytest.fixture
def runner(app):
    """The CLI is an adapter: it runs in the app (messages in English), beside an
    open connection."""
    with app.test_request_context(headers={'Accept-Language': 'en'}):
        database.connect(reuse_if_open=True)
        yield app.test_cli_runner()
        database.close()


def _write(tmp_path, name, text, encoding='utf-8'):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_cli_import_good_files(runner, tmp_path):
    for kind in IMPORT_ORDER:
        path = _write(tmp_path, f'{kind}.csv', SAMPLE[kind])
        result = runner.invoke(args=['noc', 'import', kind, path])
        assert result.exit_code == 0, result.output
        assert f'{SAMPLE_COUNTS[kind]} created, 0 updated, 0 unchanged' in result.output
    assert Circuit.select().count() == 3
    entry = AuditLog.select().where(AuditLog.entity == 'circuit').first()
    assert entry.username.startswith('cli')
    result = runner.invoke(args=['noc', 'import', 'circuits',
                                 _write(tmp_path, 'again.csv', SAMPLE['circuits'])])
    assert result.exit_code == 0 and '0 created, 0 updated, 3 unchanged' in result.output


def test_cli_import_bad_file_exits_non_zero_with_line_and_column(runner, tmp_path):
    load_sample(['sites', 'segments', 'customers'])
    before = snapshot()
    text = (SAMPLE['contacts'] +
            'C-1001,Fulano,"sem\nemail",,maintenance,en,UTC,plain\n'   # lines 5-6
            'C-1002,Beltrano,b@banco.example,,maintenance,en,Lua/Cheia,plain\n')  # line 7
    path = _write(tmp_path, 'contacts.csv', text)
    result = runner.invoke(args=['noc', 'import', 'contacts', path])
    assert result.exit_code != 0
    assert f'{path}:5: email: ' in result.output
    assert f'{path}:7: time_zone: "Lua/Cheia" is not a time zone' in result.output
    assert '2 error(s); nothing was changed' in result.output
    assert snapshot() == before


def test_cli_import_dry_run_changes_nothing(runner, tmp_path):
    load_sample(['sites'])
    before = snapshot()
    path = _write(tmp_path, 'sites.csv', SEMICOLON_CP1252, 'cp1252')
    result = runner.invoke(args=['noc', 'import', 'sites', path, '--dry-run'])
    assert result.exit_code == 0, result.output
    assert '2 created, 0 updated, 0 unchanged (dry run' in result.output
    assert snapshot() == before
    result = runner.invoke(args=['noc', 'import', 'sites', path])
    assert result.exit_code == 0 and Site.get(Site.code == 'SPO-01').city == 'São Paulo'


def test_cli_import_unknown_kind_and_bad_header(runner, tmp_path):
    path = _write(tmp_path, 'x.csv', 'code,colour\nA,red\n')
    assert runner.invoke(args=['noc', 'import', 'planets', path]).exit_code != 0
    result = runner.invoke(args=['noc', 'import', 'sites', path])
    assert result.exit_code != 0 and f'{path}:1: -: unknown columns: colour' in result.output


def test_cli_export_is_what_import_takes(runner, tmp_path):
    load_sample()
    for kind in IMPORT_ORDER:
        out = tmp_path / f'{kind}.csv'
        result = runner.invoke(args=['noc', 'export', kind, str(out)])
        assert result.exit_code == 0, result.output
        assert out.read_text(encoding='utf-8') == csvio.export_csv(ENTITIES[kind])
        result = runner.invoke(args=['noc', 'import', kind, str(out)])
        assert f'0 created, 0 updated, {SAMPLE_COUNTS[kind]} unchanged' in result.output


def test_export_defuses_spreadsheet_formulas_and_import_restores_them(ctx):
    text = ('account_id,name,kind,notice_language,time_zone,notes\n'
            'C-9,"=HYPERLINK(""http://evil.example"")",isp,pt-BR,UTC,+55 31 3333-0000\n')
    assert csvio.import_csv(ENTITIES['customers'], text, ACTOR).ok
    exported = csvio.export_csv(ENTITIES['customers'])
    row = next(csv.DictReader(io.StringIO(exported)))
    assert row['name'].startswith("'=HYPERLINK") and row['notes'] == "'+55 31 3333-0000"
    again = csvio.import_csv(ENTITIES['customers'], exported, ACTOR)
    assert again.ok and again.count('unchanged') == 1
    assert Customer.get(Customer.account_id == 'C-9').name.startswith('=HYPERLINK')


def test_export_reads_in_chunks_with_one_query_per_child_list(ctx):
    sites = 'code,name,kind,city,state\n' + ''.join(
        f'S{n},Site {n},pop,City,MG\n' for n in range(25))
    assert csvio.import_csv(ENTITIES['sites'], sites, ACTOR).ok
    pieces = list(csvio.iter_csv(ENTITIES['sites'], chunk=10))
    assert len(pieces) == 3                      # rows 1-10, 11-20, 21-25
    assert ''.join(pieces).count('\n') == 26
