"""API tokens: made by admins (page and CLI), shown once, stored hashed,
expiring, revoked, and recognised only while live."""
import datetime
import hashlib
import re

import pytest
from conftest import db

from noc.accounts import tokens
from noc.models import ApiToken, AuditLog, Customer, utcnow

DAY = datetime.timedelta(days=1)


@pytest.fixture
def customer(bare):
    """The domain of tokens needs no app: these tests run without one."""
    return Customer.create(account_id='ACME-1', name='Acme Provedor', kind='isp')


def test_a_provider_token_is_shown_once_and_stored_hashed(customer):
    token, secret = tokens.create({'name': 'Acme automation', 'kind': 'provider',
                                   'customer': 'ACME-1'}, 'admin')
    assert re.fullmatch(r'jnl_[A-Za-z0-9_-]{43}', secret)
    row = ApiToken.get_by_id(token.id)
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(row.__data__) and row.prefix == secret[:12]
    assert tokens.authenticate(secret).customer_id == customer.id
    assert tokens.authenticate(secret[:-1] + ('A' if secret[-1] != 'A' else 'B')) is None
    assert tokens.authenticate('Bearer ' + secret) is None
    assert AuditLog.get(AuditLog.entity == 'api_token').entity_key == row.prefix


def test_noc_tokens_carry_a_role_and_bad_values_are_named(customer):
    token, _ = tokens.create({'name': 'netbox sync', 'kind': 'noc', 'role': 'engineer'}, 'admin')
    assert (token.kind, token.role, token.customer_id) == ('noc', 'engineer', None)
    with pytest.raises(tokens.TokenRefused) as caught:
        tokens.create({'name': '', 'kind': 'provider', 'customer': 'NOPE'}, 'admin')
    assert set(caught.value.errors) == {'name', 'customer'}
    with pytest.raises(tokens.TokenRefused) as caught:
        tokens.create({'name': 'x', 'kind': 'noc', 'role': 'root'}, 'admin')
    assert 'role' in caught.value.errors
    with pytest.raises(tokens.TokenRefused) as caught:
        tokens.create({'name': 'x', 'kind': 'noc', 'role': 'viewer',
                       'expires_at': utcnow() - DAY}, 'admin')
    assert 'expires_at' in caught.value.errors


@pytest.mark.dates      # expiry and last use, from "now"
def test_expired_and_revoked_tokens_stop_working(customer):
    now = utcnow()
    token, secret = tokens.create({'name': 'short', 'kind': 'provider', 'customer': customer,
                                   'expires_at': now + DAY}, 'admin', now=now)
    assert tokens.authenticate(secret, now=now + DAY / 2) is not None
    assert tokens.authenticate(secret, now=now + 2 * DAY) is None
    assert tokens.state(token, now + 2 * DAY) == 'expired'
    other, other_secret = tokens.create({'name': 'x', 'kind': 'noc', 'role': 'viewer'}, 'admin')
    tokens.revoke(other.id, 'admin')
    assert tokens.authenticate(other_secret) is None
    assert tokens.state(ApiToken.get_by_id(other.id)) == 'revoked'


@pytest.mark.dates      # expiry and last use, from "now"
def test_last_use_is_written_at_most_once_a_minute(customer):
    now = utcnow()
    token, secret = tokens.create({'name': 'x', 'kind': 'provider', 'customer': customer},
                                  'admin', now=now)
    tokens.authenticate(secret, now=now)
    tokens.authenticate(secret, now=now + datetime.timedelta(seconds=30))
    assert ApiToken.get_by_id(token.id).last_used_at == now.replace(microsecond=now.microsecond)
    later = now + datetime.timedelta(minutes=2)
    tokens.authenticate(secret, now=later)
    assert ApiToken.get_by_id(token.id).last_used_at == later


def test_admins_make_and_revoke_tokens_in_the_browser(app, as_role):
    with db(app):
        Customer.create(account_id='ACME-1', name='Acme Provedor', kind='isp')
    admin = as_role('admin')
    page = admin.post_form('/admin/tokens/', {'name': 'Acme', 'kind': 'provider',
                                              'customer': 'ACME-1', 'role': 'viewer',
                                              'expires': ''})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    secret = re.search(r'jnl_[A-Za-z0-9_-]{43}', html).group(0)
    again = admin.get('/admin/tokens/').get_data(as_text=True)
    assert secret not in again and secret[:12] in again          # shown once only
    bad = admin.post_form('/admin/tokens/', {'name': '', 'kind': 'noc', 'role': 'god',
                                             'customer': '', 'expires': 'tomorrow'})
    assert bad.status_code == 400 and 'is not a date' in bad.get_data(as_text=True)
    # The end of the last day there is, moved to UTC from the admin's zone, is past it.
    far = admin.post_form('/admin/tokens/', {'name': 'Far', 'kind': 'noc', 'role': 'viewer',
                                             'customer': '', 'expires': '9999-12-31'})
    assert far.status_code == 400 and 'before 9999-12-31' in far.get_data(as_text=True)
    with db(app):
        assert ApiToken.select().count() == 1
    with db(app):
        token = ApiToken.get()
    response = admin.post_form(f'/admin/tokens/{token.id}/revoke', {}, page_url='/admin/tokens/')
    assert response.status_code == 302
    with db(app):
        assert tokens.authenticate(secret) is None
    engineer = as_role('engineer')
    assert engineer.get('/admin/tokens/').status_code == 403


def test_cli_create_list_revoke(app):
    with db(app):
        Customer.create(account_id='ACME-1', name='Acme Provedor', kind='isp')
    runner = app.test_cli_runner()
    made = runner.invoke(args=['noc', 'token', 'create', '--name', 'Acme', '--customer', 'ACME-1',
                               '--expires', '2099-12-31'])
    assert made.exit_code == 0, made.stderr
    secret = made.stdout.strip()
    assert re.fullmatch(r'jnl_[A-Za-z0-9_-]{43}', secret)
    listed = runner.invoke(args=['noc', 'token', 'list'])
    assert secret[:12] in listed.stdout and 'ACME-1' in listed.stdout and 'active' in listed.stdout
    assert secret not in listed.stdout
    with db(app):
        token_id = ApiToken.get().id
    assert runner.invoke(args=['noc', 'token', 'revoke', str(token_id)]).exit_code == 0
    assert 'revoked' in runner.invoke(args=['noc', 'token', 'list']).stdout
    assert runner.invoke(args=['noc', 'token', 'revoke', '999999']).exit_code == 2
    assert runner.invoke(args=['noc', 'token', 'create', '--name', 'x']).exit_code == 2
    assert runner.invoke(args=['noc', 'token', 'create', '--name', 'x', '--role', 'viewer',
                               '--expires', 'soon']).exit_code == 2
