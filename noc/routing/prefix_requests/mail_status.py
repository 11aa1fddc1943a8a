"""What a customer has of what a mail to the BGP mailbox asks: their tracked
prefixes that match each request number or prefix (the same, covering it, or
inside it), never another customer's. Read only; the inbound handler
(noc/inbound/bgp_mailbox.py) turns it into the answer.
"""
import ipaddress
from collections import defaultdict
from dataclasses import dataclass, field

from noc.models import Circuit
from noc.models.routing import TrackedPrefix

# Rows one answer lists; past them it says how many more there are.
MAX_ROWS = 200


@dataclass
class Status:
    """One customer's answer: matched rows, each with how the mail named it."""
    rows: list = field(default_factory=list)       # [(TrackedPrefix, [(relation, text)])]
    missing: list = field(default_factory=list)    # asked texts with nothing of theirs
    more: int = 0                                  # rows past MAX_ROWS

    @property
    def requests(self):
        return sorted({row.request_id for row, _ in self.rows})


def _span(network):
    return (network.version, int(network.network_address), int(network.broadcast_address))


def _spans(customer_id, families):
    """(id, span) of every tracked prefix of the customer in `families`: integer
    ranges, since a customer may have thousands and a mail a hundred questions."""
    query = (TrackedPrefix.select(TrackedPrefix.id, TrackedPrefix.prefix)
             .where((TrackedPrefix.customer == customer_id)
                    & TrackedPrefix.family.in_(list(families))).tuples())
    return [(row_id, _span(ipaddress.ip_network(prefix))) for row_id, prefix in query]


def _relation(asked, tracked):
    """How a tracked prefix relates to an asked one (CIDR ranges nest or are apart)."""
    if asked[0] != tracked[0]:
        return None
    if asked == tracked:
        return 'exact'
    if tracked[1] <= asked[1] and asked[2] <= tracked[2]:
        return 'covers'            # the tracked prefix covers what was asked
    if asked[1] <= tracked[1] and tracked[2] <= asked[2]:
        return 'inside'
    return None


def _by_request(customer_id, items):
    ids = [a.request_id for a in items if a.request_id is not None]
    found = defaultdict(list)
    if ids:
        for row_id, request_id in (TrackedPrefix.select(TrackedPrefix.id, TrackedPrefix.request)
                                   .where((TrackedPrefix.customer == customer_id)
                                          & TrackedPrefix.request.in_(ids))
                                   .order_by(TrackedPrefix.family, TrackedPrefix.prefix)
                                   .tuples()):
            found[request_id].append(row_id)
    return found


def lookup(customer_id, query):
    """What the customer has of what `query` asks (never another customer's rows)."""
    status, matched = Status(), {}
    requests = _by_request(customer_id, query.items)
    families = {a.network.version for a in query.items if a.network is not None}
    spans = _spans(customer_id, families) if families else []
    for item in query.items:
        if item.request_id is not None:
            hits = [(row_id, 'request') for row_id in requests.get(item.request_id, [])]
        else:
            asked = _span(item.network)
            hits = [(row_id, relation) for row_id, span in spans
                    if (relation := _relation(asked, span))]
        if not hits:
            status.missing.append(item.text)
        for row_id, relation in hits:
            matched.setdefault(row_id, []).append((relation, item.text))
    ids = list(matched)
    status.more = max(len(ids) - MAX_ROWS, 0)
    rows = {row.id: row for row in TrackedPrefix.select(TrackedPrefix, Circuit)
            .join(Circuit).where(TrackedPrefix.id.in_(ids[:MAX_ROWS] or [-1]))}
    status.rows = [(rows[i], matched[i]) for i in ids[:MAX_ROWS]]
    return status
