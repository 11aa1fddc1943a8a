"""Wrong passwords lock one address out of one account, never a user out from
elsewhere (noc.accounts.lockout): per account and address, an account-wide
backstop that spares the addresses the user logs in from, a per-address rate
limit across accounts, and unlocking by an admin or the CLI, audited."""
import datetime

import pytest
from conftest import PASSWORD, Browser, create_user, csrf_token, db, prepared_app

from noc.accounts import commands, lockout
from noc.accounts.lockout import LockoutPolicy
from noc.models import AuditLog, LoginAddress, User, utcnow

pytestmark = pytest.mark.usefixtures('quick_password_hash')

ATTACKER, ADMIN_DESK = '203.0.113.66', '198.51.100.10'
POLICY = LockoutPolicy(attempts=10, minutes=15, backstop_attempts=40)


def login(app, username, password=PASSWORD, address=ATTACKER, client=None):
    """A login form posted from `address` (REMOTE_ADDR) -> the response."""
    client = client or app.test_client()
    environ = {'REMOTE_ADDR': address}
    token = csrf_token(client.get('/login', environ_base=environ).get_data(as_text=True))
    return client.post('/login', environ_base=environ, data={
        'username': username, 'password': password, 'csrf_token': token})


def _users(app, *roles):
    with db(app):
        for role in roles:
            create_user(role)


def test_fifty_failures_from_one_address_do_not_keep_the_admin_out_of_another(app):
    _users(app, 'admin')
    attacker = app.test_client()
    for _ in range(50):
        assert login(app, 'admin', 'guess', ATTACKER, attacker).status_code == 401
    # The attacker's address is locked out of the account, even with the password…
    assert login(app, 'admin', PASSWORD, ATTACKER).status_code == 401
    # …while the admin, at their desk, logs in as always.
    assert login(app, 'admin', PASSWORD, ADMIN_DESK).status_code == 302
    with db(app):
        admin = User.get(User.username == 'admin')
        assert admin.locked_until is None
        row = LoginAddress.get(LoginAddress.address == ATTACKER)
        assert row.locked_until is not None
        locks = AuditLog.select().where(AuditLog.action == 'lock')
        assert [e.username for e in locks] == ['security']      # one lock, not five


def test_the_same_address_is_locked_after_n_failures_until_the_lock_ends(bare, cheap_users):
    now = utcnow()
    for _ in range(1, POLICY.attempts):
        assert commands.authenticate('eng', 'guess', ATTACKER, POLICY, now=now) is None
    # Nine failures: the address may still try, and the right password works.
    assert commands.authenticate('eng', PASSWORD, ATTACKER, POLICY, now=now) is not None
    for _ in range(POLICY.attempts):
        assert commands.authenticate('eng', 'guess', ATTACKER, POLICY, now=now) is None
    assert commands.authenticate('eng', PASSWORD, ATTACKER, POLICY, now=now) is None
    assert commands.authenticate('eng', PASSWORD, ADMIN_DESK, POLICY, now=now) is not None
    later = now + datetime.timedelta(minutes=POLICY.minutes, seconds=1)
    assert commands.authenticate('eng', PASSWORD, ATTACKER, POLICY, now=later) is not None
    assert lockout.locks(User.get(User.username == 'eng'), later) == (None, [])


def test_failures_while_locked_are_not_counted(bare, cheap_users):
    now = utcnow()
    for _ in range(POLICY.attempts + 30):
        commands.authenticate('eng', 'guess', ATTACKER, POLICY, now=now)
    user = User.get(User.username == 'eng')
    assert user.failed_logins == POLICY.attempts      # the 30 refused tries are not in it
    assert AuditLog.select().where(AuditLog.action == 'lock').count() == 1


def test_the_backstop_stops_guessing_spread_over_many_addresses(bare, cheap_users):
    now = utcnow()
    # The user works from their desk.
    assert commands.authenticate('eng', PASSWORD, ADMIN_DESK, POLICY, now=now) is not None
    # Forty guesses, four from each of ten addresses: no address reaches its own limit.
    for n in range(POLICY.backstop_attempts):
        assert commands.authenticate('eng', 'guess', f'192.0.2.{n % 10}', POLICY,
                                     now=now) is None
    user = User.get(User.username == 'eng')
    assert user.locked_until == now + POLICY.duration
    # New addresses are refused, the right password too, and their tries do not count…
    for n in range(20):
        assert commands.authenticate('eng', PASSWORD, f'192.0.2.{100 + n}', POLICY,
                                     now=now) is None
    assert LoginAddress.select().where(LoginAddress.address.in_(
        [f'192.0.2.{100 + n}' for n in range(20)])).count() == 0
    # …but the desk the user logged in from still works.
    assert commands.authenticate('eng', PASSWORD, ADMIN_DESK, POLICY, now=now) is not None
    entry = AuditLog.select().where(AuditLog.action == 'lock').order_by(AuditLog.id.desc()).get()
    assert '"new addresses"' in entry.after_json
    later = now + datetime.timedelta(minutes=POLICY.minutes, seconds=1)
    assert commands.authenticate('eng', PASSWORD, '192.0.2.200', POLICY, now=later) is not None


def test_an_address_not_used_for_ninety_days_is_new_again(bare, cheap_users):
    then = utcnow() - datetime.timedelta(days=lockout.KNOWN_DAYS + 1)
    assert commands.authenticate('eng', PASSWORD, ADMIN_DESK, POLICY, now=then) is not None
    now = utcnow()
    for n in range(POLICY.backstop_attempts):
        commands.authenticate('eng', 'guess', f'192.0.2.{n}', POLICY, now=now)
    assert commands.authenticate('eng', PASSWORD, ADMIN_DESK, POLICY, now=now) is None


