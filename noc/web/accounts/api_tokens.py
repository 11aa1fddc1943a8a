"""Admins make and revoke the JSON API's tokens. A new token's secret is shown
on the page once, right after it is made, and never again."""
import datetime
import zoneinfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from noc.accounts import commands, tokens
from noc.core.errors import NotFound
from noc.core.i18n import select_time_zone
from noc.core.text import clean_text
from noc.models import Customer, Role, TokenKind
from noc.web.access import require
from noc.web.form_errors import form_errors

bp = Blueprint('api_tokens', __name__, url_prefix='/admin/tokens')


class CsrfForm(FlaskForm):
    pass


def _expiry(text):
    """'YYYY-MM-DD' -> the end of that day in the admin's zone (UTC), None if empty."""
    text = clean_text(text)
    if not text:
        return None
    day = datetime.date.fromisoformat(text)
    end = datetime.datetime.combine(day, datetime.time(23, 59, 59),
                                    zoneinfo.ZoneInfo(select_time_zone()))
    return end.astimezone(datetime.timezone.utc)


def _page(values, errors=None, secret=None, status=200):
    return render_template('admin/tokens.html', tokens=tokens.listing(), values=values,
                           errors=errors or {}, secret=secret, form=CsrfForm(),
                           customers=Customer.select().order_by(Customer.name),
                           state=tokens.state), status


@bp.route('/', methods=['GET', 'POST'])
@require(Role.ADMIN)
def index():
    values = {'name': '', 'kind': TokenKind.PROVIDER, 'customer': '', 'role': Role.VIEWER, 'expires': ''}
    if request.method == 'GET':
        return _page(values)
    if not CsrfForm().validate():
        abort(400)
    values = {k: clean_text(request.form.get(k, '')) for k in values}
    errors = {}
    try:
        expires_at = _expiry(values['expires'])
    except ValueError:
        expires_at = None
        errors['expires_at'] = _('"%(value)s" is not a date; use YYYY-MM-DD',
                                 value=values['expires'])
    except OverflowError:           # the end of 9999-12-31 in the admin's zone, say
        expires_at = None
        errors['expires_at'] = _('"%(value)s" is beyond the dates Janela keeps; use a date '
                                 'before 9999-12-31', value=values['expires'])
    if not errors:
        try:
            token, secret = commands.create_token(
                {'name': values['name'], 'kind': values['kind'], 'customer': values['customer'],
                 'role': values['role'], 'expires_at': expires_at},
                current_user._get_current_object())
            return _page({**values, 'name': '', 'expires': ''}, secret=(token, secret))
        except tokens.TokenRefused as exc:
            errors = form_errors(exc)
    return _page(values, errors, status=400)


@bp.route('/<int:token_id>/revoke', methods=['POST'])
@require(Role.ADMIN)
def revoke(token_id):
    if not CsrfForm().validate():
        abort(400)
    try:
        token = commands.revoke_token(token_id, current_user._get_current_object())
    except NotFound:
        abort(404)
    flash(_('Token %(prefix)s… revoked; it no longer works.', prefix=token.prefix), 'info')
    return redirect(url_for('.index'))


def register(app):
    app.register_blueprint(bp)
    # The roles and token kinds with their labels, for the admin pages' selects and tables.
