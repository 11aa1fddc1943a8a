"""The first check of received prefixes (a new request, or "check again"):
their verdicts, and the policy's approval when the verdict is accept.

Whole requests at a time, so each request's contacts get one message.
Validation runs outside the transaction (it may ask IRRd servers); the rows
are then locked and updated only if nobody moved them meanwhile.
"""
import re
from collections import defaultdict

from flask_babel import gettext as _

from noc.core.db import lock_rows, write_transaction
from noc.models import audit, utcnow
from noc.models.routing import PrefixEvent, PrefixRequest, PrefixState, TrackedPrefix, Verdict
from noc.routing.labels import reference
from noc.routing.policy.claims import Claims
from noc.routing.prefix_requests import notices, validation
from noc.routing.prefix_requests.workflow import POLICY_ACTOR, apply_result, record_history

# The notes the policy writes in a prefix's history, stored in English (the
# history keeps what was written) and read in the reader's language.
APPROVED_NOTE = 'approved by the policy: verdict accept'
HELD_NOTE = ('not approved by the policy: overlaps {prefix} of another customer '
             '({reference})')
_HELD = re.compile(r'not approved by the policy: overlaps (?P<prefix>\S+) of another '
                   r'customer \((?P<reference>[^()]+)\)')


def note_label(note):
    """A history note in the reader's language: the policy's own notes
    translated, any other (a person's reason) as it was written."""
    if note == APPROVED_NOTE:
        return _('approved by the policy: the verdict is accept')
    held = _HELD.fullmatch(note or '')
    if held:
        return _('not approved by the policy: overlaps %(prefix)s of another customer '
                 '(%(reference)s)', prefix=held['prefix'], reference=held['reference'])
    return note


def _pending(limit):
    """Received rows of the first `limit` requests that have any."""
    pending = [r[0] for r in TrackedPrefix.select(TrackedPrefix.request)
               .where(TrackedPrefix.state == PrefixState.RECEIVED).distinct()
               .order_by(TrackedPrefix.request).limit(limit).tuples()]
    return list(TrackedPrefix.select().where((TrackedPrefix.state == PrefixState.RECEIVED)
                                             & TrackedPrefix.request.in_(pending or [-1]))
                .order_by(TrackedPrefix.id))


def _approve_by_policy(row, claims, now):
    """The policy approves an accept, unless it overlaps another customer's space."""
    conflict = claims.overlapping(row.prefix, row.customer_id)
    if conflict:
        record_history(row, PrefixEvent.HELD, POLICY_ACTOR, now,
                       note=HELD_NOTE.format(prefix=conflict[0].prefix,
                                             reference=reference(conflict[0].request_id)))
    elif row.verdict == Verdict.ACCEPT:
        row.state, row.decided_by = PrefixState.APPROVED, POLICY_ACTOR
        row.decision_reason = ''
        row.save()
        record_history(row, PrefixEvent.APPROVED, POLICY_ACTOR, now,
                       note=APPROVED_NOTE)
        claims.add(row)
        audit.record(POLICY_ACTOR, audit.Action.APPROVE, audit.Entity.TRACKED_PREFIX, row.id,
                     f'{row.prefix} AS{row.origin}', before={'state': PrefixState.CHECKED},
                     after={'state': PrefixState.APPROVED})


def check_pending(settings, limit=50, now=None, index=None):
    """Check received prefixes of up to `limit` requests -> count checked.
    `settings`: RoutingSettings."""
    now = now or utcnow()
    rows = _pending(limit)
    if not rows:
        return 0
    requests = {r.id: r for r in PrefixRequest.select().where(
        PrefixRequest.id.in_({row.request_id for row in rows}))}
    results = validation.validate([(row.id, row.prefix, row.origin,
                                    requests[row.request_id].as_set) for row in rows],
                                  settings, index=index)
    auto = settings.prefixes['auto_approve']
    done = defaultdict(list)
    with write_transaction():
        claims = Claims() if auto else None
        # Rows read first: an update must not hand a row back to the scan.
        for row in list(lock_rows(TrackedPrefix.select().where(
                TrackedPrefix.id.in_(list(results)) & (TrackedPrefix.state == PrefixState.RECEIVED)))):
            apply_result(row, results[row.id])
            row.state, row.checked_at, row.state_changed_at = PrefixState.CHECKED, now, now
            row.save()
            record_history(row, PrefixEvent.CHECKED, 'worker', now)
            if auto:
                _approve_by_policy(row, claims, now)
            done[row.request_id].append(row)
        for request_id, changed in done.items():
            notices.queue(requests[request_id], changed, PrefixState.CHECKED, now, settings.sender)
    return sum(len(v) for v in done.values())
