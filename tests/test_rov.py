"""Route origin validation (RFC 6811): the reference's cross-checked cases, the
corner cases (AS0, AS_SET, /0, IPv6 longer than /64, nesting, duplicates,
RFC 9319 loose maxLength), the batch path against the one-route path and a
naive reading of the RFC, the ripe-2016 data as one world, and `noc rov`'s
CSV core."""
import csv
import io
import ipaddress

import netaddr
import numpy as np
import pytest
from helpers.shared_data import path
from hypothesis import given, settings
from hypothesis import strategies as st

from noc.routing.rpki import rov_csv
from noc.routing.rpki.formats import parse
from noc.routing.rpki.rov import (
    CODE_INVALID,
    CODE_NOT_FOUND,
    CODE_VALID,
    INVALID,
    MATCHED,
    NO_VRP,
    NOT_FOUND,
    ONLY_AS0,
    ORIGIN_AS_SET,
    OTHER_ORIGIN,
    STATES,
    TOO_SPECIFIC,
    VALID,
    RovIndex,
)
from noc.routing.rpki.vrps import Vrp, VrpTable, parse_prefixes


def index_of(*vrps):
    """An index over (prefix, max_length, asn) triples."""
    return RovIndex(VrpTable.from_rows([(p, m, a, None) for p, m, a in vrps]))


REFERENCE_VRPS = index_of(('192.0.2.0/24', 24, 65001), ('203.0.113.0/24', 24, 65002),
                          ('100.64.0.0/16', 24, 0), ('2001:db8::/32', 48, 65001))


@pytest.mark.parametrize('route, origin, state, reason', [
    ('192.0.2.0/24', 65001, VALID, 'matched 192.0.2.0/24-24 AS65001'),
    ('192.0.2.128/25', 65001, INVALID, 'more specific than allowed: 192.0.2.0/24-24 AS65001'),
    ('203.0.113.0/24', 65003, INVALID, 'origin AS65003 not authorised: 203.0.113.0/24-24 AS65002'),
    ('198.51.100.0/24', 65002, NOT_FOUND, 'no covering VRP'),
    ('100.64.1.0/24', 65001, INVALID, 'covered only by AS0 VRPs: 100.64.0.0/16-24 AS0'),
    ('100.64.1.0/24', 0, INVALID, 'covered only by AS0 VRPs: 100.64.0.0/16-24 AS0'),
    ('2001:db8:1::/48', 65001, VALID, 'matched 2001:db8::/32-48 AS65001'),
    ('2001:db8:1::/49', 65001, INVALID, 'more specific than allowed: 2001:db8::/32-48 AS65001'),
])
def test_cross_checked_cases(route, origin, state, reason):
    """The reference's table (four implementations agree), one route at a time and in a batch."""
    result = REFERENCE_VRPS.validate(route, origin)
    assert (result.state, result.reason) == (state, reason)
    assert batch_states(REFERENCE_VRPS, [(route, origin)]) == [state]


def batch_states(index, routes):
    parsed = parse_prefixes([str(route) for route, _ in routes])
    origins = np.array([-1 if origin is None else origin for _, origin in routes], np.int64)
    states, _ = index.validate_column(parsed, origins)
    return [STATES[code] for code in states]


def test_validation_lists_what_to_fix():
    index = index_of(('203.0.113.0/24', 24, 65002), ('203.0.0.0/16', 20, 65003),
                     ('203.0.113.0/24', 24, 0))
    result = index.validate('203.0.113.0/24', 65003)
    assert result.state == INVALID and result.reason_code == TOO_SPECIFIC
    assert result.unmatched_length == (Vrp('203.0.0.0/16', 20, 65003),)
    assert set(result.unmatched_as) == {Vrp('203.0.113.0/24', 24, 65002), Vrp('203.0.113.0/24', 24, 0)}
    assert result.matched == () and result.loose == ()
    assert result.reason == 'more specific than allowed: 203.0.0.0/16-20 AS65003'
    other = index.validate('203.0.113.0/24', 65009)
    assert other.reason == ('origin AS65009 not authorised: 203.0.0.0/16-20 AS65003, '
                            '203.0.113.0/24-24 AS0, 203.0.113.0/24-24 AS65002')


def test_as0_next_to_a_real_vrp():
    """An AS0 VRP makes what it covers invalid unless another VRP matches (RFC 7607)."""
    index = index_of(('100.64.0.0/16', 24, 0), ('100.64.1.0/24', 24, 65001))
    assert index.validate('100.64.1.0/24', 65001).state == VALID
    assert index.validate('100.64.2.0/24', 65001).reason_code == ONLY_AS0
    assert index.validate('100.64.1.0/24', 65002).reason_code == OTHER_ORIGIN


