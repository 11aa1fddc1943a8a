"""Validate prefixes against the current VRP set and the IRR, in batches.

Shared by the first check of a request, the revalidation of every tracked
prefix, and (later) the providers' ad hoc check: one VRP index, one IRR
lookup (one connection per server) for the whole batch.
"""
from noc.routing import alerts
from noc.routing.irr.lookup import IrrLookup
from noc.routing.policy import checks
from noc.routing.rpki import snapshots


def validate(items, settings, index=None, lookup=None, previous=None):
    """items: [(key, prefix, origin, as_set)] -> {key: checks.evaluate result}.

    `settings`: RoutingSettings (the policy, the IRR servers, the RPKI sources).
    `index` defaults to the current VRP set (None when no VRPs were ever
    loaded); `lookup` to a fresh IrrLookup, closed afterwards. `previous`
    ({key: evidence of the last check}, for revalidation) fills in what a
    batch did not look up, and stands in for IRR sources that failed."""
    if index is None:
        index, _ = snapshots.current_index(settings.rpki['sources'])
    own = lookup is None
    lookup = lookup or IrrLookup(settings.irr)
    try:
        origins = {}
        for _, prefix, origin, _ in items:
            origins.setdefault(prefix, set()).add(origin)
        routes = lookup.routes(sorted(origins), origins=origins)
        results = {}
        previous = previous or {}
        for key, prefix, origin, as_set in items:
            validation = index.validate(prefix, origin) if index is not None else None
            found = routes.get(prefix, [])
            before = previous.get(key) or {}
            if prefix in lookup.partial and before.get('irr'):
                # Other origins of this prefix were not asked this time: last known.
                found = sorted(set(found) | {tuple(r) for r in before['irr'].get('routes', [])
                                             if r[1] not in origins[prefix]})
            facts = lookup.facts(prefix, found, as_set, previous=before)
            results[key] = checks.evaluate(prefix, origin, validation, facts, settings.prefixes)
        alerts.note_servers(lookup)
        return results
    finally:
        if own:
            lookup.close()
