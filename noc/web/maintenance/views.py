"""Maintenance pages: the list, the calendar, the form with its preview, the window page.

The views only translate: maintenance.window_commands changes windows and
maintenance.windows decides; the form and the page live in form.py and
page.py, the filters and the calendar's days in filters.py and calendar.py.
"""
import datetime
import zoneinfo

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from noc.core.paging import paginate
from noc.models import Impact, MaintenanceWindow, MessageKind, MessageState, WindowStatus, utcnow
from noc.web.access import require
from noc.web.maintenance import calendar as cal
from noc.web.maintenance import filters as filters
from noc.web.maintenance.form import edit_page
from noc.web.maintenance.page import act, get_window, render_page
from noc.web.sorting import read_sort

bp = Blueprint('maintenance', __name__, url_prefix='/maintenance')

# Declared once beside the model; named here for the customer page.
STATUS_LABELS = WindowStatus.labels()
IMPACT_LABELS = Impact.labels()


def maybe_url(endpoint, **values):
    """url_for, or None when the endpoint does not exist (a blueprint not installed)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _page_size():
    return current_app.config['NOC']['web']['page_size']


@bp.route('')
@require('viewer')
def index():
    args = filters.read_args()
    past = request.args.get('past') == '1'
    query, problems = filters.apply(MaintenanceWindow.select(), args)
    now = utcnow()
    if past:
        query = query.where(MaintenanceWindow.ends_at <= now)
        default = (MaintenanceWindow.starts_at.desc(), MaintenanceWindow.id.desc())
    else:
        query = query.where(MaintenanceWindow.ends_at > now)
        default = (MaintenanceWindow.starts_at, MaintenanceWindow.id)
    sort = read_sort(filters.SORTS, default, MaintenanceWindow.id)
    page = paginate(query.order_by(*sort.order()), _page_size())
    # The filter form sends the tab and the sort back with the filters.
    hidden = ({'past': 1} if past else {}) | sort.kept()
    return render_template('maintenance/list.html', page=page, args=args, past=past, sort=sort,
                           hidden=hidden,
                           kept={k: v for k, v in args.items() if v}, problems=problems,
                           reach=filters.reach([w.id for w in page.items]),
                           statuses=MaintenanceWindow.STATUSES)


@bp.route('/calendar')
@require('viewer')
def calendar():
    zone = current_user.time_zone
    view = 'week' if request.args.get('view') == 'week' else 'month'
    day = cal.parse_day(request.args.get('date'), zone)
    first, last, previous, following, shown = (cal.week_span if view == 'week'
                                               else cal.month_span)(day)
    args = filters.read_args()
    query, problems = filters.apply(MaintenanceWindow.select(), args)
    rows, more = cal.overlapping(query, *cal.bounds(first, last, zone))
    kept = {k: v for k, v in args.items() if v}

    def link(**change):
        return url_for('.calendar', **(kept | {'view': view, 'date': day.isoformat()} | change))

    return render_template(
        'maintenance/calendar.html', view=view, day=day, shown=shown, args=args,
        problems=problems, more=more, link=link, statuses=MaintenanceWindow.STATUSES,
        days=cal.days(rows, first, last, shown, zone), weeks=cal.weeks,
        previous=previous.isoformat(), following=following.isoformat(),
        today=datetime.datetime.now(zoneinfo.ZoneInfo(zone)).date(), zone=zone)


@bp.route('/new', methods=['GET', 'POST'])
@require('engineer')
def new():
    return edit_page(None)


@bp.route('/<int:window_id>/edit', methods=['GET', 'POST'])
@require('engineer')
def edit(window_id):
    return edit_page(get_window(window_id))


@bp.route('/<int:window_id>')
@require('viewer')
def show(window_id):
    return render_page(get_window(window_id))


@bp.route('/<int:window_id>/confirm', methods=['POST'])
@require('engineer')
def confirm(window_id):
    return act(window_id, 'confirm')


@bp.route('/<int:window_id>/start', methods=['POST'])
@require('engineer')
def start(window_id):
    return act(window_id, 'start')


@bp.route('/<int:window_id>/complete', methods=['POST'])
@require('engineer')
def complete(window_id):
    return act(window_id, 'complete')


@bp.route('/<int:window_id>/cancel', methods=['POST'])
@require('engineer')
def cancel(window_id):
    return act(window_id, 'cancel')


def register(app):
    app.register_blueprint(bp)
    app.jinja_env.globals['maybe_url'] = maybe_url
    for name, vocabulary in (('status_label', WindowStatus), ('impact_label', Impact),
                             ('notice_kind_label', MessageKind),
                             ('message_state_label', MessageState)):
        app.jinja_env.filters[name] = vocabulary.label