def test_as_set_origin_never_matches():
    index = index_of(('192.0.2.0/24', 24, 65001))
    result = index.validate('192.0.2.0/24', None)
    assert (result.state, result.reason_code) == (INVALID, ORIGIN_AS_SET)
    assert result.reason == 'origin is an AS_SET, which no VRP matches: 192.0.2.0/24-24 AS65001'
    assert index.validate('198.51.100.0/24', None).state == NOT_FOUND
    assert batch_states(index, [('192.0.2.0/24', None)]) == [INVALID]


def test_default_routes_and_vrps():
    index = index_of(('0.0.0.0/0', 32, 65000), ('::/0', 128, 65000))
    assert index.validate('0.0.0.0/0', 65000).state == VALID
    assert index.validate('203.0.113.7/32', 65000).state == VALID
    assert index.validate('203.0.113.0/24', 65001).state == INVALID
    assert index.validate('2001:db8::1/128', 65000).state == VALID
    assert index.validate('2001:db8::/32', 65001).state == INVALID
    assert index.covering('::/0') == (Vrp('::/0', 128, 65000),)
    narrow = index_of(('10.0.0.0/8', 8, 65000))
    assert narrow.validate('0.0.0.0/0', 65000).state == NOT_FOUND  # a /0 is covered only by a /0


def test_ipv6_longer_than_64():
    """VRPs and routes beyond /64 take the exact path; the fast one only sees the top 64 bits."""
    index = index_of(('2001:db8::/32', 128, 1), ('2001:db8:0:1::/64', 64, 2),
                     ('2001:db8:0:1::100/120', 124, 3), ('2001:db8:0:1::200/120', 120, 4),
                     ('2001:db8:0:1:8000::/65', 65, 5))
    cases = [('2001:db8:0:1::100/124', 3, VALID), ('2001:db8:0:1::100/125', 3, INVALID),
             ('2001:db8:0:1::110/124', 4, INVALID),          # same top 64 bits, other /120
             ('2001:db8:0:1::200/120', 4, VALID), ('2001:db8:0:1::300/120', 4, INVALID),
             ('2001:db8:0:1::300/120', 1, VALID), ('2001:db8:0:1::/64', 2, VALID),
             ('2001:db8:0:1:8000::/65', 5, VALID), ('2001:db8:0:1:8000::/66', 5, INVALID),
             ('2001:db8:0:1::/65', 5, INVALID), ('2001:db9::/128', 1, NOT_FOUND)]
    for route, origin, state in cases:
        assert index.validate(route, origin).state == state, route
    assert batch_states(index, [(route, origin) for route, origin, _ in cases]) == \
        [state for _, _, state in cases]
    assert [v.asn for v in index.covering('2001:db8:0:1::101/128')] == [1, 2, 3]


def test_duplicates_and_nesting():
    index = RovIndex(VrpTable.from_rows([
        ('10.0.0.0/16', 16, 1, 'ripe'), ('10.0.0.0/16', 16, 1, 'arin'), ('10.0.0.0/20', 24, 1, None),
        ('10.0.0.0/24', 24, 2, None), ('10.0.0.0/20', 20, 3, None)]))
    assert len(index.table) == 4
    assert index.covering('10.0.0.0/24') == (Vrp('10.0.0.0/16', 16, 1, 'arin'),
                                            Vrp('10.0.0.0/20', 20, 3), Vrp('10.0.0.0/20', 24, 1),
                                            Vrp('10.0.0.0/24', 24, 2))
    inner = index.validate('10.0.0.0/24', 1)
    assert inner.state == VALID and inner.matched == (Vrp('10.0.0.0/20', 24, 1),)
    assert index.validate('10.0.0.0/24', 2).state == VALID
    assert index.validate('10.0.0.0/22', 2).reason_code == OTHER_ORIGIN
    assert index.validate('10.0.0.0/21', 3).reason_code == TOO_SPECIFIC
    assert index.validate('10.0.1.0/24', 1).matched == (Vrp('10.0.0.0/20', 24, 1),)
    assert index.validate('10.0.16.0/24', 1).reason == 'more specific than allowed: 10.0.0.0/16-16 AS1'
    assert index.validate('10.1.0.0/24', 1).state == NOT_FOUND


