"""The audit log: who changed what, when, and the state before and after.

Callers record inside the transaction of the change, so the log and the
data never disagree.
"""
import getpass
import json

from noc.models import AuditLog, User


def _dump(state):
    if state is None:
        return None
    return json.dumps(state, default=str, ensure_ascii=False, sort_keys=True)


def actor_name(actor):
    if isinstance(actor, User):
        return actor.username
    if actor:
        return str(actor)[:64]      # the width of audit_log.username
    try:
        return 'cli:' + getpass.getuser()
    except (KeyError, OSError):
        return 'cli'


def record(actor, action, entity, entity_id=None, key='', before=None, after=None):
    """Write one audit row. `actor` is a User, a name (CLI, worker) or None."""
    return AuditLog.create(
        user=actor if isinstance(actor, User) else None,
        username=actor_name(actor), action=action, entity=entity,
        entity_id=entity_id, entity_key=str(key)[:200],
        before_json=_dump(before), after_json=_dump(after))


def changed_fields(before, after):
    """Names whose values differ between two states (for the log's summary)."""
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def load(entry_json):
    return json.loads(entry_json) if entry_json else {}
