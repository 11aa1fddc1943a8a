"""The benchmarks' throw-away databases: a fresh SQLite file or PostgreSQL database."""
import contextlib
import os

import peewee
import psycopg2

from noc.core.db import database

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(BENCH_DIR, 'out')
PG_SERVER = 'postgresql://postgres@127.0.0.1:5432'


def pg_admin(sql):
    conn = psycopg2.connect(PG_SERVER + '/postgres')
    conn.autocommit = True   # CREATE/DROP DATABASE refuse to run in a transaction
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


@contextlib.contextmanager
def fresh_database(engine, sqlite_path, pg_name):
    """A URL to a new, empty database of `engine`. The SQLite file is kept
    (bench/out/ is git-ignored) for EXPLAIN afterwards; the PostgreSQL
    database is dropped."""
    if engine == 'sqlite':
        os.makedirs(os.path.dirname(sqlite_path), exist_ok=True)
        for suffix in ('', '-wal', '-shm'):
            with contextlib.suppress(FileNotFoundError):
                os.remove(sqlite_path + suffix)
        yield 'sqlite:///' + sqlite_path
        return
    pg_admin(f'DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)')
    pg_admin(f'CREATE DATABASE {pg_name}')
    try:
        yield f'{PG_SERVER}/{pg_name}'
    finally:
        if isinstance(database.obj, peewee.PostgresqlDatabase):
            database.obj.close_all() if hasattr(database.obj, 'close_all') \
                else database.obj.close()
        pg_admin(f'DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)')
