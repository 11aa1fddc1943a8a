"""Validated ROA payloads (VRPs) as a sorted, deduplicated, columnar table.

A snapshot holds hundreds of thousands of VRPs and is loaded by every
process, so it lives in numpy columns (about 11 bytes per IPv4 VRP) rather
than as Python objects, is built from parsed columns with vectorised checks,
and serialises to a flat blob that loads with a few memory copies.

Canonical order, per family: network, length, max_length, asn. Two VRPs with
the same (prefix, max_length, asn) are one; when they come from different
trust anchors the alphabetically first name is kept, so the table does not
depend on input order. The trust anchor is a label: the digest leaves it
out because validation does not depend on it.
"""
import hashlib
import struct
from dataclasses import dataclass
from socket import AF_INET, AF_INET6, inet_ntop, inet_pton

import numpy as np
from flask_babel import lazy_gettext as _l

from noc.core.errors import JanelaError
from noc.core.limits import MAX_ASN

MAX_LENGTH = {4: 32, 6: 128}


class VrpFormatError(JanelaError, ValueError):
    """A VRP set, one of its records, or a stored blob is malformed."""


@dataclass(frozen=True, order=True)
class Vrp:
    prefix: str          # canonical text, '192.0.2.0/24'
    max_length: int
    asn: int
    ta: str = ''         # trust anchor name; '' when the source does not say

    def label(self):
        """'192.0.2.0/24-24 AS65001': the way operators and validators write a VRP."""
        return f'{self.prefix}-{self.max_length} AS{self.asn}'


@dataclass(frozen=True)
class Columns:
    """One address family's VRPs in canonical order.

    hi is the IPv4 address, or the top 64 bits of the IPv6 one; lo is the
    low 64 bits of an IPv6 address (zeros for IPv4).
    """
    hi: np.ndarray          # uint64
    lo: np.ndarray          # uint64
    length: np.ndarray      # uint8
    max_length: np.ndarray  # uint8
    asn: np.ndarray         # uint32
    ta: np.ndarray          # uint16, index into VrpTable.tas
    # When each VRP expires (Unix time, uint32; 0: the export did not say). Kept
    # so that a snapshot still in use after its source stopped answering loses
    # its VRPs as they expire, as a router's RTR cache would.
    expires: np.ndarray = None

    def __post_init__(self):
        if self.expires is None:
            object.__setattr__(self, 'expires', np.zeros(len(self.hi), np.uint32))

    def __len__(self):
        return len(self.hi)

    @classmethod
    def empty(cls):
        return cls(*(np.zeros(0, dtype) for dtype in _COLUMN_DTYPES))


_COLUMN_DTYPES = (np.uint64, np.uint64, np.uint8, np.uint8, np.uint32, np.uint16, np.uint32)
_FIELDS = ('hi', 'lo', 'length', 'max_length', 'asn', 'ta', 'expires')
NEVER = np.uint32(0xFFFFFFFF)       # how 'no expiry' sorts among expiries


def _used_names(families, names):
    """(v4, v6, names) without the trust anchor names no VRP kept (duplicates dropped)."""
    used = np.zeros(len(names) + 1, bool)
    for columns in families:
        used[columns.ta] = True
    if used[:len(names)].all():
        return families[0], families[1], names
    renumber = (np.cumsum(used) - 1).astype(np.uint16)
    families = [Columns(c.hi, c.lo, c.length, c.max_length, c.asn, renumber[c.ta], c.expires)
                for c in families]
    return families[0], families[1], [name for name, keep in zip(names, used) if keep]


def _where_record(row):
    return _l('record %(number)s', number=row + 1)


def _fail(where, row, problem):
    raise VrpFormatError(str(_l('%(where)s: %(problem)s', where=where(row), problem=problem)))


