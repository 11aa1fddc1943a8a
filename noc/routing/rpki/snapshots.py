"""VRP snapshots: each load of an RPKI source, and the current VRP set built from them.

A load that fails, is malformed, is empty, or shrinks by more than the
configured share never replaces the last good snapshot: it is kept as
refused, with why, and raises an alert (a validator that lost a trust anchor
must not make half the tracked prefixes invalid). The current set is the
latest good snapshot of every source, combined; every process builds its
index once per set and keeps it. The [rpki] settings come in as values
(`conf`, `configured`: the sources named in config.toml).
"""
import datetime
import threading

from peewee import fn

from noc.core.config import project_path
from noc.core.db import database, write_transaction
from noc.models import utcnow
from noc.models.routing import AlertKind, LoadStatus, VrpSnapshot
from noc.routing import alerts
from noc.routing.rpki.fetch import VrpFetchError, fetch
from noc.routing.rpki.formats import parse
from noc.routing.rpki.rov import RovIndex
from noc.routing.rpki.vrps import VrpFormatError, VrpTable

_cache = {'key': None, 'index': None, 'whole': None, 'until': None}
_lock = threading.Lock()


class LoadResult:
    def __init__(self, snapshot, changed):
        self.snapshot = snapshot
        self.changed = changed

    @property
    def good(self):
        return self.snapshot.status == LoadStatus.GOOD


def _without_vrps():
    """A query of snapshots without their blob (megabytes each): lists, counts, ages."""
    return VrpSnapshot.select(*[f for f in VrpSnapshot._meta.sorted_fields
                                if f.name != 'vrps'])


def last_good(source):
    return (_without_vrps()
            .where((VrpSnapshot.source == source) & (VrpSnapshot.status == LoadStatus.GOOD))
            .order_by(VrpSnapshot.loaded_at.desc(), VrpSnapshot.id.desc()).first())


def _refuse(source, location, reason, now):
    with database.atomic():
        snapshot = VrpSnapshot.create(source=source, location=location[:500], loaded_at=now,
                                      status=LoadStatus.REFUSED, error=reason)
        alerts.raise_source(AlertKind.RPKI_SOURCE, source, 'rpki_refused',
                            {'source': source, 'error': reason}, now)
    return LoadResult(snapshot, False)


def _reference_count(source, now):
    """The largest good load of the last day: shrinking in small steps, each
    under the limit, must not get past it either."""
    since = now - datetime.timedelta(hours=24)
    return (VrpSnapshot.select(fn.MAX(VrpSnapshot.vrp_count))
            .where((VrpSnapshot.source == source) & (VrpSnapshot.status == LoadStatus.GOOD)
                   & (VrpSnapshot.loaded_at >= since)).scalar() or 0)


def _resolved(location):
    """A relative file path is relative to the project, as everywhere in config.toml."""
    if location.startswith(('http://', 'https://', 'file://')):
        return location
    return project_path(location)


def load(source, location, conf, now=None, data=None, force=False):
    """Fetch and parse `location` as source `source` -> LoadResult. `conf`: the
    [rpki] settings (timeout, CA file, shrink limit, snapshots kept). `force`
    accepts a set that shrank (an operator who knows why)."""
    now = now or utcnow()
    try:
        if data is None:
            data = fetch(_resolved(location), timeout=conf['timeout_seconds'],
                         ca_file=conf['ca_file'] or None)
        parsed = parse(data, now=now)
    except (VrpFetchError, VrpFormatError) as exc:
        return _refuse(source, location, str(exc), now)
    except Exception as exc:
        return _refuse(source, location,
                       f'{location}: could not be read ({type(exc).__name__}: {exc})', now)
    table = parsed.table
    previous = last_good(source)
    if len(table) == 0:
        return _refuse(source, location, f'{location}: no VRPs (expired: {parsed.expired})',
                       now)
    reference = max(_reference_count(source, now), previous.vrp_count if previous else 0)
    share = conf['max_shrink_percent']
    if not force and len(table) < reference * (100 - share) / 100:
        return _refuse(source, location,
                       f'{location}: {len(table)} VRPs against {reference} in the last day\'s '
                       f'good loads, more than {share}% fewer (`noc vrps load --force` accepts '
                       'it)', now)
    digest = table.digest()
    with write_transaction():
        if previous and previous.digest == digest:
            # The same VRPs; the validator may have renewed their expiries, which
            # the stored blob must follow (or they would expire here).
            blob = table.to_bytes()
            stored = VrpSnapshot.select(VrpSnapshot.vrps).where(
                VrpSnapshot.id == previous.id).scalar()
            changes = {'loaded_at': now}
            if stored is None or bytes(stored) != blob:
                changes['vrps'] = blob
            VrpSnapshot.update(**changes).where(VrpSnapshot.id == previous.id).execute()
            alerts.close_source(AlertKind.RPKI_SOURCE, source, now)
            return LoadResult(VrpSnapshot.get_by_id(previous.id), False)
        snapshot = VrpSnapshot.create(
            source=source, location=location[:500], loaded_at=now, status=LoadStatus.GOOD,
            format=parsed.format, generated_at=parsed.generated, vrp_count=len(table),
            v4_count=table.count_v4, v6_count=table.count_v6, expired_count=parsed.expired,
            digest=digest, vrps=table.to_bytes())
        _prune(source, conf['keep_snapshots'])
        alerts.close_source(AlertKind.RPKI_SOURCE, source, now)
    return LoadResult(snapshot, True)


