"""Route origin validation (RFC 6811) against a VrpTable, one route or whole tables.

A VRP covers a route when its prefix equals or contains the route's; it
matches when it also has the route's origin AS, is not AS0, and its
maxLength is at least the route's length. Valid if a VRP matches, invalid
if VRPs cover but none matches, not-found if none covers. An AS_SET origin
(None) matches nothing.

The index, per family: the distinct VRP prefixes are "nodes", sorted by
(start, length), which is a preorder of their containment tree; each node
points to its parent (the innermost node strictly containing it). A route
finds its innermost covering node by a binary search and a short climb,
then climbs towards the root asking at each node "is there a VRP with this
origin, and what is its largest maxLength?" (one binary search over
node<<32|asn keys). Every step runs over all routes at once in numpy, and
the climbs are as deep as VRPs nest (a handful in real data). Addresses are
compared as their top 64 bits (IPv4 shifted up), which is exact for every
prefix up to /64; the rare IPv6 VRPs longer than /64 are kept aside and
checked exactly, in Python, for routes longer than /64.
"""
from dataclasses import dataclass

import numpy as np
from flask_babel import lazy_gettext as _l

from noc.models.routing import RpkiState
from noc.routing.rpki.prefix_columns import ALL_ONES, MASK64, parse_prefix

VALID, INVALID, NOT_FOUND = RpkiState.VALID, RpkiState.INVALID, RpkiState.NOT_FOUND
# Batch state codes, numbered as rtrlib numbers them.
CODE_VALID, CODE_NOT_FOUND, CODE_INVALID = 0, 1, 2
STATES = (VALID, NOT_FOUND, INVALID)
CODE_ERROR = 255                      # validate_column: the text was not a prefix

# Batch reason codes: why a route has its state.
MATCHED, NO_VRP, TOO_SPECIFIC, OTHER_ORIGIN, ONLY_AS0, ORIGIN_AS_SET = range(6)
REASONS = {
    MATCHED: _l('matched %(vrps)s'),
    NO_VRP: _l('no covering VRP'),
    TOO_SPECIFIC: _l('more specific than allowed: %(vrps)s'),
    OTHER_ORIGIN: _l('origin AS%(origin)s not authorised: %(vrps)s'),
    ONLY_AS0: _l('covered only by AS0 VRPs: %(vrps)s'),
    ORIGIN_AS_SET: _l('origin is an AS_SET, which no VRP matches: %(vrps)s'),
}
NAMED_IN_REASON = 5                   # VRPs a reason names before 'and N more'
AS_SET = -1                           # the origin code of an AS_SET in batch arrays


@dataclass(frozen=True)
class Validation:
    state: str
    matched: tuple            # VRPs that match
    unmatched_as: tuple       # covering VRPs of another AS (AS0 included)
    unmatched_length: tuple   # covering VRPs of the origin AS whose maxLength is too short
    loose: tuple              # matched VRPs whose maxLength exceeds their prefix (RFC 9319)
    reason: str               # what an operator should know, naming the VRPs
    reason_code: int          # MATCHED, NO_VRP, ...


MORE = _l(' and %(count)s more')


def reason_text(code, origin, vrps, templates=REASONS):
    """The reason for a route; `templates` may be REASONS already made text (fast, in loops)."""
    return _worded(code, origin, [vrp.label() for vrp in vrps], templates)


def _worded(code, origin, labels, templates, more=MORE, total=None):
    """The reason text naming the first labels of `total` (default: all of them)."""
    total = len(labels) if total is None else total
    names = ', '.join(labels[:NAMED_IN_REASON])
    if total > NAMED_IN_REASON:
        names += str(more % {'count': total - NAMED_IN_REASON})
    return str(templates[code] % {'vrps': names, 'origin': origin})


def reason_code(matched, unmatched_as, unmatched_length, origin):
    if matched:
        return MATCHED
    if unmatched_length:
        return TOO_SPECIFIC
    if not unmatched_as:
        return NO_VRP
    if all(vrp.asn == 0 for vrp in unmatched_as):
        return ONLY_AS0
    return ORIGIN_AS_SET if origin is None else OTHER_ORIGIN


def _named(code, matched, unmatched_as, unmatched_length):
    """The VRPs a reason names: the ones to look at to fix the route."""
    return {MATCHED: matched, TOO_SPECIFIC: unmatched_length, NO_VRP: ()}.get(code, unmatched_as)


