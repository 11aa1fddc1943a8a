"""A worker's claim on an outbox message carries a fencing token (issue 16):
only the worker holding the claim may mark the message or hand it to SMTP.

Plain SQL that both engines accept, the same text as in schema.sql. Rows
claimed before the upgrade have no token: a worker of the old release still
running finishes them as before, and a new worker takes them over after the
lease like any stale claim.
"""


def up(migrator, db):
    db.execute_sql("ALTER TABLE outbox_message ADD COLUMN claim_token VARCHAR(32) NOT NULL "
                   "DEFAULT ''")


def down(migrator, db):
    db.execute_sql('ALTER TABLE outbox_message DROP COLUMN claim_token')
