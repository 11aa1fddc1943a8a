"""Keep the accepted prefixes validated: after every new VRP snapshot or IRR
load, and at least daily, every approved and configured prefix is checked
again. A change (a ROA expired, changed origin or tightened maxLength; a
route object deleted) is kept in the prefix's history, raises an alert for
the NOC and a notice to the customer. Each run also records how many tracked
prefixes are in each RPKI state, for the chart.
"""
from collections import defaultdict
from dataclasses import dataclass

from peewee import fn

from noc.core.db import database, lock_rows, next_ids, write_transaction
from noc.models import utcnow
from noc.models.routing import (
    IrrLoad,
    LoadStatus,
    PrefixEvent,
    PrefixHistory,
    PrefixRequest,
    RoutingAlert,
    RpkiState,
    RpkiStateSample,
    TrackedPrefix,
    VrpSnapshot,
)
from noc.routing import alerts
from noc.routing.irr.lookup import IrrLookup
from noc.routing.prefix_requests import notices, validation
from noc.routing.prefix_requests.workflow import apply_result
from noc.routing.rpki import snapshots

CHUNK = 2000
SAVE_BATCH = 500
WATCHED = ('rpki_state', 'irr_state', 'verdict')


@dataclass
class Outcome:
    checked: int = 0
    changed: int = 0
    alerts: int = 0
    notices: int = 0


def _key(row):
    return {name: getattr(row, name) for name in WATCHED}


def _differs(row, result):
    return any(getattr(row, name) != result[name] for name in WATCHED)


def _history_row(row_id, row_state, result, before, now):
    return {'prefix': row_id, 'at': now, 'event': PrefixEvent.REVALIDATED, 'state': row_state,
            'verdict': result['verdict'], 'rpki_state': result['rpki_state'],
            'irr_state': result['irr_state'], 'findings': result['findings'],
            'actor': 'worker',
            'note': ', '.join(f'{k}: {before[k] or "-"} -> {result[k]}'
                              for k in WATCHED if before[k] != result[k])}


def _insert(model, rows):
    if rows:
        first = next_ids(model._meta.table_name, len(rows))
        for offset, row in enumerate(rows):
            row['id'] = first + offset
        for start in range(0, len(rows), 500):
            model.insert_many(rows[start:start + 500]).execute()


def _store(rows, now):
    """The new results of many rows in one prepared statement (peewee would
    build the SQL of each UPDATE anew, which costs more than running it)."""
    if not rows:
        return
    db = database.obj
    mark = db.param
    checked = TrackedPrefix.checked_at.db_value(now)
    sql = (f'UPDATE tracked_prefix SET verdict = {mark}, rpki_state = {mark}, '
           f'irr_state = {mark}, findings = {mark}, evidence = {mark}, checked_at = {mark} '
           f'WHERE id = {mark}')
    cursor = db.cursor()
    cursor.executemany(sql, [(r.verdict, r.rpki_state, r.irr_state,
                              TrackedPrefix.findings.db_value(r.findings),
                              TrackedPrefix.evidence.db_value(r.evidence), checked, r.id)
                             for r in rows])


def _save_changed(changes, now, outcome):
    """Store the changed rows with their history and alerts, a transaction per
    batch; rows that left approved/configured meanwhile are left alone.
    -> ({request id: [changed rows]}, {row id: verdict before}) for the notices."""
    by_request = defaultdict(list)
    befores = {}
    for start in range(0, len(changes), SAVE_BATCH):
        batch = dict(changes[start:start + SAVE_BATCH])
        with write_transaction():
            history, raised = [], []
            # Read the rows first: SQLite would hand back a row again, after its
            # update moved it in the (state, verdict) index the scan follows.
            updates = []
            for row in list(lock_rows(TrackedPrefix.select().where(
                    TrackedPrefix.id.in_(list(batch))
                    & TrackedPrefix.state.in_(TrackedPrefix.LIVE)))):
                result = batch[row.id]
                before = _key(row)
                apply_result(row, result)
                row.checked_at = now
                updates.append(row)
                history.append(_history_row(row.id, row.state, result, before, now))
                raised.append(alerts.prefix_alert_row(row, before, result, now))
                befores[row.id] = before['verdict']     # a code: told in each reader's language
                by_request[row.request_id].append(row)
            _store(updates, now)
            _insert(PrefixHistory, history)
            _insert(RoutingAlert, raised)
            outcome.changed += len(history)
            outcome.alerts += len(raised)
    return by_request, befores