def _prune(source, keep):
    """Old good snapshots keep their counts (history) but not their VRPs."""
    old = [s.id for s in VrpSnapshot.select(VrpSnapshot.id)
           .where((VrpSnapshot.source == source) & (VrpSnapshot.status == LoadStatus.GOOD))
           .order_by(VrpSnapshot.loaded_at.desc(), VrpSnapshot.id.desc()).offset(keep)]
    if old:
        VrpSnapshot.update(vrps=None).where(VrpSnapshot.id.in_(old)).execute()


def current_names(configured):
    """The sources of the current set: those in config.toml's [rpki] sources
    (`configured`); only when none is configured (the demo, a lab), every
    source loaded by hand. A file loaded once by hand must not keep a revoked
    ROA valid for ever."""
    configured = sorted(configured)
    if configured:
        return configured
    return sorted(r[0] for r in VrpSnapshot.select(VrpSnapshot.source).distinct().tuples())


def current_snapshots(configured):
    """The latest good snapshot of every current source (without their VRPs)."""
    names = current_names(configured)
    found = [last_good(name) for name in sorted(names)]
    return [s for s in found if s is not None]


def _combined(ids):
    tables = [VrpTable.from_bytes(VrpSnapshot.select(VrpSnapshot.vrps)
                                  .where(VrpSnapshot.id == i).scalar()) for i in ids]
    if len(tables) == 1:
        return tables[0]
    # Several validators: their union, each VRP once.
    return VrpTable.union(tables)


def expired_between(configured, since, now):
    """How many VRPs of the current set expired after `since` and by `now`."""
    index, _ = current_index(configured, now)
    if index is None:
        return 0
    low, high = int(since.timestamp()), int(now.timestamp())
    return int(sum(((c.expires > low) & (c.expires <= high)).sum()
                   for c in (_cache['whole'].v4, _cache['whole'].v6)))


def current_index(configured, now=None):
    """(RovIndex of the current set, its snapshots), or (None, []) without any
    VRP data. Built once per set in each process, and again when a VRP in it
    expires: a snapshot still in use after its source stopped answering loses
    its VRPs as they expire, as a router's RTR cache would."""
    now = now or utcnow()
    snapshots = current_snapshots(configured)
    if not snapshots:
        return None, []
    # The digest is part of the key: ids alone repeat across databases (tests,
    # a restored backup) while the VRPs behind them differ; loaded_at changes
    # when a reload renewed the expiries in place.
    key = tuple(sorted((s.id, s.digest, s.loaded_at) for s in snapshots))
    with _lock:
        until = _cache.get('until')
        if _cache['key'] != key or (until is not None and now.timestamp() >= until):
            table = _combined([s[0] for s in key])
            alive = table.unexpired(now)
            _cache.update(key=key, index=RovIndex(alive), whole=table,
                          until=table.next_expiry(now))
        return _cache['index'], snapshots


def index_from_file(path):
    """An index over a VRP file (any supported format), for `noc rov --vrps`."""
    return RovIndex(parse(fetch(path)).table)


def forget(source):
    with database.atomic():
        VrpSnapshot.delete().where(VrpSnapshot.source == source).execute()
        alerts.close_source(AlertKind.RPKI_SOURCE, source, utcnow())


def history(source, limit=50):
    return list(_without_vrps().where(VrpSnapshot.source == source)
                .order_by(VrpSnapshot.loaded_at.desc(), VrpSnapshot.id.desc()).limit(limit))
