"""Customers' side of a window for the NOC: their page links (revoke, issue a
new one) and a reminder to those that have not acknowledged."""
from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from noc.maintenance import answers, links
from noc.models import Customer
from noc.web.access import require
from noc.web.maintenance.page import get_window

bp = Blueprint('answers', __name__, url_prefix='/maintenance')

MAX_ID = 2 ** 63 - 1


def _customer_of(window, customer_id):
    if customer_id > MAX_ID or customer_id not in answers.customers_of(window):
        abort(404)
    return Customer.get_by_id(customer_id)


def _back(window):
    return redirect(url_for('maintenance.show', window_id=window.id) + '#answers')


@bp.route('/<int:window_id>/customers/<int:customer_id>/link/revoke', methods=['POST'])
@require('engineer')
def revoke_link(window_id, customer_id):
    window = get_window(window_id)
    customer = _customer_of(window, customer_id)
    links.revoke(window, customer, current_user._get_current_object())
    flash(_("%(customer)s's link to this window no longer works.", customer=customer.name),
          'info')
    return _back(window)


@bp.route('/<int:window_id>/customers/<int:customer_id>/link/new', methods=['POST'])
@require('engineer')
def reissue_link(window_id, customer_id):
    window = get_window(window_id)
    customer = _customer_of(window, customer_id)
    links.reissue(window, customer, current_user._get_current_object())
    flash(_('%(customer)s has a new link; earlier ones no longer work. The next notice '
            'carries it.', customer=customer.name), 'info')
    return _back(window)


@bp.route('/<int:window_id>/remind', methods=['POST'])
@require('engineer')
def remind(window_id):
    window = get_window(window_id)
    if window.status != 'CONFIRMED':
        flash(_('Only a confirmed window that has not started asks for acknowledgements.'),
              'error')
        return _back(window)
    queued = answers.remind_unacknowledged(window, current_user._get_current_object())
    flash(_('%(count)d reminders queued to the contacts of customers that have not '
            'acknowledged.', count=queued) if queued else
          _('Every customer has acknowledged; nobody was reminded.'), 'info')
    return _back(window)


def register(app):
    app.register_blueprint(bp)
    app.jinja_env.globals['customer_page_url'] = links.url
