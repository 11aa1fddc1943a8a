"""Our RFC 6811 answers against an independent implementation: rtrlib.

StayRTR (Debian's stayrtr) serves a VRP set over RTR; rtrlib's `rpki-rov`
(Debian's rtr-tools) fetches it and validates lines 'ADDRESS LENGTH ASN',
answering 0 valid, 1 not-found, 2 invalid. Our index is built from the VRP
set as StayRTR re-exports it over HTTP, so the file, the server and both
validators are checked end to end. Every route must get the same state.

Two worlds: the ripe-2016 ROAs with what RIS saw plus routes made around
each ROA, and a VRP set derived from a sample of the 2015 RouteViews table
(the only full table at hand) with routes sampled from the whole table.
StayRTR refuses /0 VRPs and RTR cannot carry an AS_SET origin, so neither
appears here (tests/test_rov.py covers both).
"""
import gzip
import ipaddress
import json
import random
import subprocess

import numpy as np
import pytest
from helpers.shared_data import path
from helpers.stayrtr_server import start_stayrtr

from noc.routing.rpki.fetch import fetch
from noc.routing.rpki.formats import parse
from noc.routing.rpki.rov import STATES, RovIndex
from noc.routing.rpki.vrps import parse_prefixes

pytestmark = pytest.mark.external    # StayRTR and rtrlib's rpki-rov

RTRLIB_STATES = {'0': 'valid', '1': 'not-found', '2': 'invalid'}


def write_vrps(directory, vrps):
    """An rpki-client style JSON file of (prefix, max_length, asn) for StayRTR."""
    roas = [{'asn': asn, 'prefix': prefix, 'maxLength': max_length, 'ta': 'test'}
            for prefix, max_length, asn in vrps]
    target = directory / 'vrps.json'
    target.write_text(json.dumps({'metadata': {'buildtime': '2016-04-06T18:00:00Z'}, 'roas': roas}))
    return target


def rtrlib_states(server, routes):
    """rpki-rov's state for each (prefix, origin)."""
    lines = ''.join(f'{ipaddress.ip_network(p).network_address} {ipaddress.ip_network(p).prefixlen} {o}\n'
                    for p, o in routes)
    done = subprocess.run(['rpki-rov', '127.0.0.1', str(server.rtr_port)], input=lines,
                          capture_output=True, text=True, timeout=600)
    answers = [line for line in done.stdout.splitlines() if '|' in line]
    assert len(answers) == len(routes), done.stdout[-2000:] + done.stderr[-2000:]
    return [RTRLIB_STATES[line.rsplit('|', 1)[1]] for line in answers]


def our_states(index, routes):
    parsed = parse_prefixes([p for p, _ in routes])
    assert not parsed.errors
    states, _ = index.validate_column(parsed, np.array([o for _, o in routes], np.int64))
    return [STATES[code] for code in states]


def compare(tmp_path, vrps, routes):
    """Serve vrps with StayRTR, validate routes with rtrlib and with us; return the states."""
    server = start_stayrtr(write_vrps(tmp_path, vrps))
    try:
        exported = parse(fetch(server.http_url, timeout=30))
        expected = rtrlib_states(server, routes)
    finally:
        server.stop()
    assert len(exported.table) == len(set(vrps))
    index = RovIndex(exported.table)
    ours = our_states(index, routes)
    differences = [(route, mine, theirs) for route, mine, theirs in zip(routes, ours, expected)
                   if mine != theirs]
    assert not differences, differences[:20]
    for (prefix, origin), state in list(zip(routes, ours))[:300]:      # the one-route path too
        assert index.validate(prefix, origin).state == state
    return ours


