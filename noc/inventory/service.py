"""The rules of inventory rows: parse a row's values with the entity's fields,
check what spans fields, write the row with its audit entry, delete it.

Callers outside the domain go through inventory.commands, which finds and
locks the row and holds the transaction; CSV import and the demo loader
call this module inside theirs.
"""
import peewee as pw
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from noc.core.db import database
from noc.core.errors import CONFLICT, Refused
from noc.core.text import search_key
from noc.inventory.entities import ENTITIES
from noc.inventory.fields import ValueRefused
from noc.models import (
    ChangeFreeze,
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    CustomerAsn,
    Segment,
    Service,
    audit,
)
from noc.models.inventory import SegmentKind


class RowRefused(Refused):
    """The row was refused; `errors` maps field name to message. Nothing was
    stored. kind 'conflict': other rows still use it, or another writer won."""




def parse(entity, raw, obj=None, creating=False):
    """Parse {field: text or typed value} into {field: value}; raise RowRefused on any error.

    Every problem at once: the checks across fields and the natural key's run
    on the fields that parsed, so a person fixes a form (or a CSV line) in one
    pass, not one layer of errors at a time. A field's own error wins over a
    check's on the same field. `creating`: a row with this key must not exist.
    """
    values, errors = {}, {}
    for fl in entity.fields:
        try:
            values[fl.name] = fl.parse(raw.get(fl.name))
        except ValueRefused as exc:
            errors[fl.name] = str(exc)
    errors = (_CROSS_CHECKS.get(entity.name, _no_check)(values, obj)
              | _key_problem(entity, values, obj, creating) | errors)
    if errors:
        raise RowRefused(errors)
    return values


def _key_problem(entity, values, obj, creating):
    """The natural key taken by another row, when the key's fields parsed."""
    if not all(k in values for k in entity.key) or (obj is None and not creating):
        return {}
    other = entity.find(values)
    if other is None or (obj is not None and other.id == obj.id):
        return {}
    message = (_l('"%(value)s" already exists', value=entity.key_of(values)) if obj is None
               else _l('"%(value)s" is already used by another record',
                       value=entity.key_of(values)))
    return {entity.key[-1]: str(message)}


def _no_check(values, obj):
    return {}


# The checks across fields see only the fields that parsed (the others have
# their own error already) and skip what they cannot judge without them.

def _check_customer(values, obj):
    if 'asns' not in values or (obj is None and 'account_id' not in values):
        return {}
    # Customer.id must be selected: the joined row replaces customer_id.
    taken = (CustomerAsn.select(CustomerAsn.asn, Customer.id, Customer.name)
             .join(Customer)
             .where(CustomerAsn.asn.in_(values['asns'] or [-1])))
    mine = obj.id if obj is not None else _existing_id(Customer, Customer.account_id,
                                                       values['account_id'])
    for row in taken:
        if row.customer_id != mine:
            return {'asns': str(_l('AS%(asn)s already belongs to %(name)s',
                                   asn=row.asn, name=row.customer.name))}
    return {}


def _existing_id(model, column, value):
    row = model.select(model.id).where(column == value).first()
    return row.id if row else None


def _check_segment(values, obj):
    mine = obj.id if obj is not None else _existing_id(Segment, Segment.code, values.get('code'))
    errors = {}
    if mine is not None and values.get('kind', SegmentKind.RING) != SegmentKind.RING:
        spans = Segment.select().where(Segment.parent == mine).count()
        if spans:
            errors['kind'] = str(_holds_spans(spans))
    return errors | _check_parent(values, mine)


def _check_parent(values, mine):
    parent = values.get('parent')
    if parent is None:
        return {}
    if parent.kind != SegmentKind.RING:
        return {'parent': str(_l('"%(value)s" is a %(kind)s; only a ring can hold spans',
                                 value=parent.code, kind=parent.kind))}
    # Up the chain of rings: reaching this segment again would be a loop.
    node, seen = parent, set()
    while node is not None and node.id not in seen:
        if node.code == values.get('code') or node.id == mine:
            return {'parent': str(_l('a segment cannot be part of itself'))}
        seen.add(node.id)
        node = Segment.get_or_none(Segment.id == node.parent_id) if node.parent_id else None
    return {}


def _check_circuit(values, obj):
    errors = {}
    if not {'service', 'bgp_asn', 'bgp_as_set'} <= values.keys():
        return errors
    if values['service'] != Service.IP_TRANSIT and (values['bgp_asn'] or values['bgp_as_set']):
        errors['bgp_asn'] = str(_l('BGP details apply only to the IP transit service'))
    elif values['bgp_asn'] and values.get('customer') is not None:
        owner = (Customer.select(Customer.id, Customer.name).join(CustomerAsn)
                 .where(CustomerAsn.asn == values['bgp_asn']).first())
        if owner is not None and owner.id != values['customer'].id:
            errors['bgp_asn'] = str(_l('AS%(asn)s belongs to another customer, %(name)s',
                                       asn=values['bgp_asn'], name=owner.name))
    return errors


_CROSS_CHECKS = {'customers': _check_customer, 'segments': _check_segment,
                 'circuits': _check_circuit}


# Writing ---------------------------------------------------------------------

_CHILD_FIELDS = {'asns', 'freezes', 'roles', 'segments'}