class RovIndex:
    """Answers RFC 6811 questions about one VrpTable."""

    def __init__(self, table):
        self.table = table
        self._families = {4: _FamilyIndex(table.v4, 4), 6: _FamilyIndex(table.v6, 6)}

    # -- one route ----------------------------------------------------------

    def covering(self, prefix):
        """Every VRP whose prefix equals or contains `prefix`, in canonical order."""
        family, hi, lo, length = _parse(prefix)
        rows = self._families[family].covering_rows(hi, lo, length)
        return tuple(self.table.vrp(family, row) for row in rows)

    def validate(self, prefix, origin, templates=REASONS):
        """The Validation of a route; `origin` None means an AS_SET (matches nothing)."""
        family, hi, lo, length = _parse(prefix)
        rows = self._families[family].covering_rows(hi, lo, length)
        return self.explain(family, length, origin, rows, templates)

    def explain(self, family, length, origin, rows, templates=REASONS):
        """The Validation of a route of `length` whose covering VRPs are `rows`."""
        matched, unmatched_as, unmatched_length = [], [], []
        for row in rows:
            vrp = self.table.vrp(family, row)
            if origin is None or vrp.asn != origin or vrp.asn == 0:
                unmatched_as.append(vrp)
            else:
                (matched if vrp.max_length >= length else unmatched_length).append(vrp)
        code = reason_code(matched, unmatched_as, unmatched_length, origin)
        state = VALID if matched else INVALID if rows else NOT_FOUND
        named = _named(code, matched, unmatched_as, unmatched_length)
        loose = tuple(vrp for vrp in matched if vrp.max_length > int(vrp.prefix.rsplit('/', 1)[1]))
        return Validation(state, tuple(matched), tuple(unmatched_as), tuple(unmatched_length),
                          loose, reason_text(code, origin, named, templates), code)

    def covering_rows(self, family, hi, lo, length):
        """Rows (of table.v4 or table.v6) of the VRPs covering a route given as integers."""
        return self._families[family].covering_rows(hi, lo, length)

    # -- many routes --------------------------------------------------------

    def validate_many(self, family, hi, lengths, origins, lo=None):
        """States and reasons for many routes of one family, as numpy arrays.

        hi: uint64, the IPv4 address or the top 64 bits of the IPv6 one (as
        VrpTable stores them); lo: uint64, the low 64 bits (IPv6 only);
        lengths: route lengths; origins: int64, AS_SET (-1) for an AS_SET.
        Host bits must be zero. Returns (states, reasons): uint8 arrays of
        CODE_VALID/CODE_NOT_FOUND/CODE_INVALID and of MATCHED, NO_VRP, ...
        """
        hi = np.asarray(hi, np.uint64)
        lo = np.zeros(len(hi), np.uint64) if lo is None else np.asarray(lo, np.uint64)
        lengths = np.asarray(lengths, np.int64)
        origins = np.asarray(origins, np.int64)
        return self._families[family].validate(hi, lo, lengths, origins)

    def reasons_many(self, family, hi, lo, lengths, origins, codes, templates=REASONS):
        """The reason texts validate() would give, for many routes of one family
        at once (arguments as validate_many's, codes its reasons)."""
        route, row = self._families[family].covering_pairs(hi, lo, lengths)
        cols = self.table.family(family)
        same = (cols.asn[row] == origins[route]) & (cols.asn[row] != 0)
        fits = cols.max_length[row] >= lengths[route]
        code = codes[route]
        named = np.where(code == MATCHED, same & fits, np.where(
            code == TOO_SPECIFIC, same & ~fits, (code != NO_VRP) & ~same))
        route, row = route[named], row[named]
        distinct = np.unique(row)
        labels = dict(zip(distinct.tolist(), self.table.labels(family, distinct)))
        counts = np.bincount(route, minlength=len(codes)).tolist()
        rows, more = row.tolist(), str(MORE)
        texts, at = [], 0
        for code, origin, count in zip(codes.tolist(), origins.tolist(), counts):
            names = [labels[r] for r in rows[at:at + min(count, NAMED_IN_REASON)]]
            texts.append(_worded(code, None if origin == AS_SET else origin, names, templates,
                                 more, count))
            at += count
        return texts

    def validate_column(self, parsed, origins):
        """validate_many over a prefix_columns.PrefixColumn (both families); rows that are
        not prefixes get CODE_ERROR. origins: int64 with AS_SET for AS_SETs."""
        states = np.full(len(parsed.family), CODE_ERROR, np.uint8)
        reasons = np.full(len(parsed.family), CODE_ERROR, np.uint8)
        for family in (4, 6):
            rows = np.flatnonzero(parsed.family == family)
            if len(rows):
                states[rows], reasons[rows] = self.validate_many(
                    family, parsed.hi[rows], parsed.length[rows], origins[rows], parsed.lo[rows])
        return states, reasons


