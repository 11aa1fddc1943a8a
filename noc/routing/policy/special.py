"""Address space and AS numbers that must not appear in Internet routing.

Data from IANA's IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890
and the RFCs that added entries since), IANA's IPv6 Address Space registry
(everything outside 2000::/3), IANA's Special-Purpose AS Numbers registry, and
the classic bogons (IPv4 multicast and class E). Each entry keeps the
registry's "Globally Reachable" flag: a block that is globally reachable
(AS112, AMT, the PCP/TURN anycast addresses) may be announced and is not
reported. Registry entries marked "N/A" (TEREDO, 6to4) count as not reachable:
a customer has no business announcing them.
"""
from dataclasses import dataclass
from functools import cache

import netaddr


@dataclass(frozen=True)
class SpecialBlock:
    prefix: str
    name: str
    rfc: str
    reachable: bool = False

    @property
    def network(self):
        return _network(self.prefix)


@dataclass(frozen=True)
class SpecialAsn:
    first: int
    last: int
    kind: str      # 'zero', 'as_trans', 'documentation', 'private', 'reserved'
    name: str
    rfc: str


def _b(prefix, name, rfc, reachable=False):
    return SpecialBlock(prefix, name, rfc, reachable)


# IANA IPv4 Special-Purpose Address Registry (iana-ipv4-special-registry, as of
# 2024), plus 224.0.0.0/4 from the IPv4 Multicast Address Space registry.
IPV4_BLOCKS = (
    _b('0.0.0.0/8', '"This network"', 'RFC 791'),
    _b('0.0.0.0/32', '"This host on this network"', 'RFC 1122'),
    _b('10.0.0.0/8', 'Private-Use', 'RFC 1918'),
    _b('100.64.0.0/10', 'Shared Address Space', 'RFC 6598'),
    _b('127.0.0.0/8', 'Loopback', 'RFC 1122'),
    _b('169.254.0.0/16', 'Link Local', 'RFC 3927'),
    _b('172.16.0.0/12', 'Private-Use', 'RFC 1918'),
    _b('192.0.0.0/24', 'IETF Protocol Assignments', 'RFC 6890'),
    _b('192.0.0.0/29', 'IPv4 Service Continuity Prefix', 'RFC 7335'),
    _b('192.0.0.8/32', 'IPv4 dummy address', 'RFC 7600'),
    _b('192.0.0.9/32', 'Port Control Protocol Anycast', 'RFC 7723', True),
    _b('192.0.0.10/32', 'Traversal Using Relays around NAT Anycast', 'RFC 8155', True),
    _b('192.0.0.170/32', 'NAT64/DNS64 Discovery', 'RFC 8880, RFC 7050'),
    _b('192.0.0.171/32', 'NAT64/DNS64 Discovery', 'RFC 8880, RFC 7050'),
    _b('192.0.2.0/24', 'Documentation (TEST-NET-1)', 'RFC 5737'),
    _b('192.31.196.0/24', 'AS112-v4', 'RFC 7535', True),
    _b('192.52.193.0/24', 'AMT', 'RFC 7450', True),
    _b('192.88.99.0/24', 'Deprecated (6to4 Relay Anycast)', 'RFC 7526'),
    _b('192.88.99.2/32', '6a44-relay anycast address', 'RFC 6751'),
    _b('192.168.0.0/16', 'Private-Use', 'RFC 1918'),
    _b('192.175.48.0/24', 'Direct Delegation AS112 Service', 'RFC 7534', True),
    _b('198.18.0.0/15', 'Benchmarking', 'RFC 2544'),
    _b('198.51.100.0/24', 'Documentation (TEST-NET-2)', 'RFC 5737'),
    _b('203.0.113.0/24', 'Documentation (TEST-NET-3)', 'RFC 5737'),
    _b('224.0.0.0/4', 'Multicast', 'RFC 5771'),
    _b('240.0.0.0/4', 'Reserved (former Class E)', 'RFC 1112'),
    _b('255.255.255.255/32', 'Limited Broadcast', 'RFC 8190, RFC 919'),
)

