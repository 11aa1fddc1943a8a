"""Prefixes as people paste them: one per line, CSV, RPSL route objects, router
prefix-lists (Cisco, IOS XR, Junos, BIRD, bgpq4's JSON). The sanity checks
every accepted prefix goes through are in sanity.py.

The commands read what every door gives through read(): pasted text here
(parse_lines), the API's typed items in entries.read_items, with the same
messages; sanity.check() then judges a prefix the same way whichever door
it came through.
"""
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from noc.routing.prefix_requests.entries import ECHO_LIMIT as _ECHO_LIMIT
from noc.routing.prefix_requests.entries import Entry, LineError, ParsedInput, column_of, read_items
from noc.routing.prefix_requests.numbers import ADDRESS_RE, FULL_LENGTH, PREFIX_RE, parse_asn, parse_prefix


class _Skip(Exception):
    """The line says nothing to accept (a deny/reject rule)."""


# ---- one line's words -------------------------------------------------------

# A bare prefix followed by the modifiers routers put after it. Modifiers
# describing a range of lengths are refused: an entry is one exact prefix.
_TOKEN_RE = re.compile(r'\{[^}]*\}|[^\s,;{}]+')
_BIRD_RANGE_RE = re.compile(r'\{\s*(\d+)\s*,\s*(\d+)\s*\}')
_SLASH_RE = re.compile(r'/(\d{1,3})')
_SLASH_RANGE_RE = re.compile(r'/(\d{1,3})-/(\d{1,3})')
_LOOKS_LIKE_ASN = re.compile(r'(?:AS)?[\d.]+', re.IGNORECASE)


@dataclass
class _Words:
    prefixes: list = field(default_factory=list)   # [(text, [(modifier, a, b), ...]), ...]
    origins: list = field(default_factory=list)


def _is_prefix_word(word):
    return '/' in word or bool(ADDRESS_RE.fullmatch(word))


def _modifier(word, following):
    """(modifier, a, b) and how many following words it used, or None if `word` is none.

    Raises _Skip for reject/deny: such a rule says what to refuse.
    """
    lower = word.lower()
    if lower in ('exact', 'accept', 'permit'):
        return ('exact', None, None), 0
    if lower in ('reject', 'deny'):
        raise _Skip()
    if lower in ('orlonger', 'longer'):
        return (lower, None, None), 0
    number = _SLASH_RE.fullmatch('/' + following[0].lstrip('/')) if following else None
    if lower in ('ge', 'le', 'upto') and number:
        return (lower, int(number.group(1)), None), 1
    span = _SLASH_RANGE_RE.fullmatch(following[0]) if following else None
    if lower == 'prefix-length-range' and span:
        return ('range', int(span.group(1)), int(span.group(2))), 1
    bird = _BIRD_RANGE_RE.fullmatch(word)
    if bird:
        return ('range', int(bird.group(1)), int(bird.group(2))), 0
    return None


def _split_words(body):
    """The prefixes, AS numbers and modifiers of a line; also the first word that is none of them."""
    words = _Words()
    tokens = [t.strip('"\'') for t in _TOKEN_RE.findall(body)]
    index = 0
    while index < len(tokens):
        word, index = tokens[index], index + 1
        if not word:
            continue
        if word[-1] in '+-' and '/' in word[:-1]:
            words.prefixes.append((word[:-1], [('bird' + word[-1], None, None)]))
        elif _LOOKS_LIKE_ASN.fullmatch(word) and word.count('.') <= 1:
            words.origins.append(word)
        elif _is_prefix_word(word):
            words.prefixes.append((word, []))
        else:
            found = _modifier(word, tokens[index:])
            if found is None or not words.prefixes:
                if re.match(r'AS', word, re.IGNORECASE):
                    words.origins.append(word)      # parse_asn() will say what is wrong
                    continue
                return words, word
            words.prefixes[-1][1].append(found[0])
            index += found[1]
    return words, None


