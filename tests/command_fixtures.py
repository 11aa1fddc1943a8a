"""A database with no Flask app or request context around it: commands take
their settings, actor and clock as arguments, so their tests need nothing else
(issue 15: domain tests free of the app)."""
import flask
import pytest
from conftest import prepared_app

from noc.core.db import database


@pytest.fixture
def bare(db_url):
    """The engine's database, initialised and empty; no app context is pushed."""
    prepared_app(db_url)            # binds `database` and empties it
    assert not flask.has_app_context()
    database.connect(reuse_if_open=True)
    yield database.obj
    database.close()