# IANA IPv6 Special-Purpose Address Registry (iana-ipv6-special-registry, as of
# 2025, with RFC 9780's dummy prefix), then the IPv6 Address Space registry's
# blocks outside Global Unicast 2000::/3 and the returned 6bone prefix.
IPV6_BLOCKS = (
    _b('::1/128', 'Loopback Address', 'RFC 4291'),
    _b('::/128', 'Unspecified Address', 'RFC 4291'),
    _b('::ffff:0:0/96', 'IPv4-mapped Address', 'RFC 4291'),
    _b('64:ff9b::/96', 'IPv4-IPv6 Translation (well-known prefix)', 'RFC 6052', True),
    _b('64:ff9b:1::/48', 'IPv4-IPv6 Translation (local use)', 'RFC 8215'),
    _b('100::/64', 'Discard-Only Address Block', 'RFC 6666'),
    _b('100:0:0:1::/64', 'Dummy IPv6 Prefix', 'RFC 9780'),
    _b('2001::/23', 'IETF Protocol Assignments', 'RFC 2928'),
    _b('2001::/32', 'TEREDO', 'RFC 4380, RFC 8190'),
    _b('2001:1::1/128', 'Port Control Protocol Anycast', 'RFC 7723', True),
    _b('2001:1::2/128', 'Traversal Using Relays around NAT Anycast', 'RFC 8155', True),
    _b('2001:1::3/128', 'DNS-SD Service Registration Protocol Anycast', 'RFC 9665', True),
    _b('2001:2::/48', 'Benchmarking', 'RFC 5180'),
    _b('2001:3::/32', 'AMT', 'RFC 7450', True),
    _b('2001:4:112::/48', 'AS112-v6', 'RFC 7535', True),
    _b('2001:10::/28', 'Deprecated (previously ORCHID)', 'RFC 4843'),
    _b('2001:20::/28', 'ORCHIDv2', 'RFC 7343', True),
    _b('2001:30::/28', 'Drone Remote ID Protocol Entity Tags (DETs) Prefix', 'RFC 9374', True),
    _b('2001:db8::/32', 'Documentation', 'RFC 3849'),
    _b('2002::/16', '6to4', 'RFC 3056'),
    _b('2620:4f:8000::/48', 'Direct Delegation AS112 Service', 'RFC 7534', True),
    _b('3fff::/20', 'Documentation', 'RFC 9637'),
    _b('5f00::/16', 'Segment Routing (SRv6) SIDs', 'RFC 9602'),
    _b('fc00::/7', 'Unique-Local', 'RFC 4193'),
    _b('fe80::/10', 'Link-Local Unicast', 'RFC 4291'),
    _b('3ffe::/16', 'Returned 6bone space', 'RFC 3701'),
    _b('::/8', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('100::/8', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('200::/7', 'Reserved by IETF (outside 2000::/3)', 'RFC 4048'),
    _b('400::/6', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('800::/5', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('1000::/4', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('4000::/3', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('6000::/3', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('8000::/3', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('a000::/3', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('c000::/3', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('e000::/4', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('f000::/5', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('f800::/6', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('fe00::/9', 'Reserved by IETF (outside 2000::/3)', 'RFC 4291'),
    _b('fec0::/10', 'Deprecated site-local unicast', 'RFC 3879'),
    _b('ff00::/8', 'Multicast', 'RFC 4291'),
)

# IANA Special-Purpose AS Numbers registry, and the reserved 65552-131071
# range of the 32-bit AS number registry.
SPECIAL_ASNS = (
    SpecialAsn(0, 0, 'zero', 'AS 0 (never originates routes)', 'RFC 7607'),
    SpecialAsn(23456, 23456, 'as_trans', 'AS_TRANS', 'RFC 6793'),
    SpecialAsn(64496, 64511, 'documentation', 'Documentation', 'RFC 5398'),
    SpecialAsn(64512, 65534, 'private', 'Private use', 'RFC 6996'),
    SpecialAsn(65535, 65535, 'reserved', 'Reserved', 'RFC 7300'),
    SpecialAsn(65536, 65551, 'documentation', 'Documentation', 'RFC 5398'),
    SpecialAsn(65552, 131071, 'reserved', 'Reserved by IANA', 'IANA AS Numbers registry'),
    SpecialAsn(4200000000, 4294967294, 'private', 'Private use', 'RFC 6996'),
    SpecialAsn(4294967295, 4294967295, 'reserved', 'Reserved', 'RFC 7300'),
)

DOCUMENTATION_PREFIXES = tuple(
    block.prefix for block in IPV4_BLOCKS + IPV6_BLOCKS if block.name.startswith('Documentation'))


@cache
def _network(prefix):
    return netaddr.IPNetwork(prefix)


def _as_network(prefix):
    return prefix if isinstance(prefix, netaddr.IPNetwork) else netaddr.IPNetwork(str(prefix))


@cache
def _spans(version):
    """(first, last, length, block) per block of a family: plain ints compare fast."""
    blocks = IPV4_BLOCKS if version == 4 else IPV6_BLOCKS
    return tuple((b.network.first, b.network.last, b.network.prefixlen, b) for b in blocks)


def _contains(outer, inner):
    return outer.prefixlen <= inner.prefixlen and inner.first >= outer.first and inner.last <= outer.last


def special_use(prefix):
    """The special-use block that makes `prefix` unroutable, or None.

    The most specific block that contains the prefix decides (so AS112's
    192.31.196.0/24 is allowed, while 192.0.0.0/24 around PCP anycast is not);
    then any unreachable block inside the prefix (a /16 around 192.168/16) is
    reported too, since announcing the covering prefix announces that block.
    """
    net = _as_network(prefix).cidr
    first, last, length = net.first, net.last, net.prefixlen
    spans = _spans(net.version)
    containers = [(size, b) for start, end, size, b in spans
                  if size <= length and start <= first and last <= end]
    if containers:
        closest = max(containers, key=lambda item: item[0])[1]
        if not closest.reachable:
            return closest
    inside = [(start, size, b) for start, end, size, b in spans
              if not b.reachable and size > length and first <= start and end <= last]
    return min(inside, key=lambda item: item[:2])[2] if inside else None


def special_asn(asn):
    """The special-purpose AS number range holding `asn`, or None."""
    for entry in SPECIAL_ASNS:
        if entry.first <= asn <= entry.last:
            return entry
    return None


def asn_problem(asn):
    """'zero', 'as_trans', 'documentation', 'private' or 'reserved'; None for a public ASN."""
    entry = special_asn(asn)
    return entry.kind if entry else None


def is_documentation_prefix(prefix):
    """True when the prefix lies inside a documentation block (lab and demo data)."""
    net = _as_network(prefix).cidr
    return any(_network(doc).version == net.version and _contains(_network(doc), net)
               for doc in DOCUMENTATION_PREFIXES)


def is_documentation_asn(asn):
    return asn_problem(asn) == 'documentation'
