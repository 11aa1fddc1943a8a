"""API tokens of the JSON API (issue 6): provider tokens bound to a customer,
NOC tokens with a role; only the secret's hash is stored.

The statements are copied from schema.sql as it was when this migration was
written, so the migration keeps doing what it did when schema.sql changes.
"""
import re

SQL = """
-- Bearer tokens of the JSON API. The secret is shown once and only its
-- SHA-256 is kept (a random 256-bit secret needs no slow hash). A provider
-- token is bound to one customer and sees only its data; a NOC token acts
-- with a role, like a NOC user.
CREATE TABLE IF NOT EXISTS api_token (
    id           BIGINT NOT NULL PRIMARY KEY,
    name         VARCHAR(100) NOT NULL,
    kind         VARCHAR(16) NOT NULL CHECK (kind IN ('provider', 'noc')),
    customer_id  BIGINT NULL REFERENCES customer (id) ON DELETE CASCADE,
    role         VARCHAR(16) NOT NULL DEFAULT '',
    -- The first characters of the secret, to recognise a token in lists and logs.
    prefix       VARCHAR(16) NOT NULL,
    secret_hash  VARCHAR(64) NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    created_by   VARCHAR(64) NOT NULL DEFAULT '',
    expires_at   TIMESTAMP NULL,
    last_used_at TIMESTAMP NULL,
    revoked_at   TIMESTAMP NULL,
    revoked_by   VARCHAR(64) NOT NULL DEFAULT '',
    CHECK ((kind = 'provider' AND customer_id IS NOT NULL AND role = '')
           OR (kind = 'noc' AND customer_id IS NULL AND role IN ('viewer', 'engineer', 'admin')))
);
CREATE UNIQUE INDEX IF NOT EXISTS api_token_secret ON api_token (secret_hash);
CREATE INDEX IF NOT EXISTS api_token_customer ON api_token (customer_id);
"""


def up(migrator, db):
    text = re.sub(r'--[^\n]*', '', SQL)
    for statement in (s.strip() for s in text.split(';')):
        if statement:
            db.execute_sql(statement)


def down(migrator, db):
    db.execute_sql('DROP TABLE api_token')