def test_loose_max_length_is_reported():
    """RFC 9319: a matched VRP whose maxLength exceeds its own length deserves a warning."""
    index = index_of(('192.0.2.0/24', 24, 1), ('192.0.2.0/23', 25, 1))
    result = index.validate('192.0.2.0/24', 1)
    assert set(result.matched) == {Vrp('192.0.2.0/24', 24, 1), Vrp('192.0.2.0/23', 25, 1)}
    assert result.loose == (Vrp('192.0.2.0/23', 25, 1),)


def test_prefix_forms_and_errors():
    assert REFERENCE_VRPS.validate(netaddr.IPNetwork('192.0.2.0/24'), 65001).state == VALID
    with pytest.raises(ValueError, match='host bits'):
        REFERENCE_VRPS.validate('192.0.2.1/24', 65001)
    with pytest.raises(ValueError, match='not a prefix'):
        REFERENCE_VRPS.covering('192.0.2.0')


def test_reasons_name_five_vrps_at_most():
    index = index_of(*[(f'10.0.0.0/{n}', n, 1) for n in range(8, 16)])
    reason = index.validate('10.0.0.0/24', 2).reason
    assert reason.endswith('10.0.0.0/12-12 AS1 and 3 more') and reason.count(' AS1') == 5


# -- batch == one route == the RFC read naively -------------------------------------

def rfc6811(vrps, route, origin):
    """RFC 6811 section 2, word for word, over (ip_network, max_length, asn) triples."""
    covering = [v for v in vrps if v[0].version == route.version and route.subnet_of(v[0])]
    if not covering:
        return NOT_FOUND
    if any(origin is not None and asn == origin and asn != 0 and route.prefixlen <= max_length
           for _, max_length, asn in covering):
        return VALID
    return INVALID


BASES = {4: [0x0A000000, 0xC0000200], 6: [0x20010DB8 << 96, 0x20010DB8 << 96 | 0xABCD << 48]}


@st.composite
def networks(draw):
    family = draw(st.sampled_from([4, 6]))
    bits = 32 if family == 4 else 128
    length = draw(st.integers(0, bits))
    address = draw(st.sampled_from(BASES[family])) ^ draw(st.integers(0, 255)) << (bits - 12) \
        ^ draw(st.integers(0, 3)) << (bits - length - 2 if length <= bits - 2 else 0)
    address &= ((1 << bits) - 1) ^ ((1 << (bits - length)) - 1)
    return ipaddress.ip_network((address, length))


ORIGINS = st.sampled_from([None, 0, 1, 2, 3, 4294967295])


@st.composite
def vrp_sets(draw):
    vrps = []
    for prefix in draw(st.lists(networks(), max_size=25)):
        max_length = draw(st.integers(prefix.prefixlen, prefix.max_prefixlen))
        vrps.append((prefix, max_length, draw(st.sampled_from([0, 1, 2, 3, 4294967295]))))
    return vrps


@settings(max_examples=300, deadline=None)
@given(vrps=vrp_sets(), routes=st.lists(st.tuples(networks(), ORIGINS), max_size=30), data=st.data())
def test_batch_equals_one_by_one_equals_the_rfc(vrps, routes, data):
    routes = routes + [(v[0], data.draw(ORIGINS)) for v in vrps]       # exact and nested hits
    index = RovIndex(VrpTable.from_rows([(str(p), m, a, None) for p, m, a in vrps]))
    parsed = parse_prefixes([str(route) for route, _ in routes])
    origins = np.array([-1 if o is None else o for _, o in routes], np.int64)
    states, reasons = index.validate_column(parsed, origins)
    for row, (route, origin) in enumerate(routes):
        single = index.validate(str(route), origin)
        expected = rfc6811(vrps, route, origin)
        assert single.state == expected == STATES[states[row]], (route, origin)
        assert single.reason_code == reasons[row]
        covering = {(str(p), m, a) for p, m, a in vrps if p.version == route.version
                    and route.subnet_of(p)}
        assert {(v.prefix, v.max_length, v.asn) for v in index.covering(str(route))} == covering
        assert set(single.matched) | set(single.unmatched_as) | set(single.unmatched_length) \
            == set(index.covering(str(route)))
    for family in (4, 6):
        rows = np.flatnonzero(parsed.family == family)
        texts = index.reasons_many(family, parsed.hi[rows], parsed.lo[rows],
                                   parsed.length[rows].astype(np.int64), origins[rows], reasons[rows])
        assert texts == [index.validate(str(routes[row][0]), routes[row][1]).reason for row in rows]


def test_state_codes_are_rtrlibs():
    assert (CODE_VALID, CODE_NOT_FOUND, CODE_INVALID) == (0, 1, 2)
    assert STATES == (VALID, NOT_FOUND, INVALID)