class VrpTable:
    """A VRP set: `v4` and `v6` Columns and the trust anchor names `tas`."""

    def __init__(self, v4, v6, tas):
        self.v4, self.v6, self.tas = v4, v6, list(tas)

    @classmethod
    def empty(cls):
        return cls(Columns.empty(), Columns.empty(), [])

    @classmethod
    def from_rows(cls, rows):
        """Rows of (prefix, max_length or None, asn, ta or None); see from_columns."""
        rows = list(rows)
        for number, row in enumerate(rows):
            if not isinstance(row, (tuple, list)) or len(row) != 4:
                _fail(_where_record, number, _l('expected (prefix, max_length, asn, ta)'))
        if not rows:
            return cls.empty()
        return cls.from_columns(*zip(*rows))

    @classmethod
    def from_columns(cls, prefixes, max_lengths, asns, tas, where=_where_record, expires=None):
        """Build from parallel sequences; max_length None means the prefix length;
        `expires` (Unix times, None for unknown) is optional.

        Raises VrpFormatError naming the first bad record (`where(row)` says
        how: 'record 12', 'line 13') and the bad value.
        """
        parsed = parse_prefixes(prefixes)
        if parsed.errors:
            row = min(parsed.errors)
            _fail(where, row, parsed.errors[row])
        asn = _int_column(asns, where, _l('ASN'))
        max_length = _int_column(max_lengths, where, _l('maxLength'), none=-1)
        _check_asns(asn, asns, where)
        max_length = _check_max_lengths(parsed, max_length, prefixes, where)
        names, ta = _ta_column(tas)
        expiry = _expiry_column(expires, len(asn))
        families = [_family_columns(parsed, max_length, asn, ta, family, expiry)
                    for family in (4, 6)]
        return cls(*_used_names(families, names))

    @classmethod
    def union(cls, tables):
        """Every VRP of several tables (say, one snapshot per source) in one table."""
        tables = list(tables)
        names = sorted({name for table in tables for name in table.tas})
        rank = {name: number for number, name in enumerate(names)}
        families = []
        for family in (4, 6):
            parts = [table.family(family) for table in tables]
            columns = [np.concatenate([getattr(part, field) for part in parts] or [np.zeros(0, dtype)])
                       for field, dtype in zip(_FIELDS, _COLUMN_DTYPES)]
            columns[5] = np.concatenate([np.array([rank[name] for name in table.tas] or [0], np.uint16)
                                         [part.ta] for table, part in zip(tables, parts)] or
                                        [np.zeros(0, np.uint16)])
            families.append(canonical(family, *columns))
        return cls(*_used_names(families, names))

    def __len__(self):
        return len(self.v4) + len(self.v6)

    def unexpired(self, moment):
        """The table without the VRPs expired at `moment` (self when none is)."""
        limit = np.uint32(min(int(moment.timestamp()), 0xFFFFFFFE))
        keeps = [(c.expires == 0) | (c.expires > limit) for c in (self.v4, self.v6)]
        if all(k.all() for k in keeps):
            return self
        families = [Columns(*(getattr(c, f)[k] for f in _FIELDS)) for c, k in
                    zip((self.v4, self.v6), keeps)]
        return VrpTable(families[0], families[1], self.tas)

    def next_expiry(self, moment):
        """The first expiry after `moment` (Unix time), or None."""
        limit = int(moment.timestamp())
        later = [c.expires[(c.expires > limit)] for c in (self.v4, self.v6)]
        later = np.concatenate(later)
        return int(later.min()) if len(later) else None

    @property
    def count_v4(self):
        return len(self.v4)

    @property
    def count_v6(self):
        return len(self.v6)

    def family(self, family):
        return self.v4 if family == 4 else self.v6

    def vrp(self, family, row):
        """The Vrp at `row` of one family's columns."""
        cols = self.family(family)
        prefix = format_prefix(family, int(cols.hi[row]), int(cols.lo[row]), int(cols.length[row]))
        return Vrp(prefix, int(cols.max_length[row]), int(cols.asn[row]), self.tas[cols.ta[row]])

    def rows(self):
        """Every VRP as a Vrp, IPv4 first, in canonical order."""
        for family in (4, 6):
            cols = self.family(family)
            for start in range(0, len(cols), _CHUNK):
                rows = np.arange(start, min(start + _CHUNK, len(cols)))
                prefixes = format_prefixes(family, cols.hi[rows], cols.lo[rows], cols.length[rows])
                yield from map(Vrp, prefixes, cols.max_length[rows].tolist(), cols.asn[rows].tolist(),
                               [self.tas[ta] for ta in cols.ta[rows].tolist()])

    def labels(self, family, rows):
        """Vrp.label() of many rows of one family at once."""
        cols = self.family(family)
        rows = np.asarray(rows, np.int64)
        prefixes = format_prefixes(family, cols.hi[rows], cols.lo[rows], cols.length[rows])
        return [f'{prefix}-{max_length} AS{asn}' for prefix, max_length, asn in
                zip(prefixes, cols.max_length[rows].tolist(), cols.asn[rows].tolist())]

    def digest(self):
        """sha256 hex of (prefix, max_length, asn) over the canonical order."""
        sha = hashlib.sha256()
        for family in (4, 6):
            cols = self.family(family)
            sha.update(b'v%d:%d;' % (family, len(cols)))
            for column in (cols.hi, cols.lo, cols.length, cols.max_length, cols.asn):
                sha.update(column.astype(column.dtype.newbyteorder('<'), copy=False).tobytes())
        return sha.hexdigest()

    def to_bytes(self):
        return serialise(self)

    @classmethod
    def from_bytes(cls, blob):
        return cls(*deserialise(blob))

    def __eq__(self, other):
        """Same VRPs with the same trust anchor names."""
        if not isinstance(other, VrpTable) or self.tas != other.tas:
            return False
        return all(np.array_equal(a, b) for family in (4, 6)
                   for a, b in zip(_fields(self.family(family)), _fields(other.family(family))))

    def __repr__(self):
        return f'<VrpTable {self.count_v4} IPv4 + {self.count_v6} IPv6 VRPs>'


