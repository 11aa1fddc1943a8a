"""One AS number or one prefix as a person writes it, read strictly: the
error says what is wrong with the text and what would be accepted.
"""
import re

import netaddr
from flask_babel import lazy_gettext as _l

from noc.core.limits import MAX_ASN

# Longest prefixes most networks accept (the example a bare address suggests).
MAX_LENGTH = {4: 24, 6: 48}
FULL_LENGTH = {4: 32, 6: 128}
_ECHO_LIMIT = 200   # characters of the text repeated back in its error


# ---- AS numbers -------------------------------------------------------------

_ASN_RE = re.compile(r'(?:AS)?(\d+)(?:\.(\d+))?', re.IGNORECASE)


def parse_asn(text):
    """'AS64500', 'as64500', '64500' or asdot '1.10' (= 65546) -> int; ValueError(lazy message)."""
    raw = str(text).strip()
    match = _ASN_RE.fullmatch(raw)
    if not match:
        raise ValueError(_l('"%(text)s" is not an AS number (write it as AS64500 or 64500).',
                            text=raw[:_ECHO_LIMIT]))
    high, low = match.groups()
    if low is not None:
        if len(high) > 5 or len(low) > 5 or int(high) > 65535 or int(low) > 65535:
            raise ValueError(_l('"%(text)s" is not a valid asdot AS number: both parts must be '
                                'between 0 and 65535.', text=raw))
        return int(high) * 65536 + int(low)
    if len(high) > 10 or int(high) > MAX_ASN:
        raise ValueError(_l('AS number %(text)s is out of range (0 to 4294967295).', text=raw))
    return int(high)


# ---- prefixes ---------------------------------------------------------------

PREFIX_RE = re.compile(r'([0-9A-Fa-f:.]+)/(\d{1,3})')
ADDRESS_RE = re.compile(r'\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*')


def _address(text):
    try:
        return netaddr.IPAddress(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        return None


def parse_prefix(text):
    """A prefix written as address/length -> netaddr.IPNetwork; ValueError(lazy message)."""
    raw = str(text).strip()
    match = PREFIX_RE.fullmatch(raw)
    if not match:
        address = _address(raw) if ADDRESS_RE.fullmatch(raw) else None
        if address is not None:
            example = '%s/%s' % (address, MAX_LENGTH[address.version])
            raise ValueError(_l('%(text)s has no prefix length (for example %(example)s).',
                                text=raw, example=example))
        raise ValueError(_l('"%(text)s" is not a prefix (expected e.g. 192.0.2.0/24 or '
                            '2001:db8::/32).', text=raw[:_ECHO_LIMIT]))
    address = _address(match.group(1))
    if address is None:
        raise ValueError(_l('"%(text)s" is not a prefix: %(address)s is not an IP address.',
                            text=raw, address=match.group(1)))
    length = int(match.group(2))
    if length > FULL_LENGTH[address.version]:
        raise ValueError(_l('%(text)s: the prefix length /%(length)s is too long for IPv%(version)s '
                            '(at most /%(max)s).', text=raw, length=length,
                            version=address.version, max=FULL_LENGTH[address.version]))
    net = netaddr.IPNetwork('%s/%d' % (address, length))
    if net.ip != net.network:   # IPNetwork equality ignores host bits: compare addresses
        raise ValueError(_l('%(text)s has host bits set; did you mean %(network)s?',
                            text=raw, network=str(net.cidr)))
    return net.cidr


def canonical_prefix(text):
    return str(parse_prefix(text))
