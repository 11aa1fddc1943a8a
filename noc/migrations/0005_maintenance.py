"""Maintenance windows, their circuits, the mail outbox and customer calendar feeds.

New tables only. The statements are copied from schema.sql as it was when
this migration was written, so the migration keeps doing what it did when
schema.sql changes later.
"""
import re

TABLES = ('calendar_feed', 'outbox_message', 'window_circuit', 'maintenance_window')

SQL = """

-- Planned work on the network. `reference` and `uid` never change: customers'
-- tools key a maintenance on them across reschedules (MAINTNOTE, iTIP).
CREATE TABLE IF NOT EXISTS maintenance_window (
    id                  BIGINT NOT NULL PRIMARY KEY,
    reference           VARCHAR(20) NOT NULL,
    uid                 VARCHAR(200) NOT NULL,
    title_pt            VARCHAR(200) NOT NULL,
    title_en            VARCHAR(200) NOT NULL,
    description_pt      TEXT NOT NULL DEFAULT '',
    description_en      TEXT NOT NULL DEFAULT '',
    internal_notes      TEXT NOT NULL DEFAULT '',
    starts_at           TIMESTAMP NOT NULL,
    ends_at             TIMESTAMP NOT NULL,
    -- Expected loss of service inside the window, in minutes.
    outage_minutes      INTEGER NOT NULL DEFAULT 0 CHECK (outage_minutes >= 0),
    impact              VARCHAR(24) NOT NULL
                        CHECK (impact IN ('NO-IMPACT', 'REDUCED-REDUNDANCY',
                                          'DEGRADED', 'OUTAGE')),
    status              VARCHAR(16) NOT NULL DEFAULT 'TENTATIVE'
                        CHECK (status IN ('TENTATIVE', 'CONFIRMED', 'IN-PROCESS',
                                          'COMPLETED', 'CANCELLED')),
    emergency           BOOLEAN NOT NULL DEFAULT FALSE,
    emergency_reason    TEXT NOT NULL DEFAULT '',
    cancel_reason       TEXT NOT NULL DEFAULT '',
    -- iCalendar SEQUENCE of the last notice; raised on every published change.
    sequence            INTEGER NOT NULL DEFAULT 0,
    -- Keys of the rule warnings an engineer acknowledged (JSON list).
    acknowledged_json   TEXT NOT NULL DEFAULT '[]',
    reminder_queued_at  TIMESTAMP NULL,
    created_by          VARCHAR(64) NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    search_text         TEXT NOT NULL DEFAULT '',
    CHECK (ends_at > starts_at)
);
CREATE UNIQUE INDEX IF NOT EXISTS maintenance_window_reference ON maintenance_window (reference);
CREATE INDEX IF NOT EXISTS maintenance_window_starts_at ON maintenance_window (starts_at);
CREATE INDEX IF NOT EXISTS maintenance_window_status ON maintenance_window (status, starts_at);

-- The circuits a window takes down; `via` says how they were picked
-- ('' directly, 'site:CODE', 'segment:CODE') so an edit can show it again.
CREATE TABLE IF NOT EXISTS window_circuit (
    window_id   BIGINT NOT NULL REFERENCES maintenance_window (id) ON DELETE CASCADE,
    circuit_id  BIGINT NOT NULL REFERENCES circuit (id) ON DELETE RESTRICT,
    -- Overrides the window's impact for this circuit; NULL: the window's.
    impact      VARCHAR(24) NULL
                CHECK (impact IS NULL OR impact IN ('NO-IMPACT', 'REDUCED-REDUNDANCY',
                                                    'DEGRADED', 'OUTAGE')),
    via         VARCHAR(80) NOT NULL DEFAULT '',
    PRIMARY KEY (window_id, circuit_id)
);
CREATE INDEX IF NOT EXISTS window_circuit_circuit ON window_circuit (circuit_id);

-- The outbox: every notice is written here in the transaction of the change
-- that causes it, whole (RFC 5322 text), and the worker delivers it later.
CREATE TABLE IF NOT EXISTS outbox_message (
    id              BIGINT NOT NULL PRIMARY KEY,
    window_id       BIGINT NULL REFERENCES maintenance_window (id) ON DELETE SET NULL,
    customer_id     BIGINT NULL REFERENCES customer (id) ON DELETE SET NULL,
    contact_id      BIGINT NULL REFERENCES contact (id) ON DELETE SET NULL,
    recipient       VARCHAR(254) NOT NULL,
    -- new, updated, rescheduled, cancelled, starting, completed, reminder
    kind            VARCHAR(16) NOT NULL,
    -- iTIP method of the calendar part: REQUEST, CANCEL, or '' for a notice.
    method          VARCHAR(16) NOT NULL DEFAULT '',
    sequence        INTEGER NOT NULL DEFAULT 0,
    subject         VARCHAR(400) NOT NULL,
    message_id      VARCHAR(200) NOT NULL,
    raw             TEXT NOT NULL,
    ics             TEXT NOT NULL DEFAULT '',
    state           VARCHAR(16) NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- A worker's claim; a claim older than the lease is taken over.
    claimed_at      TIMESTAMP NULL,
    claimed_by      VARCHAR(100) NOT NULL DEFAULT '',
    last_error      TEXT NOT NULL DEFAULT '',
    server_reply    TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP NULL
);
CREATE INDEX IF NOT EXISTS outbox_message_due ON outbox_message (state, next_attempt_at);
CREATE INDEX IF NOT EXISTS outbox_message_window ON outbox_message (window_id);
CREATE INDEX IF NOT EXISTS outbox_message_contact ON outbox_message (contact_id);

-- A customer's secret calendar feed (webcal); NULL when none or revoked.
CREATE TABLE IF NOT EXISTS calendar_feed (
    id          BIGINT NOT NULL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    token       VARCHAR(64) NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS calendar_feed_token ON calendar_feed (token);
CREATE INDEX IF NOT EXISTS calendar_feed_customer ON calendar_feed (customer_id);
"""


def up(migrator, db):
    text = re.sub(r'--[^\n]*', '', SQL)
    for statement in (s.strip() for s in text.split(';')):
        if statement:
            db.execute_sql(statement)


def down(migrator, db):
    for table in TABLES:              # children first
        db.execute_sql(f'DROP TABLE {table}')