def _notify(by_request, befores, now, outcome, sender):
    """One notice per request, naming every prefix of it that changed."""
    requests_by_id = {r.id: r for r in PrefixRequest.select().where(
        PrefixRequest.id.in_(list(by_request) or [-1]))}
    for request_id, rows in by_request.items():
        outcome.notices += notices.queue(requests_by_id[request_id], rows, 'changed', now,
                                         sender, changes={row.id: befores[row.id] for row in rows})


def _chunks():
    last_id = 0
    while True:
        rows = list(TrackedPrefix.select(TrackedPrefix, PrefixRequest.as_set)
                    .join(PrefixRequest)
                    .where(TrackedPrefix.state.in_(TrackedPrefix.LIVE)
                           & (TrackedPrefix.id > last_id))
                    .order_by(TrackedPrefix.id).limit(CHUNK))
        if not rows:
            return
        last_id = rows[-1].id
        yield rows


def run(settings, now=None, index=None, lookup=None):
    """Revalidate every approved and configured prefix -> Outcome.
    `settings`: RoutingSettings.

    Validation is one batch over one IRR lookup (one connection per server,
    AS-SETs expanded once); unchanged rows only get their check time;
    changes are stored afterwards, and each request's contacts get one notice
    for all its changed prefixes."""
    now = now or utcnow()
    total = Outcome()
    counts = defaultdict(int)
    changes = []
    seen = data_seen()
    if index is None:
        index, _ = snapshots.current_index(settings.rpki['sources'], now)
    own = lookup is None
    lookup = lookup or IrrLookup(settings.irr)
    try:
        # All of them in one batch: the IRR is asked once per origin, not once
        # per origin and chunk (20,000 rows are a few MB).
        rows = [row for chunk in _chunks() for row in chunk]
        results = validation.validate(
            [(r.id, r.prefix, r.origin, r.request.as_set) for r in rows],
            settings, index=index, lookup=lookup) if rows else {}
    finally:
        if own:
            lookup.close()
    unchanged, quiet = [], []
    for row in rows:
        result = results[row.id]
        counts[result['rpki_state']] += 1
        if _differs(row, result):
            changes.append((row.id, result))
        else:
            unchanged.append(row.id)
            if row.findings != result['findings'] or row.evidence != result['evidence']:
                quiet.append((row.id, result))      # same states, other evidence: no alert
    by_id = {row.id: row for row in rows}
    for start in range(0, len(quiet), SAVE_BATCH):
        batch = []
        for row_id, result in quiet[start:start + SAVE_BATCH]:
            row = by_id[row_id]
            apply_result(row, result)
            batch.append(row)
        with database.atomic():
            _store(batch, now)
    for start in range(0, len(unchanged), SAVE_BATCH):
        with database.atomic():
            (TrackedPrefix.update(checked_at=now)
             .where(TrackedPrefix.id.in_(unchanged[start:start + SAVE_BATCH])).execute())
    total.checked = len(rows)
    if not total.checked:
        return total        # nothing tracked yet: no sample, so the chart starts with data
    # The changes and the notices they cause commit together.
    with database.atomic():
        _notify(*_save_changed(changes, now, total), now, total, settings.sender)
    with database.atomic():
        RpkiStateSample.create(at=now, valid=counts[RpkiState.VALID], invalid=counts[RpkiState.INVALID],
                               not_found=counts[RpkiState.NOT_FOUND], **seen)
    return total


def data_seen():
    """The newest good VRP snapshot and IRR load (ids grow only when data changes)."""
    return {'vrp_snapshot_id': VrpSnapshot.select(fn.MAX(VrpSnapshot.id))
            .where(VrpSnapshot.status == LoadStatus.GOOD).scalar() or 0,
            'irr_load_id': IrrLoad.select(fn.MAX(IrrLoad.id))
            .where(IrrLoad.status == LoadStatus.GOOD).scalar() or 0}


def samples(limit=500):
    return list(reversed(RpkiStateSample.select().order_by(RpkiStateSample.at.desc())
                         .limit(limit)))


def last_run():
    return RpkiStateSample.select().order_by(RpkiStateSample.at.desc()).first()
