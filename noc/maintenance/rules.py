"""The scheduling rules a window must keep, checked on every create and change.

Errors block the change; warnings must be acknowledged by an engineer, who
then owns the risk (both legs of a redundant pair down, a customer's change
freeze). Each warning has a stable key, so an acknowledgement given for one
situation does not silently cover a new one.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from noc.core.i18n import in_zone
from noc.models import (
    ChangeFreeze,
    Circuit,
    Customer,
    Impact,
    MaintenanceWindow,
    RedundancyGroup,
    WindowCircuit,
)

# The form fields the rules read (times, impact, outage, scope): a form whose
# errors lie only elsewhere can still be checked against the rules.
READS = frozenset({'starts_at', 'ends_at', 'impact', 'outage_minutes',
                   'circuits', 'segments', 'sites'})
# Impacts that take a circuit's service down for the redundancy rule: a
# REDUCED-REDUNDANCY or NO-IMPACT circuit still carries traffic.
DOWN = Impact.DOWN


@dataclass(frozen=True)
class Finding:
    severity: str       # 'error' blocks; 'warning' needs an acknowledgement
    code: str           # notice, past, order, duration, overlap, redundancy, freeze
    message: object     # lazy text for a person
    key: str = ''       # identity of a warning, for acknowledgements
    field: str = ''     # the form field it is about, when there is one

    @property
    def is_error(self):
        return self.severity == 'error'


@dataclass
class Proposal:
    """A window as it would be: times, flags and {circuit pk: effective impact}."""
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    impact: str
    emergency: bool
    circuits: dict
    window_id: int = None


def _setting(settings, name):
    """A maintenance setting from the Settings value or its `rules` dict."""
    return settings[name] if isinstance(settings, dict) else getattr(settings, name)


def _period_findings(starts, ends, now, settings, check_past=True):
    """The errors of a period's bounds (see period_problems), as Findings."""
    hours, days = _setting(settings, 'max_duration_hours'), _setting(settings, 'max_days_ahead')
    found = []
    if ends <= starts:
        found.append(Finding('error', 'order', _l('the end must be after the start'),
                             field='ends_at'))
    elif ends - starts > datetime.timedelta(hours=hours):
        found.append(Finding('error', 'duration', _l(
            'a window may last at most %(hours)d hours', hours=hours), field='ends_at'))
    if check_past and starts < now:
        found.append(Finding('error', 'past', _l('the start is in the past'),
                             field='starts_at'))
    horizon = now + datetime.timedelta(days=days)
    for field, moment in (('starts_at', starts), ('ends_at', ends)):
        if moment > horizon:
            found.append(Finding('error', 'horizon', _l(
                'is more than %(days)d days ahead; the latest accepted is %(date)s UTC',
                days=days, date=horizon.strftime('%Y-%m-%d %H:%M')), field=field))
    return found


def period_problems(starts, ends, now, settings):
    """What is wrong with a new period (aware datetimes) for a window, as
    {field: message} ('starts_at', 'ends_at'); {} when nothing is.

    The bounds every way in keeps, for a window created or moved (form, API,
    CLI) and a period a customer proposes (page, API, calendar COUNTER): the
    end after the start and at most `max_duration_hours` later, the start not
    in the past, nothing past `max_days_ahead` days from `now`. So every stored
    time is one each page, notice and feed can show in any zone. `settings`:
    the maintenance Settings (or its `rules` dict).
    """
    problems = {}
    for field, value in (('starts_at', starts), ('ends_at', ends)):
        if not isinstance(value, datetime.datetime) or value.tzinfo is None:
            problems[field] = _l('is required')
    if problems:
        return problems
    for finding in _period_findings(starts, ends, now, settings):
        problems.setdefault(finding.field, finding.message)
    return problems


def check_times(p, now, settings, check_notice=True, check_past=True):
    found = _period_findings(p.starts_at, p.ends_at, now, settings, check_past)
    if check_past and p.starts_at < now:
        return found
    if check_notice and not p.emergency:
        days = settings['min_notice_days']
        if p.starts_at - now < datetime.timedelta(days=days):
            found.append(Finding('error', 'notice', _l(
                'customers must be told at least %(days)d days ahead; start later, or mark '
                'the window as an emergency and give the reason', days=days),
                field='starts_at'))
    return found


def overlapping_windows(p):
    """Live windows other than this one whose time overlaps the proposal."""
    query = MaintenanceWindow.select().where(
        MaintenanceWindow.status.in_(MaintenanceWindow.LIVE)
        & (MaintenanceWindow.starts_at < p.ends_at)
        & (MaintenanceWindow.ends_at > p.starts_at))
    if p.window_id:
        query = query.where(MaintenanceWindow.id != p.window_id)
    return list(query)


