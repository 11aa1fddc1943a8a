"""The database: opened from a URL, schema applied, migrations run.

SQLite is the embedded default, PostgreSQL the production engine; both get
the very same schema.sql. Models bind to `database`, a proxy initialised by
create_app() (or by a test) with `open_database(url)`.
"""
import contextlib
import logging
import os
import re
import zlib
from urllib.parse import unquote, urlparse

import peewee
from playhouse.migrations import Runner
from playhouse.pool import PooledSqliteDatabase

from noc.core.config import PROJECT_DIR, project_path
from noc.core.pg_pool import RecentlyTrustedPool

SCHEMA_FILE = os.path.join(PROJECT_DIR, 'schema.sql')
MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'migrations')

log = logging.getLogger('janela.db')
database = peewee.DatabaseProxy()
BUSY_TIMEOUT_MS = 10000


def open_database(url):
    """A peewee database for a sqlite:/// or postgresql:// URL (not connected)."""
    if url.startswith('sqlite:///'):
        path = url[len('sqlite:///'):]
        if path != ':memory:':
            path = project_path(path)
            os.makedirs(os.path.dirname(path), exist_ok=True)
        # WAL lets the worker write while pages read; foreign keys are off in
        # SQLite unless asked for on every connection.
        # busy_timeout: a writer waits up to 10 s for the write lock. It only
        # helps a transaction that asks for the lock before reading: a deferred
        # transaction that has read and then writes while another connection
        # holds (or has since committed) the lock gets "database is locked" at
        # once, busy handler or not, since its snapshot is stale. So every
        # transaction here begins IMMEDIATE (lock_type): database.atomic() and
        # write_transaction() alike take the write lock at BEGIN and wait for it.
        # Reads outside a transaction take no write lock (WAL: never blocked).
        pragmas = {'foreign_keys': 1, 'journal_mode': 'wal', 'busy_timeout': BUSY_TIMEOUT_MS,
                   'synchronous': 'normal', 'cache_size': -32000}
        if path == ':memory:':
            return peewee.SqliteDatabase(path, pragmas=pragmas, lock_type='IMMEDIATE')
        # Pooled like PostgreSQL: opening a file costs the pragmas above, and
        # closing the last connection checkpoints the WAL, on every request.
        # A pooled connection moves between threads, never used by two at once;
        # the pragmas are set once per connection and stay with it.
        return PooledSqliteDatabase(path, pragmas=pragmas, lock_type='IMMEDIATE',
                                    max_connections=32, stale_timeout=300,
                                    check_same_thread=False)
    parts = urlparse(url)
    # Pooled: every request connects and closes (create_app), and a new
    # PostgreSQL connection (a server process, the handshake) costs several
    # milliseconds; the pool hands back an open one instead.
    return RecentlyTrustedPool(
        unquote(parts.path.lstrip('/')), host=parts.hostname or None,
        port=parts.port or None, user=unquote(parts.username or '') or None,
        password=unquote(parts.password or '') or None, connect_timeout=10,
        max_connections=32, stale_timeout=300)


RERUNS = 2


@contextlib.contextmanager
def repeatable_write():
    """A transaction whose write does no harm done twice (a last-use time): on
    PostgreSQL its commit does not keep the request from running again should
    its connection die later (retry_lost_connection)."""
    db = database.obj
    if not isinstance(db, RecentlyTrustedPool):
        with database.atomic():
            yield
        return
    with db.repeatable(), database.atomic():
        yield


def retry_lost_connection(dispatch):
    """Wrap Flask's full_dispatch_request: a request that answered 5xx because
    its PostgreSQL connection died before anything it wrote could commit is
    run again on a new connection (RERUNS times at most: each run must have
    lost its connection before writing, so none repeats a write; a second
    is for a run caught by a second termination, as when a whole pool's
    backends are terminated twice in a second). See RecentlyTrustedPool."""
    def dispatch_again():
        db = database.obj
        if not isinstance(db, RecentlyTrustedPool):
            return dispatch()
        db.work_started()
        response = dispatch()
        for _ in range(RERUNS):
            if response.status_code < 500 or not db.lost_before_writing() \
                    or db.in_transaction():
                break
            log.warning('request answered %s after its database connection was lost '
                        'before writing; running it again', response.status_code)
            if not db.is_closed():
                db.close()
            db.connect()
            db.work_started()
            response = dispatch()
        if response.status_code >= 500 and db.lost_connection():
            log.error('request answered %s after its database connection was lost; not run '
                      'again: %s', response.status_code,
                      'it may have written' if not db.lost_before_writing() else 'lost again')
        return response
    return dispatch_again


