"""IRR facts from a real IRRd 4.5 on loopback (and Janela's own tables), and the
ripe-2016 files as one consistent world of ROAs, route objects and
announcements validated end to end."""
import socket

import netaddr
import pytest
from conftest import prepared_app
from helpers.shared_data import path as shared

from noc.core.db import database
from noc.routing.irr import store as irr_store
from noc.routing.irr.lookup import IrrLookup
from noc.routing.prefix_requests import validation
from noc.routing.rpki import snapshots


def server_app(db_url, irrd, **irr):
    conf = {'servers': [f'{irrd.whois_host}:{irrd.whois_port}'],
            'server_sources': ['TC', 'LACNIC', 'RIPE', 'RADB', 'ALTDB'], **irr}
    return prepared_app(db_url, irr=conf, prefixes={'lab': True})


@pytest.fixture
def irr_ctx(db_url, irrd_server):
    app = server_app(db_url, irrd_server)
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        yield app
        database.close()


def test_route_objects_come_from_every_source_of_the_server(irr_ctx):
    with IrrLookup(irr_ctx.config['NOC']) as lookup:
        routes = lookup.routes(['192.0.2.0/24', '193.254.30.0/24', '203.0.113.0/24',
                                '2001:db8:100::/48', '3fff:1::/48'])
        assert lookup.failed == {}
    assert routes['192.0.2.0/24'] == [('LACNIC', 64510), ('TC', 64500)]
    assert routes['193.254.30.0/24'] == [('RIPE', 12726)]
    assert routes['2001:db8:100::/48'] == [('TC', 64500)]
    assert routes['3fff:1::/48'] == []


def test_as_set_expansion_across_sources_ends_despite_the_loop(irr_ctx):
    with IrrLookup(irr_ctx.config['NOC']) as lookup:
        members = lookup.as_set_members('AS-JANELA-A')
        assert members == {64500, 64501, 64502, 64503}
        assert lookup.as_set_members('as-janela-c') == {64502, 64503}
        assert lookup.as_set_members('AS-NOWHERE') is None


def test_server_and_local_dump_combine(irr_ctx, tmp_path):
    dump = tmp_path / 'radb.rpsl'
    dump.write_text('route6: 3fff:1::/48\norigin: AS64500\nsource: RADB\n\n'
                    'as-set: AS-LOCAL\nmembers: AS-JANELA-C, AS64509\nsource: RADB\n')
    irr_store.load_dump(str(dump), 'RADB-DUMP')
    with IrrLookup(irr_ctx.config['NOC']) as lookup:
        assert lookup.routes(['3fff:1::/48'])['3fff:1::/48'] == [('RADB-DUMP', 64500)]
        # A local set naming a set only the server knows: the local part is
        # expanded here; the server knows nothing of AS-LOCAL.
        assert 64509 in lookup.as_set_members('AS-LOCAL')


def test_the_verdict_reads_the_registry_of_the_address_space(irr_ctx):
    """203.0.113.0/24 is documentation space (no RIR); 193.254.30.0/24 is RIPE
    space registered in RIPE: no wrong-registry finding. Checked with the
    expected sources of LACNIC forced for a RIPE prefix's origin below."""
    results = validation.validate([
        ('doc', '192.0.2.0/24', 64500, 'AS-JANELA-A'),
        ('ripe', '193.254.30.0/24', 12726, ''),
        ('other', '192.0.2.0/24', 64511, ''),
    ])
    doc, ripe, other = results['doc'], results['ripe'], results['other']
    assert doc['irr_state'] == 'match'
    codes = [f['code'] for f in doc['findings']]
    assert 'irr_other_origins' in codes and 'as_set_member' in codes
    assert ripe['irr_state'] == 'match'
    assert ripe['evidence']['irr']['rir'] == 'RIPE'
    assert 'irr_wrong_registry' not in [f['code'] for f in ripe['findings']]
    assert other['irr_state'] == 'other'


