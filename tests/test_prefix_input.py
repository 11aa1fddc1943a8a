"""Reading pasted prefixes (every accepted form, every error) and their sanity checks."""
import pytest
from flask_babel.speaklater import LazyString
from helpers.shared_data import path

from noc.routing.prefix_requests.input import (
    Entry,
    canonical_prefix,
    check,
    parse_asn,
    parse_lines,
    parse_prefix,
    valid_as_set,
)
from noc.routing.prefix_requests.prefix_lists import FORMATS, render


def pairs(parsed):
    return [(e.prefix, e.origin) for e in parsed.entries]


def only_error(text, default_origin=None):
    parsed = parse_lines(text, default_origin)
    assert parsed.entries == []
    assert len(parsed.errors) == 1, [str(e.message) for e in parsed.errors]
    return parsed.errors[0]


# -- AS numbers -----------------------------------------------------------------

@pytest.mark.parametrize('text, value', [
    ('AS64500', 64500), ('as64500', 64500), ('64500', 64500), (' AS64500 ', 64500),
    ('1.10', 65546), ('AS1.10', 65546), ('0.65535', 65535), ('65535.65535', 4294967295),
    ('0', 0), ('4294967295', 4294967295), ('AS263009', 263009), (64500, 64500),
])
def test_parse_asn(text, value):
    assert parse_asn(text) == value


@pytest.mark.parametrize('text, words', [
    ('AS-FOO', 'not an AS number'), ('ASX', 'not an AS number'), ('', 'not an AS number'),
    ('AS 64500', 'not an AS number'), ('-1', 'not an AS number'), ('6450O', 'not an AS number'),
    ('4294967296', 'out of range'), ('AS99999999999', 'out of range'),
    ('1.65536', 'asdot'), ('65536.0', 'asdot'), ('1.2.3', 'not an AS number'),
])
def test_parse_asn_refuses(text, words):
    with pytest.raises(ValueError) as caught:
        parse_asn(text)
    assert words in str(caught.value)


# -- prefixes -------------------------------------------------------------------

def test_parse_prefix_canonical_forms():
    assert str(parse_prefix('192.0.2.0/24')) == '192.0.2.0/24'
    assert str(parse_prefix('2001:DB8:0:0::/32')) == '2001:db8::/32'
    assert str(parse_prefix(' 2804:14C::/32 ')) == '2804:14c::/32'
    assert canonical_prefix('192.0.2.0/024') == '192.0.2.0/24'


@pytest.mark.parametrize('text, words', [
    ('192.0.2.1/24', 'host bits set; did you mean 192.0.2.0/24?'),
    ('2001:db8::1/32', 'host bits set; did you mean 2001:db8::/32?'),
    ('192.0.2.0', 'has no prefix length (for example 192.0.2.0/24)'),
    ('2001:db8::', 'has no prefix length (for example 2001:db8::/48)'),
    ('192.0.2.0/33', '/33 is too long for IPv4 (at most /32)'),
    ('2001:db8::/129', '/129 is too long for IPv6 (at most /128)'),
    ('300.0.2.0/24', '300.0.2.0 is not an IP address'),
    ('192.0.2/24', '192.0.2 is not an IP address'),
    ('01.0.2.0/24', '01.0.2.0 is not an IP address'),
    ('example.com', 'is not a prefix'),
    ('192.0.2.0/255.255.255.0', 'is not a prefix'),
])
def test_parse_prefix_refuses(text, words):
    with pytest.raises(ValueError) as caught:
        parse_prefix(text)
    assert words in str(caught.value)


# -- accepted line forms --------------------------------------------------------

