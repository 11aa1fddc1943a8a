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
from dataclasses import dataclass

import numpy as np
from flask_babel import lazy_gettext as _l

from noc.core.limits import MAX_ASN
from noc.routing.rpki.columns import (
    COLUMN_DTYPES,
    FIELDS,
    NEVER,
    Columns,
    VrpFormatError,
    deserialise,
    fields_of,
    serialise,
)
from noc.routing.rpki.prefix_columns import (
    CHUNK,
    format_prefix,
    format_prefixes,
    parse_prefixes,
    shown,
)


@dataclass(frozen=True, order=True)
class Vrp:
    prefix: str          # canonical text, '192.0.2.0/24'
    max_length: int
    asn: int
    ta: str = ''         # trust anchor name; '' when the source does not say

    def label(self):
        """'192.0.2.0/24-24 AS65001': the way operators and validators write a VRP."""
        return f'{self.prefix}-{self.max_length} AS{self.asn}'


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
                       for field, dtype in zip(FIELDS, COLUMN_DTYPES)]
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
        families = [Columns(*(getattr(c, f)[k] for f in FIELDS)) for c, k in
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
            for start in range(0, len(cols), CHUNK):
                rows = np.arange(start, min(start + CHUNK, len(cols)))
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
                   for a, b in zip(fields_of(self.family(family)), fields_of(other.family(family))))

    def __repr__(self):
        return f'<VrpTable {self.count_v4} IPv4 + {self.count_v6} IPv6 VRPs>'


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
                                 what=what, value=shown(value)))
    raise AssertionError('unreachable')


def _check_asns(asn, raw, where):
    bad = np.flatnonzero((asn < 0) | (asn > MAX_ASN))
    if len(bad):
        _fail(where, int(bad[0]), _l('ASN %(value)s is outside 0..4294967295',
                                     value=shown(raw[int(bad[0])])))


def _check_max_lengths(parsed, max_length, prefixes, where):
    """max_length with absent values filled in; refuses lengths outside length..32/128."""
    length = parsed.length.astype(np.int64)
    max_length = np.where(max_length == -1, length, max_length)
    limit = np.where(parsed.family == 4, 32, 128)
    bad = np.flatnonzero((max_length < length) | (max_length > limit))
    if len(bad):
        row = int(bad[0])
        _fail(where, row, _l('maxLength %(value)s of %(prefix)s is not between %(low)s and %(high)s',
                             value=int(max_length[row]), prefix=shown(prefixes[row]),
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
                                        value=shown(name))))
    distinct = dict.fromkeys(tas)
    for name in distinct:
        if name is not None and not isinstance(name, str):
            raise VrpFormatError(str(_l('trust anchor %(value)s is not a name', value=shown(name))))
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
