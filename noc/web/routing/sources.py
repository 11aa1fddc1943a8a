"""The routing data Janela validates with, as the NOC sees it: every RPKI
source (last good load, counts, stale or refused), the IRR dumps and IRRd
servers, the open alerts, and a chart of the tracked prefixes' RPKI states.

The chart is inline SVG drawn here, with its numbers in a table beside it:
no JavaScript, readable by screen readers and on a NOC wall screen alike.
"""
import datetime
from dataclasses import dataclass, field

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime, format_timedelta
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from noc.core.errors import NotFound
from noc.core.limits import MAX_SOURCE
from noc.models import Role, utcnow
from noc.models.routing import AlertKind, LoadStatus, RoutingAlert, VrpSnapshot
from noc.routing import alerts
from noc.routing.irr import store as irr_store
from noc.routing.irr.lookup import host_port
from noc.routing.prefix_requests import commands, revalidate
from noc.routing.rpki import snapshots
from noc.web.access import require
from noc.web.redirects import safe_next

bp = Blueprint('routing', __name__, url_prefix='/routing')

SEVERITY_LABELS = {'error': _l('error'), 'warning': _l('warning'), 'info': _l('information')}
# Snapshot columns without the VRPs themselves (megabytes each).
_SUMMARY_FIELDS = [f for f in VrpSnapshot._meta.sorted_fields if f.name != 'vrps']


# -- RPKI sources -------------------------------------------------------------

@dataclass
class RpkiSource:
    name: str
    location: str
    configured: bool
    good: object = None        # the last good VrpSnapshot, or None
    refused: object = None     # the last refused one, or None
    stale: bool = False
    age: datetime.timedelta = None

    @property
    def failing(self):
        """Refused since its last good load: the data in use is older than it should be."""
        return self.refused is not None and (
            self.good is None or self.refused.loaded_at > self.good.loaded_at)

    @property
    def problem(self):
        return self.stale or self.failing


def _last_refused(source):
    return (VrpSnapshot.select(*_SUMMARY_FIELDS)
            .where((VrpSnapshot.source == source) & (VrpSnapshot.status == LoadStatus.REFUSED))
            .order_by(VrpSnapshot.loaded_at.desc(), VrpSnapshot.id.desc()).first())


def _source_names():
    return {r[0] for r in VrpSnapshot.select(VrpSnapshot.source).distinct().tuples()}


def rpki_sources(now):
    """Every configured source and every source with snapshots (loaded by hand)."""
    conf = current_app.config['NOC']['rpki']
    stale_after = datetime.timedelta(hours=conf['stale_hours'])
    found = []
    for name in sorted(set(conf['sources']) | _source_names()):
        good = snapshots.last_good(name)
        refused = _last_refused(name)
        location = conf['sources'].get(name) or (good or refused).location
        age = now - good.loaded_at if good else None
        found.append(RpkiSource(name, location, name in conf['sources'], good, refused,
                                stale=good is None or age > stale_after, age=age))
    return found


# -- IRR ----------------------------------------------------------------------

@dataclass
class IrrSource:
    name: str
    location: str
    last: object = None    # the last IrrLoad, good or refused
    good: object = None    # the last good IrrLoad

    @property
    def problem(self):
        return self.last is not None and self.last.status != LoadStatus.GOOD


def irr_sources():
    """Loaded dumps, and configured dumps not loaded yet."""
    dumps = {k.upper(): v for k, v in current_app.config['NOC']['irr']['dumps'].items()}
    found = {name: IrrSource(name, last.location, last,
                             last if last.status == LoadStatus.GOOD else irr_store.last_good(name))
             for name, last in irr_store.sources()}
    for name, path in dumps.items():
        found.setdefault(name, IrrSource(name, path))
    return [found[name] for name in sorted(found)]


def problem_count(now=None):
    """Sources with errors or stale data, for the dashboard."""
    now = now or utcnow()
    return (sum(1 for s in rpki_sources(now) if s.problem)
            + sum(1 for s in irr_sources() if s.problem))


# -- the chart ----------------------------------------------------------------

SERIES = (('valid', _l('valid'), '#0b6e4f'), ('invalid', _l('invalid'), '#b42318'),
          ('not_found', _l('not found'), '#5b6775'))