# -- the ripe-2016 data as one world ---------------------------------------------------

def ris_routes(name):
    """(prefix, origin) of a RIS whois dump: 'origin<TAB>prefix<TAB>peers'."""
    with open(path('ripe-2016', name)) as handle:
        return [(fields[1], int(fields[0])) for fields in
                (line.split('\t') for line in handle if line.strip() and not line.startswith('%'))]


def test_ripe_2016_world():
    """ROAs from the RIPE validator's export against what RIS saw that day.

    The RIS excerpt holds 0.0.0.0/0 and ::/0, APNIC's 1.0.0.0-1.1.8.0 and
    IPv6 under 2001::/32 to 2001:220::/35. The 49 ROAs cover 5.x to 213.x
    and 2001:660::/32, 2a00:bf60::/32, 2a04:2b03:14bb::/48 and
    2a04:ec40:ff03::/48: none covers an announcement of the excerpt (and no
    ROA is a /0), so every one of the 70 is not-found. Announcements inside
    the ROAs' space, reasoned out by hand from the ROA lines:
      AS6453,194.126.0.0/19,24   /19 and a /24 under it by AS6453 valid,
                                 a /25 too specific, another origin invalid;
      AS14754,190.62.0.0/16,20   a /20 valid, a /21 too specific;
      AS60390,2a00:bf60::/32,33  the upper /33 valid, a /34 too specific;
      AS2200,2001:660::/32,32    the /32 valid, a /48 too specific;
      AS1759,193.143.8.0/21,24   193.143.9.0/24 by AS1759 valid, by AS1760 invalid;
      nothing covers 193.143.16.0/24 (just past that /21): not-found.
    """
    index = RovIndex(parse(open(path('ripe-2016', 'roas.csv'), 'rb').read()).table)
    seen = ris_routes('ris-ipv4.txt') + ris_routes('ris-ipv6.txt')
    assert len(seen) == 35 + 35                 # (the data README says 36 + 38)
    assert {index.validate(prefix, origin).state for prefix, origin in seen} == {NOT_FOUND}
    assert index.validate('0.0.0.0/0', 6830).reason == 'no covering VRP'
    by_hand = [('194.126.0.0/19', 6453, VALID, MATCHED), ('194.126.4.0/24', 6453, VALID, MATCHED),
               ('194.126.4.0/25', 6453, INVALID, TOO_SPECIFIC),
               ('194.126.4.0/24', 3356, INVALID, OTHER_ORIGIN),
               ('190.62.16.0/20', 14754, VALID, MATCHED), ('190.62.16.0/21', 14754, INVALID, TOO_SPECIFIC),
               ('2a00:bf60:8000::/33', 60390, VALID, MATCHED),
               ('2a00:bf60:8000::/34', 60390, INVALID, TOO_SPECIFIC),
               ('2001:660::/32', 2200, VALID, MATCHED), ('2001:660:1::/48', 2200, INVALID, TOO_SPECIFIC),
               ('193.143.9.0/24', 1759, VALID, MATCHED), ('193.143.9.0/24', 1760, INVALID, OTHER_ORIGIN),
               ('193.143.16.0/24', 1759, NOT_FOUND, NO_VRP)]
    for prefix, origin, state, code in by_hand:
        result = index.validate(prefix, origin)
        assert (result.state, result.reason_code) == (state, code), prefix
    assert index.validate('194.126.4.0/24', 3356).reason == \
        'origin AS3356 not authorised: 194.126.0.0/19-24 AS6453'
    assert batch_states(index, [(p, o) for p, o, _, _ in by_hand]) == [s for _, _, s, _ in by_hand]


# -- noc rov's CSV core ---------------------------------------------------------------

def run_csv(index, text):
    out = io.StringIO()
    counts = rov_csv.run(index, io.StringIO(text), out)
    return counts, list(csv.reader(io.StringIO(out.getvalue())))