def format_prefixes(family, hi, lo, length):
    """Canonical texts of many prefixes given as columns."""
    if family == 4:
        packed = hi.astype('>u4').tobytes()
        return [f'{inet_ntop(AF_INET, packed[at:at + 4])}/{size}'
                for at, size in zip(range(0, 4 * len(hi), 4), length.tolist())]
    packed = np.column_stack((hi, lo)).astype('>u8').tobytes()
    return [f'{inet_ntop(AF_INET6, packed[at:at + 16])}/{size}'
            for at, size in zip(range(0, 16 * len(hi), 16), length.tolist())]


def format_prefix(family, hi, lo, length):
    """Canonical text of a prefix given as integers."""
    if family == 4:
        return f'{inet_ntop(AF_INET, hi.to_bytes(4, "big"))}/{length}'
    return f'{inet_ntop(AF_INET6, hi.to_bytes(8, "big") + lo.to_bytes(8, "big"))}/{length}'


# -- prefixes as columns ---------------------------------------------------------

ALL_ONES = 2**64 - 1
# MASK64[n]: the network mask of an n-bit prefix over a 64-bit word.
MASK64 = np.array([ALL_ONES ^ ((1 << (64 - n)) - 1) for n in range(65)], np.uint64)


@dataclass
class PrefixColumn:
    """Many prefix texts parsed at once; rows that are not prefixes have family 0."""
    family: np.ndarray   # uint8: 4, 6, or 0
    hi: np.ndarray       # uint64: the IPv4 address, or the top 64 bits of the IPv6 one
    lo: np.ndarray       # uint64: the low 64 bits of an IPv6 address, else 0
    length: np.ndarray   # uint8
    errors: dict         # row -> English text saying why it is not a prefix


def parse_prefixes(texts):
    """Parse prefix texts ('192.0.2.0/24', '2001:db8::/32'); host bits set is an error."""
    texts = texts if isinstance(texts, list) else list(texts)
    size = len(texts)
    out = PrefixColumn(np.zeros(size, np.uint8), np.zeros(size, np.uint64),
                       np.zeros(size, np.uint64), np.zeros(size, np.uint8), {})
    fast = np.zeros(size, bool)
    for begin in range(0, size, _CHUNK):
        end = min(begin + _CHUNK, size)
        fast[begin:end], out.hi[begin:end], out.length[begin:end] = _fast_ipv4(texts[begin:end])
    out.family[fast] = 4
    _parse_each(texts, np.flatnonzero(~fast), out)
    return out


