"""Reading RPSL dumps (IRR database files): objects, route objects, as-sets.

RPSL (RFC 2622) objects are runs of `attribute: value` lines separated by
empty lines. A line starting with a space, a tab or '+' continues the value
above; '%' and '#' lines are comments and so is everything after '#' on a
line. Dumps come plain or gzipped, mostly in UTF-8 but older registries
still hold latin-1 text, so each line is decoded on its own.

Only what the NOC needs is interpreted: route/route6 objects (which AS may
originate a prefix) and as-sets (which ASes and sets a customer declares).
Objects that cannot be used are skipped and counted in a ParseErrors, so
one broken object never stops the import of a 100k-object dump.
"""
import gzip
import io
import ipaddress
import os
import re
import socket
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from flask_babel import lazy_gettext as _l

from noc.core.errors import JanelaError
from noc.core.limits import MAX_ASN

GZIP_MAGIC = b'\x1f\x8b'
# Kept per ParseErrors: enough to show an operator what went wrong.
MAX_SAMPLES = 20
_CONTINUATION = frozenset(' \t+')
_ASN = re.compile(r'(?:AS)?([0-9]+)(?:\.([0-9]+))?', re.IGNORECASE)
_SEPARATORS = re.compile(r'[\s,]+')


class RpslError(JanelaError, ValueError):
    """The input cannot be read as an RPSL dump (e.g. a truncated gzip file)."""


class RpslObject:
    """One object: its class, its key and its attributes in file order.

    `key` is the value of the first (class) attribute: the prefix of a route,
    the name of an as-set. Continuation lines are joined with '\\n'.
    """
    __slots__ = ('object_class', 'key', 'attributes', 'source')

    def __init__(self, attributes, default_source=None):
        self.object_class, self.key = attributes[0]
        self.attributes = attributes
        source = self.get('source') or default_source
        self.source = source.upper() if source else None

    def get(self, name):
        """The first value of attribute `name` (lower case), or None."""
        for attribute, value in self.attributes:
            if attribute == name:
                return value
        return None

    def get_all(self, name):
        """Every value of attribute `name`, in file order."""
        return [value for attribute, value in self.attributes if attribute == name]

    def __repr__(self):
        return f'<RpslObject {self.object_class} {self.key} {self.source}>'


@dataclass(frozen=True, slots=True)
class RouteObject:
    """A route/route6 object: `origin` may originate `prefix` (canonical text)."""
    prefix: str
    origin: int
    source: str


@dataclass(frozen=True, slots=True)
class AsSet:
    """An as-set: member ASNs ('AS64500') and nested set names, upper case."""
    name: str
    members: list[str]
    source: str | None


@dataclass
class ParseErrors:
    """Objects skipped as unusable: how many, and the first few (key, reason).

    `reason` is a lazily translated message for the operator.
    """
    count: int = 0
    samples: list = field(default_factory=list)

    def add(self, key, reason):
        self.count += 1
        if len(self.samples) < MAX_SAMPLES:
            self.samples.append((key, reason))


def _record(errors, key, reason):
    """Count a skipped object in a ParseErrors, or append (key, reason) to a list."""
    if errors is None:
        return
    if isinstance(errors, ParseErrors):
        errors.add(key, reason)
    else:
        errors.append((key, reason))


def parse_asn(text) -> int:
    """'AS64500', 'as64500', '64500' or asdot 'AS1.10' -> the AS number.

    Raises ValueError for anything else, or a number outside 0..2^32-1.
    """
    match = _ASN.fullmatch(str(text).strip())
    if not match:
        raise ValueError(f'not an AS number: {text!r}')
    high, low = match.groups()
    if low is None:
        number = int(high)
    elif int(high) <= 0xFFFF and int(low) <= 0xFFFF:
        number = int(high) << 16 | int(low)
    else:
        raise ValueError(f'not an AS number: {text!r}')
    if number > MAX_ASN:
        raise ValueError(f'AS number out of range: {text!r}')
    return number


# -- objects ---------------------------------------------------------------

