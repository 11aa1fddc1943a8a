"""Validate prefixes against the current VRP set and the IRR, in batches.

Shared by the first check of a request, the revalidation of every tracked
prefix, and (later) the providers' ad hoc check: one VRP index, one IRR
lookup (one connection per server) for the whole batch.
"""
from flask import current_app

from . import checks, snapshots
from .irr_lookup import IrrLookup


def policy():
    return current_app.config['NOC']['prefixes']


def validate(items, index=None, lookup=None):
    """items: [(key, prefix, origin, as_set)] -> {key: checks.evaluate result}.

    `index` defaults to the current VRP set (None when no VRPs were ever
    loaded); `lookup` to a fresh IrrLookup, closed afterwards."""
    conf = current_app.config['NOC']
    if index is None:
        index, _ = snapshots.current_index()
    own = lookup is None
    lookup = lookup or IrrLookup(conf)
    try:
        routes = lookup.routes(sorted({item[1] for item in items}))
        results = {}
        for key, prefix, origin, as_set in items:
            validation = index.validate(prefix, origin) if index is not None else None
            facts = lookup.facts(prefix, routes.get(prefix, []), as_set)
            results[key] = checks.evaluate(prefix, origin, validation, facts, conf['prefixes'])
        return results
    finally:
        if own:
            lookup.close()