@pytest.mark.parametrize('remote, key', [
    ('192.0.2.7', '192.0.2.7'),
    (' 192.0.2.7 ', '192.0.2.7'),
    ('2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'),
    ('2001:db8:1:2::ffff', '2001:db8:1:2::/64'),
    ('fe80::1%eth0', 'fe80::/64'),
    ('::ffff:192.0.2.7', '192.0.2.7'),
    ('', 'unknown'), (None, 'unknown'), ('not an address', 'unknown'),
])
def test_addresses_are_counted_as_an_attacker_holds_them(remote, key):
    assert lockout.address_key(remote) == key


def test_an_ipv6_attacker_cannot_dodge_by_changing_the_last_64_bits(bare, cheap_users):
    now = utcnow()
    for n in range(POLICY.attempts):
        commands.authenticate('eng', 'guess', f'2001:db8:66:1::{n + 1:x}', POLICY, now=now)
    assert commands.authenticate('eng', PASSWORD, '2001:db8:66:1::beef', POLICY,
                                 now=now) is None
    assert commands.authenticate('eng', PASSWORD, '2001:db8:66:2::1', POLICY,
                                 now=now) is not None


def test_an_admin_unlocks_a_user_from_the_admin_pages(app, as_role):
    app.config['NOC']['web']['lockout_attempts'] = 3
    _users(app, 'engineer')
    for _ in range(3):
        login(app, 'engineer', 'guess')
    assert login(app, 'engineer').status_code == 401
    admin = as_role('admin')
    with db(app):
        engineer = User.get(User.username == 'engineer')
    listing = admin.get('/admin/users/').get_data(as_text=True)
    assert 'Login locked' in listing
    page = admin.get(f'/admin/users/{engineer.id}').get_data(as_text=True)
    assert ATTACKER in page and 'Unlock' in page
    response = admin.post_form(f'/admin/users/{engineer.id}/unlock', {},
                               page_url=f'/admin/users/{engineer.id}')
    assert response.status_code == 302
    assert 'can log in again' in admin.get(response.location).get_data(as_text=True)
    assert login(app, 'engineer').status_code == 302
    with db(app):
        entry = AuditLog.get(AuditLog.action == 'unlock')
        assert (entry.username, entry.entity_key) == ('admin', 'engineer')
        assert ATTACKER in entry.before_json
    again = admin.post_form(f'/admin/users/{engineer.id}/unlock', {},
                            page_url=f'/admin/users/{engineer.id}')
    assert 'was not locked' in admin.get(again.location).get_data(as_text=True)
    viewer = as_role('viewer')
    assert viewer.post_form(f'/admin/users/{engineer.id}/unlock', {},
                            page_url='/').status_code == 403
    with db(app):
        assert AuditLog.select().where(AuditLog.action == 'unlock').count() == 1


def test_the_cli_unlocks_a_user(app):
    app.config['NOC']['web']['lockout_attempts'] = 3
    _users(app, 'admin')
    for _ in range(3):
        login(app, 'admin', 'guess')
    assert login(app, 'admin').status_code == 401
    runner = app.test_cli_runner()
    result = runner.invoke(args=['noc', 'unlock-user', 'admin'])
    assert result.exit_code == 0 and 'unlocked' in result.output
    assert login(app, 'admin').status_code == 302
    assert runner.invoke(args=['noc', 'unlock-user', 'nobody']).exit_code == 1
    with db(app):
        assert AuditLog.get(AuditLog.action == 'unlock').username.startswith('cli')


def test_the_rate_limit_counts_each_address_across_accounts(db_url):
    app = prepared_app(db_url, web={'login_rate_limit': '5 per minute'})
    _users(app, 'admin')
    codes = [login(app, name, 'guess').status_code
             for name in ('admin', 'a1', 'a2', 'a3', 'a4', 'a5')]
    assert codes == [401] * 5 + [429]
    # One /64 is one client, whichever of its addresses it uses.
    codes = [login(app, 'admin', 'guess', f'2001:db8:9::{n}').status_code for n in range(1, 7)]
    assert codes == [401] * 5 + [429]
    # Another address is not slowed.
    assert login(app, 'admin', PASSWORD, ADMIN_DESK).status_code == 302


def test_the_lockout_settings_are_read_from_the_config(app):
    web = app.config['NOC']['web']
    assert LockoutPolicy.of(web) == LockoutPolicy(10, 15, 100)
    assert Browser(app).get('/login').status_code == 200


@pytest.fixture
def cheap_users(monkeypatch):
    from werkzeug.security import generate_password_hash

    import noc.accounts.users
    monkeypatch.setattr(noc.accounts.users, 'generate_password_hash',
                        lambda password: generate_password_hash(password, 'pbkdf2:sha256:1'))
    commands.create_user({'username': 'eng', 'password': PASSWORD, 'role': 'engineer'}, 'test')


def test_0012_adds_the_address_counts_lifts_old_locks_and_reverts(bare, cheap_users):
    from helpers.schema_check import describe

    from noc.core.db import database, migration_runner
    runner = migration_runner(database.obj)
    upgraded = describe(database.obj)
    # Later migrations (0013, 0014…) are reverted first, then 0012.
    assert runner.down('0012_login_addresses')[-1] == '0012_login_addresses'
    assert 'login_address' not in database.obj.get_tables()
    locked = utcnow() + datetime.timedelta(minutes=10)
    User.update(failed_logins=7, locked_until=locked).execute()     # the old rule's lock
    assert runner.up()[0] == '0012_login_addresses'
    assert describe(database.obj) == upgraded
    user = User.get(User.username == 'eng')
    assert (user.failed_logins, user.locked_until) == (0, None)