def _write_columns(entity, obj, values, actor, now):
    if entity.name == 'contacts' and obj.email != values['email']:
        # A new address has not bounced (yet).
        obj.bounced_at, obj.bounce_reason = None, ''
    for fl in entity.fields:
        if fl.name not in _CHILD_FIELDS:
            setattr(obj, fl.name, values[fl.name])
    obj.search_text = search_key(*(entity.field(name).format(values[name])
                                   for name in entity.search_fields))
    if entity.name == 'contacts':
        for role in Contact.ROLES:
            setattr(obj, 'role_' + role, role in values['roles'])
    if entity.name == 'circuits' and values['redundancy_group'] is not None:
        group = values['redundancy_group']
        if group.id is None:
            group.save()
            audit.record(actor, audit.Action.CREATE, audit.Entity.REDUNDANCY_GROUP, group.id,
                         group.name, after={'name': group.name}, at=now)


def _write_children(entity, obj, values):
    if entity.name == 'customers':
        wanted = set(values['asns'])
        CustomerAsn.delete().where((CustomerAsn.customer == obj)
                                   & CustomerAsn.asn.not_in(wanted or [-1])).execute()
        have = {a.asn for a in CustomerAsn.select().where(CustomerAsn.customer == obj)}
        for number in sorted(wanted - have):
            CustomerAsn.create(customer=obj, asn=number)
        ChangeFreeze.delete().where(ChangeFreeze.customer == obj).execute()
        for start, end, reason in values['freezes']:
            ChangeFreeze.create(customer=obj, starts_on=start, ends_on=end, reason=reason)
    elif entity.name == 'circuits':
        CircuitSegment.delete().where(CircuitSegment.circuit == obj).execute()
        rows = [{'circuit': obj.id, 'segment': s.id} for s in values['segments']]
        if rows:
            CircuitSegment.insert_many(rows).execute()


def save(entity, values, actor, obj=None, now=None):
    """Create or update the row; returns (row, 'created'|'updated'|'unchanged').
    `now`: the time of the change (the clock's when not given)."""
    if obj is None:
        obj = entity.find(values)
    before = entity.formatted(entity.read(obj)) if obj is not None else None
    after = entity.formatted(values)
    if before == after:
        return obj, 'unchanged'
    action = 'created' if obj is None else 'updated'
    audited = audit.Action.CREATE if obj is None else audit.Action.UPDATE
    with database.atomic():
        if obj is None:
            obj = entity.model(created_at=now) if now else entity.model()
        _write_columns(entity, obj, values, actor, now)
        obj.save(now=now)
        _write_children(entity, obj, values)
        changed = audit.changed_fields(before, after)
        audit.record(actor, audited, entity.audit_entity, obj.id, entity.key_of(values),
                     before={k: before[k] for k in changed} if before else None,
                     after={k: after[k] for k in changed} if before else after, at=now)
    return obj, action


def save_text(entity, raw, actor, obj=None, now=None):
    """Parse and save in one step (forms); raises RowRefused.

    Without `obj` this creates: a row with the same natural key is refused,
    not silently overwritten (only CSV import matches rows by key).
    """
    return save(entity, parse(entity, raw, obj, creating=obj is None), actor, obj, now)


# Deleting --------------------------------------------------------------------

def _used_by_circuits(count):
    return ngettext('still used by %(num)d circuit', 'still used by %(num)d circuits', count)


def _used_by_segments(count):
    return ngettext('still used by %(num)d segment', 'still used by %(num)d segments', count)


def _holds_spans(count):
    return ngettext('it is a ring holding %(num)d span; move it to another ring first',
                    'it is a ring holding %(num)d spans; move them to another ring first',
                    count)


def _blockers(entity, obj):
    """Why a row cannot go: messages naming what still uses it."""
    uses = []
    if entity.name == 'customers':
        uses.append((Circuit.select().where(Circuit.customer == obj).count(),
                     _used_by_circuits))
    elif entity.name == 'sites':
        uses.append((Circuit.select().where((Circuit.a_site == obj) | (Circuit.z_site == obj))
                     .count(), _used_by_circuits))
        uses.append((Segment.select().where((Segment.a_site == obj) | (Segment.z_site == obj))
                     .count(), _used_by_segments))
    elif entity.name == 'segments':
        uses.append((CircuitSegment.select().where(CircuitSegment.segment == obj).count(),
                     _used_by_circuits))
        # As when a ring changes kind: its spans must go to another ring first.
        uses.append((Segment.select().where(Segment.parent == obj).count(), _holds_spans))
    return [message(count) for count, message in uses if count]


def _audit_cascade(entity, obj, actor, now):
    """A customer takes its contacts with it: each gets its own audit copy."""
    if entity.name != 'customers':
        return
    contacts = ENTITIES['contacts']
    for contact in contacts.query().where(Contact.customer == obj):
        values = contacts.read(contact)
        audit.record(actor, audit.Action.DELETE, audit.Entity.CONTACT, contact.id,
                     contacts.key_of(values),
                     before=contacts.formatted(values), at=now)


def delete(entity, obj, actor, now=None):
    """Delete the row, or raise RowRefused saying what still uses it."""
    blockers = _blockers(entity, obj)
    if blockers:
        raise RowRefused({entity.key[0]: '; '.join(blockers)}, kind=CONFLICT)
    before = entity.formatted(entity.read(obj))
    try:
        with database.atomic():
            _audit_cascade(entity, obj, actor, now)
            audit.record(actor, audit.Action.DELETE, entity.audit_entity, obj.id,
                         entity.key_of(entity.read(obj)), before=before, at=now)
            obj.delete_instance()
    except pw.IntegrityError:
        raise RowRefused({entity.key[0]: str(_l('still used by other records'))},
                         kind=CONFLICT) from None
