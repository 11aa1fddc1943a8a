"""Logging in and out, and each user's own preferences."""
import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from noc.accounts import commands, lockout, users
from noc.core.extensions import limiter, login_manager
from noc.core.i18n import LANGUAGES, common_time_zones
from noc.core.limits import MAX_ID
from noc.core.text import clean_text
from noc.models import User
from noc.web.form_errors import form_errors
from noc.web.redirects import safe_next

bp = Blueprint('auth', __name__)


class LoginForm(FlaskForm):
    username = StringField('username', validators=[DataRequired()])
    password = PasswordField('password', validators=[DataRequired()])


@login_manager.user_loader
def load_user(session_id):
    """The user of a session id 'ID:TOKEN'; a rotated token ends old sessions."""
    user_id, _sep, token = session_id.partition(':')
    try:
        user = User.get_or_none(User.id == int(user_id)) if 0 < int(user_id) <= MAX_ID else None
    except ValueError:
        return None
    if user is None or not user.active or not token or \
            not secrets.compare_digest(token, user.session_token):
        return None
    return user


def _login_limit():
    return current_app.config['NOC']['web']['login_rate_limit']


def _login_key():
    """The rate limit's bucket: the client's address as the lockout counts it
    (an IPv6 client's /64), across every account it tries."""
    return 'login:' + lockout.address_key(request.remote_addr)


def _authenticate(username, password):
    policy = lockout.LockoutPolicy.of(current_app.config['NOC']['web'])
    return commands.authenticate(username, password, request.remote_addr, policy)


def _safe_next(target):
    """`target` if it is a path on this site, else the dashboard."""
    return safe_next(target, url_for('dashboard.index'))


@bp.route('/login', methods=['GET', 'POST'])
# Only failed attempts count: a whole shift logging in from behind one NAT
# must not be locked out by its own successful logins.
@limiter.limit(_login_limit, key_func=_login_key, methods=['POST'],
               deduct_when=lambda response: response.status_code != 302)
def login():
    if current_user.is_authenticated:
        return redirect(url_for('dashboard.index'))
    form = LoginForm()
    if form.validate_on_submit():
        user = _authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get('next')))
        flash(_('Wrong username or password.'), 'error')
    elif request.method == 'POST':
        flash(_('Give your username and password.'), 'error')
    return render_template('auth/login.html', form=form), \
        401 if request.method == 'POST' else 200


@bp.route('/logout', methods=['POST'])
@login_required
def logout():
    # A new token: a copy of this session's cookie no longer logs anyone in.
    users.end_sessions(current_user._get_current_object())
    logout_user()
    flash(_('You have logged out.'), 'info')
    return redirect(url_for('auth.login'))


@bp.route('/language/<code>', methods=['POST'])
def choose_language(code):
    """Language of the login page, before anyone is logged in."""
    if code in LANGUAGES:
        session['language'] = code
    return redirect(_safe_next(request.form.get('next')))


class PreferencesForm(FlaskForm):
    # Language and zone are checked by the update_user command, like every other way in.
    full_name = StringField('full_name')
    language = StringField('language')
    time_zone = StringField('time_zone')
    current_password = PasswordField('current_password')
    new_password = PasswordField('new_password')


@bp.route('/preferences', methods=['GET', 'POST'])
@login_required
def preferences():
    form = PreferencesForm(obj=current_user)
    errors = {}
    if form.validate_on_submit():
        values = {'full_name': clean_text(form.full_name.data),
                  'language': clean_text(form.language.data),
                  'time_zone': clean_text(form.time_zone.data)}
        if form.new_password.data:
            if not users.check_password(current_user, form.current_password.data):
                errors['current_password'] = _('The current password is wrong.')
            values['password'] = form.new_password.data
        if not errors:
            try:
                me = current_user._get_current_object()
                me = commands.update_user(me.id, values, me)
                if values.get('password'):
                    login_user(me)     # the new token, so this session goes on
                flash(_('Preferences saved.'), 'info')
                return redirect(url_for('auth.preferences'))
            except users.UserRefused as exc:
                errors = form_errors(exc)
    status = 400 if request.method == 'POST' else 200
    return render_template('auth/preferences.html', form=form, errors=errors,
                           time_zones=common_time_zones()), status


def register(app):
    app.register_blueprint(bp)
    login_manager.login_view = 'auth.login'
    login_manager.login_message = None
