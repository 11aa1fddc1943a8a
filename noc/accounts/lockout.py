"""Failed logins and the locks they earn, so that nobody can keep a user out
from another address.

- **Per account and address.** `attempts` wrong passwords in a row for one
  account from one client address lock that address out of that account for
  `minutes`; every other address still logs in. A success from the address
  starts its count again.
- **Account-wide backstop.** `backstop_attempts` wrong passwords in a row for
  one account from all addresses together (guessing spread over many) lock
  the account for `minutes`, but only for addresses it has not logged in from
  in the last KNOWN_DAYS days: where the user works, they still log in.
- While a lock applies to an attempt, the attempt is refused, even with the
  right password, and not counted. Locks and unlocks are audited.
- An IPv6 client counts as its /64, which one attacker usually holds whole.
  Across accounts, each address has the login rate limit (web.auth).

The caller (accounts.commands) holds the user's row locked in a write
transaction; these functions decide and write.
"""
import dataclasses
import datetime
import ipaddress

from noc.models import LoginAddress, User, audit

KNOWN_DAYS = 90
UNKNOWN_ADDRESS = 'unknown'
# Rows of addresses that neither logged in nor failed for this long are forgotten.
FORGET_AFTER = datetime.timedelta(days=1)


@dataclasses.dataclass(frozen=True)
class LockoutPolicy:
    attempts: int = 10
    minutes: int = 15
    backstop_attempts: int = 100

    @classmethod
    def of(cls, web):
        """The policy of the [web] settings."""
        return cls(web['lockout_attempts'], web['lockout_minutes'],
                   web['lockout_backstop_attempts'])

    @property
    def duration(self):
        return datetime.timedelta(minutes=self.minutes)


def address_key(remote):
    """The address failures are counted under: an IPv4 address as it is (an
    IPv4-mapped IPv6 one too), an IPv6 address as its /64."""
    try:
        ip = ipaddress.ip_address((remote or '').strip())
    except ValueError:
        return UNKNOWN_ADDRESS
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def _row(user, key):
    return LoginAddress.get_or_none((LoginAddress.user == user.id)
                                    & (LoginAddress.address == key))


def _known(row, now):
    return row is not None and row.last_login_at is not None and \
        row.last_login_at > now - datetime.timedelta(days=KNOWN_DAYS)


def refused(user, row, now):
    """Whether a lock keeps this address (`row`, or None) out of `user`'s account now."""
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return True
    return user.locked_until is not None and user.locked_until > now and not _known(row, now)


def settle(user, key, good, policy, now):
    """The outcome of one login attempt with a password that was `good` or not,
    from address `key`: the user when it may log in, else None, counting the
    failure and locking when the policy says so."""
    row = _row(user, key)
    if refused(user, row, now):
        return None
    if not good:
        _failed(user, row, key, policy, now)
        return None
    if not user.active:
        return None
    if row is None:
        row = LoginAddress(user=user.id, address=key)
    row.failures, row.last_login_at = 0, now
    row.save()
    user.last_login_at, user.failed_logins = now, 0
    if user.locked_until is not None and user.locked_until <= now:
        user.locked_until = None
    user.save(only=[User.last_login_at, User.failed_logins, User.locked_until])
    return user


def _failed(user, row, key, policy, now):
    LoginAddress.delete().where(
        (LoginAddress.user == user.id) & (LoginAddress.address != key)
        & (LoginAddress.last_failed_at < now - FORGET_AFTER)
        & (LoginAddress.locked_until.is_null() | (LoginAddress.locked_until < now))
        & (LoginAddress.last_login_at.is_null()
           | (LoginAddress.last_login_at < now - datetime.timedelta(days=KNOWN_DAYS)))
    ).execute()
    if row is None:
        row = LoginAddress(user=user.id, address=key, failures=0)
    row.failures += 1
    row.last_failed_at = now
    if row.failures >= policy.attempts:
        audit.record('security', audit.Action.LOCK, audit.Entity.USER, user.id, user.username,
                     after={'address': key, 'failed_logins': row.failures,
                            'locked_minutes': policy.minutes}, at=now)
        row.failures, row.locked_until = 0, now + policy.duration
    row.save()
    user.failed_logins += 1
    if user.failed_logins >= policy.backstop_attempts:
        audit.record('security', audit.Action.LOCK, audit.Entity.USER, user.id, user.username,
                     after={'address': 'new addresses', 'failed_logins': user.failed_logins,
                            'locked_minutes': policy.minutes}, at=now)
        user.failed_logins, user.locked_until = 0, now + policy.duration
    user.save(only=[User.failed_logins, User.locked_until])


def locks(user, now):
    """What keeps someone out of `user`'s account now: (the account-wide lock's
    end or None, [(address, end)] of the locked addresses)."""
    account = user.locked_until if user.locked_until and user.locked_until > now else None
    rows = LoginAddress.select().where((LoginAddress.user == user.id)
                                       & (LoginAddress.locked_until > now)) \
        .order_by(LoginAddress.address)
    return account, [(row.address, row.locked_until) for row in rows]


def locked_user_ids(now):
    """Ids of the users whose account, or one of its addresses, is locked now."""
    ids = {row.id for row in User.select(User.id).where(User.locked_until > now)}
    return ids | {row.user_id for row in LoginAddress.select(LoginAddress.user)
                  .where(LoginAddress.locked_until > now)}


def unlock(user, actor, now):
    """Lift every lock on `user`'s account and forget its failures, audited;
    False when nothing was locked."""
    account, addresses = locks(user, now)
    LoginAddress.update(failures=0, locked_until=None) \
        .where(LoginAddress.user == user.id).execute()
    user.failed_logins, user.locked_until = 0, None
    user.save(only=[User.failed_logins, User.locked_until])
    if account is None and not addresses:
        return False
    audit.record(actor, audit.Action.UNLOCK, audit.Entity.USER, user.id, user.username,
                 before={'locked_until': account.isoformat() if account else None,
                         'locked_addresses': [address for address, _end in addresses]},
                 after={'locked_until': None, 'locked_addresses': []}, at=now)
    return True
