"""Address space already accepted for a customer: no other customer may have
it, nor a prefix inside it or around it, accepted too.

Checked when a request is made and again at every approval (by the policy or
an engineer), because two customers may ask for the same space before either
is approved. Lookups are by integer ranges: exact and covering claims through
the prefix's shorter forms, covered claims by bisecting the sorted starts.
"""
import bisect
from collections import defaultdict

import netaddr

from noc.models.routing import TrackedPrefix


def _range(network):
    return int(network.first), int(network.last)


class Claims:
    """The approved and configured prefixes, optionally without some rows."""

    def __init__(self, families=(4, 6), exclude_ids=()):
        self._exact = {}
        self._starts = defaultdict(list)
        query = TrackedPrefix.select(TrackedPrefix.id, TrackedPrefix.prefix,
                                     TrackedPrefix.customer, TrackedPrefix.request,
                                     TrackedPrefix.family).where(
            TrackedPrefix.state.in_(TrackedPrefix.LIVE)
            & TrackedPrefix.family.in_(list(families)))
        excluded = set(exclude_ids)
        for row in query:
            if row.id not in excluded:
                self._put(row)
        for family in self._starts:
            self._starts[family].sort(key=lambda item: (item[0], item[1], item[2]))

    def _put(self, row):
        network = netaddr.IPNetwork(row.prefix)
        start, end = _range(network)
        self._exact.setdefault((network.version, start, network.prefixlen), []).append(row)
        return network.version, (start, end, row.id, row)

    def add(self, row):
        """A row approved meanwhile (in the same pass) claims its space too."""
        family, item = self._put(row)
        bisect.insort(self._starts[family], item, key=lambda i: (i[0], i[1], i[2]))

    def overlapping(self, prefix, customer_id):
        """Rows of other customers whose prefix equals, covers or is inside `prefix`."""
        network = netaddr.IPNetwork(prefix)
        family = network.version
        found = []
        bits = 32 if family == 4 else 128
        for length in range(network.prefixlen, -1, -1):       # equal and covering
            start = int(network.first) & ~((1 << (bits - length)) - 1)
            found += self._exact.get((family, start, length), [])
        first, last = _range(network)                          # inside
        rows = self._starts.get(family, [])
        index = bisect.bisect_left(rows, (first, -1, -1), key=lambda i: (i[0], i[1], i[2]))
        while index < len(rows) and rows[index][0] <= last:
            if rows[index][1] <= last:
                found.append(rows[index][3])
            index += 1
        seen, result = set(), []
        for row in found:
            if row.customer_id != customer_id and row.id not in seen:
                seen.add(row.id)
                result.append(row)
        return result
