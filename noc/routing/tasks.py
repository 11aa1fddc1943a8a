"""The worker's routing chores, each pass: load the RPKI sources and IRR dumps
that are due, check new requests, and revalidate the tracked prefixes after
new data or when the last run is older than the policy allows. The worker
passes the settings in (routing.settings.RoutingSettings)."""
import datetime
import logging

from noc.core.config import project_path
from noc.models import utcnow
from noc.models.routing import IrrLoad, LoadStatus, VrpSnapshot
from noc.routing.irr import store as irr_store
from noc.routing.prefix_requests import commands, revalidate
from noc.routing.rpki import snapshots

log = logging.getLogger('janela.routing')


def _due(last_at, minutes, now):
    return last_at is None or now - last_at >= datetime.timedelta(minutes=minutes)


def _last_attempt(model, source):
    row = (model.select(model.loaded_at).where(model.source == source)
           .order_by(model.loaded_at.desc()).first())
    return row.loaded_at if row else None


def refresh_rpki(settings, now):
    """Load every configured RPKI source that is due -> sources whose set changed."""
    conf = settings.rpki
    changed = []
    for name, location in sorted(conf['sources'].items()):
        if not _due(_last_attempt(VrpSnapshot, name), conf['refresh_minutes'], now):
            continue
        result = snapshots.load(name, location, conf, now=now)
        if result.good:
            log.info('RPKI %s: %d VRPs%s', name, result.snapshot.vrp_count,
                     '' if result.changed else ' (unchanged)')
        else:
            log.warning('RPKI %s refused: %s', name, result.snapshot.error)
        if result.changed:
            changed.append(name)
    return changed


def refresh_irr(settings, now):
    """Reload every configured dump whose file changed -> sources reloaded."""
    conf = settings.irr
    changed = []
    for source, path in sorted(conf['dumps'].items()):
        path = project_path(path)
        if not _due(_last_attempt(IrrLoad, source.upper()), conf['refresh_minutes'], now):
            continue
        # The digest decides (a file moved into place keeps an old mtime).
        load, loaded = irr_store.load_dump(path, source, now=now)
        if load.status != LoadStatus.GOOD:
            log.warning('IRR %s refused: %s', source, load.error)
        if loaded:
            changed.append(source)
    return changed


def revalidation_due(settings, now):
    """At least every revalidate_hours, and at once after data newer than the
    last run, whoever loaded it (the worker, `noc vrps load`, `noc irr load`)."""
    hours = settings.prefixes['revalidate_hours']
    last = revalidate.last_run()
    if last is None or now - last.at >= datetime.timedelta(hours=hours):
        return True
    seen = revalidate.data_seen()
    if (seen['vrp_snapshot_id'] > last.vrp_snapshot_id
            or seen['irr_load_id'] > last.irr_load_id):
        return True
    # A VRP of the current set expired since the last run (its source stopped
    # renewing it): the prefixes it validated must hear of it now.
    return snapshots.expired_between(settings.rpki['sources'], last.at, now) > 0


def _chore(name, work, done, default):
    """Each chore on its own: one that fails is logged and counted, and the
    others still run (a bad VRP file must not stop the checks)."""
    try:
        return work()
    except Exception:
        log.exception('routing: %s failed; trying again next pass', name)
        done['routing_error'] = done.get('routing_error', 0) + 1
        return default


def run(settings, now=None):
    """One pass of routing work -> counts for the worker's log."""
    now = now or utcnow()
    done = {}
    changed = (_chore('RPKI refresh', lambda: refresh_rpki(settings, now), done, [])
               + _chore('IRR refresh', lambda: refresh_irr(settings, now), done, []))
    checked = _chore('checking requests', lambda: commands.check_pending(settings, now=now),
                     done, 0)
    if checked:
        done['prefixes_checked'] = checked
    answered = _chore('ad hoc checks', lambda: commands.answer_checks(settings, now=now),
                      done, 0)
    if answered:
        done['adhoc_checks'] = answered
    if changed or revalidation_due(settings, now):
        outcome = _chore('revalidation', lambda: commands.revalidate(settings, now=now),
                         done, None)
        if outcome and outcome.checked:
            done['prefixes_revalidated'] = outcome.checked
        if outcome and outcome.changed:
            done['prefixes_changed'] = outcome.changed
    if changed:
        done['routing_sources_changed'] = len(changed)
    return done