def _length_range(net, modifiers):
    """The (shortest, longest) lengths a router entry with these modifiers admits."""
    full = FULL_LENGTH[net.version]
    low = high = net.prefixlen
    ge = le = None
    for kind, a, b in modifiers:
        if kind in ('orlonger', 'bird+'):
            high = full
        elif kind == 'longer':
            low, high = net.prefixlen + 1, full
        elif kind == 'bird-':
            low = 0
        elif kind == 'upto':
            high = a
        elif kind == 'range':
            low, high = a, b
        elif kind == 'ge':
            ge = a
        elif kind == 'le':
            le = a
    if ge is not None or le is not None:    # Cisco: ge alone runs to the full length
        low = ge if ge is not None else net.prefixlen
        high = le if le is not None else full
    return low, high


# ---- whole lines --------------------------------------------------------------

_COMMENT_PREFIXES = ('#', '!', '%', '//', '/*', '*/')
_INLINE_COMMENT_RE = re.compile(r'\s(?:#|//).*$')
_STRUCTURE = [re.compile(p, re.IGNORECASE) for p in (
    r'no\s+(?:ip|ipv6)\s+prefix-list\s+\S+',
    r'(?:ip|ipv6)\s+prefix-list\s+\S+(?:\s+description\b.*)?',
    r'no\s+prefix-set\s+\S+',
    r'prefix-set\s+\S+',
    r'end-set',
    r'policy-options\s*\{?',
    r'replace:',
    r'(?:prefix-list|policy-statement|term|route-filter-list)\s+\S+\s*\{?',
    r'from\s*\{?',
    r'then\s+\w+\s*;?',
    r"community\s+\S+\s*;",
    r'(?:define\s+)?[A-Za-z_][\w-]*\s*=\s*\[',
    r'\{\s*"[^"]*"\s*:\s*\[',
    r'[\[\]{}();,\s]+',
)]
_CISCO_RE = re.compile(r'(?:ip|ipv6)\s+prefix-list\s+\S+\s+(?:seq\s+\d+\s+)?(permit|deny)\s+(.*)',
                       re.IGNORECASE)
_EOS_RE = re.compile(r'seq\s+\d+\s+(permit|deny)\s+(.*)', re.IGNORECASE)
_ROUTE_FILTER_RE = re.compile(r'route-filter\s+(.*)', re.IGNORECASE)
_JSON_RE = re.compile(r'\{?\s*"prefix"\s*:\s*"([^"]*)"(.*)')
_ATTRIBUTE_RE = re.compile(r'([A-Za-z][\w-]*):(?:\s+(.*))?$')
_RPSL_CLASSES = {
    'route', 'route6', 'as-set', 'route-set', 'aut-num', 'person', 'role', 'mntner',
    'inetnum', 'inet6num', 'organisation', 'filter-set', 'peering-set', 'rtr-set',
    'key-cert', 'as-block', 'irt', 'domain', 'inet-rtr', 'poem', 'poetic-form',
}
_PREFIX_HEADERS = {'prefix', 'ip prefix', 'ip_prefix', 'ip-prefix', 'route', 'network',
                   'cidr', 'net', 'prefixo'}
_ORIGIN_HEADERS = {'origin', 'asn', 'as', 'origin as', 'origin_as', 'origin-as', 'originas',
                   'origin asn', 'as number', 'autonomous system', 'origem'}


def _strip_comment(raw):
    line = raw.strip().lstrip('\ufeff')
    if line.startswith(_COMMENT_PREFIXES):
        return ''
    return _INLINE_COMMENT_RE.sub('', line).strip()


def _structure(line):
    return any(pattern.fullmatch(line) for pattern in _STRUCTURE)


def _delimiter(line):
    for candidate in ('\t', ',', ';'):
        if candidate in line:
            return candidate
    return None


def _split_fields(line, delimiter):
    parts = line.split(delimiter) if delimiter else line.split()
    return [part.strip().strip('"\'') for part in parts]


