"""The database: opened from a URL, schema applied, migrations run.

SQLite is the embedded default, PostgreSQL the production engine; both get
the very same schema.sql. Models bind to `database`, a proxy initialised by
create_app() (or by a test) with `open_database(url)`.
"""
import os
import re
import time
import zlib
from urllib.parse import unquote, urlparse

import peewee
from playhouse.migrations import Runner
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from noc.core.config import PROJECT_DIR, project_path

SCHEMA_FILE = os.path.join(PROJECT_DIR, 'schema.sql')
MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'migrations')

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


class RecentlyTrustedPool(PooledPostgresqlDatabase):
    """peewee's pool asks the server (SELECT 1) whether each connection it
    hands out is alive: a round trip per request, a third of the status
    read's. A connection given back idle less than TRUSTED_SECONDS ago is
    handed out on the driver's own word (open, no transaction); one idle
    longer is asked as before. A server that died within that second costs
    the one request that meets the dead connection, which is then dropped."""
    TRUSTED_SECONDS = 1.0

    def __init__(self, *args, **kwargs):
        self._given_back = {}         # connection key -> monotonic time of check-in
        super().__init__(*args, **kwargs)

    def _can_reuse(self, conn):       # check-in, under the pool's lock
        reusable = super()._can_reuse(conn)
        if reusable:
            self._given_back[self.conn_key(conn)] = time.monotonic()
        return reusable

    def _is_closed(self, conn):       # check-out, under the pool's lock
        given_back = self._given_back.pop(self.conn_key(conn), None)
        if (given_back is not None and time.monotonic() - given_back < self.TRUSTED_SECONDS
                and not conn.closed
                and conn.get_transaction_status() == TRANSACTION_STATUS_IDLE):
            return False
        return super()._is_closed(conn)


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
