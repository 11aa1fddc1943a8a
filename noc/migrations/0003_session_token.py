"""Revocable sessions: app_user.session_token, part of every session cookie.

Existing users get an empty token, which matches no session: everyone logs
in once more after the upgrade, and authenticate() gives them a token.
"""


def up(migrator, db):
    db.execute_sql("ALTER TABLE app_user ADD COLUMN session_token VARCHAR(64) NOT NULL "
                   "DEFAULT ''")


def down(migrator, db):
    db.execute_sql('ALTER TABLE app_user DROP COLUMN session_token')