@pytest.mark.parametrize('line', [
    '192.0.2.0/24 AS64500',
    '192.0.2.0/24 64500',
    '192.0.2.0/24,AS64500',
    '192.0.2.0/24, AS64500',
    '192.0.2.0/24;64500',
    '192.0.2.0/24\tAS64500',
    'AS64500 192.0.2.0/24',
    '"192.0.2.0/24","AS64500"',
    '  192.0.2.0/24   as64500  ',
    '192.0.2.0/24 AS64500 # customer X',
    '192.0.2.0/24 AS64500 // customer X',
    'ip prefix-list CUST seq 5 permit 192.0.2.0/24 AS64500',
])
def test_prefix_with_origin_forms(line):
    parsed = parse_lines(line)
    assert parsed.errors == []
    assert parsed.entries == [Entry(1, '192.0.2.0/24', 64500, line.strip())]


@pytest.mark.parametrize('line', [
    '192.0.2.0/24',
    '192.0.2.0/24,',                                      # IOS XR prefix-set / BIRD
    ' 192.0.2.0/24,',
    '192.0.2.0/24;',                                      # Junos prefix-list
    '    192.0.2.0/24;',
    'route-filter 192.0.2.0/24 exact;',                   # Junos route-filter
    'route-filter 192.0.2.0/24 exact accept;',
    'ip prefix-list CUST permit 192.0.2.0/24',            # Cisco IOS
    'ip prefix-list CUST seq 5 permit 192.0.2.0/24',
    'ip prefix-list CUST seq 5 permit 192.0.2.0/24 le 24',
    'ip prefix-list CUST seq 5 permit 192.0.2.0/24 ge 24 le 24',
    'seq 10 permit 192.0.2.0/24',                         # Arista EOS (bgpq4 -e)
    '192.0.2.0/24{24,24}',                                # BIRD
    '    192.0.2.0/24{24,24},',
    '192.0.2.0/24 le 24,',                                # IOS XR with a range that is exact
    '{ "prefix": "192.0.2.0\\/24", "exact": true },',     # bgpq4 -j
    '    { "prefix": "192.0.2.0/24", "exact": true }',
])
def test_router_line_forms_take_the_default_origin(line):
    parsed = parse_lines(line, default_origin=64500)
    assert parsed.errors == []
    assert pairs(parsed) == [('192.0.2.0/24', 64500)]


def test_ipv6_forms():
    text = '\n'.join([
        '2001:DB8:1::/48 AS64500',
        'ipv6 prefix-list CUST seq 5 permit 2001:db8:2::/48',
        'route-filter 2001:db8:3::/48 exact;',
        ' 2001:db8:4::/48,',
        '2001:db8:5::/48{48,48}',
        'route6: 2001:db8:6::/48',
        'origin: AS64501',
    ])
    parsed = parse_lines(text, default_origin='AS64500')
    assert parsed.errors == []
    assert pairs(parsed) == [('2001:db8:1::/48', 64500), ('2001:db8:2::/48', 64500),
                             ('2001:db8:3::/48', 64500), ('2001:db8:4::/48', 64500),
                             ('2001:db8:5::/48', 64500), ('2001:db8:6::/48', 64501)]


def test_csv_with_header_picks_the_named_columns():
    text = 'prefix,origin\n192.0.2.0/24,AS64500\n198.51.100.0/24,64501\n203.0.113.0/24,\n'
    parsed = parse_lines(text, default_origin=64499)
    assert parsed.errors == []
    assert pairs(parsed) == [('192.0.2.0/24', 64500), ('198.51.100.0/24', 64501),
                             ('203.0.113.0/24', 64499)]
    assert [e.line for e in parsed.entries] == [2, 3, 4]


def test_csv_header_in_another_order_with_extra_columns():
    # The RIPE validator's ROA export: origin first, then a maxLength column.
    text = 'ASN,IP Prefix,Max Length\nAS64500,192.0.2.0/24,24\nAS64501,2001:db8::/32,48\n'
    parsed = parse_lines(text)
    assert parsed.errors == []
    assert pairs(parsed) == [('192.0.2.0/24', 64500), ('2001:db8::/32', 64501)]