def test_rov_csv_reads_lines_and_writes_csv():
    text = ('# routes seen at the edge\n'
            '192.0.2.0/24 65001\n'
            '\n'
            '192.0.2.128/25\tAS65001\n'
            '203.0.113.0/24,as65003   # a comment\n'
            '198.51.100.0/24 65002\n'
            '100.64.1.0/24 65001_65002\n'
            '2001:db8:1::/49 65001\n'
            '192.0.2.1/24 65001\n'
            '192.0.2.0/24 ASX\n'
            '192.0.2.0/24\n'
            '192.0.2.0/24 1 2\n'
            '192.0.2.0/24 4294967296\n')
    counts, rows = run_csv(REFERENCE_VRPS, text)
    assert rows == [
        ['prefix', 'origin', 'state', 'reason'],
        ['192.0.2.0/24', '65001', 'valid', 'a VRP matches'],
        ['192.0.2.128/25', '65001', 'invalid', 'more specific than allowed: 192.0.2.0/24-24 AS65001'],
        ['203.0.113.0/24', '65003', 'invalid', 'origin AS65003 not authorised: 203.0.113.0/24-24 AS65002'],
        ['198.51.100.0/24', '65002', 'not-found', 'no covering VRP'],
        ['100.64.1.0/24', '65001_65002', 'invalid', 'covered only by AS0 VRPs: 100.64.0.0/16-24 AS0'],
        ['2001:db8:1::/49', '65001', 'invalid', 'more specific than allowed: 2001:db8::/32-48 AS65001'],
        ['192.0.2.1/24 65001', '', 'error',
         "'192.0.2.1/24' has host bits set (the prefix would be 192.0.2.0/24)"],
        ['192.0.2.0/24 ASX', '', 'error', "origin 'ASX' is not an AS number (64500 or AS64500)"],
        ['192.0.2.0/24', '', 'error', 'expected PREFIX ORIGIN, found 1 fields'],
        ['192.0.2.0/24 1 2', '', 'error', 'expected PREFIX ORIGIN, found 3 fields'],
        ['192.0.2.0/24 4294967296', '', 'error',
         "origin '4294967296' is not an AS number (64500 or AS64500)"],
    ]
    assert (counts.valid, counts.invalid, counts.not_found, counts.error, counts.total) == (1, 4, 1, 5, 11)


def test_rov_csv_quotes_what_needs_quoting():
    index = index_of(('10.0.0.0/16', 24, 1), ('10.0.0.0/24', 24, 2))
    counts, rows = run_csv(index, '10.0.0.0/24 3\n"10.0.0.0/24" 1\n10.0.0.0/24 003\n')
    assert rows[1] == ['10.0.0.0/24', '3', 'invalid',
                       'origin AS3 not authorised: 10.0.0.0/16-24 AS1, 10.0.0.0/24-24 AS2']
    assert rows[2][:3] == ['"10.0.0.0/24" 1', '', 'error']
    assert rows[3][:3] == ['10.0.0.0/24', '3', 'invalid']          # the origin as a number
    assert counts.total == 3


def test_rov_csv_agrees_with_validate_over_many_chunks(monkeypatch):
    """Chunks of 7 lines through the fast path (no commas, no comments, two
    fields a line), with lines without a newline at the end."""
    monkeypatch.setattr(rov_csv, 'CHUNK', 7)
    index = RovIndex(parse(open(path('rpki', 'stayrtr-test.rpki.json'), 'rb').read()).table)
    routes = [('1.0.0.0/24', 13335), ('1.0.0.0/25', 13335), ('1.0.4.0/23', 38803), ('9.9.9.0/24', 1),
              ('2001:610:240::/42', 3333), ('2001:610:240::/43', 3333), ('2001:610::/48', 1103),
              ('2800:38::1/128', 27808), ('2800:40::/48', 16814), ('2800:40::/49', 16814),
              ('192.0.2.0/24', 2), ('2001:4248::/64', 30999), ('2001:4248::/65', 30999)] * 3
    out = io.StringIO()
    counts = rov_csv.run(index, io.StringIO('\n'.join(f'{p} {o}' for p, o in routes)), out)
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator='\n')
    writer.writerow(['prefix', 'origin', 'state', 'reason'])
    for prefix, origin in routes:
        result = index.validate(prefix, origin)
        writer.writerow([prefix, origin, result.state, result.reason if result.state == INVALID else
                         'a VRP matches' if result.state == VALID else 'no covering VRP'])
    assert out.getvalue() == expected.getvalue()            # to the byte, quoting included
    assert counts.total == len(routes)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet='0123456789./:ASas_, \t#"\r', max_size=30), max_size=40))
def test_rov_csv_output_is_what_the_csv_module_writes(lines):
    """Whatever the lines, each gives one row of four fields, and writing the
    rows back with the csv module gives the same text (quoting included)."""
    out = io.StringIO()
    rov_csv.run(REFERENCE_VRPS, [line + '\n' for line in lines], out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    expected = [line for line in lines if rov_csv._fields(line)]
    assert len(rows) == len(expected) + 1 and all(len(row) == 4 for row in rows)
    again = io.StringIO()
    csv.writer(again, lineterminator='\n').writerows(rows)
    assert again.getvalue() == out.getvalue()
