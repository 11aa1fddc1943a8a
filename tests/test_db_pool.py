"""The PostgreSQL pool asks the server whether a connection lives only when it
was idle a while (noc.core.db.RecentlyTrustedPool), and still never hands out a
dead one after that."""
import peewee
import psycopg2
import pytest

from noc.core.db import RecentlyTrustedPool, open_database


@pytest.fixture
def pool(pg_url, monkeypatch):
    db = open_database(pg_url)
    assert isinstance(db, RecentlyTrustedPool)
    asked = []
    real = peewee.Psycopg2Adapter.is_connection_closed
    monkeypatch.setattr(peewee.Psycopg2Adapter, 'is_connection_closed',
                        lambda self, conn: (asked.append(conn), real(self, conn))[1])
    db.asked = asked
    yield db
    db.close_all()


def _backend(db):
    db.connect()
    pid = db.execute_sql('SELECT pg_backend_pid()').fetchone()[0]
    db.close()
    return pid


def test_a_connection_given_back_just_now_is_not_asked_again(pool):
    first = _backend(pool)
    assert pool.asked == []                       # a new connection: nothing to ask
    assert [_backend(pool) for _ in range(5)] == [first] * 5
    assert pool.asked == []                       # no SELECT 1 per checkout


def test_one_idle_longer_is_asked_and_a_dead_one_is_replaced(pool, pg_url):
    first = _backend(pool)
    pool.TRUSTED_SECONDS = 0                      # as if a second had gone by
    assert _backend(pool) == first and len(pool.asked) == 1
    admin = psycopg2.connect(pg_url)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute('SELECT pg_terminate_backend(%s)', (first,))
    admin.close()
    replaced = _backend(pool)                     # asked, found dead, dropped
    assert replaced != first and len(pool.asked) == 2


def test_a_connection_left_in_a_transaction_is_rolled_back_not_trusted(pool):
    pool.connect()
    pool.execute_sql('BEGIN')
    pool.execute_sql('CREATE TEMP TABLE left_open (n int)')
    pool.close()                                   # check-in rolls it back
    pool.connect()
    assert pool.execute_sql("SELECT to_regclass('pg_temp.left_open')").fetchone()[0] is None
    pool.close()
