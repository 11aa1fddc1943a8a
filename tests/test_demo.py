"""The demo operator (`flask noc demo`), on both engines.

It must look like a real regional network (rings, ~60 customers, ~400
circuits routed over them), use only reserved ASNs and example domains, go
through the domain (rules and audit log), be the same for the same seed,
and be safe to load twice.
"""
import collections
import datetime
import os
import uuid

import pytest
from conftest import PG_SERVER, Browser, _empty, _pg_admin, make_app
from helpers.clock import at_test_now

from noc.accounts import commands, users
from noc.core.db import bind, database, init_db
from noc.demo import inventory as demo
from noc.demo import maintenance as maintenance_demo
from noc.demo import routing as routing_demo
from noc.inventory import csvio, service
from noc.inventory.entities import ENTITIES, IMPORT_ORDER
from noc.maintenance import windows
from noc.models import (
    AuditLog,
    ChangeFreeze,
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    CustomerAsn,
    MaintenanceWindow,
    OutboxMessage,
    RedundancyGroup,
    Segment,
    Site,
    User,
    utcnow,
)
from noc.models.routing import PrefixRequest

RESERVED_ASNS = ((64496, 64511), (65536, 65551),         # RFC 5398, documentation
                 (64512, 65534), (4200000000, 4294967294))  # RFC 6996, private use
EXAMPLE_DOMAINS = ('example.com', 'example.net', 'example.org', 'example')


