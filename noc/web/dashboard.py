"""The NOC's front page: what the inventory holds and what changed lately."""
from flask import Blueprint, render_template

from ..models import AuditLog, Circuit, Contact, Customer, Segment, Site
from .access import require

bp = Blueprint('dashboard', __name__)


@bp.route('/')
@require('viewer')
def index():
    counts = {
        'customers': Customer.select().count(),
        'contacts': Contact.select().count(),
        'sites': Site.select().count(),
        'segments': Segment.select().count(),
        'circuits': Circuit.select().count(),
    }
    recent = AuditLog.select().order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(10)
    return render_template('dashboard/index.html', counts=counts, recent=recent)


@bp.route('/healthz')
def health():
    """For load balancers and `make run`: answers when the database does."""
    Customer.select().limit(1).count()
    return {'status': 'ok'}


def register(app):
    app.register_blueprint(bp)
