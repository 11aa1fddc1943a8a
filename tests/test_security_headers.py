"""Every NOC page carries the security headers (noc.web.headers); the customer
page keeps its own stricter ones; no template holds inline script or style."""
import os
import re

import pytest
from conftest import db
from helpers import maintenance_fixtures as mf

from noc.web import headers, public_page

pytestmark = pytest.mark.usefixtures('quick_password_hash')

TEMPLATES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                         'templates')


def assert_noc_headers(response, path):
    got = response.headers
    assert got.get('Content-Security-Policy') == headers.NOC_POLICY, path
    assert got.get('X-Frame-Options') == 'DENY', path
    assert got.get('X-Content-Type-Options') == 'nosniff', path
    assert got.get('Referrer-Policy') == 'same-origin', path


def test_the_policy_allows_nothing_inline_and_no_framing():
    policy = dict(part.strip().split(' ', 1) for part in headers.NOC_POLICY.split(';'))
    assert policy['script-src'] == "'self'" and policy['style-src'] == "'self'"
    assert policy['frame-ancestors'] == "'none'" and policy['object-src'] == "'none'"
    assert 'unsafe' not in headers.NOC_POLICY


def test_noc_pages_carry_the_headers(app, as_role):
    with db(app):
        mf.build_network()
        window = mf.create()
    admin = as_role('admin')
    pages = ['/', '/maintenance', f'/maintenance/{window.id}', f'/maintenance/{window.id}/edit',
             '/maintenance/calendar', '/reschedules/', '/inventory/customers/',
             '/inventory/circuits/', '/inbox/', '/messages', '/prefixes/', '/routing/',
             '/admin/users/', '/admin/audit/', '/admin/tokens/', '/preferences', '/healthz']
    for path in pages:
        response = admin.get(path)
        assert response.status_code == 200, path
        assert_noc_headers(response, path)
    for path in ('/login', '/static/janela.css', '/maintenance/999999', '/no-such-page',
                 '/api/v1/docs'):
        assert_noc_headers(admin.get(path), path)


def test_anonymous_pages_and_the_api_carry_them_too(app):
    client = app.test_client()
    assert_noc_headers(client.get('/login'), '/login')
    assert_noc_headers(client.get('/'), '/ (redirect to login)')
    api = client.get('/api/v1/prefix-requests')           # no token: a problem+json 401
    assert api.status_code == 401 and api.headers['X-Content-Type-Options'] == 'nosniff'


def test_the_customer_page_keeps_its_stricter_headers(app):
    response = app.test_client().get('/c/not-a-valid-token')
    for name, value in public_page.HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.headers['X-Frame-Options'] == 'DENY'


def test_no_noc_template_holds_inline_script_or_style():
    found = []
    for folder, _dirs, files in os.walk(TEMPLATES):
        if os.path.relpath(folder, TEMPLATES).split(os.sep)[0] in ('email', 'public'):
            continue        # mail is no page; the customer page has its own policy
        for name in files:
            with open(os.path.join(folder, name), encoding='utf-8') as fh:
                text = fh.read()
            for pattern in (r'<script(?![^>]*\bsrc=)', r'\son[a-z]+\s*=', r'\sstyle\s*=',
                            r'<style', r'javascript:'):
                if re.search(pattern, text, re.IGNORECASE):
                    found.append((name, pattern))
    assert found == []
