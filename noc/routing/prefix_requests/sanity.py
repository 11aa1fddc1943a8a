"""The sanity checks every accepted prefix goes through: special-use space,
reserved AS numbers, and lengths outside the policy (which an engineer may
override); and what an AS-SET name may look like.
"""
import re
from dataclasses import dataclass

import netaddr
from flask_babel import lazy_gettext as _l

from noc.core.limits import MAX_AS_SET
from noc.routing.policy import special
from noc.routing.prefix_requests.numbers import MAX_LENGTH, parse_prefix

# Shortest prefixes RIRs hand out.
MIN_LENGTH = {4: 8, 6: 16}


@dataclass(frozen=True)
class Problem:
    code: str
    message: object
    overridable: bool


_ASN_KINDS = {
    'zero': _l('AS 0, which never originates routes'),
    'as_trans': _l('AS_TRANS, a placeholder for 4-byte AS numbers'),
    'documentation': _l('reserved for documentation'),
    'private': _l('reserved for private use'),
    'reserved': _l('reserved'),
}


def _prefix_problems(net, lab):
    if lab and special.is_documentation_prefix(net):
        return []
    block = special.special_use(net)
    if block is None:
        return []
    values = dict(prefix=str(net), block=block.prefix, name=block.name, rfc=block.rfc)
    if block.network.prefixlen <= net.prefixlen:
        message = _l('%(prefix)s is special-use space: %(block)s, %(name)s (%(rfc)s), not '
                     'routable on the Internet.', **values)
    else:
        message = _l('%(prefix)s covers %(block)s, %(name)s (%(rfc)s), which is not '
                     'routable on the Internet.', **values)
    return [Problem('special_use', message, False)]


def _asn_problems(origin, lab):
    entry = special.special_asn(origin)
    if entry is None or (lab and entry.kind == 'documentation'):
        return []
    return [Problem('asn_' + entry.kind, _l('AS%(asn)s is %(kind)s (%(rfc)s) and cannot originate '
                                            'routes on the Internet.', asn=origin,
                                            kind=_ASN_KINDS[entry.kind], rfc=entry.rfc), False)]


def _length_problems(net, limits):
    longest = limits.get('max_v%d' % net.version, MAX_LENGTH[net.version])
    shortest = limits.get('min_v%d' % net.version, MIN_LENGTH[net.version])
    if net.prefixlen > longest:
        return [Problem('too_long', _l('%(prefix)s is longer than /%(limit)s; most networks '
                                       'filter such routes.', prefix=str(net), limit=longest),
                        True)]
    if net.prefixlen < shortest:
        return [Problem('too_short', _l('%(prefix)s is shorter than /%(limit)s; no customer holds '
                                        'so large a block.', prefix=str(net), limit=shortest),
                        True)]
    return []


def check(prefix, origin, *, lab=False, limits=None):
    """Problems with announcing `prefix` from `origin`; empty when it is sane.

    Special-use space and reserved AS numbers cannot be overridden; unusual
    lengths can (the NOC may accept a /25 for a customer that needs it).
    lab=True admits documentation prefixes and AS numbers (demos and tests).
    `limits` ({'max_v4', 'max_v6', 'min_v4', 'min_v6'}, from the configuration)
    replaces the default lengths: longest /24 and /48, shortest /8 and /16.
    Raises ValueError(lazy message) when `prefix` is not a prefix at all.
    """
    net = prefix if isinstance(prefix, netaddr.IPNetwork) else parse_prefix(prefix)
    return (_prefix_problems(net, lab) + _asn_problems(int(origin), lab)
            + _length_problems(net, limits or {}))


# RPSL set names (RFC 2622 section 5, hierarchical names RFC 2725 section 10):
# AS-NAME, or components joined by ':' of which at least one is a set name.
_AS_SET_PART = re.compile(r'AS-[A-Z0-9_-]*[A-Z0-9]|AS\d{1,10}', re.IGNORECASE)


def valid_as_set(name):
    """True for an AS-SET name such as AS-EXAMPLE or AS64500:AS-CUSTOMERS (at most
    MAX_AS_SET characters, as the columns that keep one)."""
    if not isinstance(name, str) or not 3 < len(name) <= MAX_AS_SET:
        return False
    parts = name.split(':')
    return (all(_AS_SET_PART.fullmatch(part) for part in parts)
            and any(part.upper().startswith('AS-') for part in parts))