def test_semicolon_csv_and_single_column_header():
    parsed = parse_lines('Prefix;Origin\n192.0.2.0/24;AS64500\n')
    assert pairs(parsed) == [('192.0.2.0/24', 64500)]
    parsed = parse_lines('prefix\n192.0.2.0/24\n', default_origin=64501)
    assert parsed.errors == [] and pairs(parsed) == [('192.0.2.0/24', 64501)]


def test_rpsl_route_objects():
    text = """\
route:          192.0.2.0/24
descr:          Cliente Exemplo
                continuation line, 10/8 mentioned
origin:         AS64500
mnt-by:         MAINT-EXAMPLE
source:         TC # filtered

route6:         2001:db8:100::/48
origin:         AS64500
source:         TC
as-set:         AS-EXAMPLE
members:        AS64500, AS64501

route:          198.51.100.0/24
descr:          no origin here, the default applies
"""
    parsed = parse_lines(text, default_origin=64509)
    assert parsed.errors == []
    assert pairs(parsed) == [('192.0.2.0/24', 64500), ('2001:db8:100::/48', 64500),
                             ('198.51.100.0/24', 64509)]
    assert [e.line for e in parsed.entries] == [1, 8, 14]
    assert parsed.entries[0].raw == 'route:          192.0.2.0/24'


def test_rpsl_objects_without_blank_lines_between_them():
    parsed = parse_lines('route: 192.0.2.0/24\norigin: AS64500\nroute: 198.51.100.0/24\n'
                         'origin: AS64501\n')
    assert pairs(parsed) == [('192.0.2.0/24', 64500), ('198.51.100.0/24', 64501)]


def test_rpsl_indented_as_in_an_email():
    parsed = parse_lines('    route:   192.0.2.0/24\n    origin:  AS64500\n')
    assert parsed.errors == []
    assert pairs(parsed) == [('192.0.2.0/24', 64500)]


def test_real_ripe_route_dumps():
    routes = parse_lines(open(path('ripe-2016', 'ripe-db-route.txt')).read())
    routes6 = parse_lines(open(path('ripe-2016', 'ripe-db-route6.txt')).read())
    assert routes.errors == [] and routes6.errors == []
    assert len(routes.entries) == 62 and len(routes6.entries) == 62
    assert routes.entries[0] == Entry(8, '193.254.30.0/24', 12726, 'route:          193.254.30.0/24')
    assert ('2001:1578:200::/40', 12817) in pairs(routes6)
    # AS5425 registers seven /24s in this dump.
    assert len([e for e in routes.entries if e.origin == 5425]) == 7


def test_real_mixed_rpsl_keeps_only_route_objects():
    parsed = parse_lines(open(path('irr', 'irrexplorer-irrtest.rpsl')).read())
    assert parsed.errors == []
    assert pairs(parsed) == [('207.72.0.0/14', 237)]


def test_real_roa_csv_export():
    parsed = parse_lines(open(path('ripe-2016', 'roas.csv')).read())
    assert parsed.errors == []
    assert len(parsed.entries) == 49
    assert pairs(parsed)[:3] == [('86.106.22.0/24', 31207), ('195.234.172.0/24', 6830),
                                 ('2001:660::/32', 2200)]


BGPQ4_CISCO = """\
no ip prefix-list CUST
ip prefix-list CUST permit 192.0.2.0/24
ip prefix-list CUST permit 198.51.100.0/24
"""
BGPQ4_CISCO_EMPTY = """\
no ipv6 prefix-list CUST
! generated prefix-list CUST is empty
ipv6 prefix-list CUST deny ::/0
"""
BGPQ4_XR = """\
no prefix-set CUST
prefix-set CUST
 192.0.2.0/24,
 198.51.100.0/24
end-set
"""
BGPQ4_JUNIPER = """\
policy-options {
replace:
 prefix-list CUST {
    192.0.2.0/24;
    198.51.100.0/24;
 }
}
"""
BGPQ4_JUNIPER_ROUTE_FILTER = """\
policy-options {
 policy-statement CUST {
replace:
  from {
    route-filter 192.0.2.0/24 exact;
    route-filter 198.51.100.0/24 exact;
  }
 }
}
"""
BGPQ4_BIRD = """\
CUST = [
    192.0.2.0/24,
    198.51.100.0/24
];
"""
BIRD_DEFINE = """\
define CUST = [
    192.0.2.0/24{24,24},
    198.51.100.0/24
];
"""
BGPQ4_JSON = """\
{ "CUST": [
    { "prefix": "192.0.2.0\\/24", "exact": true },
    { "prefix": "198.51.100.0\\/24", "exact": true }
] }
"""


