"""Lock an account after repeated failed logins (app_user.failed_logins, locked_until).

Plain SQL that both engines accept, the same text as in schema.sql.
"""


def up(migrator, db):
    db.execute_sql('ALTER TABLE app_user ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0')
    db.execute_sql('ALTER TABLE app_user ADD COLUMN locked_until TIMESTAMP NULL')


def down(migrator, db):
    db.execute_sql('ALTER TABLE app_user DROP COLUMN locked_until')
    db.execute_sql('ALTER TABLE app_user DROP COLUMN failed_logins')
