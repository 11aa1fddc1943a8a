"""Reschedule requests may come through the JSON API (issue 6): 'api' joins
the values of reschedule_request.via.

PostgreSQL replaces the CHECK constraint. SQLite cannot alter one; widening
a CHECK changes nothing stored, so the table's definition is edited in place
as SQLite documents for such changes (ALTER TABLE, "other kinds of table
schema changes"), instead of rebuilding a table other tables refer to.
"""
import peewee

OLD = "CHECK (via IN ('page', 'calendar', 'mail'))"
NEW = "CHECK (via IN ('page', 'calendar', 'mail', 'api'))"


def _sqlite_replace(db, old, new):
    version = db.execute_sql('PRAGMA schema_version').fetchone()[0]
    db.execute_sql('PRAGMA writable_schema = ON')
    try:
        db.execute_sql("UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
                       "WHERE type = 'table' AND name = 'reschedule_request'", (old, new))
        # A new schema version makes every connection read the definition again.
        db.execute_sql(f'PRAGMA schema_version = {version + 1}')
    finally:
        db.execute_sql('PRAGMA writable_schema = OFF')


def _postgres_replace(db, values):
    db.execute_sql('ALTER TABLE reschedule_request DROP CONSTRAINT IF EXISTS '
                   'reschedule_request_via_check')
    db.execute_sql('ALTER TABLE reschedule_request ADD CONSTRAINT reschedule_request_via_check '
                   f'CHECK (via IN ({values}))')


def up(migrator, db):
    if isinstance(db, peewee.SqliteDatabase):
        _sqlite_replace(db, OLD, NEW)
    else:
        _postgres_replace(db, "'page', 'calendar', 'mail', 'api'")


def down(migrator, db):
    # Requests made through the API read as made on the customer page.
    db.execute_sql("UPDATE reschedule_request SET via = 'page' WHERE via = 'api'")
    if isinstance(db, peewee.SqliteDatabase):
        _sqlite_replace(db, NEW, OLD)
    else:
        _postgres_replace(db, "'page', 'calendar', 'mail'")