def iter_objects(source, default_source=None) -> Iterator[RpslObject]:
    """Every object of a dump: a path, or a binary or text stream.

    Gzip is recognised by its magic bytes, not by the file name.
    `default_source` applies to objects without a `source:` attribute.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, 'rb') as stream:
            yield from _objects_of_binary(stream, default_source)
    elif isinstance(source, io.TextIOBase):
        yield from _objects(source, default_source)
    else:
        yield from _objects_of_binary(source, default_source)


def _objects_of_binary(stream: BinaryIO, default_source):
    if not hasattr(stream, 'peek'):
        stream = io.BufferedReader(stream)
    if stream.peek(2)[:2] != GZIP_MAGIC:
        yield from _objects(_decoded(stream), default_source)
        return
    try:
        yield from _objects(_decoded(gzip.GzipFile(fileobj=stream)), default_source)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise RpslError(f'damaged gzip data: {exc or type(exc).__name__}') from exc


def _decoded(lines: Iterable[bytes]) -> Iterator[str]:
    """Lines as text: UTF-8, or latin-1 for a line that is not UTF-8."""
    for line in lines:
        try:
            yield line.decode('utf-8')
        except UnicodeDecodeError:
            yield line.decode('latin-1')


def _objects(lines: Iterable[str] | TextIO, default_source):
    for attributes in _paragraphs(lines):
        yield RpslObject(attributes, default_source)


def _paragraphs(lines):
    """Lists of (name, value) per object; comments and stray lines dropped.

    One loop with the value cleaning written out (not a function per line):
    this loop bounds the speed of loading a whole dump.
    """
    attributes = []
    continuation = _CONTINUATION
    for line in lines:
        first = line[:1]
        if first == '%' or first == '#':
            continue
        if first in continuation:
            if not attributes:
                continue
            more = line[1:]
            comment = more.find('#')
            more = (more[:comment] if comment >= 0 else more).strip()
            # A continuation of only blanks or a comment adds nothing; like
            # IRRd, it does not end the object either (only an empty line does).
            if more:
                name, value = attributes[-1]
                attributes[-1] = (name, f'{value}\n{more}' if value else more)
            continue
        name, colon, value = line.partition(':')
        if colon:
            comment = value.find('#')
            if comment >= 0:
                value = value[:comment]
            attributes.append((name.strip().lower(), value.strip()))
        elif attributes and not line.strip():  # empty: the object ends
            yield attributes
            attributes = []
    if attributes:
        yield attributes


# -- route objects ---------------------------------------------------------

_FAMILY = {'route': ipaddress.IPv4Network, 'route6': ipaddress.IPv6Network}


def routes(objects: Iterable[RpslObject], errors: ParseErrors | list | None = None
           ) -> Iterator[RouteObject]:
    """The usable route/route6 objects; the others are counted in `errors`.

    Prefixes come out canonical (host bits zero, IPv6 compressed lower case).
    """
    for obj in objects:
        network_type = _FAMILY.get(obj.object_class)
        if network_type is None:
            continue
        try:
            yield _route(obj, network_type)
        except ValueError as reason:
            _record(errors, obj.key, reason.args[0])


def _route(obj, network_type):
    prefix = _canonical_prefix(obj.key, network_type)
    if prefix is None:
        raise ValueError(_l('"%(value)s" is not an %(family)s prefix with its host bits zero',
                            value=obj.key, family='IPv4' if obj.object_class == 'route'
                            else 'IPv6'))
    origin = obj.get('origin')
    if not origin:
        raise ValueError(_l('route object %(prefix)s has no origin', prefix=obj.key))
    try:
        asn = parse_asn(origin)
    except ValueError:
        raise ValueError(_l('"%(value)s" is not an AS number; expected e.g. AS64500',
                            value=origin)) from None
    if not obj.source:
        raise ValueError(_l('route object %(prefix)s has no source', prefix=obj.key))
    return RouteObject(prefix, asn, obj.source)


def _canonical_prefix(text, network_type):
    """Canonical text of an address/length with host bits zero, or None."""
    address, slash, length = text.partition('/')
    if not (slash and length.isascii() and length.isdigit()):
        return None
    if network_type is ipaddress.IPv4Network:
        # inet_pton is strict (4 decimal parts, no leading zeros) and about
        # ten times faster than ipaddress, which matters for 100k-route dumps.
        try:
            packed = socket.inet_pton(socket.AF_INET, address)
        except (OSError, ValueError):
            return None
        bits = int(length)
        if bits > 32 or int.from_bytes(packed, 'big') & ((1 << (32 - bits)) - 1):
            return None
        return f'{socket.inet_ntop(socket.AF_INET, packed)}/{bits}'
    try:
        return network_type(text).compressed
    except ValueError:
        return None


# -- as-sets ---------------------------------------------------------------

def as_sets(objects: Iterable[RpslObject], errors: ParseErrors | list | None = None
            ) -> Iterator[AsSet]:
    """as-set objects with their direct members (nested sets are not resolved).

    `mbrs-by-ref` is ignored: members listed that way live in other objects
    (aut-num `member-of`), which the NOC does not follow.
    """
    for obj in objects:
        if obj.object_class != 'as-set':
            continue
        name = obj.key.upper()
        if not _is_set_name(name):
            _record(errors, obj.key, _l('"%(value)s" is not an as-set name; expected e.g. '
                                        'AS-EXAMPLE or AS64500:AS-CUSTOMERS', value=obj.key))
            continue
        yield AsSet(name, _members(obj), obj.source)


def _is_set_name(name):
    """RFC 2622: some component of a (hierarchical) name starts with AS-."""
    return any(part.startswith('AS-') and len(part) > 3 for part in name.split(':'))


def _members(obj):
    seen = {}
    for value in obj.get_all('members'):
        for member in _SEPARATORS.split(value.upper()):
            if member:
                seen.setdefault(member, None)
    return list(seen)
