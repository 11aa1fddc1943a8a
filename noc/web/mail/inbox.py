"""Received mail for the NOC: customers' messages to read, the unmatched
queue (unverified senders, mail about no known window) and messages that
could not be handled. Every message keeps its raw text one click away."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user

from noc.core.errors import NotFound, Refused
from noc.core.paging import paginate
from noc.inbound import commands
from noc.mail import parts
from noc.models import InboundKind, InboundMessage, InboundOutcome, InboundState, InboundVia
from noc.web.access import require
from noc.web.mail import reply, shown_parts
from noc.web.redirects import safe_next
from noc.web.sorting import read_sort

bp = Blueprint('inbox', __name__, url_prefix='/inbox')

# The views: handled messages still to read, one view per state that waits for
# a person (named by the state), and all.
QUEUES = (InboundState.UNMATCHED, InboundState.ERROR)
VIEWS = {
    'review': _l('To read'), InboundState.UNMATCHED: _l('Unmatched'),
    InboundState.ERROR: _l('Errors'), 'all': lazy_pgettext('received messages', 'All'),
}


# The columns of the list a person may sort by.
SORTS = {'received': InboundMessage.received_at, 'sender': InboundMessage.sender,
         'subject': InboundMessage.subject, 'kind': InboundMessage.kind,
         'outcome': InboundMessage.outcome}


def query_for(view, sort=None):
    """The messages of `view`, the newest first (unless `sort` says otherwise)."""
    query = InboundMessage.select()
    if view == 'review':
        query = query.where(InboundMessage.reviewed_at.is_null()
                            & (InboundMessage.state == InboundState.HANDLED))
    elif view in QUEUES:
        query = query.where(InboundMessage.state == view)
    default = (InboundMessage.received_at.desc(), InboundMessage.id.desc())
    return query.order_by(*(sort.order() if sort else default))


def counts():
    """What waits for a person, for the dashboard and the navigation."""
    return {view: query_for(view).count() for view in ('review', *QUEUES)}


def _message(message_id):
    try:
        return commands.find(message_id)
    except NotFound:
        abort(404)


@bp.route('/')
@require('viewer')
def index():
    view = request.args.get('view', 'review')
    if view not in VIEWS:
        view = 'review'
    sort = read_sort(SORTS, (), InboundMessage.id)
    page = paginate(query_for(view, sort if sort.column else None), 50)
    return render_template('inbox/index.html', page=page, view=view, views=VIEWS, sort=sort,
                           counts=counts())


@bp.route('/<int:message_id>')
@require('viewer')
def show(message_id):
    message = _message(message_id)
    msg = parts.message_of(message.raw_bytes)
    return render_template(
        'inbox/show.html', message=message,
        reply_url=reply.mailto(message.sender, message.subject,
                               ' '.join(str(msg.get('Message-ID', '')).split())),
        **shown_parts.context(msg, url_for('inbox.html_part', message_id=message.id)))


@bp.route('/<int:message_id>/html')
@require('viewer')
def html_part(message_id):
    """The received HTML part alone, for the sandboxed frame of its page."""
    return shown_parts.html_response(parts.message_of(_message(message_id).raw_bytes))


@bp.route('/<int:message_id>/raw')
@require('viewer')
def raw(message_id):
    message = _message(message_id)
    # As text, never rendered: it is mail from outside.
    return Response(message.raw_bytes, content_type='text/plain; charset=utf-8',
                    headers={'Content-Disposition': f'inline; filename="message-{message.id}.eml"',
                             'X-Content-Type-Options': 'nosniff'})


@bp.route('/<int:message_id>/review', methods=['POST'])
@require('engineer')
def review(message_id):
    try:
        commands.review(message_id, current_user._get_current_object())
    except NotFound:
        abort(404)
    flash(_('Marked as read.'), 'info')
    return redirect(safe_next(request.form.get('next'), url_for('inbox.index')))


@bp.route('/<int:message_id>/retry', methods=['POST'])
@require('engineer')
def retry(message_id):
    """Handle a message again (after its error was fixed, or a contact added)."""
    try:
        message = commands.retry(message_id)
    except NotFound:
        abort(404)
    except Refused:
        abort(409)
    flash(_('Handled again: %(outcome)s.', outcome=InboundOutcome.label(message.outcome)), 'info')
    return redirect(url_for('inbox.show', message_id=message.id))


def register(app):
    app.register_blueprint(bp)
    app.jinja_env.filters['inbound_kind_label'] = InboundKind.label
    app.jinja_env.filters['inbound_outcome_label'] = InboundOutcome.label
    app.jinja_env.filters['inbound_via_label'] = InboundVia.label