@pytest.mark.parametrize('text', [BGPQ4_CISCO, BGPQ4_XR, BGPQ4_JUNIPER, BGPQ4_JUNIPER_ROUTE_FILTER,
                                  BGPQ4_BIRD, BIRD_DEFINE, BGPQ4_JSON])
def test_bgpq4_outputs_are_read_without_errors(text):
    parsed = parse_lines(text, default_origin=64500)
    assert parsed.errors == []
    assert pairs(parsed) == [('192.0.2.0/24', 64500), ('198.51.100.0/24', 64500)]


def test_empty_bgpq4_output_and_deny_rules_give_nothing():
    parsed = parse_lines(BGPQ4_CISCO_EMPTY + 'route-filter 0.0.0.0/0 orlonger reject;\n'
                         'ip prefix-list CUST seq 10 deny 10.0.0.0/8 le 32\n', default_origin=64500)
    assert parsed.entries == [] and parsed.errors == []


@pytest.mark.parametrize('fmt', sorted(FORMATS))
def test_rendered_lists_read_back(fmt):
    prefixes = ['192.0.2.0/24', '198.51.100.0/25', '203.0.113.0/24']
    parsed = parse_lines(render(fmt, 'CUST', prefixes, 4), default_origin=64500)
    assert parsed.errors == []
    assert [e.prefix for e in parsed.entries] == prefixes
    prefixes6 = ['2001:db8::/32', '2001:db8:1::/48']
    parsed = parse_lines(render(fmt, 'CUST', prefixes6, 6), default_origin=64500)
    assert parsed.errors == []
    assert [e.prefix for e in parsed.entries] == prefixes6


def test_comments_and_blank_lines_are_ignored():
    text = '# hash\n! bang\n% percent\n// slashes\n/* junos */\n\n   \n192.0.2.0/24 AS64500\n'
    parsed = parse_lines(text)
    assert parsed.errors == []
    assert parsed.entries == [Entry(8, '192.0.2.0/24', 64500, '192.0.2.0/24 AS64500')]


def test_several_prefixes_on_one_line_share_its_origin():
    parsed = parse_lines('192.0.2.0/24, 198.51.100.0/24 AS64500\n2001:db8::/32 2001:db8:1::/48',
                         default_origin=64501)
    assert parsed.errors == []
    assert pairs(parsed) == [('192.0.2.0/24', 64500), ('198.51.100.0/24', 64500),
                             ('2001:db8::/32', 64501), ('2001:db8:1::/48', 64501)]


def test_duplicates_keep_the_first_line():
    text = '192.0.2.0/24 AS64500\n192.0.2.0/24 64500\n192.0.2.0/24,AS64500\n2001:DB8::/32 AS1\n' \
           '2001:db8:0::/32 AS1\n'
    parsed = parse_lines(text)
    assert parsed.errors == []
    assert [(e.line, e.prefix, e.origin) for e in parsed.entries] == [
        (1, '192.0.2.0/24', 64500), (4, '2001:db8::/32', 1)]


def test_the_same_prefix_with_another_origin_is_a_separate_entry():
    # Kept: the pair is what gets accepted, and silently dropping a second
    # origin would lose what the customer asked for.
    parsed = parse_lines('192.0.2.0/24 AS64500\n192.0.2.0/24 AS64501\n')
    assert pairs(parsed) == [('192.0.2.0/24', 64500), ('192.0.2.0/24', 64501)]


