"""An audit entry as a person reads it: which fields changed, from what to what.

The log stores states as JSON (noc.models.audit), in English codes and ISO
times. Here each field gets its label in the reader's language, each value of
a vocabulary its label (the code beside it for engineers), a time the one
format of the app, a list its items joined, and nothing at all an em dash,
never a Python repr. An entity still in the database is linked.
"""
import datetime
from dataclasses import dataclass

from flask import url_for
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from noc.core.choices import ChoiceSet
from noc.core.i18n import time_text
from noc.inventory.entities import ENTITIES
from noc.inventory.fields import LANGUAGE_CHOICES
from noc.models import (
    CircuitStatus,
    ContactRole,
    CustomerKind,
    Impact,
    InboundMessage,
    MaintenanceWindow,
    MessageKind,
    MessageState,
    NoticeFormat,
    OutboxMessage,
    PrefixRequest,
    RescheduleRequest,
    RescheduleState,
    Role,
    SegmentKind,
    Service,
    SiteKind,
    TokenKind,
    TrackedPrefix,
    User,
    WindowStatus,
    audit,
)
from noc.models.routing import PrefixState

NOTHING = '—'


class UserLanguage(ChoiceSet):
    """A user's language, read as the inventory's notice language is."""
    CHOICES = tuple(LANGUAGE_CHOICES)


E = audit.Entity
_INVENTORY = {e.audit_entity: e for e in ENTITIES.values()}

# The vocabulary of a stored field, by (entity, field) or by field alone.
VOCABULARIES = {
    (E.MAINTENANCE_WINDOW, 'status'): WindowStatus,
    (E.CIRCUIT, 'status'): CircuitStatus,
    (E.TRACKED_PREFIX, 'state'): PrefixState,
    (E.RESCHEDULE_REQUEST, 'state'): RescheduleState,
    (E.OUTBOX_MESSAGE, 'state'): MessageState,
    (E.OUTBOX_MESSAGE, 'kind'): MessageKind,
    (E.CUSTOMER, 'kind'): CustomerKind,
    (E.SITE, 'kind'): SiteKind,
    (E.SEGMENT, 'kind'): SegmentKind,
    (E.API_TOKEN, 'kind'): TokenKind,
    (E.CONTACT, 'roles'): ContactRole,
    (E.CONTACT, 'format'): NoticeFormat,
    'impact': Impact, 'service': Service, 'role': Role, 'language': UserLanguage,
}

# Field names of the rows that are not inventory (users, tokens, windows…);
# inventory rows take the labels of their form fields.
FIELD_LABELS = {
    (E.API_TOKEN, 'prefix'): _l('Token'),
    'username': _l('Username'), 'full_name': _l('Full name'), 'email': _l('Email'),
    'role': _l('Role'), 'language': _l('Language'), 'time_zone': _l('Time zone'),
    'active': _l('Active'), 'name': _l('Name'), 'kind': _l('Kind'),
    'expires_at': _l('Expires'), 'status': _l('Status'), 'impact': _l('Impact'),
    'state': _l('State'), 'reason': _l('Reason'), 'sequence': _l('Sequence'),
    'title_pt': _l('Title (Portuguese)'), 'title_en': _l('Title (English)'),
    'description_pt': _l('Description (Portuguese)'),
    'description_en': _l('Description (English)'), 'internal_notes': _l('Internal notes'),
    'starts_at': _l('Start'), 'ends_at': _l('End'),
    'outage_minutes': _l('Expected outage (minutes)'), 'circuits': _l('Circuits'),
    'emergency': _l('Emergency'), 'emergency_reason': _l('Reason for the emergency'),
    'override_reason': _l('Reason for the override'),
}

