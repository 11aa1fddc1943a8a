"""Failed logins counted per account and client address (issue 16): ten wrong
passwords from one address lock that address out of the account, not the
account for everyone; app_user.failed_logins becomes the account-wide backstop.

The statements are copied from schema.sql as it was when this migration was
written, so the migration keeps doing what it did when schema.sql changes.
"""
import re

SQL = """
CREATE TABLE IF NOT EXISTS login_address (
    id             BIGINT NOT NULL PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    address        VARCHAR(64) NOT NULL,
    failures       INTEGER NOT NULL DEFAULT 0,
    last_failed_at TIMESTAMP NULL,
    locked_until   TIMESTAMP NULL,
    last_login_at  TIMESTAMP NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS login_address_user ON login_address (user_id, address);
"""


def up(migrator, db):
    text = re.sub(r'--[^\n]*', '', SQL)
    with db.atomic():
        for statement in (s.strip() for s in text.split(';')):
            if statement:
                db.execute_sql(statement)
        # A lock earned under the old rule (ten failures from anywhere) is lifted:
        # under the new one it would have locked one address, now unknown.
        db.execute_sql('UPDATE app_user SET failed_logins = 0, locked_until = NULL')


def down(migrator, db):
    db.execute_sql('DROP TABLE login_address')