def test_default_origin_may_be_text():
    assert pairs(parse_lines('192.0.2.0/24', 'AS64500')) == [('192.0.2.0/24', 64500)]
    with pytest.raises(ValueError):
        parse_lines('192.0.2.0/24', 'AS-FOO')


def test_empty_input():
    for text in ('', None, '\n\n  \n# only a comment\n'):
        parsed = parse_lines(text)
        assert parsed.entries == [] and parsed.errors == []


# -- errors: one per bad line, with its number ---------------------------------

@pytest.mark.parametrize('line, words', [
    ('hello world', '"hello" is not a prefix'),
    ('192.0.2.1/24 AS64500', 'host bits set; did you mean 192.0.2.0/24?'),
    ('2001:db8::1/32 AS64500', 'did you mean 2001:db8::/32?'),
    ('192.0.2.0 AS64500', '192.0.2.0 has no prefix length'),
    ('192.0.2.0/40 AS64500', '/40 is too long for IPv4'),
    ('999.0.2.0/24 AS64500', '999.0.2.0 is not an IP address'),
    ('192.0.2.0/24 AS-CUSTOMER', 'The origin is not valid: "AS-CUSTOMER" is not an AS number'),
    ('192.0.2.0/24 ASX', '"ASX" is not an AS number'),
    ('192.0.2.0/24 AS4294967296', 'out of range'),
    ('192.0.2.0/24 AS64500 AS64501', 'More than one AS number on this line: AS64500 and AS64501'),
    ('192.0.2.0/24', 'No origin AS for 192.0.2.0/24'),
    ('192.0.2.0/24 AS64500 announced since 2019', 'Unexpected "announced" after the prefix'),
    ('AS64500', 'No prefix on this line, only "AS64500"'),
    ('ip prefix-list CUST permit 192.0.2.0/23 le 24 AS64500', '192.0.2.0/23 is given with a range'),
    ('ip prefix-list CUST permit 192.0.2.0/23 ge 24 AS64500', 'is given with a range'),
    ('route-filter 192.0.2.0/23 upto /24; AS64500', 'is given with a range'),
    ('route-filter 192.0.2.0/23 orlonger; AS64500', 'is given with a range'),
    ('route-filter 192.0.2.0/23 longer; AS64500', 'is given with a range'),
    ('route-filter 192.0.2.0/23 prefix-length-range /24-/24; AS64500', 'is given with a range'),
    ('192.0.2.0/23{23,24} AS64500', 'is given with a range'),
    ('192.0.2.0/23+ AS64500', 'is given with a range'),
    ('{ "prefix": "192.0.2.0\\/23", "exact": false, "less-equal": 24 }', 'allows a range'),
])
def test_bad_lines(line, words):
    parsed = parse_lines('198.51.100.0/24 AS64500\n\n' + line + '\n')
    assert pairs(parsed) == [('198.51.100.0/24', 64500)]
    assert len(parsed.errors) == 1
    error = parsed.errors[0]
    assert error.line == 3
    assert error.text == line
    assert words in str(error.message), str(error.message)


def test_rpsl_errors_point_at_their_lines():
    text = ('route: 192.0.2.0/24\norigin: AS-NOPE\n\nroute: 198.51.100.1/24\norigin: AS64500\n\n'
            'route6: 2001:db8::/32\ndescr: no origin\n')
    parsed = parse_lines(text)
    assert parsed.entries == []
    assert [(e.line, e.text) for e in parsed.errors] == [
        (2, 'origin: AS-NOPE'), (4, 'route: 198.51.100.1/24'), (7, 'route6: 2001:db8::/32')]
    messages = [str(e.message) for e in parsed.errors]
    assert '"AS-NOPE" is not an AS number' in messages[0]
    assert 'did you mean 198.51.100.0/24?' in messages[1]
    assert 'route object for 2001:db8::/32 has no origin' in messages[2]