def _csv_header(line):
    """(delimiter, prefix column, origin column or None) for a header line, else None."""
    delimiter = _delimiter(line)
    fields = [f.lower() for f in _split_fields(line, delimiter)]
    if any(_is_prefix_word(f) for f in fields):
        return None
    prefix_column = next((i for i, f in enumerate(fields) if f in _PREFIX_HEADERS), None)
    if prefix_column is None:
        return None
    # Without a delimiter only a line of header words is a header: a sentence
    # that happens to say "prefix" is a bad line, reported as such.
    if delimiter is None and not all(f in _PREFIX_HEADERS | _ORIGIN_HEADERS for f in fields):
        return None
    origin_column = next((i for i, f in enumerate(fields) if f in _ORIGIN_HEADERS), None)
    return delimiter, prefix_column, origin_column


class _Reader:
    """Reads the pasted text line by line, remembering RPSL objects and CSV headers."""

    def __init__(self, default_origin):
        self.default_origin = default_origin
        self.result = ParsedInput()
        self.seen = set()
        self.header = None
        # The open RPSL object: {'class', 'line', 'raw', 'prefix', 'origin'};
        # class 'failed-route' once its route or origin was refused.
        self.rpsl = None

    # -- output
    def error(self, number, raw, message):
        self.result.errors.append(LineError(number, raw.strip()[:_ECHO_LIMIT], message,
                                            column_of(raw)))

    def accept(self, number, raw, net, origin, written=None):
        prefix = str(net)
        if (prefix, origin) in self.seen:
            return
        self.seen.add((prefix, origin))
        self.result.entries.append(Entry(number, prefix, origin, raw.strip()[:_ECHO_LIMIT],
                                         column_of(raw, written)))

    # -- RPSL objects
    def close_object(self):
        obj, self.rpsl = self.rpsl, None
        if not obj or obj['class'] not in ('route', 'route6') or obj['prefix'] is None:
            return
        origin = obj['origin'] if obj['origin'] is not None else self.default_origin
        if origin is None:
            self.error(obj['line'], obj['raw'], _l('The route object for %(prefix)s has no origin '
                                                   'attribute.', prefix=str(obj['prefix'])))
            return
        self.accept(obj['line'], obj['raw'], obj['prefix'], origin)

    def attribute(self, number, raw, name, value):
        """Handle an RPSL 'name: value' line; False when it is not RPSL at all."""
        name = name.lower()
        value = re.sub(r'#.*$', '', value or '').strip()
        if name in ('route', 'route6') or (self.rpsl is None and name in _RPSL_CLASSES):
            self.close_object()
            self.rpsl = {'class': name, 'line': number, 'raw': raw, 'prefix': None,
                         'origin': None}
            if name in ('route', 'route6'):
                self.route_value(number, raw, value)
            return True
        if self.rpsl is None:
            return False
        if name == 'origin' and self.rpsl['class'] in ('route', 'route6'):
            self.origin_value(number, raw, value)
        return True

    def route_value(self, number, raw, value):
        try:
            self.rpsl['prefix'] = parse_prefix(value)
        except ValueError as exc:
            self.rpsl['class'] = 'failed-route'
            self.error(number, raw, exc.args[0])

    def origin_value(self, number, raw, value):
        try:
            self.rpsl['origin'] = parse_asn(value)
        except ValueError as exc:
            self.rpsl['class'] = 'failed-route'
            self.error(number, raw, _l('Origin of the route object: %(problem)s', problem=exc.args[0]))

    # -- lines
    def feed(self, number, raw):
        line = _strip_comment(raw)
        if not line:
            if not raw.strip():
                self.close_object()
            return
        attribute = _ATTRIBUTE_RE.match(line)
        if self.rpsl is not None and raw[:1] in (' ', '\t', '+') and not attribute \
                and not PREFIX_RE.fullmatch(line.split()[0].rstrip(',;')):
            return      # RPSL continuation line (descr, address ...)
        if attribute and line.lower() != 'replace:' and self.attribute(number, raw, *attribute.groups()):
            return
        self.close_object()
        if _structure(line):
            return
        header = _csv_header(line)
        if header:
            self.header = header
            return
        try:
            self.data_line(number, raw, line)
        except _Skip:
            return
        except ValueError as exc:
            self.error(number, raw, exc.args[0])

    def data_line(self, number, raw, line):
        body = self.vendor_body(line)
        words, stray = _split_words(body)
        if stray is not None:
            if not words.prefixes:
                raise ValueError(_l('"%(text)s" is not a prefix (expected e.g. 192.0.2.0/24 or '
                                    '2001:db8::/32).', text=stray[:_ECHO_LIMIT]))
            raise ValueError(_l('Unexpected "%(text)s" after the prefix.', text=stray[:_ECHO_LIMIT]))
        if not words.prefixes:
            if words.origins:
                raise ValueError(_l('No prefix on this line, only "%(text)s".', text=words.origins[0]))
            raise ValueError(_l('No prefix on this line.'))
        origin = self.line_origin(words)
        nets = [self.exact_prefix(text, modifiers) for text, modifiers in words.prefixes]
        if origin is None:
            raise ValueError(_l('No origin AS for %(prefix)s: write it after the prefix '
                                '(%(prefix)s AS64500) or choose a default origin.',
                                prefix=str(nets[0])))
        for (written, _), net in zip(words.prefixes, nets):
            self.accept(number, raw, net, origin, written)

    def vendor_body(self, line):
        """The part of a router or CSV line that holds the prefix (and maybe the origin)."""
        match = _JSON_RE.fullmatch(line)
        if match:
            if re.search(r'"exact"\s*:\s*false', match.group(2)):
                raise ValueError(_l('%(prefix)s allows a range of lengths; list each prefix '
                                    'exactly.', prefix=match.group(1).replace('\\/', '/')))
            return match.group(1).replace('\\/', '/')
        for pattern in (_CISCO_RE, _EOS_RE):
            match = pattern.fullmatch(line)
            if match:
                if match.group(1).lower() == 'deny':
                    raise _Skip()
                return match.group(2)
        match = _ROUTE_FILTER_RE.fullmatch(line)
        if match:
            return match.group(1)
        return self.csv_body(line)

    def csv_body(self, line):
        if not self.header:
            return line
        delimiter, prefix_column, origin_column = self.header
        if delimiter and delimiter not in line:
            return line
        fields = _split_fields(line, delimiter)
        if len(fields) <= prefix_column:
            return line
        body = fields[prefix_column]
        if origin_column is not None and origin_column < len(fields) and fields[origin_column]:
            body += ' ' + fields[origin_column]
        return body

    def line_origin(self, words):
        if len(words.origins) > 1:
            raise ValueError(_l('More than one AS number on this line: %(first)s and %(second)s.',
                                first=words.origins[0], second=words.origins[1]))
        if words.origins:
            try:
                return parse_asn(words.origins[0])
            except ValueError as exc:
                raise ValueError(_l('The origin is not valid: %(problem)s', problem=exc.args[0])) from exc
        return self.default_origin

    def exact_prefix(self, text, modifiers):
        net = parse_prefix(text)
        if _length_range(net, modifiers) != (net.prefixlen, net.prefixlen):
            raise ValueError(_l('%(prefix)s is given with a range of lengths; list each prefix '
                                'exactly.', prefix=str(net)))
        return net


def parse_lines(text, default_origin=None):
    """Read pasted prefixes. Every line yields entries or one error naming that line.

    Blank lines, comments (# ! % // /*) and the scaffolding of router
    configurations and bgpq4 output are skipped; deny/reject rules are skipped
    too (they say what to refuse, not what to accept). A (prefix, origin) pair
    given twice is kept once, at its first line.
    """
    if default_origin is not None:
        default_origin = parse_asn(default_origin)
    reader = _Reader(default_origin)
    for number, raw in enumerate(str(text or '').splitlines(), start=1):
        reader.feed(number, raw)
    reader.close_object()
    return reader.result


def typed(prefixes):
    """Whether `prefixes` are typed items (the API) rather than pasted text."""
    return not isinstance(prefixes, str)


def read(prefixes, default_origin=None):
    """Pasted text (parse_lines) or typed PrefixItems (entries.read_items) -> ParsedInput."""
    if typed(prefixes):
        return read_items(prefixes, default_origin)
    return parse_lines(prefixes, default_origin)