@dataclass
class Chart:
    width: int = 720
    height: int = 260
    # Margins wide enough for a date label centred on either end of the axis.
    left: int = 64
    right: int = 64
    top: int = 16
    bottom: int = 40
    series: list = field(default_factory=list)    # (key, label, colour, points, dots)
    y_ticks: list = field(default_factory=list)   # (y, value)
    x_ticks: list = field(default_factory=list)   # (x, text)
    y_max: int = 0

    @property
    def plot_right(self):
        return self.width - self.right

    @property
    def plot_bottom(self):
        return self.height - self.bottom


def nice_ceiling(value):
    """The smallest 1, 2 or 5 times a power of ten at least `value` (axis tops)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _x_of(chart, samples):
    first, last = samples[0].at, samples[-1].at
    span = (last - first).total_seconds()
    width = chart.plot_right - chart.left

    def x(at):
        if span <= 0:
            return chart.left + width / 2
        return chart.left + width * (at - first).total_seconds() / span
    return x, first, span


def y_scale(largest, ticks=4):
    """(top of the axis, step between labels): whole numbers, about `ticks` steps."""
    step = nice_ceiling(largest / ticks)
    return max(step, step * -(-largest // step)), step


def build_chart(samples, ticks=4):
    """Geometry of three lines (valid, invalid, not found) over time."""
    chart = Chart()
    if not samples:
        return chart
    chart.y_max, step = y_scale(max(max(s.valid, s.invalid, s.not_found) for s in samples),
                                ticks)
    height = chart.plot_bottom - chart.top

    def y(value):
        return chart.plot_bottom - height * value / chart.y_max
    x, first, span = _x_of(chart, samples)
    for key, series_label, colour in SERIES:
        points = [(round(x(s.at), 1), round(y(getattr(s, key)), 1)) for s in samples]
        dots = points if len(points) <= 60 else points[-1:]
        chart.series.append((key, series_label, colour,
                             ' '.join(f'{px},{py}' for px, py in points), dots))
    chart.y_ticks = [(round(y(value), 1), value) for value in range(0, chart.y_max + 1, step)]
    moments = ([first + datetime.timedelta(seconds=span * i / ticks) for i in range(ticks + 1)]
               if span > 0 else [first])
    chart.x_ticks = [(round(x(m), 1), format_datetime(m, 'yyyy-MM-dd HH:mm')) for m in moments]
    return chart


def server_states(servers):
    """[(server as configured, its open 'unreachable' alert or None)]: a server
    that failed in the last run that asked it has an open alert."""
    failing = {a.source: a for a in RoutingAlert.select().where(
        (RoutingAlert.kind == AlertKind.IRR_SOURCE) & RoutingAlert.closed_at.is_null())}
    return [(text, failing.get('%s:%d' % host_port(text))) for text in servers]


# -- pages --------------------------------------------------------------------

@bp.route('/')
@require(Role.VIEWER)
def index():
    now = utcnow()
    samples = revalidate.samples()
    irr = current_app.config['NOC']['irr']
    return render_template('routing/index.html', rpki=rpki_sources(now), irr=irr_sources(),
                           servers=server_states(irr['servers']),
                           server_sources=irr['server_sources'],
                           alerts=alerts.open_alerts(), samples=samples,
                           chart=build_chart(samples), last_run=revalidate.last_run(),
                           stale_hours=current_app.config['NOC']['rpki']['stale_hours'],
                           age=lambda delta: format_timedelta(delta, threshold=1.1))


@bp.route('/rpki/<name>')
@require(Role.VIEWER)
def rpki_history(name):
    # PostgreSQL refuses NUL in a string: such a name cannot exist, so 404.
    loads = snapshots.history(name) if len(name) <= MAX_SOURCE and '\x00' not in name else []
    configured = current_app.config['NOC']['rpki']['sources'].get(name)
    if not loads and configured is None:
        abort(404)
    return render_template('routing/rpki_history.html', name=name, loads=loads,
                           location=configured)


@bp.route('/alerts/<int:alert_id>/close', methods=['POST'])
@require(Role.ENGINEER)
def close_alert(alert_id):
    try:
        closed = commands.close_alert(alert_id, actor=current_user._get_current_object())
    except NotFound:
        abort(404)
    flash(_('Alert closed.') if closed else _('The alert was already closed.'), 'info')
    return redirect(safe_next(request.form.get('next'), url_for('routing.index') + '#alerts'))


def register(app):
    app.register_blueprint(bp)
    app.jinja_env.globals['alert_message'] = alerts.message
    app.jinja_env.filters['alert_severity_label'] = lambda v: str(SEVERITY_LABELS.get(v, v))