def _parse(prefix):
    """(family, hi, lo, length) of a str or netaddr.IPNetwork; ValueError if not a prefix."""
    text = prefix if isinstance(prefix, str) else str(prefix)
    return parse_prefix(text)


class _FamilyIndex:
    """The containment tree of one family's VRP prefixes, as flat arrays."""

    def __init__(self, cols, family):
        self.family = family
        top = cols.hi << np.uint64(32) if family == 4 else cols.hi
        short = np.flatnonzero(cols.length <= 64)
        self.rows = short                                   # node VRP rows -> table rows
        start, length, asn = top[short], cols.length[short], cols.asn[short]
        new = np.ones(len(start), bool)
        new[1:] = (start[1:] != start[:-1]) | (length[1:] != length[:-1])
        first = np.flatnonzero(new)
        self.start, self.length = start[first], length[first]
        self.first = first                                  # node -> its first row in `short`
        self.end = np.append(first[1:], len(short)).astype(np.int64)
        node_of_row = np.repeat(np.arange(len(first)), np.diff(np.append(first, len(short))))
        self.parent = _parents(self.start, self.length)
        self.has_real_asn = np.bincount(node_of_row, weights=asn != 0, minlength=len(first)) > 0
        self.keys, self.key_max = _origin_keys(node_of_row, asn, cols.max_length[short])
        self.long, self.long_vrp = _long_vrps(cols) if family == 6 else ({}, {})

    # -- vectorised -------------------------------------------------------------

    def validate(self, hi, lo, lengths, origins):
        top = hi << np.uint64(32) if self.family == 4 else hi
        node = self._innermost(top, lengths)
        flags = self._climb(node, lengths, origins)
        if self.long:
            self._add_long(hi, lo, lengths, origins, flags)
        return _codes(flags, origins)

    def _innermost(self, top, lengths):
        """Each route's innermost covering node, -1 when none covers it."""
        node = np.searchsorted(self.start, top, 'right').astype(np.int64) - 1
        live = np.flatnonzero(node >= 0)
        while len(live):
            at = node[live]
            size = self.length[at]
            inside = (size <= lengths[live]) & ((top[live] & MASK64[size]) == self.start[at])
            live = live[~inside]
            node[live] = self.parent[node[live]]
            live = live[node[live] >= 0]
        return node

    def _climb(self, node, lengths, origins):
        """Walk from each route's innermost node to the root, or to a match."""
        size = len(node)
        flags = {name: np.zeros(size, bool) for name in ('covered', 'matched', 'short', 'real')}
        flags['covered'] = node >= 0
        node = node.copy()
        live = np.flatnonzero(flags['covered'])
        asks = origins > 0                                  # AS0 and AS_SET origins match nothing
        while len(live):
            at = node[live]
            flags['real'][live] |= self.has_real_asn[at]
            ask = live[asks[live]]
            found, max_length = self._lookup(node[ask], origins[ask])
            fits = found & (max_length >= lengths[ask])
            flags['matched'][ask[fits]] = True
            flags['short'][ask[found & ~fits]] = True
            live = live[~flags['matched'][live]]
            node[live] = self.parent[node[live]]
            live = live[node[live] >= 0]
        return flags

    def _lookup(self, node, origin):
        """Whether node has VRPs of origin, and their largest maxLength."""
        if not len(self.keys):
            return np.zeros(len(node), bool), np.zeros(len(node), np.uint8)
        key = (node.astype(np.uint64) << np.uint64(32)) | origin.astype(np.uint64)
        at = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return self.keys[at] == key, self.key_max[at]

    def _add_long(self, hi, lo, lengths, origins, flags):
        """Exact, one by one: routes longer than /64 against VRPs longer than /64
        (a dictionary lookup per distinct VRP length; both are rare)."""
        for route in np.flatnonzero(lengths > 64).tolist():
            origin = int(origins[route])
            for row in self._long_rows(int(hi[route]), int(lo[route]), int(lengths[route])):
                vrp_asn, vrp_max = self.long_vrp[row]
                flags['covered'][route] = True
                flags['real'][route] |= vrp_asn != 0
                if origin > 0 and vrp_asn == origin:
                    flags['matched' if vrp_max >= lengths[route] else 'short'][route] = True

    def covering_pairs(self, hi, lo, lengths):
        """(route, row) for every VRP covering every route, sorted: the
        vectorised covering_rows."""
        top = hi << np.uint64(32) if self.family == 4 else hi
        node = self._innermost(top, lengths)
        routes, nodes = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        live = np.flatnonzero(node >= 0)
        while len(live):
            routes.append(live)
            nodes.append(node[live])
            node[live] = self.parent[node[live]]
            live = live[node[live] >= 0]
        route, at = np.concatenate(routes), np.concatenate(nodes)
        counts = self.end[at] - self.first[at]
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        route, row = np.repeat(route, counts), self.rows[np.repeat(self.first[at], counts) + offsets]
        if self.long:
            extra = [(r, x) for r in np.flatnonzero(lengths > 64).tolist()
                     for x in self._long_rows(int(hi[r]), int(lo[r]), int(lengths[r]))]
            if extra:
                more_route, more_row = np.array(extra, np.int64).T
                route, row = np.concatenate((route, more_route)), np.concatenate((row, more_row))
        order = np.lexsort((row, route))
        return route[order], row[order]

    # -- one route -------------------------------------------------------------

    def covering_rows(self, hi, lo, length):
        top = (hi << 32) if self.family == 4 else hi
        node = int(np.searchsorted(self.start, np.uint64(top), 'right')) - 1
        while node >= 0 and not self._contains(node, top, length):
            node = int(self.parent[node])
        rows = []
        while node >= 0:
            rows.extend(self.rows[self.first[node]:self.end[node]].tolist())
            node = int(self.parent[node])
        if length > 64 and self.long:
            rows.extend(self._long_rows(hi, lo, length))
        return sorted(rows)

    def _contains(self, node, top, length):
        size = int(self.length[node])
        return size <= length and (top & int(MASK64[size])) == int(self.start[node])

    def _long_rows(self, hi, lo, length):
        for size, by_prefix in self.long.items():
            if size <= length:
                yield from by_prefix.get((hi, lo & (ALL_ONES ^ ((1 << (128 - size)) - 1))), ())