# Rows per vectorised step: small enough that the temporaries (about 40
# bytes a row) stay in cache and are reused instead of fresh pages each time.
_CHUNK = 1 << 13


def _parse_each(texts, rows, out):
    """The rows the vectorised path left (IPv6, mistakes, unusual spellings)."""
    rows = _plain_ipv6(texts, rows, out)
    done, values = [], []
    for row in rows.tolist():
        try:
            values.append(parse_prefix(texts[row]))
            done.append(row)
        except ValueError as exc:
            out.errors[row] = str(exc)
    if done:
        family, hi, lo, length = zip(*values)
        out.family[done], out.hi[done], out.lo[done], out.length[done] = family, hi, lo, length


def _plain_ipv6(texts, rows, out):
    """Parse IPv6 rows in bulk; returns the rows left for parse_prefix (any doubt)."""
    done, packed, lengths = [], [], []
    for row in rows.tolist():
        if type(texts[row]) is not str:
            continue
        address, _, size = texts[row].partition('/')
        if ':' in address and size.isdigit() and len(size) <= 3 and size.isascii():
            try:
                packed.append(inet_pton(AF_INET6, address))
            except (OSError, ValueError, TypeError):
                continue
            done.append(row)
            lengths.append(int(size))
    if not done:
        return rows
    halves = np.frombuffer(b''.join(packed), '>u8').reshape(-1, 2).astype(np.uint64)
    length = np.array(lengths, np.int64)
    clipped = np.minimum(length, 128)
    good = (length <= 128) & ((halves[:, 0] & ~MASK64[np.minimum(clipped, 64)]) == 0) & \
        ((halves[:, 1] & ~MASK64[np.maximum(clipped - 64, 0)]) == 0)
    done = np.array(done)[good]
    out.family[done], out.hi[done], out.lo[done], out.length[done] = \
        6, halves[good, 0], halves[good, 1], length[good]
    return np.setdiff1d(rows, done, assume_unique=True)


def parse_prefix(text):
    """(family, hi, lo, length) of one prefix text; ValueError says what is wrong."""
    if not isinstance(text, str):
        raise ValueError(str(_l('%(text)s is not a prefix', text=_show(text))))
    address, slash, size = text.partition('/')
    if not slash or not (size.isascii() and size.isdigit()) or len(size) > 3:
        raise ValueError(str(_l('%(text)s is not a prefix: expected address/length',
                                text=_show(text))))
    family = 6 if ':' in address else 4
    try:
        value = int.from_bytes(inet_pton(AF_INET6 if family == 6 else AF_INET, address), 'big')
    except (OSError, ValueError):
        raise ValueError(str(_l('%(text)s is not a prefix: %(address)s is not an IPv%(family)s address',
                                text=_show(text), address=_show(address), family=family))) from None
    length, bits = int(size), MAX_LENGTH[family]
    if length > bits:
        raise ValueError(str(_l('%(text)s is not a prefix: length %(length)s is above %(bits)s',
                                text=_show(text), length=length, bits=bits)))
    if value & ((1 << (bits - length)) - 1):
        network = value & ~((1 << (bits - length)) - 1)
        hi, lo = (network, 0) if family == 4 else (network >> 64, network & ALL_ONES)
        raise ValueError(str(_l('%(text)s has host bits set (the prefix would be %(prefix)s)',
                                text=_show(text), prefix=format_prefix(family, hi, lo, length))))
    return (4, value, 0, length) if family == 4 else (6, value >> 64, value & ALL_ONES, length)


_V4_SEPARATORS = np.frombuffer(b'.../\n', np.uint8)