def bind(db):
    database.initialize(db)
    return db


def schema_statements(text=None):
    """schema.sql as a list of statements, comments removed."""
    if text is None:
        with open(SCHEMA_FILE, encoding='utf-8') as fh:
            text = fh.read()
    text = re.sub(r'--[^\n]*', '', text)
    return [s.strip() for s in text.split(';') if s.strip()]


def apply_schema(db, text=None):
    with db.atomic():
        for statement in schema_statements(text):
            db.execute_sql(statement)


def migration_runner(db):
    return Runner(db, directory=MIGRATIONS_DIR)


def init_db(db):
    """Create or upgrade the database; safe to run any number of times.

    A new database gets schema.sql, which already holds every migration, so
    they are recorded as applied. An existing one gets pending migrations.
    Returns the names of the migrations that ran.
    """
    is_new = 'customer' not in db.get_tables()
    runner = migration_runner(db)
    if is_new:
        apply_schema(db)
        runner.fake()
        return []
    applied = runner.up()
    # Statements added to schema.sql are idempotent; re-applying catches
    # indexes a migration created under the same name.
    apply_schema(db)
    return applied


def next_ids(table_name, count=1):
    """Reserve `count` ids for `table_name`; returns the first of the block.

    Neither SERIAL nor AUTOINCREMENT is common to SQLite and PostgreSQL, so
    ids come from one counter row per table, raised in the caller's
    transaction (the row lock serialises concurrent inserts on PostgreSQL).
    """
    db = database.obj
    db.execute_sql(
        'INSERT INTO id_sequence (table_name, last_id) VALUES (%s, 0) '
        'ON CONFLICT (table_name) DO NOTHING'.replace('%s', db.param),
        (table_name,))
    cursor = db.execute_sql(
        f'UPDATE id_sequence SET last_id = last_id + {db.param} WHERE table_name = {db.param} '
        'RETURNING last_id', (count, table_name))
    return cursor.fetchone()[0] - count + 1


def lock_rows(query, skip_locked=False):
    """SELECT … FOR UPDATE [SKIP LOCKED] on PostgreSQL; SQLite has no row locks
    (one writer at a time does the same job), so the query is left as is."""
    if isinstance(database.obj, peewee.SqliteDatabase):
        return query
    return query.for_update(skip_locked=skip_locked or None)


def write_transaction():
    """A transaction that reads and then writes, safe against a second process.

    SQLite's default BEGIN takes the write lock only at the first write, and a
    reader whose snapshot went stale then fails instead of waiting; BEGIN
    IMMEDIATE takes it at once (busy_timeout makes the other wait). Every
    transaction on SQLite is opened so (open_database's lock_type); this names
    it where a command relies on it. PostgreSQL uses row locks (lock_rows)
    inside an ordinary transaction.
    """
    if isinstance(database.obj, peewee.SqliteDatabase):
        return database.atomic(lock_type='IMMEDIATE')
    return database.atomic()


def serialize(name):
    """Inside a transaction: wait for any other transaction serialised on `name`.

    Rules that read many rows and then write (no two windows may hold the
    same circuit at once) need writers to take turns; on PostgreSQL an
    advisory lock held to the end of the transaction does that, on SQLite
    write_transaction()'s BEGIN IMMEDIATE already has.
    """
    if not isinstance(database.obj, peewee.SqliteDatabase):
        database.execute_sql('SELECT pg_advisory_xact_lock(%s)',
                             (zlib.crc32(name.encode()),))
