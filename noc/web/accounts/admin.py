"""Administration: NOC users and the audit log."""
import datetime
import zoneinfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from noc.accounts import commands
from noc.accounts.users import UserRefused
from noc.core.errors import NotFound
from noc.core.i18n import LANGUAGES, common_time_zones
from noc.core.limits import MAX_ID
from noc.core.paging import paginate
from noc.core.text import clean_text
from noc.models import (
    AuditLog,
    Role,
    User,
    audit,
)
from noc.web import audit_diff
from noc.web.access import require
from noc.web.form_errors import form_errors
from noc.web.sorting import read_sort

bp = Blueprint('admin', __name__, url_prefix='/admin')


class CsrfForm(FlaskForm):
    pass


# The columns of the user list an admin may sort by.
USER_SORTS = {'username': User.username, 'name': User.full_name, 'role': User.role,
              'language': User.language, 'time_zone': User.time_zone, 'active': User.active,
              'last_login': User.last_login_at}


@bp.route('/users/')
@require(Role.ADMIN)
def user_list():
    sort = read_sort(USER_SORTS, (User.username,), User.id)
    return render_template('admin/users.html', users=User.select().order_by(*sort.order()),
                           locked=commands.locked_user_ids(), sort=sort)


def _user_values(form, creating):
    values = {name: clean_text(form.get(name, '')) for name in
              ('username', 'full_name', 'email', 'role', 'language', 'time_zone')}
    values['active'] = bool(form.get('active')) or creating
    values['password'] = form.get('password') or None
    return values


@bp.route('/users/new', methods=['GET', 'POST'])
@bp.route('/users/<int:user_id>', methods=['GET', 'POST'])
@require(Role.ADMIN)
def user_edit(user_id=None):
    try:
        user = commands.find_user(user_id) if user_id else None
    except NotFound:
        abort(404)
    form, errors = CsrfForm(), {}
    values = {'username': '', 'full_name': '', 'email': '', 'role': Role.VIEWER,
              'language': 'pt_BR', 'time_zone': 'America/Sao_Paulo', 'active': True}
    if user:
        values.update({k: getattr(user, k) for k in values})
    if request.method == 'POST' and form.validate():
        values = _user_values(request.form, user is None)
        try:
            if user is None:
                user = commands.create_user(values, current_user._get_current_object())
            else:
                commands.update_user(user.id, values, current_user._get_current_object())
            flash(_('Saved.'), 'info')
            return redirect(url_for('.user_list'))
        except NotFound:
            abort(404)
        except UserRefused as exc:
            errors = form_errors(exc)
    locks = commands.login_locks(user.id) if user else (None, [])
    return render_template('admin/user_form.html', user=user, values=values, errors=errors,
                           form=form, roles=User.ROLES, languages=LANGUAGES, locks=locks,
                           time_zones=common_time_zones()), 400 if errors else 200


@bp.route('/users/<int:user_id>/unlock', methods=['POST'])
@require(Role.ADMIN)
def user_unlock(user_id):
    """Lift the user's login locks (after wrong passwords) before they end."""
    try:
        user = commands.find_user(user_id)
        unlocked = commands.unlock_user(user.id, current_user._get_current_object())
    except NotFound:
        abort(404)
    flash(_('%(username)s can log in again from every address.', username=user.username)
          if unlocked else _('%(username)s was not locked.', username=user.username), 'info')
    return redirect(url_for('.user_edit', user_id=user.id))


def _day(text, end=False):
    """The start (or end) of a day in the reader's time zone, in UTC."""
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        return None
    zone = zoneinfo.ZoneInfo(current_user.time_zone)
    moment = datetime.datetime.combine(day, datetime.time.max if end else datetime.time.min,
                                       tzinfo=zone)
    return moment.astimezone(datetime.timezone.utc)


@bp.route('/audit/')
@require(Role.ADMIN)
def audit_log():
    query = AuditLog.select()
    args = {k: clean_text(request.args.get(k, ''))[:100] for k in
            ('user', 'entity', 'action', 'key', 'id', 'since', 'until')}
    if args['user']:
        query = query.where(AuditLog.username == args['user'])
    # Spellings from before migration 0011 (old links, bookmarks) read as today's.
    args['entity'] = audit.current_entity(args['entity'])
    args['action'] = audit.current_action(args['action'])
    if args['entity']:
        query = query.where(AuditLog.entity == args['entity'])
    if args['action']:
        query = query.where(AuditLog.action == args['action'])
    if args['key']:
        query = query.where(AuditLog.entity_key.contains(args['key']))
    if args['id'].isdigit() and int(args['id']) <= MAX_ID:
        query = query.where(AuditLog.entity_id == int(args['id']))
    if _day(args['since']):
        query = query.where(AuditLog.at >= _day(args['since']))
    if _day(args['until']):
        query = query.where(AuditLog.at <= _day(args['until'], end=True))
    page = paginate(query.order_by(AuditLog.at.desc(), AuditLog.id.desc()), 50)
    # Each entry with the fields it changed, and its row's page while the row exists.
    alive = audit_diff.existing(page.items)
    entries = [(e, audit_diff.changes(e.entity, audit.load(e.before_json),
                                      audit.load(e.after_json)), audit_diff.page_of(e, alive))
               for e in page.items]
    # Everyone who changed something: users, but also the CLI, the demo, the worker.
    names = [r.username for r in AuditLog.select(AuditLog.username).distinct()
             .order_by(AuditLog.username)]
    entities = [r.entity for r in AuditLog.select(AuditLog.entity).distinct()
                .order_by(AuditLog.entity)]
    return render_template('admin/audit.html', page=page, entries=entries, args=args,
                           usernames=names, entities=entities,
                           actions=[r.action for r in AuditLog.select(AuditLog.action)
                                    .distinct().order_by(AuditLog.action)])


def register(app):
    app.register_blueprint(bp)
    # The audit log's words in the reader's language, wherever history is shown.
    app.jinja_env.filters['action_label'] = lambda v: audit.ACTION_LABELS.get(v, v)
    app.jinja_env.filters['entity_label'] = lambda v: audit.ENTITY_LABELS.get(v, v)