def around(prefix, max_length, asn, rng):
    """Routes an operator could announce near a VRP: exact, other origin, AS0,
    a more specific at and beyond maxLength, the covering aggregate and the
    sibling half."""
    net = ipaddress.ip_network(prefix)
    out = [(prefix, asn), (prefix, (asn + 1) % 2**32), (prefix, 0)]
    for length in (max_length, max_length + 1, net.prefixlen + 1):
        if net.prefixlen < length <= net.max_prefixlen:
            host = rng.getrandbits(length - net.prefixlen) << (net.max_prefixlen - length)
            out.append((str(ipaddress.ip_network((int(net.network_address) | host, length))), asn))
    if net.prefixlen > 1:
        halves = list(net.supernet().subnets())
        out += [(str(net.supernet()), asn), (str(halves[1] if halves[0] == net else halves[0]), asn)]
    return out


def test_rtrlib_agrees_on_the_ripe_2016_world(tmp_path):
    table = parse(open(path('ripe-2016', 'roas.csv'), 'rb').read()).table
    vrps = [(v.prefix, v.max_length, v.asn) for v in table.rows()]
    rng = random.Random(2016)
    routes = []
    for name in ('ris-ipv4.txt', 'ris-ipv6.txt'):
        with open(path('ripe-2016', name)) as handle:
            routes += [(f[1], int(f[0])) for f in (line.split('\t') for line in handle)
                       if len(f) == 3 and not f[0].startswith('%')]
    for vrp in vrps:
        routes += around(*vrp, rng)
    states = compare(tmp_path, vrps, routes)
    assert len(routes) > 400 and set(states) == {'valid', 'invalid', 'not-found'}


def table_sample(rng, size):
    """`size` random (prefix, origin) announcements of the RouteViews 2015 table."""
    with gzip.open(path('bgp', 'routeviews-pfx2as-20151101.ipasn.gz'), 'rt') as handle:
        lines = [line.split('\t') for line in handle if not line.startswith(';')]
    picked = rng.sample(lines, size)
    return [(prefix, int(origin)) for prefix, origin in picked if origin.strip().isdigit()], lines


def derived_vrps(rng, announcements):
    """VRPs made from announcements: most exact, some with a looser maxLength,
    some aggregates of another AS, some AS0, some longer than /64."""
    vrps = []
    for prefix, origin in announcements:
        net = ipaddress.ip_network(prefix)
        roll = rng.random()
        if roll < 0.6:
            vrps.append((prefix, net.prefixlen, origin))
        elif roll < 0.8:
            vrps.append((prefix, min(net.prefixlen + rng.randint(1, 8), net.max_prefixlen), origin))
        elif roll < 0.9 and net.prefixlen > 4:
            vrps.append((str(net.supernet(prefixlen_diff=rng.randint(1, 4))), net.prefixlen, origin + 1))
        elif roll < 0.95:
            vrps.append((prefix, min(net.prefixlen + 2, net.max_prefixlen), 0))
        elif net.version == 6 and net.prefixlen <= 64:
            longer = ipaddress.ip_network((int(net.network_address) | rng.getrandbits(32) << 32, 96))
            vrps.append((str(longer), rng.randint(96, 128), origin))
    return vrps


def test_rtrlib_agrees_on_a_sample_of_the_2015_table(tmp_path):
    """4,000 announcements become VRPs; 6,000 other announcements of the table,
    the 4,000 themselves and routes around a share of them are validated."""
    rng = random.Random(20151101)
    sample, lines = table_sample(rng, 4000)
    v6 = [(prefix, int(origin)) for prefix, origin in lines if ':' in prefix]
    sample += rng.sample(v6, 600)                            # enough IPv6 to matter
    vrps = sorted(set(derived_vrps(rng, sample)))
    routes = [(prefix, int(origin)) for prefix, origin in rng.sample(lines, 6000)]
    routes += sample
    routes += [route for vrp in rng.sample(vrps, 600) for route in around(*vrp, rng)]
    routes += [(p, o) for p, o in v6 if ipaddress.ip_network(p).prefixlen > 64]    # /126s and such
    states = compare(tmp_path, vrps, routes)
    assert len(routes) > 10000
    assert min(states.count(state) for state in ('valid', 'invalid', 'not-found')) > 500
