"""The NOC's front page: what needs a person first, then what is about to happen,
then the counts and what changed lately."""
import datetime

import peewee as pw
from flask import Blueprint, redirect, render_template, url_for
from flask_babel import get_timezone

from noc.maintenance import answers
from noc.models import (
    AuditLog,
    Circuit,
    Contact,
    Customer,
    MaintenanceWindow,
    MessageState,
    OutboxMessage,
    RescheduleRequest,
    RescheduleState,
    Role,
    Segment,
    Site,
    WindowStatus,
    utcnow,
)
from noc.models.routing import PrefixState, RoutingAlert, TrackedPrefix
from noc.web.access import require
from noc.web.mail import inbox
from noc.web.routing import sources as routing_status

bp = Blueprint('dashboard', __name__)

# How far ahead the front page looks, and how many windows it lists.
AHEAD = datetime.timedelta(days=7)
NEXT_WINDOWS = 20
# Windows starting this soon with customers that have not acknowledged them.
ACK_HOURS = 72


def next_windows(now):
    """Live windows starting within AHEAD, and those already under way, soonest first."""
    return list(MaintenanceWindow.select().where(
        MaintenanceWindow.status.in_(MaintenanceWindow.LIVE)
        & (MaintenanceWindow.ends_at > now)
        & (MaintenanceWindow.starts_at < now + AHEAD))
        .order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id).limit(NEXT_WINDOWS))


def overrunning(now):
    """Windows still in progress after their planned end: the work ran over, or
    nobody marked it complete. Either way customers are waiting to hear."""
    return list(MaintenanceWindow.select().where(
        (MaintenanceWindow.status == WindowStatus.IN_PROCESS) & (MaintenanceWindow.ends_at <= now))
        .order_by(MaintenanceWindow.ends_at, MaintenanceWindow.id).limit(NEXT_WINDOWS))


def routing_counts(now):
    """What prefix tracking needs from a person: alerts, decisions, sources."""
    return {'alerts': RoutingAlert.select().where(RoutingAlert.closed_at.is_null()).count(),
            'checked': TrackedPrefix.select().where(TrackedPrefix.state == PrefixState.CHECKED).count(),
            'sources': routing_status.problem_count(now)}


def message_counts():
    """{state: count} of the outbox, for the states a person acts on."""
    return dict(OutboxMessage.select(OutboxMessage.state, pw.fn.COUNT(OutboxMessage.id))
                .where(OutboxMessage.state.in_(MessageState.NOT_SENT))
                .group_by(OutboxMessage.state).tuples())


@bp.route('/')
@require(Role.VIEWER)
def index():
    counts = {
        'customers': Customer.select().count(),
        'contacts': Contact.select().count(),
        'sites': Site.select().count(),
        'segments': Segment.select().count(),
        'circuits': Circuit.select().count(),
    }
    recent = AuditLog.select().order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(10)
    now = utcnow()
    return render_template('dashboard/index.html', counts=counts, recent=recent,
                           windows=next_windows(now), messages=message_counts(),
                           unacknowledged=answers.starting_soon_unacknowledged(now, ACK_HOURS),
                           open_requests=RescheduleRequest.select().where(
                               RescheduleRequest.state == RescheduleState.OPEN).count(),
                           received=inbox.counts(), routing=routing_counts(now),
                           overrunning=overrunning(now), zone=str(get_timezone()))


@bp.route('/healthz')
def health():
    """For load balancers and `make run`: answers when the database does."""
    Customer.select().limit(1).count()
    return {'status': 'ok'}


@bp.route('/favicon.ico')
def favicon():
    """Browsers ask for it whatever the page links: the SVG in static/."""
    return redirect(url_for('static', filename='favicon.svg'), 301)


def register(app):
    app.register_blueprint(bp)
