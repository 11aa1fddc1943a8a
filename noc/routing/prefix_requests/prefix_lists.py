"""Router prefix-lists for the prefixes a customer's BGP session may announce.

Each format reproduces what bgpq4 (1.9) prints for the same list of exact
prefixes, so an operator used to bgpq4 finds the layout they know and a
diff against bgpq4's output is empty:

    cisco     bgpq4 -l NAME      (-6 for IPv6)
    cisco-xr  bgpq4 -X -l NAME
    juniper   bgpq4 -J -l NAME
    bird      bgpq4 -b -l NAME
    json      bgpq4 -j -l NAME
    plain     one prefix per line (not a bgpq4 format)

Prefixes come out deduplicated and in address order (then shorter first),
the order of bgpq4's radix tree walk. An empty list renders as bgpq4 renders
it: Cisco's deny-all with its comment, an empty prefix-set or prefix-list,
and nothing at all for BIRD (BIRD refuses an empty set).
"""
import re

import netaddr
from flask_babel import lazy_gettext as _l

FORMATS = {
    'cisco': 'Cisco IOS prefix-list (ip/ipv6 prefix-list NAME permit …), as bgpq4 -l NAME',
    'cisco-xr': 'Cisco IOS XR prefix-set (prefix-set NAME … end-set), as bgpq4 -X',
    'juniper': 'Junos policy-options prefix-list, as bgpq4 -J',
    'bird': 'BIRD prefix set (NAME = [ … ];), as bgpq4 -b; "-" in NAME becomes "_"',
    'json': 'JSON object {"NAME": [{"prefix": …, "exact": true}]}, as bgpq4 -j',
    'plain': 'One prefix per line',
}
# Formats whose lists hold one address family: render_all() writes one list
# per family, named NAME + suffix. Cisco's ip and ipv6 prefix-lists live in
# separate namespaces but distinct names read better in a route-map; BIRD
# sets are typed by family and its symbols allow no '-', hence '_'.
FAMILY_SUFFIXES = {
    'cisco': {4: '-v4', 6: '-v6'},
    'bird': {4: '_v4', 6: '_v6'},
}
_NAME_RE = re.compile(r'[A-Za-z0-9_-]{1,63}')


def _check_name(fmt, name):
    """The name as the format needs it; ValueError(lazy message) for a bad one.

    BIRD symbols allow no '-' (bgpq4 -b would print an invalid set), so '-'
    becomes '_' there, and a BIRD symbol must not start with a digit.
    """
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise ValueError(_l('The list name "%(name)s" may only contain letters, digits, "-" and '
                            '"_" (at most 63 characters).', name=str(name)[:80]))
    if fmt != 'bird':
        return name
    if name[0].isdigit():
        raise ValueError(_l('The list name "%(name)s" cannot start with a digit in BIRD.',
                            name=name))
    return name.replace('-', '_')


def _check_format(fmt):
    if fmt not in FORMATS:
        raise ValueError(_l('Unknown prefix-list format "%(format)s"; choose one of %(choices)s.',
                            format=str(fmt)[:40], choices=', '.join(FORMATS)))


def _networks(prefixes):
    """Canonical, deduplicated networks in bgpq4's order."""
    nets = {}
    for prefix in prefixes:
        net = prefix if isinstance(prefix, netaddr.IPNetwork) else netaddr.IPNetwork(str(prefix))
        net = net.cidr
        nets[(net.version, net.first, net.prefixlen)] = net
    return [nets[key] for key in sorted(nets)]


def _cisco(name, nets, family):
    keyword = 'ip' if family == 4 else 'ipv6'
    lines = ['no %s prefix-list %s' % (keyword, name)]
    if not nets:
        lines.append('! generated prefix-list %s is empty' % name)
        lines.append('%s prefix-list %s deny %s' % (keyword, name, '0.0.0.0/0' if family == 4 else '::/0'))
    lines += ['%s prefix-list %s permit %s' % (keyword, name, net) for net in nets]
    return '\n'.join(lines) + '\n'


def _cisco_xr(name, nets, family):
    body = ',\n'.join(' %s' % net for net in nets)
    return 'no prefix-set %s\nprefix-set %s\n%s\nend-set\n' % (name, name, body)


def _juniper(name, nets, family):
    body = ''.join('    %s;\n' % net for net in nets)
    return 'policy-options {\nreplace:\n prefix-list %s {\n%s }\n}\n' % (name, body)


def _bird(name, nets, family):
    if not nets:
        return ''
    return '%s = [\n%s\n];\n' % (name, ',\n'.join('    %s' % net for net in nets))


def _json(name, nets, family):
    # bgpq4 escapes the slash as \/ (valid JSON, and what diff expects).
    items = ',\n'.join('    { "prefix": "%s", "exact": true }' % str(net).replace('/', '\\/')
                       for net in nets)
    return '{ "%s": [%s\n] }\n' % (name, '\n' + items if items else '')


def _plain(name, nets, family):
    return ''.join('%s\n' % net for net in nets)


_RENDERERS = {'cisco': _cisco, 'cisco-xr': _cisco_xr, 'juniper': _juniper, 'bird': _bird,
              'json': _json, 'plain': _plain}


def render(fmt, name, prefixes, family):
    """The prefix-list NAME in format `fmt` for prefixes of one family (4 or 6)."""
    _check_format(fmt)
    name = _check_name(fmt, name)
    if family not in (4, 6):
        raise ValueError(_l('The address family must be 4 or 6, not %(family)s.', family=family))
    nets = _networks(prefixes)
    stray = next((net for net in nets if net.version != family), None)
    if stray is not None:
        raise ValueError(_l('%(prefix)s is not an IPv%(family)s prefix.', prefix=str(stray),
                            family=family))
    return _RENDERERS[fmt](name, nets, family)


def _bird_empty(name, family):
    """BIRD has no empty set literal, and bgpq4 prints nothing for an empty list;
    a filter naming the set would not load. A set holding only the unspecified
    address (never a route) defines it and matches nothing."""
    nothing = '0.0.0.0/32' if family == 4 else '::/128'
    return (f'# {name}: no configured IPv{family} prefixes; matches nothing\n'
            f'{name} = [\n    {nothing}\n];\n')


def render_all(fmt, name, prefixes):
    """Prefix-lists for a mixed IPv4/IPv6 list.

    Cisco and BIRD get two lists, NAME-v4/NAME-v6 (BIRD: NAME_v4/NAME_v6),
    both always written so that a router configuration naming them never
    points at a missing list (IOS treats a missing prefix-list as permit-all);
    an empty family renders as render() renders an empty list. The other
    formats hold both families in one list, IPv4 first.
    """
    _check_format(fmt)
    name = _check_name(fmt, name)
    nets = _networks(prefixes)
    by_family = {family: [n for n in nets if n.version == family] for family in (4, 6)}
    suffixes = FAMILY_SUFFIXES.get(fmt)
    if suffixes:
        return ''.join(_bird_empty(name + suffixes[family], family)
                       if fmt == 'bird' and not by_family[family]
                       else _RENDERERS[fmt](name + suffixes[family], by_family[family], family)
                       for family in (4, 6))
    return _RENDERERS[fmt](name, by_family[4] + by_family[6], None)