def _circuits_of(windows):
    """{window id: {circuit pk: effective impact}} for the given windows."""
    by_window = {w.id: w for w in windows}
    result = defaultdict(dict)
    if not by_window:
        return result
    for link in (WindowCircuit.select(WindowCircuit.window, WindowCircuit.circuit,
                                      WindowCircuit.impact)
                 .where(WindowCircuit.window.in_(list(by_window))).tuples()):
        window_id, circuit_id, impact = link
        result[window_id][circuit_id] = impact or by_window[window_id].impact
    return result


def _names(circuit_ids):
    return {c.id: c for c in Circuit.select(Circuit.id, Circuit.circuit_id,
                                            Circuit.customer, Circuit.redundancy_group)
            .where(Circuit.id.in_(list(circuit_ids)))} if circuit_ids else {}


def check_overlap(p, others, their_circuits):
    found = []
    for window in others:
        shared = set(p.circuits) & set(their_circuits.get(window.id, {}))
        if shared:
            codes = sorted(c.circuit_id for c in _names(shared).values())
            shown = ', '.join(codes[:10]) + (' …' if len(codes) > 10 else '')
            found.append(Finding('error', 'overlap', lazy_ngettext(
                '%(num)d circuit is already in %(reference)s at an overlapping time: '
                '%(circuits)s',
                '%(num)d circuits are already in %(reference)s at an overlapping time: '
                '%(circuits)s', len(codes), reference=window.reference, circuits=shown), field='circuits'))
    return found


def check_redundancy(p, others, their_circuits):
    down = {pk for pk, impact in p.circuits.items() if impact in DOWN}
    elsewhere = defaultdict(set)        # circuit pk -> references of other windows
    for window in others:
        for pk, impact in their_circuits.get(window.id, {}).items():
            if impact in DOWN:
                elsewhere[pk].add(window.reference)
    grouped = defaultdict(set)
    for circuit in (Circuit.select(Circuit.id, Circuit.redundancy_group)
                    .where(Circuit.redundancy_group.is_null(False)
                           & Circuit.id.in_(list(down | set(elsewhere)) or [-1]))):
        grouped[circuit.redundancy_group_id].add(circuit.id)
    risky = {g: m for g, m in grouped.items() if len(m) >= 2 and m & down}
    if not risky:
        return []
    # Three queries for every group at once: a ring carries hundreds of pairs.
    groups = {g.id: g for g in RedundancyGroup.select()
              .where(RedundancyGroup.id.in_(list(risky)))}
    circuits = _names(set().union(*risky.values()))
    customers = dict(Customer.select(Customer.id, Customer.name)
                     .where(Customer.id.in_({c.customer_id for c in circuits.values()}))
                     .tuples())
    found = []
    for group_id, members in sorted(risky.items()):
        names = sorted({customers[circuits[m].customer_id] for m in members})
        parts = []
        for pk in sorted(members, key=lambda m: circuits[m].circuit_id):
            where = sorted(elsewhere[pk]) if pk not in down else [_l('this window')]
            parts.append(f'{circuits[pk].circuit_id} ({", ".join(str(w) for w in where)})')
        found.append(Finding('warning', 'redundancy', _l(
            'both legs of redundancy group %(group)s of %(customer)s would be down at the '
            'same time: %(circuits)s', group=groups[group_id].name, customer=', '.join(names),
            circuits='; '.join(parts)),
            key='redundancy:%d:%s' % (group_id, ','.join(str(m) for m in sorted(members)))))
    return found


def _local_dates(moment, zone):
    return in_zone(moment, zone).date()


def check_freezes(p):
    customer_ids = {c.customer_id for c in _names(set(p.circuits)).values()}
    if not customer_ids:
        return []
    found = []
    query = (ChangeFreeze.select(ChangeFreeze, Customer).join(Customer)
             .where(ChangeFreeze.customer.in_(list(customer_ids))))
    for freeze in query:
        zone = freeze.customer.time_zone
        first, last = _local_dates(p.starts_at, zone), _local_dates(p.ends_at, zone)
        if freeze.starts_on <= last and freeze.ends_on >= first:
            found.append(Finding('warning', 'freeze', _l(
                '%(customer)s is in a change freeze from %(start)s to %(end)s%(reason)s',
                customer=freeze.customer.name, start=freeze.starts_on.isoformat(),
                end=freeze.ends_on.isoformat(),
                reason=f' ({freeze.reason})' if freeze.reason else ''),
                key=f'freeze:{freeze.id}'))
    return found


def check(p, now, settings, check_notice=True, check_past=True):
    """Every finding for a proposal, errors first."""
    found = check_times(p, now, settings, check_notice, check_past)
    if p.circuits and p.ends_at > p.starts_at:
        others = overlapping_windows(p)
        theirs = _circuits_of(others)
        found += check_overlap(p, others, theirs)
        found += check_redundancy(p, others, theirs)
        found += check_freezes(p)
    return sorted(found, key=lambda f: (not f.is_error, f.code, f.key))


def unacknowledged(findings, acknowledged):
    return [f for f in findings if not f.is_error and f.key not in set(acknowledged)]
