"""Bearer tokens of the JSON API: made and revoked by admins, audited.

The secret (`jnl_` + 43 URL-safe characters, 256 random bits) is shown once;
only its SHA-256 is stored, looked up by equality, so a stolen database does
not hold usable tokens. A provider token is bound to one customer; a NOC
token acts with a role. The last use is recorded at most once a minute, so a
busy client does not turn every request into a write.
"""
import datetime
import hashlib
import re
import secrets

import peewee as pw
from flask_babel import lazy_gettext as _l

from noc.core.db import database, repeatable_write, write_transaction
from noc.core.errors import Refused
from noc.core.prepared import Prepared, slot
from noc.core.text import clean_text, single_line_problem
from noc.models import ApiToken, Customer, TokenKind, User, audit, utcnow

SCHEME = 'jnl_'
SHOWN_PREFIX = 12                 # 'jnl_' and 8 characters: enough to tell tokens apart
LAST_USED_EVERY = datetime.timedelta(minutes=1)
_SECRET_RE = re.compile(r'^jnl_[A-Za-z0-9_-]{43}$')


class TokenRefused(Refused):
    """The token was not made; `errors` by field."""


def _hash(secret):
    return hashlib.sha256(secret.encode('ascii')).hexdigest()


def _public(token):
    return {'name': token.name, 'kind': token.kind, 'role': token.role,
            'customer': token.customer.account_id if token.customer_id else None,
            'prefix': token.prefix,
            'expires_at': token.expires_at.isoformat() if token.expires_at else None}


def create(values, actor, now=None, secret=None):
    """values: name, kind ('provider' | 'noc'), customer (Customer or account id) for a
    provider token, role for a NOC token, expires_at (aware datetime or None).
    -> (ApiToken, secret); the secret is not kept anywhere. Only the demo passes
    its own `secret` (printed by `noc serve`, like the demo password)."""
    now = now or utcnow()
    errors = {}
    name = clean_text(values.get('name'))
    limit = ApiToken.name.max_length
    problem = single_line_problem(values.get('name'))
    if problem is not None:         # the name is shown in mails and logs: one line
        errors['name'] = str(problem)
    elif not name:
        errors['name'] = str(_l('is required'))
    elif len(name) > limit:
        errors['name'] = str(_l('is too long (%(length)d characters; at most %(max)d)',
                                length=len(name), max=limit))
    kind = values.get('kind')
    customer, role = None, ''
    if kind == TokenKind.PROVIDER:
        customer = values.get('customer')
        if not isinstance(customer, Customer):
            customer = Customer.get_or_none(Customer.account_id == clean_text(customer))
        if customer is None:
            errors['customer'] = str(_l('choose the customer the token belongs to (its '
                                        'account id)'))
    elif kind == TokenKind.NOC:
        role = values.get('role') or ''
        if role not in User.ROLES:
            errors['role'] = str(_l('expected one of: %(choices)s',
                                    choices=', '.join(User.ROLES)))
    else:
        errors['kind'] = str(_l('expected provider or noc'))
    expires_at = values.get('expires_at')
    if expires_at is not None and expires_at <= now:
        errors['expires_at'] = str(_l('must be in the future'))
    if errors:
        raise TokenRefused(errors)
    secret = secret or SCHEME + secrets.token_urlsafe(32)
    if not _SECRET_RE.match(secret):
        raise TokenRefused({'secret': 'jnl_ and 43 URL-safe characters'})
    with database.atomic():
        token = ApiToken.create(name=name, kind=kind, customer=customer, role=role,
                                prefix=secret[:SHOWN_PREFIX], secret_hash=_hash(secret),
                                created_at=now, created_by=audit.actor_name(actor),
                                expires_at=expires_at)
        audit.record(actor, audit.Action.CREATE, audit.Entity.API_TOKEN, token.id, token.prefix,
                     after=_public(token))
    return token, secret


def revoke(token_id, actor, now=None):
    """Revoke a token (it stops working at once) -> the token, or None if unknown."""
    now = now or utcnow()
    with write_transaction():
        token = ApiToken.get_or_none(ApiToken.id == token_id)
        if token is None or token.revoked_at is not None:
            return token
        token.revoked_at, token.revoked_by = now, audit.actor_name(actor)
        token.save()
        audit.record(actor, audit.Action.REVOKE, audit.Entity.API_TOKEN, token.id, token.prefix,
                     before=_public(token), after={**_public(token), 'revoked': True})
    return token


# With its customer in the same query: a provider's every request reads it.
_BY_HASH = Prepared(lambda shape: (
    ApiToken.select(ApiToken, Customer)
    .join(Customer, pw.JOIN.LEFT_OUTER, on=ApiToken.customer)
    .where(ApiToken.secret_hash == slot('hash')).limit(1)))


def authenticate(secret, now=None):
    """The live token for a presented secret, or None (unknown, revoked, expired)."""
    if not secret or not _SECRET_RE.match(secret):
        return None
    now = now or utcnow()
    token = _BY_HASH.first(hash=_hash(secret))
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        _record_use(token.id, now)
        token.last_used_at = now
    return token


def _record_use(token_id, now):
    """The last use, in a transaction of its own. On PostgreSQL its commit does
    not wait for the WAL to reach the disk: a last-use time lost in a crash
    costs nothing, while a flush for each busy token's first request of the
    minute is what the API's latency would wait on. (Inside a caller's
    transaction the setting would be the caller's too: left alone there.)"""
    relaxed = not (database.in_transaction() or isinstance(database.obj, pw.SqliteDatabase))
    with repeatable_write():
        if relaxed:
            database.execute_sql('SET LOCAL synchronous_commit TO OFF')
        ApiToken.update(last_used_at=now).where(ApiToken.id == token_id).execute()


def state(token, now=None):
    """'active', 'expired' or 'revoked'."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return 'revoked'
    if token.expires_at is not None and token.expires_at <= now:
        return 'expired'
    return 'active'


def listing():
    return list(ApiToken.select().order_by(ApiToken.revoked_at.is_null(False),
                                           ApiToken.created_at.desc()))