def _parents(start, length):
    """Each node's innermost strictly containing node (-1: none).

    Nodes sorted by (start, length) are a preorder of the containment tree,
    so any earlier node reaching start[i] contains node i, and the parent of
    node i is node i-1 or one of its ancestors. Nodes that no earlier node
    reaches (a running maximum of the ends) are roots. The others start from
    i-1 and, while the candidate does not contain them, jump to the
    candidate's own candidate: the parent stays an ancestor-or-self of the
    candidate at every step and the jumps double, so few rounds are needed.
    """
    if not len(start):
        return np.zeros(0, np.int64)
    reach = np.maximum.accumulate(start | ~MASK64[length])
    below = np.concatenate(([False], reach[:-1] >= start[1:]))
    candidate = np.where(below, np.arange(len(start)) - 1, -1)
    live = np.flatnonzero(below)
    while len(live):
        at = candidate[live]
        inside = (length[at] < length[live]) & ((start[live] & MASK64[length[at]]) == start[at])
        live = live[~inside]
        candidate[live] = candidate[candidate[live]]
        live = live[candidate[live] >= 0]
    return candidate


def _origin_keys(node_of_row, asn, max_length):
    """Sorted node<<32|asn keys and the largest maxLength of each."""
    if len(node_of_row) >= 1 << 24:
        raise ValueError('more than 16 million distinct VRP prefixes in one family')
    packed = (node_of_row.astype(np.uint64) << np.uint64(40)) | (asn.astype(np.uint64) << np.uint64(8)) \
        | max_length.astype(np.uint64)
    packed.sort()
    key = packed >> np.uint64(8)
    last = np.append(key[1:] != key[:-1], True) if len(key) else np.zeros(0, bool)
    return key[last], (packed[last] & np.uint64(255)).astype(np.uint8)


def _long_vrps(cols):
    """IPv6 VRPs longer than /64, for exact lookups: {length: {(hi, lo): [rows]}}
    and {row: (asn, max_length)}."""
    long, vrps = {}, {}
    for row in np.flatnonzero(cols.length > 64).tolist():
        key = (int(cols.hi[row]), int(cols.lo[row]))
        long.setdefault(int(cols.length[row]), {}).setdefault(key, []).append(row)
        vrps[row] = (int(cols.asn[row]), int(cols.max_length[row]))
    return long, vrps


def _codes(flags, origins):
    matched, covered, short, real = (flags[name] for name in ('matched', 'covered', 'short', 'real'))
    states = np.full(len(matched), CODE_NOT_FOUND, np.uint8)
    states[covered] = CODE_INVALID
    states[matched] = CODE_VALID
    reasons = np.full(len(matched), NO_VRP, np.uint8)
    invalid = covered & ~matched
    reasons[invalid] = OTHER_ORIGIN
    reasons[invalid & (origins == AS_SET)] = ORIGIN_AS_SET
    reasons[invalid & ~real] = ONLY_AS0
    reasons[invalid & short] = TOO_SPECIFIC
    reasons[matched] = MATCHED
    return states, reasons

