"""GET /search/<kind>?q=…&limit=…: what the pickers (static/picker.js) offer.

Only translation happens here: the query string becomes checked values,
noc.inventory.search finds the rows, and they go out as JSON with the page
of each. A value the endpoint cannot take is a 400 naming the field and
what it accepts, never a 500.
"""
from flask import Blueprint, jsonify, request, url_for
from flask_babel import gettext as _

from noc.core.errors import Refused
from noc.core.limits import MAX_SEARCH_CUSTOMER, MAX_SEARCH_RESULTS, MAX_SEARCH_TEXT
from noc.core.text import clean_text
from noc.inventory import search
from noc.models import Role
from noc.web.access import require

bp = Blueprint('search', __name__, url_prefix='/search')

DEFAULT_LIMIT = 20


def _limit(raw):
    if raw is None:
        return DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw[:6]) <= MAX_SEARCH_RESULTS:
        raise Refused({'limit': _('a whole number from 1 to %(max)d',
                                   max=MAX_SEARCH_RESULTS)})
    return int(raw)


def _text(raw):
    text = clean_text(raw)
    if len(text) > MAX_SEARCH_TEXT:
        raise Refused({'q': _('at most %(max)d characters', max=MAX_SEARCH_TEXT)})
    return text


def _customer(raw):
    """None for no filter; else the customer's id (0 when there is no such customer)."""
    text = clean_text(raw)
    if not text:
        return None
    if len(text) > MAX_SEARCH_CUSTOMER:
        raise Refused({'customer': _("a customer's id or account id")})
    return search.customer_id(text) or 0


def _arguments(kind):
    if kind not in search.KINDS:
        raise Refused({'kind': _('one of: %(kinds)s', kinds=', '.join(search.KINDS))})
    return (_text(request.args.get('q')), _limit(request.args.get('limit')),
            _customer(request.args.get('customer')))


def _as_json(hit):
    return {'value': hit.value, 'label': hit.label, 'id': hit.id,
            'url': url_for('inventory.show', kind=hit.entity, row_id=hit.id)}


@bp.route('/<kind>')
@require(Role.VIEWER)
def find(kind):
    try:
        text, limit, customer = _arguments(kind)
    except Refused as bad:
        field, accepted = next(iter(bad.errors.items()))
        return jsonify({'field': field, 'accepted': accepted,
                        'error': _('%(field)s: %(accepted)s', field=field,
                                   accepted=accepted)}), 400
    return jsonify([_as_json(hit) for hit in search.find(kind, text, limit, customer)])


def register(app):
    app.register_blueprint(bp)