def test_an_object_only_outside_the_rirs_registry_is_reported(db_url, irrd_server):
    app = server_app(db_url, irrd_server,
                     registry_sources={'RIPE': ['RIPE-NONAUTH'], 'LACNIC': ['LACNIC', 'TC']})
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        try:
            result = validation.validate([('x', '193.254.30.0/24', 12726, '')])['x']
        finally:
            database.close()
    finding = [f for f in result['findings'] if f['code'] == 'irr_wrong_registry'][0]
    assert finding['params']['found'] == ['RIPE']
    assert finding['params']['expected'] == ['RIPE-NONAUTH']
    assert finding['severity'] == 'warning'


def test_an_unreachable_server_makes_irr_unknown_not_missing(db_url):
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]          # closed once we leave: refused
    app = prepared_app(db_url, irr={'servers': [f'127.0.0.1:{port}'], 'timeout_seconds': 2},
                       prefixes={'lab': True})
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        try:
            result = validation.validate([('x', '192.0.2.0/24', 64500, '')])['x']
        finally:
            database.close()
    assert result['irr_state'] == 'unknown'
    assert result['verdict'] != 'accept'
    assert f'127.0.0.1:{port}' in result['findings'][-1]['params']['errors'][0]


# -- the ripe-2016 world ----------------------------------------------------------

def _announcements():
    found = []
    for name in ('ris-ipv4.txt', 'ris-ipv6.txt'):
        for line in open(shared('ripe-2016', name), encoding='utf-8'):
            parts = line.split()
            if len(parts) >= 2 and parts[0].isdigit():
                network = netaddr.IPNetwork(parts[1])
                if network.prefixlen and network.prefixlen <= (24 if network.version == 4
                                                               else 48):
                    found.append((str(network.cidr), int(parts[0])))
    return sorted(set(found))


def _route_objects():
    """Naive reading of the RIPE split files: route -> origins."""
    objects, current = {}, {}
    for name in ('ripe-db-route.txt', 'ripe-db-route6.txt'):
        for line in open(shared('ripe-2016', name), encoding='utf-8'):
            if not line.strip():
                if 'origin' in current and 'route' in current:
                    objects.setdefault(current['route'], set()).add(current['origin'])
                current = {}
                continue
            key, _, value = line.partition(':')
            if key in ('route', 'route6'):
                current['route'] = str(netaddr.IPNetwork(value.strip()).cidr)
            elif key == 'origin':
                current['origin'] = int(value.strip().upper().removeprefix('AS'))
        if 'origin' in current and 'route' in current:
            objects.setdefault(current['route'], set()).add(current['origin'])
        current = {}
    return objects


def _roas():
    roas = []
    for line in open(shared('ripe-2016', 'roas.csv'), encoding='utf-8').read().splitlines()[1:]:
        asn, prefix, max_length = line.split(',')
        roas.append((netaddr.IPNetwork(prefix), int(max_length), int(asn[2:])))
    return roas


def _naive_rov(prefix, origin, roas):
    network = netaddr.IPNetwork(prefix)
    covering = [r for r in roas if r[0].version == network.version and network in r[0]]
    if not covering:
        return 'not-found'
    if any(origin == asn and network.prefixlen <= max_length and asn != 0
           for _, max_length, asn in covering):
        return 'valid'
    return 'invalid'


