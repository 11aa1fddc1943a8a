"""Commands on NOC users and API tokens: the one way in for the admin pages,
the preferences page, the CLI and the demo.

Each takes ids, plain values and the actor; finds and locks the row, lets
accounts.users or accounts.tokens apply the rules and write the change with
its audit entry, in one transaction; refuses with UserRefused or TokenRefused
(errors by field) or NotFound.
"""
from werkzeug.security import check_password_hash

from noc.accounts import lockout, tokens, users
from noc.core.db import lock_rows, write_transaction
from noc.core.errors import NotFound
from noc.core.limits import MAX_ID
from noc.models import ApiToken, User, utcnow


def _locked(model, row_id, what):
    row = None
    if 0 < row_id <= MAX_ID:        # a larger number names no row; the driver would fail
        row = lock_rows(model.select().where(model.id == row_id)).first()
    if row is None:
        raise NotFound(what)
    return row


def find_user(user_id):
    """The user `user_id`, or NotFound."""
    row = User.get_or_none(User.id == user_id) if 0 < user_id <= MAX_ID else None
    if row is None:
        raise NotFound('user')
    return row


def create_user(values, actor):
    """values: username, password, full_name, email, role, language, time_zone
    (str) -> the new User."""
    with write_transaction():
        return users.create_user(values, actor)


def update_user(user_id, values, actor):
    """Change the fields given (None: unchanged); a password given is set and
    ends the user's other sessions. -> the User."""
    with write_transaction():
        return users.update_user(_locked(User, user_id, 'user'), values, actor)


def authenticate(username, password, address=None, policy=None, now=None):
    """The active user with these credentials when no lock keeps `address`
    (the client's IP address) out of the account, else None; counts the
    failure and locks as `policy` (a LockoutPolicy) says (accounts.lockout)."""
    now, policy = now or utcnow(), policy or lockout.LockoutPolicy()
    found = User.get_or_none(User.username == (username or '').strip().lower())
    if found is None:
        check_password_hash(users.DUMMY_HASH, password or '')
        return None
    # The slow hash outside the write lock: other logins and writers go on meanwhile.
    good = check_password_hash(found.password_hash, password or '')
    key = lockout.address_key(address)
    with write_transaction():
        user = lock_rows(User.select().where(User.id == found.id)).first()
        if user is None or user.password_hash != found.password_hash:
            return None         # deleted, or its password changed while checking
        user = lockout.settle(user, key, good, policy, now)
        if user is not None and not user.session_token:
            users.end_sessions(user)        # a session token for a user from before 0003
        return user


def unlock_user(user_id, actor, now=None):
    """Lift every login lock on the user's account (account-wide and per
    address), audited. -> True, or False when nothing was locked."""
    with write_transaction():
        return lockout.unlock(_locked(User, user_id, 'user'), actor, now or utcnow())


def login_locks(user_id, now=None):
    """(account-wide lock's end or None, [(address, end)]) of the user's account."""
    return lockout.locks(find_user(user_id), now or utcnow())


def locked_user_ids(now=None):
    """Ids of the users some login lock applies to now."""
    return lockout.locked_user_ids(now or utcnow())


def create_token(values, actor, now=None):
    """values: name, kind ('provider' | 'noc'), customer (account id) or role,
    expires_at (aware datetime or None) -> (ApiToken, secret shown once)."""
    with write_transaction():
        return tokens.create(values, actor, now=now or utcnow())


def revoke_token(token_id, actor, now=None):
    """Revoke the token (it stops working at once); revoking it again changes
    nothing. -> the ApiToken."""
    with write_transaction():
        return tokens.revoke(_locked(ApiToken, token_id, 'api token').id, actor,
                             now=now or utcnow())