def _fast_ipv4(texts):
    """Vectorised parse of the rows written as plain dotted quads, 'a.b.c.d/n'.

    Returns (ok, network, length). parse_prefix stays the authority: this
    path accepts a subset of what it accepts (no leading zeros, no host
    bits) with the same result, and leaves every other row to it.
    """
    size = len(texts)
    ok, network, length = np.zeros(size, bool), np.zeros(size, np.uint64), np.zeros(size, np.uint8)
    try:
        raw = ('\n'.join(texts) + '\n').encode('ascii', 'replace')
    except TypeError:
        return ok, network, length                  # a non-string: parse_prefix names it
    data = np.frombuffer(b'\n' * 4 + raw, np.uint8)  # padded: digits are read 4 behind
    value = data - np.uint8(48)                     # digits become 0-9, anything else above
    seps = np.flatnonzero(value > 9)[4:]
    chars = data[seps]
    newlines = np.flatnonzero(chars == 10)
    if len(newlines) != size:
        return ok, network, length                  # some text holds a newline
    rows, ends, shape = _four_separators(seps, chars, newlines)
    tokens, good = _tokens(value, ends)
    good &= _all_columns(shape) & _all_columns(tokens <= 255) & (tokens[:, 4] <= 32)
    tokens = tokens.astype(np.uint64)
    net = (tokens[:, 0] << 24) | (tokens[:, 1] << 16) | (tokens[:, 2] << 8) | tokens[:, 3]
    good &= ((net << 32) & ~MASK64[np.minimum(tokens[:, 4], 32)]) == 0
    rows = rows[good]
    ok[rows], network[rows], length[rows] = True, net[good], tokens[good, 4]
    return ok, network, length


def _four_separators(seps, chars, newlines):
    """Rows with five separators, their positions (rows x 5) and whether they
    are '.', '.', '.', '/', newline in that order."""
    if len(seps) == 5 * len(newlines):              # every row has five: no gathering
        rows = np.arange(len(newlines))
        ends, found = seps.reshape(-1, 5), chars.reshape(-1, 5)
    else:
        counts = np.diff(newlines, prepend=-1)
        rows = np.flatnonzero(counts == 5)
        idx = (newlines[rows] - 4)[:, None] + np.arange(5)
        ends, found = seps[idx], chars[idx]
    return rows, ends, found == _V4_SEPARATORS


def _all_columns(flags):
    """Row-wise all() of a rows x 5 array (faster than .all(axis=1) on short rows)."""
    return flags[:, 0] & flags[:, 1] & flags[:, 2] & flags[:, 3] & flags[:, 4]


def _tokens(value, ends):
    """Values of the 1-3 digit tokens ending before each separator, and per
    row whether every token is 1-3 digits without a leading zero."""
    d1, d2, d3, d4 = (value[ends - k] for k in (1, 2, 3, 4))
    one, two, three = d1 <= 9, (d1 <= 9) & (d2 <= 9), (d1 <= 9) & (d2 <= 9) & (d3 <= 9)
    four = three & (d4 <= 9)
    d1, d2, d3 = (digit.astype(np.int16) for digit in (d1, d2, d3))
    tokens = d1 * one + d2 * 10 * two + d3 * 100 * three
    leading_zero = (two & ~three & (d2 == 0)) | (three & (d3 == 0))
    return tokens, _all_columns(one & ~four & ~leading_zero)


# -- building columns ---------------------------------------------------------

def _int_column(values, where, what, none=None):
    """An int64 array of Python ints (None becomes `none` when allowed)."""
    values = values if isinstance(values, (list, tuple)) else list(values)
    kinds = set(map(type, values))
    if kinds <= {int}:
        try:
            return np.array(values, dtype=np.int64)
        except OverflowError:
            pass
    if none is not None and kinds <= {int, type(None)}:
        try:
            return np.array([none if v is None else v for v in values], dtype=np.int64)
        except OverflowError:
            pass
    for row, value in enumerate(values):
        if value is None and none is not None:
            continue
        if type(value) is not int or not -2**63 <= value < 2**63:
            _fail(where, row, _l('%(what)s %(value)s is not a whole number',
                                 what=what, value=_show(value)))
    raise AssertionError('unreachable')


