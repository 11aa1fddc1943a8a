"""Customers' side of a window for the NOC: their page links (revoke, issue a
new one) and a reminder to those that have not acknowledged."""
from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from noc.core.errors import NotFound
from noc.maintenance import answer_commands, links
from noc.maintenance.settings import of_app
from noc.models import Role
from noc.web.access import require

bp = Blueprint('answers', __name__, url_prefix='/maintenance')


def _back(window_id):
    return redirect(url_for('maintenance.show', window_id=window_id) + '#answers')


def _run(command, *args):
    try:
        return command(*args, current_user._get_current_object())
    except NotFound:
        abort(404)


@bp.route('/<int:window_id>/customers/<int:customer_id>/link/revoke', methods=['POST'])
@require(Role.ENGINEER)
def revoke_link(window_id, customer_id):
    customer = _run(answer_commands.revoke_link, window_id, customer_id)
    flash(_("%(customer)s's link to this window no longer works.", customer=customer.name),
          'info')
    return _back(window_id)


@bp.route('/<int:window_id>/customers/<int:customer_id>/link/new', methods=['POST'])
@require(Role.ENGINEER)
def reissue_link(window_id, customer_id):
    customer = _run(answer_commands.issue_link, window_id, customer_id)
    flash(_('%(customer)s has a new link; earlier ones no longer work. The next notice '
            'carries it.', customer=customer.name), 'info')
    return _back(window_id)


@bp.route('/<int:window_id>/remind', methods=['POST'])
@require(Role.ENGINEER)
def remind(window_id):
    try:
        queued = _run(partial(answer_commands.remind, settings=of_app(current_app)), window_id)
    except answer_commands.AnswerRefused as exc:
        for message in exc.errors.values():
            flash(str(message), 'error')
        return _back(window_id)
    flash(ngettext('%(num)d reminder queued to the contacts of customers that have not '
                   'acknowledged.',
                   '%(num)d reminders queued to the contacts of customers that have not '
                   'acknowledged.', queued) if queued else
          _('Every customer has acknowledged; nobody was reminded.'), 'info')
    return _back(window_id)


def customer_page_url(row):
    """A customer's page link, for the window page's template."""
    settings = of_app(current_app)
    return links.url(row, settings.secret_key, settings.base_url)


def register(app):
    app.register_blueprint(bp)
    app.jinja_env.globals['customer_page_url'] = customer_page_url
