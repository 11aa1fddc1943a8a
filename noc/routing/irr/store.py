"""RPSL dumps loaded into Janela's own database, and the queries over them.

The embedded default IRR: an operator without an IRRd of its own loads the
dumps the registries publish (TC, LACNIC, RADB…) and Janela answers from its
tables. A load replaces the source's objects in one transaction, so a reader
sees the old set or the new one, never half; a file that cannot be read is
recorded as refused and changes nothing.
"""
import hashlib

from noc.core.db import database, next_ids
from noc.core.errors import JanelaError
from noc.models import utcnow
from noc.models.routing import AlertKind, IrrAsSet, IrrLoad, IrrRoute, LoadStatus
from noc.routing import alerts
from noc.routing.irr import rpsl

CHUNK = 500
# Like the RPKI sources: a dump this much smaller than the last good one is
# refused (a truncated download must not delete a registry's objects).
SHRINK_PERCENT = 50


class IrrLoadError(JanelaError):
    """The dump could not be read; the message says why."""


def _digest(path):
    sha = hashlib.sha256()
    with open(path, 'rb') as fh:
        for block in iter(lambda: fh.read(1 << 20), b''):
            sha.update(block)
    return sha.hexdigest()


def _read(path, source):
    routes, sets, skipped = [], [], 0
    route_objects, set_objects = [], []
    for obj in rpsl.iter_objects(path, default_source=source):
        if obj.object_class in ('route', 'route6'):
            route_objects.append(obj)
        elif obj.object_class == 'as-set':
            set_objects.append(obj)
    errors = []
    routes = list(rpsl.routes(route_objects, errors=errors))
    sets = list(rpsl.as_sets(set_objects))
    skipped = len(route_objects) - len(routes)
    return routes, sets, skipped


def _insert(model, rows):
    if not rows:
        return
    first = next_ids(model._meta.table_name, len(rows))
    for offset, row in enumerate(rows):
        row['id'] = first + offset
    for start in range(0, len(rows), CHUNK):
        model.insert_many(rows[start:start + CHUNK]).execute()


def last_good(source):
    return (IrrLoad.select().where((IrrLoad.source == source) & (IrrLoad.status == LoadStatus.GOOD))
            .order_by(IrrLoad.loaded_at.desc(), IrrLoad.id.desc()).first())


def load_dump(path, source, now=None, force=False):
    """Load `path` as IRR source `source` -> (IrrLoad, changed). Objects are
    stored under `source` whatever their own source: line says (the operator
    names the dump). An unchanged file (same digest) is not loaded again."""
    now = now or utcnow()
    source = source.upper()
    try:
        digest = _digest(path)
        previous = last_good(source)
        if previous and previous.digest == digest and not force:
            previous.loaded_at = now
            previous.save()
            return previous, False
        routes, sets, skipped = _read(path, source)
    except (OSError, ValueError, EOFError, rpsl.RpslError) as exc:
        return _refuse(source, path, f'{path}: {exc}', now), False
    if not routes and not sets:
        return _refuse(source, path, f'{path}: no route, route6 or as-set objects', now,
                       skipped), False
    if previous and previous.route_count and \
            len(routes) < previous.route_count * (100 - SHRINK_PERCENT) / 100 and not force:
        return _refuse(source, path, f'{path}: {len(routes)} route objects against '
                       f'{previous.route_count} in the last good load, more than '
                       f'{SHRINK_PERCENT}% fewer (a truncated file?); load it with --force '
                       'if this is right', now, skipped), False
    with database.atomic():
        IrrRoute.delete().where(IrrRoute.source == source).execute()
        IrrAsSet.delete().where(IrrAsSet.source == source).execute()
        _insert(IrrRoute, [{'source': source, 'prefix': r.prefix, 'origin': r.origin}
                           for r in {(r.prefix, r.origin): r for r in routes}.values()])
        _insert(IrrAsSet, [{'source': source, 'name': s.name[:128],
                            'members': ' '.join(s.members)} for s in sets])
        load = IrrLoad.create(source=source, location=str(path)[:500], loaded_at=now,
                              status=LoadStatus.GOOD, route_count=len(routes),
                              as_set_count=len(sets), skipped=skipped, digest=digest)
        alerts.close_source(AlertKind.IRR_SOURCE, source, now)
    return load, True


def _refuse(source, path, reason, now, skipped=0):
    with database.atomic():
        load = IrrLoad.create(source=source, location=str(path)[:500], loaded_at=now,
                              status=LoadStatus.REFUSED, skipped=skipped, error=reason)
        alerts.raise_source(AlertKind.IRR_SOURCE, source, 'irr_refused',
                            {'source': source, 'error': reason}, now)
    return load


def forget(source):
    with database.atomic():
        IrrRoute.delete().where(IrrRoute.source == source.upper()).execute()
        IrrAsSet.delete().where(IrrAsSet.source == source.upper()).execute()


def has_data():
    return IrrRoute.select().limit(1).exists() or IrrAsSet.select().limit(1).exists()


def routes_for(prefixes):
    """{prefix: [(source, origin)]} for exact prefixes, from the loaded dumps."""
    found = {p: [] for p in prefixes}
    prefixes = list(found)
    for start in range(0, len(prefixes), CHUNK):
        for row in (IrrRoute.select(IrrRoute.prefix, IrrRoute.source, IrrRoute.origin)
                    .where(IrrRoute.prefix.in_(prefixes[start:start + CHUNK])).tuples()):
            found[row[0]].append((row[1], row[2]))
    return found


def set_members(name):
    """Direct members of a set in the loaded dumps (all sources), or None when unknown."""
    rows = list(IrrAsSet.select(IrrAsSet.members).where(IrrAsSet.name == name.upper())
                .tuples())
    if not rows:
        return None
    members = set()
    for (text,) in rows:
        members.update(text.split())
    return members


def sources():
    """[(source, last IrrLoad)] for every source ever loaded."""
    names = [r[0] for r in IrrLoad.select(IrrLoad.source).distinct().tuples()]
    return [(name, IrrLoad.select().where(IrrLoad.source == name)
             .order_by(IrrLoad.loaded_at.desc(), IrrLoad.id.desc()).first())
            for name in sorted(names)]
