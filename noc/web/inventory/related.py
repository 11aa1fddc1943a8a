"""What a detail page shows beside the row: the rows that hang off it."""
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from noc.inventory.entities import ENTITIES
from noc.models import Circuit, Contact, Segment


@dataclass
class Section:
    title: object
    entity: object
    rows: list
    total: int
    more_url: str = ''


def _section(title, kind, query, limit, more_url=''):
    entity = ENTITIES[kind]
    total = query.order_by().count()
    objs = list(query.order_by(*entity.order()).limit(limit))
    rows = [entity.formatted(values) | {'_id': o.id, '_obj': o}
            for o, values in zip(objs, entity.read_many(objs, entity.columns))]
    return Section(title, entity, rows, total, more_url if total > limit else '')


def _circuits(title, where, limit, **filters):
    query = ENTITIES['circuits'].query().where(where)
    return _section(title, 'circuits', query, limit,
                    url_for('inventory.list_rows', kind='circuits', **filters))


def sections(entity, obj, limit):
    if entity.name == 'customers':
        return [
            _section(_l('Contacts'), 'contacts',
                     ENTITIES['contacts'].query().where(Contact.customer == obj), 200),
            _circuits(_l('Circuits'), Circuit.customer == obj, limit, customer=obj.account_id),
        ]
    if entity.name == 'sites':
        return [
            _circuits(_l('Circuits at this site'),
                      (Circuit.a_site == obj) | (Circuit.z_site == obj), limit, site=obj.code),
            _section(_l('Segments at this site'), 'segments',
                     ENTITIES['segments'].query().where(
                         (Segment.a_site == obj) | (Segment.z_site == obj)), 200),
        ]
    if entity.name == 'segments':
        result = []
        if obj.kind == 'ring':
            result.append(_section(_l('Spans of this ring'), 'segments',
                                   ENTITIES['segments'].query().where(Segment.parent == obj),
                                   200))
        over = ENTITIES['circuits'].filter('segment').apply(ENTITIES['circuits'].query(), obj.code)
        result.append(_section(_l('Circuits over this segment'), 'circuits', over, limit,
                               url_for('inventory.list_rows', kind='circuits',
                                       segment=obj.code)))
        return result
    if entity.name == 'circuits' and obj.redundancy_group_id:
        return [_circuits(_l('Redundancy group %(name)s', name=obj.redundancy_group.name),
                          (Circuit.redundancy_group == obj.redundancy_group_id)
                          & (Circuit.id != obj.id), limit,
                          group=obj.redundancy_group.name)]
    return []
