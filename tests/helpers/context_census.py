"""How many tests run without a Flask app context: `pytest --context-census`.

The domain takes its settings as values, so its tests need no app (issue 15
wants at least half of them free of one). A test counts as app-free when no
app or request context is active while it runs, its fixtures included. The
summary lists each module and the share over the domain's test modules:
every module but those of the entry points (web pages, the API, the CLI, the
browser, received mail end to end) and of the test servers themselves.
"""
import collections
import re

import flask.ctx
import pytest
from flask import has_app_context

ENTRY_POINT_MODULES = re.compile(
    r'(^|\.)(test_api\w*|test_\w*_web|test_\w*_cli|test_cli\w*|test_auth|test_hardening|'
    r'test_public_page|test_mail_in|test_\w*_e2e|test_\w*_server|test_routing_servers_page|'
    r'test_architecture|test_i18n|test_config)$')

_pushed = [False]
_census = collections.defaultdict(lambda: [0, 0])     # module -> [free of an app, with one]


def pytest_addoption(parser):
    parser.addoption('--context-census', action='store_true',
                     help='count the tests that run without a Flask app context')


def pytest_configure(config):
    if not config.getoption('context_census'):
        return
    original = flask.ctx.AppContext.push

    def push(self):
        _pushed[0] = True
        return original(self)
    flask.ctx.AppContext.push = push


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _pushed[0] = has_app_context()
    yield
    if item.config.getoption('context_census'):
        _census[item.module.__name__][1 if _pushed[0] else 0] += 1


def pytest_terminal_summary(terminalreporter, config):
    if not config.getoption('context_census'):
        return
    write = terminalreporter.write_line
    write('App context census (free / with an app context):')
    domain = [0, 0]
    for module, (free, with_app) in sorted(_census.items()):
        entry = bool(ENTRY_POINT_MODULES.search(module))
        write(f'  {module:45} {free:5} / {with_app:5}' + ('  (entry point)' if entry else ''))
        if not entry:
            domain[0] += free
            domain[1] += with_app
    total = sum(domain) or 1
    write(f'Domain tests free of an app context: {domain[0]} of {sum(domain)} '
          f'({100 * domain[0] / total:.0f}%)')