def test_ripe_2016_as_one_world(db_url, irrd_server):
    """ROAs (roas.csv) through a VRP snapshot, route objects through the real
    IRRd, announcements (RIS) through the validation every request uses; the
    states equal a naive reading of the same three files."""
    app = server_app(db_url, irrd_server, server_sources=['RIPE'])
    objects = _route_objects()
    # What BGP carried, and what the route objects say should be carried.
    announcements = sorted(set(_announcements())
                           | {(p, o) for p, origins in objects.items() for o in origins})
    roas = _roas()
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        try:
            assert snapshots.load('ripe-2016', shared('ripe-2016', 'roas.csv')).good
            results = validation.validate([((p, o), p, o, '') for p, o in announcements])
        finally:
            database.close()
    assert len(results) == len(announcements) > 150
    states = {'valid': 0, 'invalid': 0, 'not-found': 0}
    for (prefix, origin), result in results.items():
        assert result['rpki_state'] == _naive_rov(prefix, origin, roas), (prefix, origin)
        origins = objects.get(prefix, set())
        expected_irr = 'match' if origin in origins else ('other' if origins else 'none')
        assert result['irr_state'] == expected_irr, (prefix, origin)
        states[result['rpki_state']] += 1
    # The excerpts were cut from different files: most announcements have no
    # ROA and no route object, which the verdicts must say.
    assert states['not-found'] > 0
    # Hand-checked in the files: RENATER's 2001:660::/32 has a ROA (AS2200, /32)
    # and a route6 object with origin AS2200: valid, matched, accepted.
    renater = results[('2001:660::/32', 2200)]
    assert (renater['rpki_state'], renater['irr_state'], renater['verdict']) == (
        'valid', 'match', 'accept')
    assert renater['evidence']['rpki']['matched'] == ['2001:660::/32-32 AS2200']
    # Lufthansa's 193.254.30.0/24 (AS12726) has a route object but no ROA among
    # the excerpts: only the IRR supports it, which the policy sends to an engineer.
    lufthansa = results[('193.254.30.0/24', 12726)]
    assert (lufthansa['rpki_state'], lufthansa['irr_state'], lufthansa['verdict']) == (
        'not-found', 'match', 'attention')
    # APNIC's 1.0.4.0/24 from AS56203 is in RIS, with neither ROA nor RIPE object.
    apnic = results[('1.0.4.0/24', 56203)]
    assert (apnic['rpki_state'], apnic['irr_state'], apnic['verdict']) == (
        'not-found', 'none', 'reject')
    assert states == {'valid': 1, 'invalid': 0, 'not-found': len(announcements) - 1}


def test_batch_lookup_per_origin_agrees_with_per_prefix(db_url, irrd_server, monkeypatch):
    """Revalidation asks per origin and source (!g/!6) instead of per prefix (!r):
    the states, the matching sources and the other origins of unmatched
    prefixes must come out the same."""
    import noc.routing.irr.lookup as irr_lookup
    app = server_app(db_url, irrd_server, server_sources=[])      # the server's own list
    objects = _route_objects()
    items = sorted(set(_announcements()) | {(p, o) for p, os in objects.items() for o in os}
                   | {('192.0.2.0/24', 64500), ('192.0.2.0/24', 64511),
                      ('203.0.113.0/24', 64511), ('2001:db8:100::/48', 64500)})
    items = [((p, o), p, o, '') for p, o in items]
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        try:
            single = validation.validate(items)
            monkeypatch.setattr(irr_lookup, 'BATCH_FROM', 1)
            batch = validation.validate(items)
        finally:
            database.close()
    assert len(batch) == len(items)
    for key, result in single.items():
        assert batch[key]['irr_state'] == result['irr_state'], key
        assert batch[key]['verdict'] == result['verdict'], key
        def matched(r, origin=key[1]):
            return sorted(s for s, o in r['evidence']['irr']['routes'] if o == origin)
        assert matched(batch[key]) == matched(result), key
    # 192.0.2.0/24 from AS64500: TC has it; LACNIC names AS64510 (seen per prefix only).
    assert batch[('192.0.2.0/24', 64500)]['evidence']['irr']['routes'] == [['TC', 64500]]
    assert batch[('192.0.2.0/24', 64511)]['irr_state'] == 'other'
    # Nobody registered 203.0.113.0/24 for AS64511: the other origins come from
    # !r…,o, which does not say the source.
    assert batch[('203.0.113.0/24', 64511)]['evidence']['irr']['routes'] == [['ANY', 64502]]
