"""Customers' side of a window for the NOC: their page links (revoke, issue a
new one) and a reminder to those that have not acknowledged."""
from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from noc.core.errors import NotFound
from noc.maintenance import answer_commands, answers, links
from noc.maintenance.settings import of_app
from noc.models import Customer, Role
from noc.web.access import require
from noc.web.addresses import page_base_url
from noc.web.confirmation import ask, confirmed
from noc.web.maintenance.page import get_window

bp = Blueprint('answers', __name__, url_prefix='/maintenance')


def _back(window_id):
    return redirect(url_for('maintenance.show', window_id=window_id) + '#answers')


def _run(command, *args):
    try:
        return command(*args, current_user._get_current_object())
    except NotFound:
        abort(404)


def _ask_link(endpoint, window_id, customer_id, what):
    """Ask before changing a customer's link: nobody is mailed now."""
    window = get_window(window_id)
    customer = Customer.get_or_none(Customer.id == customer_id) or abort(404)
    return ask(url_for(endpoint, window_id=window_id, customer_id=customer_id),
               what(customer.name, window.reference),
               url_for('maintenance.show', window_id=window_id) + '#answers')


@bp.route('/<int:window_id>/customers/<int:customer_id>/link/revoke', methods=['POST'])
@require(Role.ENGINEER)
def revoke_link(window_id, customer_id):
    if not confirmed():
        return _ask_link('answers.revoke_link', window_id, customer_id, lambda name, ref: _(
            "Revoke %(customer)s's link to %(reference)s: the link in the notices they "
            "have stops working.", customer=name, reference=ref))
    customer = _run(answer_commands.revoke_link, window_id, customer_id)
    flash(_("%(customer)s's link to this window no longer works.", customer=customer.name),
          'info')
    return _back(window_id)


@bp.route('/<int:window_id>/customers/<int:customer_id>/link/new', methods=['POST'])
@require(Role.ENGINEER)
def reissue_link(window_id, customer_id):
    if not confirmed():
        return _ask_link('answers.reissue_link', window_id, customer_id, lambda name, ref: _(
            'Give %(customer)s a new link to %(reference)s: earlier ones stop working; the '
            'next notice carries it.', customer=name, reference=ref))
    customer = _run(answer_commands.issue_link, window_id, customer_id)
    flash(_('%(customer)s has a new link; earlier ones no longer work. The next notice '
            'carries it.', customer=customer.name), 'info')
    return _back(window_id)


@bp.route('/<int:window_id>/remind', methods=['POST'])
@require(Role.ENGINEER)
def remind(window_id):
    if not confirmed():
        window = get_window(window_id)
        customers, contacts = answers.preview_reminder(window, settings=of_app(current_app))
        return ask(url_for('answers.remind', window_id=window_id), _(
            'Remind the customers that have not acknowledged %(reference)s to do so.',
            reference=window.reference),
            url_for('maintenance.show', window_id=window_id) + '#answers', customers, contacts)
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
    return links.url(row, of_app(current_app).secret_key, page_base_url())


def register(app):
    app.register_blueprint(bp)
    app.jinja_env.globals['customer_page_url'] = customer_page_url
