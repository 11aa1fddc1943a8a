"""Eight writers at once, and the worker sending, never cost a 5xx (issue 16).

A real threaded HTTP server (werkzeug's, on loopback) and real threads, on
SQLite and on PostgreSQL (tests/helpers/concurrent_writers.py): API submits
of prefix requests, PATCHes of a customer, prefix actions, web edits of a
site, customer acknowledgements on the public page, circuits and customers
made and deleted, and inbound mail, while the worker delivers the outbox.
Each writer does a fixed number of operations (the test is not timed); any
answer of 5xx or any exception fails it. On SQLite a transaction that reads
and then writes must wait for the write lock (BEGIN IMMEDIATE, busy_timeout)
instead of failing at once with "database is locked".
"""
import threading
import time

import pytest
from conftest import prepared_app
from helpers import concurrent_writers as mix

from noc.core.db import BUSY_TIMEOUT_MS, open_database


@pytest.fixture
def served(db_url, tmp_path, quick_password_hash):
    prepared_app(db_url)                    # the schema, every table emptied
    with mix.serve(db_url, tmp_path) as world:
        yield world


def test_eight_writers_and_the_worker_get_no_5xx(served):
    result = mix.run(served, operations=15)
    assert result.errors == [], '\n'.join(result.errors[:20])
    assert result.worker_errors == [], result.worker_errors[:5]
    assert result.server_errors == [], result.server_errors[:20]
    # They really wrote: every writer had answers, most of them successes.
    assert {writer for writer, _ in result.statuses} == set(mix.WRITERS)
    assert result.ok >= 0.8 * result.total, result.statuses
    assert result.worker_passes >= 1


# SQLite's lock, without the app: what the mix above relies on. -----------------

@pytest.fixture
def sqlite_db(tmp_path):
    db = open_database('sqlite:///' + str(tmp_path / 'locks.db'))
    db.connect()
    db.execute_sql('CREATE TABLE counter (n INTEGER NOT NULL)')
    db.execute_sql('INSERT INTO counter (n) VALUES (0)')
    db.close()
    yield db
    db.close_all()


def test_a_pooled_sqlite_connection_keeps_its_busy_timeout_and_wal(sqlite_db):
    seen = []

    def ask():
        with sqlite_db.connection_context():
            seen.append((sqlite_db.execute_sql('PRAGMA busy_timeout').fetchone()[0],
                         sqlite_db.execute_sql('PRAGMA journal_mode').fetchone()[0],
                         id(sqlite_db.connection())))
    for _ in range(3):                      # the same connection, handed to other threads
        thread = threading.Thread(target=ask)
        thread.start()
        thread.join()
    assert [s[:2] for s in seen] == [(BUSY_TIMEOUT_MS, 'wal')] * 3
    assert len({s[2] for s in seen}) == 1


def test_a_transaction_that_reads_then_writes_waits_for_the_lock(sqlite_db):
    """The bug class of issue 16: a deferred BEGIN that has read gets "database
    is locked" at once when it writes while another writer holds the lock, busy
    handler or not. Every transaction begins IMMEDIATE, so it waits instead."""
    holding, failures = threading.Event(), []

    def hold():
        with sqlite_db.connection_context(), sqlite_db.atomic():
            sqlite_db.execute_sql('UPDATE counter SET n = n + 1')
            holding.set()
            time.sleep(0.5)

    def read_then_write():
        holding.wait()
        try:
            with sqlite_db.connection_context(), sqlite_db.atomic():
                n = sqlite_db.execute_sql('SELECT n FROM counter').fetchone()[0]
                sqlite_db.execute_sql('UPDATE counter SET n = ?', (n + 1,))
        except Exception as exc:
            failures.append(exc)
    threads = [threading.Thread(target=hold), threading.Thread(target=read_then_write)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert time.monotonic() - started >= 0.5            # it waited for the other
    with sqlite_db.connection_context():
        assert sqlite_db.execute_sql('SELECT n FROM counter').fetchone()[0] == 2   # none lost