def test_many_errors_each_on_its_line():
    text = 'junk\n192.0.2.0/24 AS64500\n10.0.0.1/8 AS1\n\n192.0.2.0/24 AS1 AS2\n'
    parsed = parse_lines(text)
    assert [e.line for e in parsed.errors] == [1, 3, 5]
    assert pairs(parsed) == [('192.0.2.0/24', 64500)]


def test_error_text_is_bounded():
    error = only_error('x' * 5000)
    assert len(error.text) <= 200
    assert len(str(error.message)) < 400


# -- sanity checks ------------------------------------------------------------

def codes(problems):
    return [(p.code, p.overridable) for p in problems]


@pytest.mark.parametrize('prefix, origin', [
    ('8.8.8.0/24', 15169), ('177.10.0.0/16', 263009), ('2804:14c::/32', 28573),
    ('193.0.0.0/21', 3333), ('192.31.196.0/24', 112), ('2001:4:112::/48', 112),
    ('177.0.0.0/8', 64495), ('2804::/16', 131072), ('2804:1::/48', 4199999999),
])
def test_sane_announcements(prefix, origin):
    assert check(prefix, origin) == []


@pytest.mark.parametrize('prefix, words', [
    ('10.1.0.0/16', '10.0.0.0/8, Private-Use (RFC 1918)'),
    ('100.64.0.0/10', '100.64.0.0/10, Shared Address Space (RFC 6598)'),
    ('192.0.2.0/24', '192.0.2.0/24, Documentation (TEST-NET-1) (RFC 5737)'),
    ('2001:db8::/32', '2001:db8::/32, Documentation (RFC 3849)'),
    ('3fff::/20', '3fff::/20, Documentation (RFC 9637)'),
    ('fe80::/16', 'fe80::/10, Link-Local Unicast (RFC 4291)'),
    ('224.0.0.0/8', '224.0.0.0/4, Multicast (RFC 5771)'),
    ('192.168.0.0/15', 'covers 192.168.0.0/16, Private-Use (RFC 1918)'),
])
def test_special_use_space_is_refused_for_good(prefix, words):
    problems = [p for p in check(prefix, 3333) if p.code == 'special_use']
    assert len(problems) == 1
    assert problems[0].overridable is False
    assert words in str(problems[0].message)


@pytest.mark.parametrize('origin, code, words', [
    (0, 'asn_zero', 'AS0 is AS 0'),
    (23456, 'asn_as_trans', 'AS_TRANS'),
    (64496, 'asn_documentation', 'reserved for documentation (RFC 5398)'),
    (65551, 'asn_documentation', 'documentation'),
    (64512, 'asn_private', 'reserved for private use (RFC 6996)'),
    (4200000000, 'asn_private', 'private use'),
    (65535, 'asn_reserved', 'AS65535 is reserved (RFC 7300)'),
    (131071, 'asn_reserved', 'AS131071 is reserved'),
    (4294967295, 'asn_reserved', 'AS4294967295 is reserved'),
])
def test_reserved_origins(origin, code, words):
    problems = check('177.10.0.0/16', origin)
    assert codes(problems) == [(code, False)]
    assert words in str(problems[0].message)


@pytest.mark.parametrize('prefix, code, words', [
    ('177.10.0.0/25', 'too_long', 'longer than /24'),
    ('177.10.0.0/32', 'too_long', 'longer than /24'),
    ('2804:14c::/49', 'too_long', 'longer than /48'),
    ('176.0.0.0/7', 'too_short', 'shorter than /8'),
    ('2800::/15', 'too_short', 'shorter than /16'),
])
def test_unusual_lengths_can_be_overridden(prefix, code, words):
    problems = check(prefix, 263009)
    assert codes(problems) == [(code, True)]
    assert words in str(problems[0].message)


