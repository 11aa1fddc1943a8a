"""What a detail page shows beside the row: the rows that hang off it, and links
to the windows and prefixes of other areas that concern it."""
from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l

from noc.inventory.entities import ENTITIES
from noc.models import (
    Circuit,
    Contact,
    MaintenanceWindow,
    Segment,
    Service,
    TrackedPrefix,
    WindowCircuit,
)
from noc.web.routing.prefixes import ALL_STATES


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


# Links to the other areas: windows, prefixes, the new-window form ------------

@dataclass
class Link:
    label: object
    url: str


def links(entity, obj, can_schedule):
    """What a row's page links to elsewhere: a customer's windows and prefixes, and
    "schedule maintenance here" on a site or a segment (for those who may)."""
    if entity.name == 'customers':
        return _customer_links(obj)
    if entity.name in ('sites', 'segments') and can_schedule:
        # The new-window form takes its scope as codes in sites= or segments=.
        return [Link(_l('Schedule maintenance here'),
                     url_for('maintenance.new', **{entity.name: obj.code}))]
    return []


def _customer_links(customer):
    result = [Link(_l('Upcoming maintenance windows'),
                   url_for('maintenance.index', customer=customer.account_id)),
              Link(_l('Past maintenance windows'),
                   url_for('maintenance.index', customer=customer.account_id, past=1))]
    # Prefixes are tracked on IP transit sessions only: other customers have none.
    if Circuit.select().where((Circuit.customer == customer)
                              & (Circuit.service == Service.IP_TRANSIT)).exists():
        result += [Link(_l('Prefix requests'),
                        url_for('prefixes.request_list', customer=customer.id)),
                   Link(_l('Prefixes'), url_for('prefixes.queue', customer=customer.id,
                                                state=ALL_STATES)),
                   Link(_l('Prefix-lists'), url_for('prefixes.prefix_list',
                                                    customer_id=customer.id))]
    return result


@dataclass
class CircuitWork:
    """A circuit's windows (those to come, the latest past) and its session's prefixes."""
    upcoming: list
    recent: list
    prefixes: list
    prefix_total: int


RECENT_WINDOWS = 5
UPCOMING_WINDOWS = 20
PREFIXES_SHOWN = 50


def circuit_work(circuit, now):
    """None for other rows: only a circuit page shows its windows and prefixes."""
    windows = (MaintenanceWindow.select()
               .join(WindowCircuit, on=(WindowCircuit.window == MaintenanceWindow.id))
               .where(WindowCircuit.circuit == circuit))
    upcoming = list(windows.where(MaintenanceWindow.ends_at > now)
                    .order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id)
                    .limit(UPCOMING_WINDOWS))
    recent = list(windows.where(MaintenanceWindow.ends_at <= now)
                  .order_by(MaintenanceWindow.starts_at.desc(), MaintenanceWindow.id.desc())
                  .limit(RECENT_WINDOWS))
    prefixes = TrackedPrefix.select().where(TrackedPrefix.circuit == circuit)
    return CircuitWork(upcoming, recent,
                       list(prefixes.order_by(TrackedPrefix.family, TrackedPrefix.prefix,
                                              TrackedPrefix.id).limit(PREFIXES_SHOWN)),
                       prefixes.count())