def _show(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


def _check_asns(asn, raw, where):
    bad = np.flatnonzero((asn < 0) | (asn > MAX_ASN))
    if len(bad):
        _fail(where, int(bad[0]), _l('ASN %(value)s is outside 0..4294967295',
                                     value=_show(raw[int(bad[0])])))


def _check_max_lengths(parsed, max_length, prefixes, where):
    """max_length with absent values filled in; refuses lengths outside length..32/128."""
    length = parsed.length.astype(np.int64)
    max_length = np.where(max_length == -1, length, max_length)
    limit = np.where(parsed.family == 4, 32, 128)
    bad = np.flatnonzero((max_length < length) | (max_length > limit))
    if len(bad):
        row = int(bad[0])
        _fail(where, row, _l('maxLength %(value)s of %(prefix)s is not between %(low)s and %(high)s',
                             value=int(max_length[row]), prefix=_show(prefixes[row]),
                             low=int(length[row]), high=int(limit[row])))
    return max_length


def _ta_column(tas):
    """Sorted trust anchor names and each row's index into them."""
    tas = tas if isinstance(tas, (list, tuple)) else list(tas)
    # An unhashable name (a list or object in a malformed export) is refused here,
    # before it is used as a key.
    for name in tas:
        if name is not None and not isinstance(name, str):
            raise VrpFormatError(str(_l('trust anchor %(value)s is not a name',
                                        value=_show(name))))
    distinct = dict.fromkeys(tas)
    for name in distinct:
        if name is not None and not isinstance(name, str):
            raise VrpFormatError(str(_l('trust anchor %(value)s is not a name', value=_show(name))))
    names = sorted({name or '' for name in distinct})
    if len(names) > 65535:
        raise VrpFormatError(str(_l('more than 65535 trust anchor names')))
    rank = {name: names.index(name or '') for name in distinct}
    if len(rank) == 1:
        return names, np.full(len(tas), next(iter(rank.values())), np.uint16)
    return names, np.fromiter(map(rank.__getitem__, tas), np.uint16, len(tas))


def _expiry_column(expires, count):
    """Unix times as uint32 (0: unknown); far futures saturate."""
    if expires is None:
        return np.zeros(count, np.uint32)
    values = np.array([0 if value is None else value for value in expires], np.float64)
    return np.clip(values, 0, 0xFFFFFFFE).astype(np.uint32)


def _family_columns(parsed, max_length, asn, ta, family, expires):
    rows = np.flatnonzero(parsed.family == family)
    cols = (parsed.hi[rows], parsed.lo[rows], parsed.length[rows],
            max_length[rows].astype(np.uint8), asn[rows].astype(np.uint32), ta[rows],
            expires[rows])
    return canonical(family, *cols)


def canonical(family, hi, lo, length, max_length, asn, ta, expires=None):
    """Columns sorted canonically with duplicate (prefix, max_length, asn) removed;
    a duplicate keeps the latest expiry (none said counts as latest)."""
    if expires is None:
        expires = np.zeros(len(hi), np.uint32)
    sizes = (length.astype(np.uint64) << np.uint64(8)) | max_length
    tail = (asn.astype(np.uint64) << np.uint64(16)) | ta
    if family == 4:                                  # address, length and maxLength fit one key
        order = _sort_order(hi << np.uint64(16) | sizes, (tail,))
    else:
        order = _sort_order(hi, (tail, sizes, lo))
    hi, lo, length, max_length, asn, ta, expires = (
        c[order] for c in (hi, lo, length, max_length, asn, ta, expires))
    keep = np.ones(len(hi), bool)
    keep[1:] = ((hi[1:] != hi[:-1]) | (lo[1:] != lo[:-1]) | (length[1:] != length[:-1]) |
                (max_length[1:] != max_length[:-1]) | (asn[1:] != asn[:-1]))
    if not keep.all():
        latest = np.where(expires == 0, NEVER, expires)
        latest = np.maximum.reduceat(latest, np.flatnonzero(keep))
        hi, lo, length, max_length, asn, ta = (c[keep] for c in (hi, lo, length, max_length, asn, ta))
        expires = np.where(latest == NEVER, 0, latest).astype(np.uint32)
    return Columns(hi, lo, length, max_length, asn, ta, expires)


def _sort_order(primary, minors):
    """Order by primary, then by the minor keys (last one most significant).

    A plain argsort of one uint64 is ten times faster than lexsort, and ties
    of the primary key are rare, so only the tied rows are lexsorted.
    """
    order = np.argsort(primary)
    ranked = primary[order]
    tie = ranked[1:] == ranked[:-1]
    if tie.any():
        tied = np.zeros(len(order), bool)
        tied[1:] |= tie
        tied[:-1] |= tie
        at = np.flatnonzero(tied)
        group = order[at]
        order[at] = group[np.lexsort(tuple(key[group] for key in minors) + (primary[group],))]
    return order


# -- the stored blob ------------------------------------------------------------
#
# 'JVRP', version, then the counts and the trust anchor names, then each
# family's columns as raw little-endian arrays: IPv4 addresses as 4 bytes,
# lengths as 1, ASNs as 4, trust anchor indexes as 1 byte when there are
# fewer than 256 names. No compression: loading is a handful of copies.

_MAGIC = b'JVRP'
_VERSION = 2            # 2 adds each VRP's expiry; 1 is still read (no expiries)
_HEADER = struct.Struct('<4sBxxxIIII')    # magic, version, IPv4 count, IPv6 count, names, names size


def _blob_dtypes(family, wide_ta, version=_VERSION):
    address = ('<u4', None) if family == 4 else ('<u8', '<u8')
    return address + ('u1', 'u1', '<u4', '<u2' if wide_ta else 'u1') + \
        (('<u4',) if version >= 2 else (None,))


def _fields(cols):
    return tuple(getattr(cols, field) for field in _FIELDS)


def serialise(table):
    names = '\n'.join(table.tas).encode('utf-8')
    wide_ta = len(table.tas) > 255
    parts = [_HEADER.pack(_MAGIC, _VERSION, table.count_v4, table.count_v6, len(table.tas),
                          len(names)), names]
    for family in (4, 6):
        for column, dtype in zip(_fields(table.family(family)), _blob_dtypes(family, wide_ta)):
            if dtype is not None:
                parts.append(column.astype(dtype, copy=False).tobytes())
    return b''.join(parts)


def deserialise(blob):
    """(v4 Columns, v6 Columns, names) from a blob made by serialise()."""
    blob = blob if isinstance(blob, bytes) else bytes(blob)
    if len(blob) < _HEADER.size:
        raise VrpFormatError(str(_l('stored VRP table is truncated')))
    magic, version, count4, count6, name_count, names_size = _HEADER.unpack_from(blob)
    if magic != _MAGIC or version not in (1, _VERSION):
        raise VrpFormatError(str(_l('not a stored VRP table (or an unknown version)')))
    offset = _HEADER.size + names_size
    names = blob[_HEADER.size:offset].decode('utf-8').split('\n') if name_count else []
    if len(names) != name_count:
        raise VrpFormatError(str(_l('stored VRP table has a damaged name list')))
    families = []
    for family, count in ((4, count4), (6, count6)):
        columns, offset = _read_columns(blob, offset, family, count, name_count > 255, version)
        families.append(columns)
    if offset != len(blob):
        raise VrpFormatError(str(_l('stored VRP table has the wrong size')))
    for columns in families:
        if len(columns) and int(columns.ta.max()) >= name_count:
            raise VrpFormatError(str(_l('stored VRP table has a damaged name list')))
    return families[0], families[1], names


def _read_columns(blob, offset, family, count, wide_ta, version=_VERSION):
    out = []
    for dtype, native in zip(_blob_dtypes(family, wide_ta, version), _COLUMN_DTYPES):
        if dtype is None:
            out.append(np.zeros(count, native))
            continue
        size = np.dtype(dtype).itemsize * count
        if offset + size > len(blob):
            raise VrpFormatError(str(_l('stored VRP table is truncated')))
        out.append(np.frombuffer(blob, dtype, count, offset).astype(native))
        offset += size
    return Columns(*out), offset