def test_length_limits_are_inclusive():
    assert check('177.10.0.0/24', 263009) == []
    assert check('177.0.0.0/8', 263009) == []
    assert check('2804:14c::/48', 263009) == []
    assert check('2804::/16', 263009) == []


def test_length_limits_from_the_configuration():
    limits = {'max_v4': 25, 'max_v6': 64, 'min_v4': 12, 'min_v6': 20}
    assert check('177.10.0.0/25', 263009, limits=limits) == []
    assert codes(check('177.10.0.0/26', 263009, limits=limits)) == [('too_long', True)]
    assert '/25' in str(check('177.10.0.0/26', 263009, limits=limits)[0].message)
    assert codes(check('177.0.0.0/11', 263009, limits=limits)) == [('too_short', True)]
    assert check('2804:14c:1:2::/64', 263009, limits=limits) == []
    assert codes(check('2804::/19', 263009, limits=limits)) == [('too_short', True)]
    assert codes(check('177.10.0.0/25', 263009, limits={'max_v6': 64})) == [('too_long', True)]


def test_problems_add_up():
    assert codes(check('10.0.0.0/25', 64512)) == [
        ('special_use', False), ('asn_private', False), ('too_long', True)]


def test_lab_mode_admits_documentation_only():
    assert codes(check('192.0.2.0/24', 64500)) == [('special_use', False),
                                                   ('asn_documentation', False)]
    assert check('192.0.2.0/24', 64500, lab=True) == []
    assert check('2001:db8:100::/48', 65536, lab=True) == []
    assert check('3fff::/20', 64511, lab=True) == []
    # Lab mode is not a free pass: private space, private ASNs and lengths still count.
    assert codes(check('10.0.0.0/8', 64500, lab=True)) == [('special_use', False)]
    assert codes(check('192.0.2.0/24', 64512, lab=True)) == [('asn_private', False)]
    assert codes(check('192.0.2.0/25', 64500, lab=True)) == [('too_long', True)]
    assert codes(check('192.0.0.0/22', 64500, lab=True)) == [('special_use', False)]


def test_check_refuses_what_is_not_a_prefix():
    with pytest.raises(ValueError) as caught:
        check('192.0.2.1/24', 64500)
    assert 'did you mean 192.0.2.0/24?' in str(caught.value)


def test_messages_are_lazy_strings():
    """Rendered in the reader's language when shown, not when parsed."""
    error = only_error('192.0.2.1/24 AS64500')
    assert isinstance(error.message, LazyString)
    assert all(isinstance(p.message, LazyString) for p in check('10.0.0.0/25', 0))
    with pytest.raises(ValueError) as caught:
        parse_asn('AS-FOO')
    assert isinstance(caught.value.args[0], LazyString)


@pytest.mark.parametrize('name', ['AS-EXAMPLE', 'as-example', 'AS-JANELA-A', 'AS64500:AS-CUSTOMERS',
                                  'AS-FOO:AS-BAR', 'AS-FOO_BAR', 'AS263009:AS-CLIENTES:AS64501'])
def test_valid_as_set_names(name):
    assert valid_as_set(name)


@pytest.mark.parametrize('name', ['', 'AS64500', 'EXAMPLE', 'AS-', 'AS-FOO-', 'AS-FO O',
                                  'AS64500:AS64501', 'AS-FOO::AS-BAR', 'RS-FOO', 'AS-FOO;', None,
                                  'AS-' + 'X' * 300])
def test_invalid_as_set_names(name):
    assert not valid_as_set(name)


def test_a_sentence_mentioning_prefix_is_a_bad_line_not_a_header():
    parsed = parse_lines('not a prefix at all\n192.0.2.0/24', 64500)
    assert [e.prefix for e in parsed.entries] == ['192.0.2.0/24']
    assert [e.line for e in parsed.errors] == [1]
    header = parse_lines('prefix origin\n192.0.2.0/24 AS64501', 64500)
    assert [(e.prefix, e.origin) for e in header.entries] == [('192.0.2.0/24', 64501)]
    assert header.errors == []
