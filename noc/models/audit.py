"""The audit log: who changed what, when, and the state before and after.

Callers record inside the transaction of the change, so the log and the
data never disagree. What the log says is declared here once: an action is a
verb in the imperative (`create`, not `created`), an entity the singular name
of the row's table (`customer`, `maintenance_window`; `user` for app_user).
Migration 0011 rewrote the rows stored before this spelling.
"""
import getpass
import json
from enum import StrEnum

from flask_babel import lazy_gettext, lazy_pgettext

from noc.models import AuditLog, User, utcnow


class Action(StrEnum):
    CREATE = 'create'
    UPDATE = 'update'
    DELETE = 'delete'
    LOCK = 'lock'
    UNLOCK = 'unlock'
    CONFIRM = 'confirm'
    START = 'start'
    COMPLETE = 'complete'
    CANCEL = 'cancel'
    RESEND = 'resend'
    ISSUE = 'issue'
    REVOKE = 'revoke'
    DECIDE = 'decide'
    REMIND = 'remind'
    REVIEW = 'review'
    APPROVE = 'approve'
    CONFIGURE = 'configure'
    WITHDRAW = 'withdraw'
    REJECT = 'reject'
    RECHECK = 'recheck'
    CLOSE = 'close'


class Entity(StrEnum):
    CUSTOMER = 'customer'
    CONTACT = 'contact'
    SITE = 'site'
    SEGMENT = 'segment'
    CIRCUIT = 'circuit'
    REDUNDANCY_GROUP = 'redundancy_group'
    USER = 'user'
    API_TOKEN = 'api_token'
    MAINTENANCE_WINDOW = 'maintenance_window'
    OUTBOX_MESSAGE = 'outbox_message'
    INBOUND_MESSAGE = 'inbound_message'
    CALENDAR_FEED = 'calendar_feed'
    CUSTOMER_LINK = 'customer_link'
    RESCHEDULE_REQUEST = 'reschedule_request'
    PREFIX_REQUEST = 'prefix_request'
    TRACKED_PREFIX = 'tracked_prefix'
    ROUTING_ALERT = 'routing_alert'


# What the log stores in English, shown in the reader's language.
ACTION_LABELS = {
    Action.CREATE: lazy_gettext('created'),
    Action.UPDATE: lazy_gettext('updated'),
    Action.DELETE: lazy_gettext('deleted'),
    Action.LOCK: lazy_gettext('locked'),
    Action.UNLOCK: lazy_gettext('unlocked'),
    Action.CONFIRM: lazy_gettext('confirmed'),
    Action.START: lazy_gettext('started'),
    Action.COMPLETE: lazy_gettext('completed'),
    Action.CANCEL: lazy_gettext('cancelled'),
    Action.RESEND: lazy_gettext('resent'),
    Action.ISSUE: lazy_gettext('issued'),
    Action.REVOKE: lazy_gettext('revoked'),
    Action.DECIDE: lazy_gettext('decided'),
    Action.REMIND: lazy_gettext('reminded'),
    Action.REVIEW: lazy_gettext('reviewed'),
    Action.APPROVE: lazy_pgettext('audit action', 'approved'),
    Action.CONFIGURE: lazy_pgettext('audit action', 'marked configured'),
    Action.WITHDRAW: lazy_pgettext('audit action', 'withdrew'),
    Action.REJECT: lazy_pgettext('audit action', 'rejected'),
    Action.RECHECK: lazy_pgettext('audit action', 'sent to check again'),
    Action.CLOSE: lazy_pgettext('audit action', 'closed'),
}
ENTITY_LABELS = {
    Entity.CUSTOMER: lazy_gettext('customer'),
    Entity.CONTACT: lazy_gettext('contact'),
    Entity.SITE: lazy_gettext('site'),
    Entity.SEGMENT: lazy_gettext('segment'),
    Entity.CIRCUIT: lazy_gettext('circuit'),
    Entity.USER: lazy_gettext('user'),
    Entity.REDUNDANCY_GROUP: lazy_gettext('redundancy group'),
    Entity.MAINTENANCE_WINDOW: lazy_gettext('maintenance window'),
    Entity.OUTBOX_MESSAGE: lazy_gettext('message'),
    Entity.CALENDAR_FEED: lazy_gettext('calendar feed'),
    Entity.CUSTOMER_LINK: lazy_gettext('customer page link'),
    Entity.RESCHEDULE_REQUEST: lazy_gettext('reschedule request'),
    Entity.PREFIX_REQUEST: lazy_gettext('prefix request'),
    Entity.TRACKED_PREFIX: lazy_gettext('prefix'),
    Entity.ROUTING_ALERT: lazy_gettext('routing alert'),
    Entity.API_TOKEN: lazy_gettext('API token'),
    Entity.INBOUND_MESSAGE: lazy_gettext('received message'),
}


# The spellings used before 0011, for links and filters people kept (an
# audit page bookmarked with ?entity=sites still finds the sites).
OLD_ACTIONS = {'created': Action.CREATE, 'updated': Action.UPDATE,
               'deleted': Action.DELETE, 'locked': Action.LOCK}
OLD_ENTITIES = {'customers': Entity.CUSTOMER, 'contacts': Entity.CONTACT,
                'sites': Entity.SITE, 'segments': Entity.SEGMENT,
                'circuits': Entity.CIRCUIT, 'redundancy_groups': Entity.REDUNDANCY_GROUP,
                'users': Entity.USER}


def current_action(name):
    """`name` as stored today (an old spelling mapped to its new one)."""
    return str(OLD_ACTIONS.get(name, name))


def current_entity(name):
    return str(OLD_ENTITIES.get(name, name))


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


def record(actor, action, entity, entity_id=None, key='', before=None, after=None, at=None):
    """Write one audit row. `actor` is a User, a name (CLI, worker) or None;
    `action` and `entity` an Action and an Entity (or their values); `at` the
    time of the change (the clock's now when not given)."""
    return AuditLog.create(
        at=at or utcnow(), user=actor if isinstance(actor, User) else None,
        username=actor_name(actor), action=str(Action(action)), entity=str(Entity(entity)),
        entity_id=entity_id, entity_key=str(key)[:200],
        before_json=_dump(before), after_json=_dump(after))


def changed_fields(before, after):
    """Names whose values differ between two states (for the log's summary)."""
    before, after = before or {}, after or {}
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def load(entry_json):
    return json.loads(entry_json) if entry_json else {}