@pytest.fixture(scope='module', params=['sqlite', 'postgresql'])
def demo_database(request, tmp_path_factory):
    """(app, database, counts): the demo loaded once per engine and shared by
    the tests that only read it, since loading takes seconds."""
    if request.param == 'sqlite':
        url = 'sqlite:///' + str(tmp_path_factory.mktemp('demo') / 'demo.db')
    else:
        name = f'janela_demo_{os.getpid()}_{uuid.uuid4().hex[:6]}'
        _pg_admin(f'CREATE DATABASE {name}')
        request.addfinalizer(lambda: _pg_admin(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)'))
        url = f'{PG_SERVER}/{name}'
    app = make_app(url, prefixes={'lab': True})     # as `make run` does
    # Loaded on the tests' date: its windows and freezes are placed from "now".
    with at_test_now(), app.test_request_context(), database.connection_context():
        init_db(database.obj)
        counts = demo.load()
        counts['windows'] = maintenance_demo.load()
        counts['prefix requests'] = routing_demo.load()
    return app, database.obj, counts


@pytest.fixture
def loaded(demo_database):
    """The shared demo database, connected; returns what load() counted. Read only."""
    app, db, counts = demo_database
    bind(db)    # another test's app may have rebound the shared proxy meanwhile
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        yield counts
        database.close()


def _reserved(asn):
    return any(low <= asn <= high for low, high in RESERVED_ASNS)


def _example_address(email):
    domain = email.rsplit('@', 1)[1]
    return any(domain == d or domain.endswith('.' + d) for d in EXAMPLE_DOMAINS)


def _exports():
    return {kind: csvio.export_csv(ENTITIES[kind]) for kind in IMPORT_ORDER}


def _segments_of(circuit):
    return list(Segment.select().join(CircuitSegment)
                .where(CircuitSegment.circuit == circuit))


# Size and shape ----------------------------------------------------------------

def test_counts_are_in_range_and_match_the_database(loaded):
    assert 50 <= loaded['customers'] <= 70
    assert 340 <= loaded['circuits'] <= 460
    assert loaded['contacts'] >= loaded['customers']
    assert loaded['users'] == 4
    stored = {'sites': Site, 'segments': Segment, 'customers': Customer,
              'contacts': Contact, 'circuits': Circuit, 'users': User,
              'windows': MaintenanceWindow, 'prefix requests': PrefixRequest}
    assert {kind: model.select().count() for kind, model in stored.items()} == loaded


def test_most_customers_are_isps_with_their_own_asns(loaded):
    kinds = collections.Counter(c.kind for c in Customer.select())
    assert kinds['isp'] > loaded['customers'] / 2
    assert kinds['enterprise'] >= 5 and kinds['carrier'] >= 2
    for isp in Customer.select().where(Customer.kind == 'isp'):
        assert list(isp.asns), isp.name
    languages = collections.Counter(c.notice_language for c in Customer.select())
    assert languages['pt_BR'] > languages['en'] >= 1
    zones = {c.time_zone for c in Customer.select()}
    assert {'America/Sao_Paulo', 'America/Bahia', 'Europe/Lisbon'} <= zones


def test_every_asn_is_reserved_and_used_by_one_customer(loaded):
    asns = [row.asn for row in CustomerAsn.select()]
    assert len(asns) >= 40
    assert [asn for asn in asns if not _reserved(asn)] == []
    assert len(set(asns)) == len(asns)
    bgp = [c.bgp_asn for c in Circuit.select().where(Circuit.bgp_asn.is_null(False))]
    assert bgp and all(_reserved(asn) for asn in bgp)


def test_sites_cover_minas_gerais_and_the_neighbouring_states(loaded):
    mg_cities = {s.city for s in Site.select().where(Site.state == 'MG')}
    assert len(mg_cities) >= 18
    assert {'Belo Horizonte', 'Uberlândia', 'Juiz de Fora', 'Montes Claros'} <= mg_cities
    assert Site.select().where(Site.city == 'Belo Horizonte').count() >= 3
    states = {s.state for s in Site.select()}
    assert {'SP', 'RJ', 'ES', 'GO', 'DF', 'BA'} <= states
    assert {s.kind for s in Site.select()} == {'pop', 'datacenter', 'tower'}


# Network -----------------------------------------------------------------------

def test_rings_are_closed_loops_of_spans(loaded):
    rings = list(Segment.select().where(Segment.kind == 'ring'))
    assert len(rings) >= 5
    for ring in rings:
        spans = list(ring.children)
        assert len(spans) >= 3, ring.code
        assert all(s.kind == 'span' and s.length_km > 0 for s in spans)
        # Around a loop every site is the end of exactly two spans.
        ends = collections.Counter(site for s in spans for site in (s.a_site_id, s.z_site_id))
        assert set(ends.values()) == {2}, ring.code
    long_haul = Segment.select().where((Segment.kind == 'span') & Segment.parent.is_null())
    assert {s.z_site.state for s in long_haul} >= {'SP', 'RJ', 'ES', 'GO', 'DF', 'BA'}


def test_devices_sit_at_pops_not_towers(loaded):
    devices = list(Segment.select().where(Segment.kind == 'device'))
    assert len(devices) >= 25
    assert all(d.a_site is not None and d.a_site.kind != 'tower' for d in devices)
    assert Segment.get(Segment.code == 'BHZ01-PE01').a_site.code == 'BHZ01'


def _assert_spans_join(circuit, spans):
    """The spans form one path from A to Z: each site in between is passed once."""
    ends = collections.Counter(site for s in spans for site in (s.a_site_id, s.z_site_id))
    assert ends.pop(circuit.a_site_id) == 1, circuit.circuit_id
    assert ends.pop(circuit.z_site_id) == 1, circuit.circuit_id
    assert set(ends.values()) <= {2}, circuit.circuit_id


def test_circuits_ride_on_spans_between_their_sites_and_routers_at_them(loaded):
    for circuit in Circuit.select():
        segments = _segments_of(circuit)
        spans = [s for s in segments if s.kind == 'span']
        devices = [s for s in segments if s.kind == 'device']
        assert segments, circuit.circuit_id
        if circuit.z_site_id is None:
            assert spans == []
        else:
            _assert_spans_join(circuit, spans)
        ends = {circuit.a_site_id, circuit.z_site_id} - {None}
        assert {d.a_site_id for d in devices} <= ends
        if circuit.service in ('dark-fibre', 'wavelength'):
            assert devices == [], circuit.circuit_id     # optical: no router
        else:
            assert {d.a_site_id for d in devices} == ends, circuit.circuit_id


def test_redundancy_groups_ride_on_different_spans(loaded):
    groups = collections.defaultdict(list)
    for circuit in Circuit.select().where(Circuit.redundancy_group.is_null(False)):
        groups[circuit.redundancy_group.name].append(circuit)
    assert len(groups) >= 30
    isps_with_pairs = {c[0].customer_id for c in groups.values() if c[0].customer.kind == 'isp'}
    assert len(isps_with_pairs) >= 15
    for name, circuits in groups.items():
        assert len(circuits) >= 2 and name.startswith('RG-CLI-'), name
        segments = [_segments_of(c) for c in circuits]
        segment_sets = [frozenset(s.code for s in found) for found in segments]
        assert len(set(segment_sets)) == len(segment_sets), name
        if circuits[0].z_site_id is not None:
            spans = [{s.code for s in found if s.kind == 'span'} for found in segments]
            assert not spans[0] & spans[1], name     # a single cut cannot take both


# Customers, BGP, contacts, freezes ----------------------------------------------

def test_ip_transit_asns_belong_to_the_customer(loaded):
    transit = list(Circuit.select().where(Circuit.service == 'ip-transit'))
    assert len(transit) >= 100
    with_bgp = [c for c in transit if c.bgp_asn is not None]
    assert len(with_bgp) >= 80
    for circuit in with_bgp:
        assert circuit.bgp_asn in {a.asn for a in circuit.customer.asns}, circuit.circuit_id
    assert any(c.bgp_as_set.startswith('AS-') for c in with_bgp)
    others = Circuit.select().where(Circuit.service != 'ip-transit')
    assert all(c.bgp_asn is None and c.bgp_as_set == '' for c in others)
    services = {c.service for c in Circuit.select()}
    assert services == {'ip-transit', 'l2-transport', 'l3vpn', 'dark-fibre', 'wavelength'}
    bandwidths = {c.bandwidth_mbps for c in Circuit.select()}
    assert bandwidths <= {None, 100, 1000, 10000, 100000}


def test_contacts_have_example_addresses_and_the_roles_needed(loaded):
    emails = [c.email for c in Contact.select()] + [u.email for u in User.select()]
    assert [e for e in emails if not _example_address(e)] == []
    for customer in Customer.select():
        contacts = list(customer.contacts)
        assert 1 <= len(contacts) <= 4, customer.name
        assert any(c.role_maintenance for c in contacts), customer.name
        if customer.kind == 'isp':
            assert any(c.role_bgp for c in contacts), customer.name
    formats = collections.Counter(c.notice_format for c in Contact.select())
    assert formats['invitation'] > formats['plain'] >= 1
    assert {c.language for c in Contact.select()} == {'pt_BR', 'en'}


@pytest.mark.dates      # placed from today
def test_a_few_customers_have_freezes_in_the_near_future(loaded):
    today = datetime.date.today()
    freezes = list(ChangeFreeze.select())
    assert 3 <= len({f.customer_id for f in freezes}) <= 20
    for freeze in freezes:
        assert freeze.ends_on >= today and freeze.starts_on <= today + datetime.timedelta(366)
    black_friday = [f for f in freezes if f.reason == 'Black Friday']
    assert black_friday and all(f.starts_on.month == 11 for f in black_friday)


# Loading ------------------------------------------------------------------------

def test_every_row_is_written_through_the_domain_and_audited(loaded):
    created = collections.Counter(
        a.entity for a in AuditLog.select().where((AuditLog.username == 'demo')
                                                  & (AuditLog.action == 'create')))
    groups = RedundancyGroup.select().count()
    assert groups > 0
    expected = {**{ENTITIES[kind].audit_entity: loaded[kind] for kind in IMPORT_ORDER},
                'user': 4, 'redundancy_group': groups}
    # Windows, tokens and prefix requests are logged as 'create' too (one spelling).
    assert {entity: created[entity] for entity in expected} == expected


@pytest.mark.slow      # loads the whole demo again
def test_the_same_seed_gives_the_same_data(ctx):
    demo.load(seed=7)
    first = _exports()
    _empty(database.obj)
    demo.load(seed=7)
    assert _exports() == first
    _empty(database.obj)
    demo.load(seed=8)
    assert _exports()['circuits'] != first['circuits']


@pytest.mark.slow      # loads the whole demo again
def test_loading_twice_changes_nothing(ctx):
    loaded = demo.load()
    before = _exports()
    audit_rows = AuditLog.select().count()
    hashes = {u.username: u.password_hash for u in User.select()}
    assert demo.load() == loaded
    assert _exports() == before
    assert AuditLog.select().count() == audit_rows      # every row "unchanged"
    assert {u.username: u.password_hash for u in User.select()} == hashes


def test_a_failing_row_leaves_nothing_behind(ctx):
    """One transaction: a customer already holding a demo ASN stops the whole load."""
    asn = next(c['asns'] for c in demo.build()['customers'] if c['asns']).split()[0]
    values = service.parse(ENTITIES['customers'], {'account_id': 'OTHER-1', 'name': 'Other',
                                                   'kind': 'isp', 'asns': asn,
                                                   'notice_language': 'pt_BR',
                                                   'time_zone': 'America/Sao_Paulo'})
    service.save(ENTITIES['customers'], values, actor='test')
    with pytest.raises(RuntimeError, match=asn.removeprefix('AS')):
        demo.load()
    assert Site.select().count() == 0 and Customer.select().count() == 1
    assert User.select().count() == 0


# Users and the login hint ----------------------------------------------------------

@pytest.mark.slow      # loads the whole demo again
def test_demo_users_can_log_in(ctx):
    demo.load()
    expected = {'admin': ('admin', 'pt_BR'), 'engenheira': ('engineer', 'pt_BR'),
                'engineer': ('engineer', 'en'), 'viewer': ('viewer', 'pt_BR')}
    for username, (role, language) in expected.items():
        user = commands.authenticate(username, demo.DEMO_PASSWORD)
        assert user is not None, username
        assert (user.role, user.language) == (role, language)


@pytest.mark.slow      # loads the whole demo again
def test_demo_login_works_in_the_browser(app):
    with app.app_context(), database.connection_context():
        demo.load()
    browser = Browser(app)
    response = browser.login('engenheira', demo.DEMO_PASSWORD)
    assert response.status_code == 302 and response.location == '/'
    assert browser.get('/').status_code == 200


@pytest.mark.slow      # loads the whole demo again
def test_login_hint_follows_the_demo_password(ctx):
    assert 'create-user' in demo.login_hint()[0]
    demo.load()
    assert demo.login_hint() == [
        'Demo login: admin / janela-demo (also engenheira, engineer, viewer)']
    admin = User.get(User.username == 'admin')
    assert admin.last_login_at is None           # the hint is not a login
    users.update_user(admin, {'password': 'no-longer-the-demo-one'}, actor='test')
    assert 'create-user' in demo.login_hint()[0]


@pytest.mark.slow      # loads the whole demo again
def test_cli_demo_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=['noc', 'demo'])
    assert result.exit_code == 0, result.output
    assert result.output.startswith('Demo loaded: ') and ' circuits' in result.output
    result = runner.invoke(args=['noc', 'demo', '--if-empty'])
    assert result.exit_code == 0 and 'not loaded' in result.output
    with app.app_context(), database.connection_context():
        assert Circuit.select().count() == demo.load()['circuits']


