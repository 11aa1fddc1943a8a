"""Special-use address space, reserved AS numbers and the RIR of an address."""
import netaddr
import pytest

from noc.routing.irr import registries
from noc.routing.irr.registries import expected_irr_sources, rir_of
from noc.routing.policy import special
from noc.routing.policy.special import asn_problem, is_documentation_asn, is_documentation_prefix, special_use


def net(text):
    return netaddr.IPNetwork(text)


@pytest.mark.parametrize('prefix, block, name, rfc', [
    ('10.1.0.0/16', '10.0.0.0/8', 'Private-Use', 'RFC 1918'),
    ('100.64.0.0/10', '100.64.0.0/10', 'Shared Address Space', 'RFC 6598'),
    ('100.64.12.0/24', '100.64.0.0/10', 'Shared Address Space', 'RFC 6598'),
    ('192.0.2.0/24', '192.0.2.0/24', 'Documentation (TEST-NET-1)', 'RFC 5737'),
    ('198.51.100.0/25', '198.51.100.0/24', 'Documentation (TEST-NET-2)', 'RFC 5737'),
    ('127.0.0.0/8', '127.0.0.0/8', 'Loopback', 'RFC 1122'),
    ('169.254.1.0/24', '169.254.0.0/16', 'Link Local', 'RFC 3927'),
    ('172.31.0.0/16', '172.16.0.0/12', 'Private-Use', 'RFC 1918'),
    ('198.19.0.0/16', '198.18.0.0/15', 'Benchmarking', 'RFC 2544'),
    ('192.88.99.0/24', '192.88.99.0/24', 'Deprecated (6to4 Relay Anycast)', 'RFC 7526'),
    ('224.0.0.0/4', '224.0.0.0/4', 'Multicast', 'RFC 5771'),
    ('232.1.0.0/16', '224.0.0.0/4', 'Multicast', 'RFC 5771'),
    ('240.0.0.0/8', '240.0.0.0/4', 'Reserved (former Class E)', 'RFC 1112'),
    ('0.0.0.0/8', '0.0.0.0/8', '"This network"', 'RFC 791'),
    ('2001:db8::/32', '2001:db8::/32', 'Documentation', 'RFC 3849'),
    ('2001:db8:1::/48', '2001:db8::/32', 'Documentation', 'RFC 3849'),
    ('3fff::/20', '3fff::/20', 'Documentation', 'RFC 9637'),
    ('fe80::/10', 'fe80::/10', 'Link-Local Unicast', 'RFC 4291'),
    ('fd12:3456::/32', 'fc00::/7', 'Unique-Local', 'RFC 4193'),
    ('ff02::/16', 'ff00::/8', 'Multicast', 'RFC 4291'),
    ('::/8', '::/8', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    ('4000::/16', '4000::/3', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    ('2002::/16', '2002::/16', '6to4', 'RFC 3056'),
    ('2001::/32', '2001::/32', 'TEREDO', 'RFC 4380, RFC 8190'),
    ('2001:2::/48', '2001:2::/48', 'Benchmarking', 'RFC 5180'),
    ('3ffe:1::/32', '3ffe::/16', 'Returned 6bone space', 'RFC 3701'),
    ('5f00:1::/32', '5f00::/16', 'Segment Routing (SRv6) SIDs', 'RFC 9602'),
])
def test_special_use_names_the_block_and_rfc(prefix, block, name, rfc):
    found = special_use(net(prefix))
    assert found is not None, prefix
    assert (found.prefix, found.name, found.rfc) == (block, name, rfc)
    assert not found.reachable


@pytest.mark.parametrize('prefix', [
    '192.31.196.0/24',      # AS112-v4: globally reachable
    '192.175.48.0/24',      # AS112 direct delegation
    '192.52.193.0/24',      # AMT
    '2001:4:112::/48',      # AS112-v6, inside the unreachable 2001::/23
    '2620:4f:8000::/48',    # AS112 direct delegation, IPv6
    '2001:3::/32',          # AMT, IPv6
    '64:ff9b::/96',         # NAT64 well-known prefix, inside ::/8
    '8.8.8.0/24', '177.10.0.0/16', '2804:14c::/32', '2a00:1450::/32', '193.0.0.0/21',
])
def test_globally_reachable_and_ordinary_space_passes(prefix):
    assert special_use(net(prefix)) is None


def test_a_prefix_covering_special_space_is_reported():
    found = special_use(net('192.168.0.0/15'))
    assert found.prefix == '192.168.0.0/16'
    assert special_use(net('0.0.0.0/0')).prefix == '0.0.0.0/8'
    # 192.0.0.0/22 holds the IETF block and TEST-NET-1; the first is named.
    assert special_use(net('192.0.0.0/22')).prefix == '192.0.0.0/24'
    # Around the reachable PCP anycast address, the unreachable IETF /24 decides.
    assert special_use(net('192.0.0.8/29')).prefix == '192.0.0.0/24'


def test_special_use_accepts_text_and_host_bits():
    assert special_use('10.0.0.1/8').prefix == '10.0.0.0/8'


@pytest.mark.parametrize('asn, kind', [
    (0, 'zero'), (1, None), (23456, 'as_trans'), (23455, None), (23457, None),
    (64495, None), (64496, 'documentation'), (64511, 'documentation'),
    (64512, 'private'), (65534, 'private'), (65535, 'reserved'),
    (65536, 'documentation'), (65551, 'documentation'), (65552, 'reserved'),
    (131071, 'reserved'), (131072, None), (4199999999, None),
    (4200000000, 'private'), (4294967294, 'private'), (4294967295, 'reserved'),
    (3333, None), (263009, None),
])
def test_asn_boundaries(asn, kind):
    assert asn_problem(asn) == kind


def test_special_asn_entries_have_names_and_references():
    entry = special.special_asn(64512)
    assert (entry.kind, entry.rfc) == ('private', 'RFC 6996')
    assert special.special_asn(23456).rfc == 'RFC 6793'
    assert special.special_asn(3333) is None


def test_documentation_helpers():
    assert set(special.DOCUMENTATION_PREFIXES) == {
        '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20'}
    assert is_documentation_prefix(net('203.0.113.128/25'))
    assert is_documentation_prefix('2001:db8:ab::/48')
    assert is_documentation_prefix(net('3fff:10::/32'))
    assert not is_documentation_prefix(net('192.0.2.0/23'))     # wider than the block
    assert not is_documentation_prefix(net('10.0.0.0/8'))
    assert is_documentation_asn(64496) and is_documentation_asn(65551)
    assert not is_documentation_asn(64512) and not is_documentation_asn(65552)


def test_every_table_entry_is_a_network_without_host_bits():
    for block in special.IPV4_BLOCKS + special.IPV6_BLOCKS:
        parsed = netaddr.IPNetwork(block.prefix)
        assert parsed.ip == parsed.network, block
        assert block.rfc.startswith('RFC '), block
    for prefix, rir in registries.IPV6_RIR_BLOCKS:
        assert str(netaddr.IPNetwork(prefix).cidr) == prefix
        assert rir in registries.RIRS


# -- registries ---------------------------------------------------------------

@pytest.mark.parametrize('prefix, rir', [
    ('177.0.0.0/8', 'LACNIC'), ('177.10.0.0/16', 'LACNIC'), ('200.160.0.0/20', 'LACNIC'),
    ('186.192.0.0/11', 'LACNIC'), ('191.0.0.0/12', 'LACNIC'),   # 191/8: legacy, LACNIC
    ('193.0.0.0/21', 'RIPE'), ('2.0.0.0/8', 'RIPE'), ('185.1.0.0/24', 'RIPE'),
    ('53.0.0.0/8', 'RIPE'),                                    # legacy, administered by RIPE NCC
    ('8.8.8.0/24', 'ARIN'), ('23.0.0.0/8', 'ARIN'), ('192.0.3.0/24', 'ARIN'),
    ('1.1.1.0/24', 'APNIC'), ('103.0.0.0/8', 'APNIC'), ('133.0.0.0/8', 'APNIC'),
    ('41.0.0.0/8', 'AFRINIC'), ('102.0.0.0/8', 'AFRINIC'), ('154.0.0.0/16', 'AFRINIC'),
    ('2804::/16', 'LACNIC'), ('2804:14c::/32', 'LACNIC'), ('2800::/12', 'LACNIC'),
    ('2001:1200::/23', 'LACNIC'), ('2001:12ff::/32', 'LACNIC'),
    ('2a00:1450::/32', 'RIPE'), ('2001:67c::/32', 'RIPE'), ('2003::/19', 'RIPE'),
    ('2600::/12', 'ARIN'), ('2620:0:860::/46', 'ARIN'), ('2001:4800::/32', 'ARIN'),
    ('2400:cb00::/32', 'APNIC'), ('2001:200::/32', 'APNIC'),
    ('2c0f:f000::/32', 'AFRINIC'), ('2001:4200::/23', 'AFRINIC'),
])
def test_rir_of(prefix, rir):
    assert rir_of(net(prefix)) == rir
    assert rir_of(prefix) == rir


@pytest.mark.parametrize('prefix', [
    '10.0.0.0/8', '127.0.0.0/16', '224.0.0.0/8', '250.0.0.0/8',   # not designated to an RIR
    '176.0.0.0/7',                 # spans two /8s
    '2800::/11',                   # wider than the LACNIC /12
    '3000::/16', 'fe80::/10', '2002::/16',
])
def test_rir_of_outside_rir_space(prefix):
    assert rir_of(net(prefix)) is None


def test_every_routable_slash8_has_exactly_one_rir():
    table = registries.IPV4_RIR_BY_SLASH8
    not_designated = {0, 10, 127} | set(range(224, 256))
    assert set(table) == set(range(256)) - not_designated
    assert set(table.values()) == set(registries.RIRS)
    assert sum(1 for rir in table.values() if rir == 'LACNIC') == 10


def test_expected_irr_sources():
    assert expected_irr_sources('LACNIC') == ('LACNIC', 'TC')
    assert expected_irr_sources('LACNIC', national=False) == ('LACNIC',)
    assert expected_irr_sources('RIPE') == ('RIPE',)
    assert expected_irr_sources('ARIN') == ('ARIN',)
    assert expected_irr_sources('APNIC') == ('APNIC',)
    assert expected_irr_sources('AFRINIC') == ('AFRINIC',)
    assert expected_irr_sources(None) == ()
    assert expected_irr_sources('LACNIC', overrides={'LACNIC': ['TC', 'RADB']}) == ('TC', 'RADB')
    assert expected_irr_sources('RIPE', overrides={'LACNIC': ['TC']}) == ('RIPE',)
