"""The engine's database with no Flask app ever made: for commands and domain
code that take their settings as values (issue 15: domain tests free of the app).

prepared_app() builds an app and pushes its context to initialise the
database; this binds `database` straight from the URL instead, so a test
using it runs (fixtures included) with no app context at all.
"""
import contextlib

import flask
import pytest
from conftest import SECRET, _empty, _prepared

from noc.core import config
from noc.core.db import bind, database, init_db, open_database
from noc.maintenance.settings import of_config


@contextlib.contextmanager
def bare_database(db_url):
    """An open connection to the engine's database, initialised and empty."""
    db = bind(open_database(db_url))
    database.connect(reuse_if_open=True)
    try:
        if db_url not in _prepared:
            init_db(db)
            _prepared.add(db_url)
        _empty(db)
        yield db
    finally:
        database.close()


def maintenance_settings(**maintenance):
    """The maintenance settings of config.toml (as the tests' apps have them), with
    `maintenance` keys changed."""
    noc = config.load({'app': {'secret_key': SECRET}, 'maintenance': maintenance},
                      environ={})
    return of_config(noc, SECRET)


@pytest.fixture
def bare(db_url):
    """The engine's database, initialised and empty, with no Flask app made
    (a fixture for every module: tests/conftest.py's pytest_plugins)."""
    with bare_database(db_url) as db:
        assert not flask.has_app_context()
        yield db
