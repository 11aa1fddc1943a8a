"""Commands on users and API tokens, with no Flask app or request context."""
import datetime

import pytest

from noc.accounts import commands, tokens, users
from noc.accounts.lockout import LockoutPolicy
from noc.accounts.tokens import TokenRefused
from noc.accounts.users import UserRefused
from noc.core.errors import NotFound, Refused
from noc.core.limits import MAX_ID
from noc.models import ApiToken, AuditLog, Customer, User, utcnow

PASSWORD = 'a long enough password'


@pytest.fixture
def cheap_hash(monkeypatch):
    from werkzeug.security import generate_password_hash
    monkeypatch.setattr(users, 'generate_password_hash',
                        lambda password: generate_password_hash(password, 'pbkdf2:sha256:1'))


def _user(username='maria', **values):
    return commands.create_user({'username': username, 'password': PASSWORD, **values}, 'cli')


def _audit(entity):
    return [(e.action, e.entity_key, e.username) for e in
            AuditLog.select().where(AuditLog.entity == entity).order_by(AuditLog.id)]


def test_create_user_is_audited_with_the_declared_spelling(bare, cheap_hash):
    user = _user('Maria', role='engineer', full_name='Maria Silva')
    assert (user.username, user.role) == ('maria', 'engineer')
    assert _audit('user') == [('create', 'maria', 'cli')]


def test_over_long_values_are_field_errors_not_cuts(bare, cheap_hash):
    with pytest.raises(UserRefused) as refused:
        _user(full_name='x' * 201, email='a@' + 'b' * 260 + '.example')
    assert isinstance(refused.value, Refused)
    assert set(refused.value.errors) == {'full_name', 'email'}
    assert 'at most 200' in refused.value.errors['full_name']
    assert User.select().count() == 0


def test_update_user_locks_finds_and_refuses(bare, cheap_hash):
    admin = _user('admin', role='admin')
    maria = _user()
    changed = commands.update_user(maria.id, {'role': 'admin', 'password': None}, admin)
    assert changed.role == 'admin' and _audit('user')[-1] == ('update', 'maria', 'admin')
    with pytest.raises(UserRefused) as refused:
        commands.update_user(admin.id, {'role': 'viewer'}, admin)   # no admin locks themselves out
    assert list(refused.value.errors) == ['role'] and User.get_by_id(admin.id).role == 'admin'
    for missing in (0, 999, MAX_ID + 1):
        with pytest.raises(NotFound):
            commands.update_user(missing, {'full_name': 'x'}, admin)


def test_a_new_password_ends_the_other_sessions(bare, cheap_hash):
    maria = _user()
    old_token = maria.session_token
    commands.update_user(maria.id, {'password': 'another long password'}, maria)
    fresh = User.get_by_id(maria.id)
    assert fresh.session_token != old_token and users.check_password(fresh, 'another long password')
    assert _audit('user')[-1] == ('update', 'maria', 'maria')


def test_tokens_are_made_and_revoked_once(bare):
    Customer.create(account_id='ACME-1', name='Acme', kind='isp')
    now = utcnow()
    token, secret = commands.create_token({'name': 'Acme', 'kind': 'provider',
                                           'customer': 'ACME-1'}, 'admin', now=now)
    assert tokens.authenticate(secret, now=now).id == token.id
    revoked = commands.revoke_token(token.id, 'admin', now=now)
    assert revoked.revoked_at == now and tokens.authenticate(secret, now=now) is None
    commands.revoke_token(token.id, 'other', now=now + datetime.timedelta(hours=1))
    assert ApiToken.get_by_id(token.id).revoked_by == 'admin'     # revoking again changes nothing
    assert _audit('api_token') == [('create', token.prefix, 'admin'),
                                   ('revoke', token.prefix, 'admin')]
    with pytest.raises(NotFound):
        commands.revoke_token(MAX_ID + 1, 'admin')


def test_token_refusals_name_their_fields(bare):
    with pytest.raises(TokenRefused) as refused:
        commands.create_token({'name': 'n' * 101, 'kind': 'noc', 'role': 'root'}, 'admin')
    assert set(refused.value.errors) == {'name', 'role'}
    assert refused.value.errors['name'] == 'is too long (101 characters; at most 100)'
    with pytest.raises(TokenRefused) as refused:
        commands.create_token({'name': 'x', 'kind': 'provider', 'customer': 'NOPE'}, 'admin')
    assert list(refused.value.errors) == ['customer']
    assert ApiToken.select().count() == 0


def test_lockout_takes_its_settings_and_clock_as_values(bare, cheap_hash):
    _user()
    now = utcnow()
    policy = LockoutPolicy(attempts=3, minutes=5, backstop_attempts=50)
    for _ in range(3):
        assert commands.authenticate('maria', 'wrong', '192.0.2.1', policy, now=now) is None
    assert _audit('user')[-1] == ('lock', 'maria', 'security')
    assert commands.authenticate('maria', PASSWORD, '192.0.2.1', policy, now=now) is None
    later = now + datetime.timedelta(minutes=6)
    assert commands.authenticate('maria', PASSWORD, '192.0.2.1', policy,
                                 now=later).last_login_at == later
