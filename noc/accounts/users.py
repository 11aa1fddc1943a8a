"""NOC users: creation, changes and password checks, audited."""
import re
import secrets

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from noc.core.db import database
from noc.core.errors import Refused
from noc.core.i18n import valid_time_zone
from noc.core.limits import MAX_EMAIL
from noc.core.text import clean_text, single_line_problem
from noc.models import Role, User, audit

MIN_PASSWORD = 10
USERNAME_RE = re.compile(r'^[a-z0-9][a-z0-9._-]{1,63}$')
# Compared against when the user does not exist (commands.authenticate), so a wrong username takes as
# long as a wrong password and does not reveal which usernames exist.
DUMMY_HASH = generate_password_hash('janela-timing-equaliser')


class UserRefused(Refused):
    """The user was not stored; `errors` by field."""


def _public(user):
    return {'username': user.username, 'full_name': user.full_name, 'email': user.email,
            'role': user.role, 'language': user.language, 'time_zone': user.time_zone,
            'active': user.active}


# Free text as wide as its column: longer is refused, naming the field, never cut
# (role, language and zone are checked against what they may be).
LIMITS = {'username': User.username.max_length, 'full_name': User.full_name.max_length,
          'email': MAX_EMAIL}


def _too_long(values):
    errors = {}
    for name, limit in LIMITS.items():
        if isinstance(values.get(name), str) and len(values[name]) > limit:
            errors[name] = str(_l('is too long (%(length)d characters; at most %(max)d)',
                                  length=len(values[name]), max=limit))
    return errors


def _check(values, user=None):
    # A name or address with a line break would break a mail's headers: refused.
    errors = {name: str(single_line_problem(value)) for name, value in values.items()
              if name != 'password' and single_line_problem(value) is not None}
    if errors:
        raise UserRefused(errors)
    for name, value in values.items():
        if isinstance(value, str) and name != 'password':
            values[name] = clean_text(value)
    errors = _too_long(values)
    if errors:
        raise UserRefused(errors)
    if 'username' in values:
        username = values['username'].strip().lower()
        if not USERNAME_RE.match(username):
            errors['username'] = str(_l('"%(value)s" is not accepted; use 2 to 64 lower-case '
                                        'letters, digits, . _ -', value=values['username']))
        elif User.select().where((User.username == username)
                                 & (User.id != (user.id if user else -1))).exists():
            errors['username'] = str(_l('"%(value)s" is already taken', value=username))
        values['username'] = username
    if 'role' in values and values['role'] not in User.ROLES:
        errors['role'] = str(_l('expected one of: %(choices)s', choices=', '.join(User.ROLES)))
    if 'language' in values and values['language'] not in ('pt_BR', 'en'):
        errors['language'] = str(_l('expected pt_BR or en'))
    if 'time_zone' in values and not valid_time_zone(values['time_zone']):
        errors['time_zone'] = str(_l('"%(value)s" is not a time zone; expected an IANA name '
                                     'such as America/Sao_Paulo', value=values['time_zone']))
    if values.get('password') is not None and len(values['password']) < MIN_PASSWORD:
        errors['password'] = str(_l('must have at least %(min)d characters', min=MIN_PASSWORD))
    if errors:
        raise UserRefused(errors)


def create_user(values, actor):
    values = dict(values)
    if not values.get('password'):
        raise UserRefused({'password': str(_l('is required'))})
    _check(values)
    with database.atomic():
        user = User.create(
            username=values['username'], full_name=values.get('full_name', ''),
            email=values.get('email', ''), role=values.get('role', Role.VIEWER),
            language=values.get('language', 'pt_BR'),
            time_zone=values.get('time_zone', 'America/Sao_Paulo'),
            password_hash=generate_password_hash(values['password']),
            session_token=secrets.token_hex(16))
        audit.record(actor, audit.Action.CREATE, audit.Entity.USER, user.id, user.username,
                     after=_public(user))
    return user


def update_user(user, values, actor):
    """Change profile fields and, when given, the password."""
    values = {k: v for k, v in values.items() if v is not None}
    _check(values, user)
    if actor is not None and getattr(actor, 'id', None) == user.id and \
            (values.get('role', user.role) != Role.ADMIN and user.role == Role.ADMIN
             or values.get('active') is False):
        # Someone must stay able to manage users: no admin locks themselves out.
        raise UserRefused({'role': str(_l('You cannot remove your own administrator '
                                          'role or account.'))})
    before = _public(user)
    with database.atomic():
        for name in ('username', 'full_name', 'email', 'role', 'language', 'time_zone',
                     'active'):
            if name in values:
                setattr(user, name, values[name])
        if values.get('password') or values.get('active') is False:
            user.session_token = secrets.token_hex(16)     # ends its other sessions
        if values.get('password'):
            user.password_hash = generate_password_hash(values['password'])
        user.save()
        after = _public(user)
        changed = audit.changed_fields(before, after)
        if values.get('password'):
            changed.append('password')
            after['password'] = before['password'] = '(hidden)'
        if changed:
            audit.record(actor, audit.Action.UPDATE, audit.Entity.USER, user.id, user.username,
                         before={k: before.get(k) for k in changed},
                         after={k: after.get(k) for k in changed})
    return user


def check_password(user, password):
    """Whether `password` is the user's, without counting or logging anything
    (confirming a change is not a login)."""
    return check_password_hash(user.password_hash, password or '')


def end_sessions(user):
    """A new session token: every cookie made with the old one stops working."""
    user.session_token = secrets.token_hex(16)
    User.update(session_token=user.session_token).where(User.id == user.id).execute()
