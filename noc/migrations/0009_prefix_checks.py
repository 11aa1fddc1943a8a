"""Ad hoc prefix checks of the JSON API (issue 6): RPKI and IRR answers
without a request, done at once or by the worker.

The statements are copied from schema.sql as it was when this migration was
written, so the migration keeps doing what it did when schema.sql changes.
"""
import re

SQL = """-- An ad hoc check of prefixes and origins through the API: the RPKI and IRR
-- answer only, no request is made. Done at once when only loaded data is
-- read, otherwise by the worker (nothing talks to an IRRd from inside a web
-- request); the client polls it. Kept for a day.
CREATE TABLE IF NOT EXISTS prefix_check (
    id          BIGINT NOT NULL PRIMARY KEY,
    -- The provider token's customer (it sees only its own checks); NULL: NOC.
    customer_id BIGINT NULL REFERENCES customer (id) ON DELETE CASCADE,
    token_id    BIGINT NULL REFERENCES api_token (id) ON DELETE SET NULL,
    state       VARCHAR(16) NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
    -- JSON: [{"prefix", "origin", "as_set"}]
    items       TEXT NOT NULL,
    -- JSON: one result per item, in order; empty while pending.
    results     TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    done_at     TIMESTAMP NULL
);
CREATE INDEX IF NOT EXISTS prefix_check_state ON prefix_check (state, created_at);
CREATE INDEX IF NOT EXISTS prefix_check_customer ON prefix_check (customer_id);
"""


def up(migrator, db):
    text = re.sub(r'--[^\n]*', '', SQL)
    for statement in (s.strip() for s in text.split(';')):
        if statement:
            db.execute_sql(statement)


def down(migrator, db):
    db.execute_sql('DROP TABLE prefix_check')
