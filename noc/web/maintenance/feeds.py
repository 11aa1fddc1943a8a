"""Customers' calendar feeds: the public address calendar apps poll, and issuing it.

The feed itself needs no login (a calendar app cannot log in): the token in
the address is the key, and an unknown or revoked one is simply not found.
"""
from flask import Blueprint, Response, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from noc.core.limits import MAX_ID
from noc.maintenance import feeds
from noc.maintenance.settings import of_app
from noc.models import Customer, Role
from noc.web.access import require
from noc.web.addresses import page_base_url

bp = Blueprint('feeds', __name__)


@bp.route('/feeds/<token>.ics')
def public_feed(token):
    # No @require: the token is the credential. Nothing here reads the session.
    feed = feeds.find(token)
    if feed is None:
        abort(404)
    return Response(feeds.feed_ics(feed.customer, settings=of_app(current_app)),
                    content_type='text/calendar; charset=utf-8',
                    headers={'Cache-Control': 'private, max-age=300',
                             'X-Content-Type-Options': 'nosniff',
                             'Referrer-Policy': 'no-referrer'})


def _customer(customer_id):
    customer = Customer.get_or_none(Customer.id == customer_id) \
        if customer_id <= MAX_ID else None
    if customer is None:
        abort(404)
    return customer


def _customer_page(customer):
    return redirect(url_for('inventory.show', kind='customers', row_id=customer.id)
                    + '#calendar-feed')


@bp.route('/customers/<int:customer_id>/feed', methods=['POST'])
@require(Role.ENGINEER)
def issue(customer_id):
    customer = _customer(customer_id)     # CSRFProtect has checked the form's token
    replaced = feeds.active(customer) is not None
    feeds.issue(customer, current_user._get_current_object())
    flash(_('A new calendar feed address was issued; the old one no longer works.')
          if replaced else _('A calendar feed address was issued.'), 'info')
    return _customer_page(customer)


@bp.route('/customers/<int:customer_id>/feed/revoke', methods=['POST'])
@require(Role.ENGINEER)
def revoke(customer_id):
    customer = _customer(customer_id)
    if feeds.revoke(customer, current_user._get_current_object()):
        flash(_('The calendar feed address was revoked; it no longer works.'), 'info')
    else:
        flash(_('This customer had no calendar feed.'), 'info')
    return _customer_page(customer)


def customer_feed(customer):
    """For the customer page: {'feed', 'url', 'webcal'} of the working feed, or None."""
    feed = feeds.active(customer)
    if feed is None:
        return None
    address, webcal = feeds.url(feed.token, page_base_url())
    return {'feed': feed, 'url': address, 'webcal': webcal}


def register(app):
    app.register_blueprint(bp)
    app.jinja_env.globals['customer_feed'] = customer_feed
