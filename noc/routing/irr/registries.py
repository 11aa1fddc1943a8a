"""Which Regional Internet Registry an address block belongs to, and which IRR
databases are expected to hold its route objects.

The tables below transcribe IANA's registries (public facts, no code):
the IPv4 Address Space Registry (https://www.iana.org/assignments/ipv4-address-space)
and the IPv6 Global Unicast Address Assignments registry
(https://www.iana.org/assignments/ipv6-unicast-address-assignments).
The granularity is IANA's: a /8 for IPv4 (legacy /8s count for the RIR that
administers them, i.e. the WHOIS server IANA names), the RIR allocation for
IPv6. Space moved between RIRs below that level (early-registration transfers
inside legacy /8s) is not visible here; the RIRs' delegated statistics files
would be needed for that.
"""
from functools import cache

import netaddr

RIRS = ('AFRINIC', 'APNIC', 'ARIN', 'LACNIC', 'RIPE')


def _expand(spec):
    """'1 14 58-61' -> {1, 14, 58, 59, 60, 61}."""
    numbers = set()
    for part in spec.split():
        first, _, last = part.partition('-')
        numbers.update(range(int(first), int(last or first) + 1))
    return numbers


# IANA IPv4 Address Space Registry, WHOIS column per /8. These designations
# have not changed since IANA handed out its last five /8s on 2011-02-03
# (102, 103, 104, 179, 185); transcribed from the registry's CSV
# (ipv4-address-space.csv). Not listed: 0, 10, 127 and 224-255 (IANA reserved, multicast,
# future use).
_IPV4_SLASH8 = {
    'AFRINIC': '41 102 105 154 196 197',
    'APNIC': '1 14 27 36 39 42 43 49 58-61 101 103 106 110-126 133 150 153 163 171 175 '
             '180 182 183 202 203 210 211 218-223',
    'ARIN': '3 4 6-9 11-13 15-24 26 28-30 32-35 38 40 44 45 47 48 50 52 54-56 63-76 96-100 '
            '104 107 108 128-132 134-140 142-144 146-149 152 155-162 164-170 172-174 184 '
            '192 198 199 204-209 214-216',
    'LACNIC': '177 179 181 186 187 189-191 200 201',
    'RIPE': '2 5 25 31 37 46 51 53 57 62 77-95 109 141 145 151 176 178 185 188 193-195 '
            '212 213 217',
}
IPV4_RIR_BY_SLASH8 = {octet: rir for rir, spec in _IPV4_SLASH8.items() for octet in _expand(spec)}

# IANA IPv6 Global Unicast Address Assignments, the rows designated to an RIR
# (registry as of 2024-04-23, its latest change then being 5f00::/16 for SRv6).
IPV6_RIR_BLOCKS = (
    ('2001:200::/23', 'APNIC'), ('2001:400::/23', 'ARIN'), ('2001:600::/23', 'RIPE'),
    ('2001:800::/22', 'RIPE'), ('2001:c00::/23', 'APNIC'), ('2001:e00::/23', 'APNIC'),
    ('2001:1200::/23', 'LACNIC'), ('2001:1400::/22', 'RIPE'), ('2001:1800::/23', 'ARIN'),
    ('2001:1a00::/23', 'RIPE'), ('2001:1c00::/22', 'RIPE'), ('2001:2000::/19', 'RIPE'),
    ('2001:4000::/23', 'RIPE'), ('2001:4200::/23', 'AFRINIC'), ('2001:4400::/23', 'APNIC'),
    ('2001:4600::/23', 'RIPE'), ('2001:4800::/23', 'ARIN'), ('2001:4a00::/23', 'RIPE'),
    ('2001:4c00::/23', 'RIPE'), ('2001:5000::/20', 'RIPE'), ('2001:8000::/19', 'APNIC'),
    ('2001:a000::/20', 'APNIC'), ('2001:b000::/20', 'APNIC'), ('2003::/18', 'RIPE'),
    ('2400::/12', 'APNIC'), ('2600::/12', 'ARIN'), ('2610::/23', 'ARIN'),
    ('2620::/23', 'ARIN'), ('2630::/12', 'ARIN'), ('2800::/12', 'LACNIC'),
    ('2a00::/12', 'RIPE'), ('2a10::/12', 'RIPE'), ('2c00::/12', 'AFRINIC'),
)

# The IRR databases where route objects for each RIR's space belong. TC is
# NIC.br's IRR (irr.bgp.net.br), where Brazilian operators register; it is
# the "national" IRR for LACNIC space. The application's configuration may
# override this mapping (a setting read by the caller and passed in as
# `overrides`).
IRR_SOURCES = {
    'AFRINIC': ('AFRINIC',),
    'APNIC': ('APNIC',),
    'ARIN': ('ARIN',),
    'LACNIC': ('LACNIC',),
    'RIPE': ('RIPE',),
}
NATIONAL_IRR_SOURCES = {
    'LACNIC': ('TC',),
}


@cache
def _ipv6_blocks():
    return tuple((netaddr.IPNetwork(prefix), rir) for prefix, rir in IPV6_RIR_BLOCKS)


def _ipv4_rir(net):
    if net.prefixlen < 8:
        return None
    return IPV4_RIR_BY_SLASH8.get(int(net.network) >> 24)


def _ipv6_rir(net):
    for block, rir in _ipv6_blocks():
        if block.prefixlen <= net.prefixlen and block.first <= net.first and net.last <= block.last:
            return rir
    return None


def rir_of(prefix):
    """'AFRINIC', 'APNIC', 'ARIN', 'LACNIC' or 'RIPE' for the RIR whose IANA
    block holds the whole prefix; None for unallocated or special space, or a
    prefix wider than one IANA block."""
    net = prefix if isinstance(prefix, netaddr.IPNetwork) else netaddr.IPNetwork(str(prefix))
    net = net.cidr
    return _ipv4_rir(net) if net.version == 4 else _ipv6_rir(net)


def expected_irr_sources(rir, national=True, overrides=None):
    """The IRR sources expected to hold route objects for `rir`'s space.

    national=True adds the national IRR serving part of that RIR's region
    (TC for LACNIC, used for Brazilian space). `overrides` (a mapping RIR ->
    list of sources, from the configuration) replaces the built-in answer for
    the RIRs it names. An unknown or missing RIR gives ().
    """
    if overrides and rir in overrides:
        return tuple(overrides[rir])
    sources = IRR_SOURCES.get(rir, ())
    if national:
        sources += NATIONAL_IRR_SOURCES.get(rir, ())
    return sources