# Where each kind of row is shown: (endpoint, its id argument, extra arguments, model).
PAGES = {
    **{e.audit_entity: ('inventory.show', 'row_id', {'kind': name}, e.model)
       for name, e in ENTITIES.items()},
    E.MAINTENANCE_WINDOW: ('maintenance.show', 'window_id', {}, MaintenanceWindow),
    E.CUSTOMER_LINK: ('maintenance.show', 'window_id', {}, MaintenanceWindow),
    E.USER: ('admin.user_edit', 'user_id', {}, User),
    E.OUTBOX_MESSAGE: ('outbox.show', 'message_id', {}, OutboxMessage),
    E.INBOUND_MESSAGE: ('inbox.show', 'message_id', {}, InboundMessage),
    E.RESCHEDULE_REQUEST: ('reschedules.show', 'request_id', {}, RescheduleRequest),
    E.PREFIX_REQUEST: ('prefixes.show_request', 'request_id', {}, PrefixRequest),
    E.TRACKED_PREFIX: ('prefixes.show_prefix', 'prefix_id', {}, TrackedPrefix),
}


@dataclass
class Change:
    label: str
    before: str
    after: str


def label(entity, name):
    kind = _INVENTORY.get(entity)
    fields = {fl.name: fl.label for fl in kind.fields} if kind else {}
    return str(fields.get(name) or FIELD_LABELS.get((entity, name))
               or FIELD_LABELS.get(name) or name.replace('_', ' '))


def _moment(text):
    """A stored ISO time with its offset, or None for any other text."""
    if len(text) < 19 or not text[:4].isdigit() or text[4] != '-':
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _choice(entity, name, value):
    """The label of a vocabulary's value (the code beside it for engineers), or None."""
    choices = VOCABULARIES.get((entity, name)) or VOCABULARIES.get(name)
    if choices is not None and value in choices.values():
        return f'{choices.label(value)} ({value})'
    kind = _INVENTORY.get(entity)
    field = next((fl for fl in kind.fields if fl.name == name), None) if kind else None
    labels = dict(field.options()) if field is not None and field.choices else {}
    return str(labels[value]) if value in labels else None


def shown(entity, name, value):
    """One stored value as words: labels for codes, the app's time format, '—' for nothing."""
    if value is None or value == '' or value == [] or value == {}:
        return NOTHING
    if isinstance(value, bool):
        return _('yes') if value else _('no')
    if isinstance(value, (list, tuple)):
        return ', '.join(shown(entity, name, item) for item in value)
    if isinstance(value, dict):
        return '; '.join(f'{label(entity, k)}: {shown(entity, k, v)}' for k, v in value.items())
    if isinstance(value, str):
        chosen = _choice(entity, name, value)
        if chosen is not None:
            return chosen
        moment = _moment(value)
        if moment is not None:
            return time_text(moment, str(get_timezone()), str(get_locale()))
    return str(value)


def changes(entity, before, after):
    """The fields that differ, each as a Change; a creation shows every field set,
    a deletion every field it had."""
    # A state is a dict of fields; anything else (an old row's shape) reads as one value.
    before, after = (state if isinstance(state, dict) else {'value': state} if state else {}
                     for state in (before, after))
    names = [n for n in audit.changed_fields(before, after)
             if not (n not in before and after.get(n) in (None, '', []))
             and not (n not in after and before.get(n) in (None, '', []))]
    return [Change(label(entity, n), shown(entity, n, before.get(n)) if before else '',
                   shown(entity, n, after.get(n)) if after else '') for n in names]


def existing(entries):
    """{(entity, id)} of the entries' rows still in the database: one query per kind."""
    wanted = {}
    for entry in entries:
        if entry.entity_id and entry.entity in PAGES:
            wanted.setdefault(entry.entity, set()).add(entry.entity_id)
    found = set()
    for entity, ids in wanted.items():
        model = PAGES[entity][3]
        found |= {(entity, pk) for (pk,) in model.select(model.id)
                  .where(model.id.in_(sorted(ids))).tuples()}
    return found


def page_of(entry, alive):
    """The address of the entry's row, or '' when it is gone or has no page."""
    if (entry.entity, entry.entity_id) not in alive:
        return ''
    endpoint, argument, extra, _model = PAGES[entry.entity]
    return url_for(endpoint, **extra, **{argument: entry.entity_id})
