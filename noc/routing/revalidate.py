"""Keep the accepted prefixes validated: after every new VRP snapshot or IRR
load, and at least daily, every approved and configured prefix is checked
again. A change (a ROA expired, changed origin or tightened maxLength; a
route object deleted) is kept in the prefix's history, raises an alert for
the NOC and a notice to the customer. Each run also records how many tracked
prefixes are in each RPKI state, for the chart.
"""
from collections import defaultdict
from dataclasses import dataclass

from ..db import database, lock_rows
from ..models import utcnow
from . import alerts, notices, validation
from .labels import VERDICT_LABELS, label
from .models import PrefixRequest, RpkiStateSample, TrackedPrefix
from .requests import apply_result, record_history

CHUNK = 2000
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


def _save_changed(rows, results, now):
    """Update changed rows, history, alerts and notices in one transaction."""
    outcome = Outcome()
    by_request = defaultdict(list)
    befores = {}
    with database.atomic():
        for row in lock_rows(TrackedPrefix.select().where(
                TrackedPrefix.id.in_([r.id for r in rows])
                & TrackedPrefix.state.in_(TrackedPrefix.LIVE))):
            result = results[row.id]
            before = _key(row)
            apply_result(row, result)
            row.checked_at = now
            row.save()
            record_history(row, 'revalidated', 'worker', now,
                     note=', '.join(f'{k}: {before[k] or "-"} -> {result[k]}'
                                    for k in WATCHED if before[k] != result[k]))
            alerts.raise_prefix(row, before, result, now)
            outcome.alerts += 1
            befores[row.id] = label(VERDICT_LABELS, before['verdict'])
            by_request[row.request_id].append(row)
            outcome.changed += 1
        for request_id, changed in by_request.items():
            outcome.notices += notices.queue(PrefixRequest.get_by_id(request_id), changed,
                                             'changed', now, changes=befores)
    return outcome


def run(now=None, index=None, lookup=None):
    """Revalidate every approved and configured prefix -> Outcome."""
    now = now or utcnow()
    total = Outcome()
    counts = defaultdict(int)
    last_id = 0
    while True:
        rows = list(TrackedPrefix.select(TrackedPrefix, PrefixRequest.as_set)
                    .join(PrefixRequest)
                    .where(TrackedPrefix.state.in_(TrackedPrefix.LIVE)
                           & (TrackedPrefix.id > last_id))
                    .order_by(TrackedPrefix.id).limit(CHUNK))
        if not rows:
            break
        last_id = rows[-1].id
        results = validation.validate(
            [(r.id, r.prefix, r.origin, r.request.as_set) for r in rows],
            index=index, lookup=lookup)
        changed = [r for r in rows if _differs(r, results[r.id])]
        if changed:
            outcome = _save_changed(changed, results, now)
            total.changed += outcome.changed
            total.alerts += outcome.alerts
            total.notices += outcome.notices
        changed_ids = {r.id for r in changed}
        unchanged = [r.id for r in rows if r.id not in changed_ids]
        with database.atomic():
            for start in range(0, len(unchanged), 500):
                (TrackedPrefix.update(checked_at=now)
                 .where(TrackedPrefix.id.in_(unchanged[start:start + 500])).execute())
        for row in rows:
            counts[results[row.id]['rpki_state']] += 1
        total.checked += len(rows)
    if not total.checked:
        return total        # nothing tracked yet: no sample, so the chart starts with data
    with database.atomic():
        RpkiStateSample.create(at=now, valid=counts['valid'], invalid=counts['invalid'],
                               not_found=counts['not-found'])
    return total


def samples(limit=500):
    return list(reversed(RpkiStateSample.select().order_by(RpkiStateSample.at.desc())
                         .limit(limit)))


def last_run():
    return RpkiStateSample.select().order_by(RpkiStateSample.at.desc()).first()