# Maintenance -------------------------------------------------------------------

@pytest.mark.dates      # placed from today
def test_demo_windows_cover_the_lifecycle_and_their_notices_parse(loaded):
    from helpers.maintenance_oracle import cmp_errors, parse_with_cmp
    statuses = sorted(w.status for w in MaintenanceWindow.select())
    assert loaded['windows'] == 5
    assert statuses == ['CANCELLED', 'CONFIRMED', 'CONFIRMED', 'TENTATIVE', 'TENTATIVE']
    assert MaintenanceWindow.select().where(MaintenanceWindow.emergency == True).count() == 1
    rows = list(OutboxMessage.select().where(OutboxMessage.kind != 'prefix')
                .order_by(OutboxMessage.id))
    assert {r.kind for r in rows} == {'new', 'cancelled'}
    # No reminder right after the emergency window's first notice.
    assert not windows.due_reminders(utcnow(), 48)
    sample = [r.raw.encode() for r in rows[::max(1, len(rows) // 8)]]
    assert all(cmp_errors(p) == [] for p in parse_with_cmp(sample))
    assert maintenance_demo.load() == 0                 # once only


@pytest.mark.dates      # placed from today
def test_demo_prefix_tracking_has_every_state_and_a_week_of_history(loaded):
    from noc.models.routing import RoutingAlert, RpkiStateSample, TrackedPrefix
    assert loaded['prefix requests'] == 3
    rows = {p.prefix: p for p in TrackedPrefix.select()}
    assert rows['192.0.2.0/24'].state == 'configured'
    assert rows['3fff:10::/48'].verdict == 'attention'
    assert rows['203.0.113.0/24'].state == 'rejected'
    # The ROA that changed origin mid-week: invalid now, alert open, customer told.
    changed = rows['198.51.100.0/24']
    assert (changed.state, changed.rpki_state, changed.verdict) == (
        'configured', 'invalid', 'reject')
    assert RoutingAlert.select().where(RoutingAlert.prefix == changed).count() == 1
    samples = list(RpkiStateSample.select().order_by(RpkiStateSample.at))
    assert len(samples) == 8
    assert samples[0].invalid == 0 and samples[-1].invalid == 1


def test_demo_api_tokens_answer_and_are_printed(demo_database):
    app, db, _ = demo_database
    bind(db)
    client = app.test_client()
    provider = {'Authorization': f'Bearer {routing_demo.DEMO_TOKENS["provider"]}'}
    own = client.get('/api/v1/prefixes', headers=provider).get_json()
    assert own['total'] >= 1 and len({p['customer'] for p in own['items']}) == 1
    noc = {'Authorization': f'Bearer {routing_demo.DEMO_TOKENS["noc"]}'}
    every = client.get('/api/v1/prefixes', headers=noc).get_json()
    assert len({p['customer'] for p in every['items']}) == 3
    with app.test_request_context(), database.connection_context():
        hint = '\n'.join(routing_demo.token_hint())
    assert routing_demo.DEMO_TOKENS['provider'] in hint and '/api/v1/docs' in hint
