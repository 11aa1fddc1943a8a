"""Customers' answers and reschedule requests: inbound mail, per-customer and
per-attendee state of a window, requests and their proposals; a contact's
bounce flag and the window's times_sequence.

The statements are copied from schema.sql as it was when this migration was
written, so the migration keeps doing what it did when schema.sql changes.
"""
import re

TABLES = ('reschedule_proposal', 'reschedule_request', 'attendee_answer', 'window_customer',
          'inbound_message')

COLUMNS = (
    ('contact', 'bounced_at', 'TIMESTAMP NULL'),
    ('contact', 'bounce_reason', "TEXT NOT NULL DEFAULT ''"),
    ('maintenance_window', 'times_sequence', 'INTEGER NOT NULL DEFAULT 0'),
)

SQL = """
-- Every message that reached the maintenance mailbox (MTA pipe or IMAP), kept
-- whole before anything else is done with it, so nothing is ever dropped.
CREATE TABLE IF NOT EXISTS inbound_message (
    id            BIGINT NOT NULL PRIMARY KEY,
    -- The Message-ID, or 'sha256:…' of the message when it has none: the same
    -- message delivered twice is stored and handled once.
    message_key   VARCHAR(300) NOT NULL,
    received_at   TIMESTAMP NOT NULL,
    via           VARCHAR(16) NOT NULL CHECK (via IN ('stdin', 'imap')),
    -- The address it was sent to (issue 6 routes the BGP mailbox by it).
    mailbox       VARCHAR(254) NOT NULL DEFAULT '',
    sender        VARCHAR(254) NOT NULL DEFAULT '',
    sender_name   VARCHAR(200) NOT NULL DEFAULT '',
    subject       VARCHAR(400) NOT NULL DEFAULT '',
    -- 'utf-8': raw is the message as received; 'base64': it was not UTF-8 text.
    raw_encoding  VARCHAR(8) NOT NULL DEFAULT 'utf-8' CHECK (raw_encoding IN ('utf-8', 'base64')),
    raw           TEXT NOT NULL,
    -- reply, counter, itip (other methods), message, bounce, delay, auto-reply, unreadable
    kind          VARCHAR(16) NOT NULL DEFAULT '',
    -- new: stored, not handled yet; handled; unmatched (no window, or a
    -- sender who is not a contact of the window's customers); error.
    state         VARCHAR(16) NOT NULL DEFAULT 'new'
                  CHECK (state IN ('new', 'handled', 'unmatched', 'error')),
    -- The sender is a contact of a customer the window affects.
    verified      BOOLEAN NOT NULL DEFAULT FALSE,
    window_id     BIGINT NULL REFERENCES maintenance_window (id) ON DELETE SET NULL,
    customer_id   BIGINT NULL REFERENCES customer (id) ON DELETE SET NULL,
    contact_id    BIGINT NULL REFERENCES contact (id) ON DELETE SET NULL,
    -- What the customer wrote, without the quoted notice.
    body_text     TEXT NOT NULL DEFAULT '',
    -- The attendee's answer of an iTIP REPLY or COUNTER.
    partstat      VARCHAR(16) NOT NULL DEFAULT '',
    -- What the handler did (a code the UI translates) and what went wrong.
    outcome       VARCHAR(32) NOT NULL DEFAULT '',
    error         TEXT NOT NULL DEFAULT '',
    -- An engineer read it (customer messages and the unmatched queue).
    reviewed_at   TIMESTAMP NULL,
    reviewed_by   VARCHAR(64) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS inbound_message_key ON inbound_message (message_key);
CREATE INDEX IF NOT EXISTS inbound_message_state ON inbound_message (state, received_at);
CREATE INDEX IF NOT EXISTS inbound_message_window ON inbound_message (window_id);

-- A window as one customer sees it: the nonce in its signed page link (a new
-- nonce or revoked_at kills the old links) and its acknowledgement.
CREATE TABLE IF NOT EXISTS window_customer (
    window_id             BIGINT NOT NULL REFERENCES maintenance_window (id) ON DELETE CASCADE,
    customer_id           BIGINT NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    link_nonce            VARCHAR(32) NOT NULL,
    link_revoked_at       TIMESTAMP NULL,
    acknowledged_at       TIMESTAMP NULL,
    -- Who: a contact's address, 'page' for the customer page.
    acknowledged_by       VARCHAR(254) NOT NULL DEFAULT '',
    acknowledged_via      VARCHAR(16) NOT NULL DEFAULT '',
    -- The window's SEQUENCE when acknowledged; a later move asks again.
    acknowledged_sequence INTEGER NOT NULL DEFAULT 0,
    ack_reminded_at       TIMESTAMP NULL,
    PRIMARY KEY (window_id, customer_id)
);
CREATE INDEX IF NOT EXISTS window_customer_customer ON window_customer (customer_id);

-- Each invited contact's answer (iTIP PARTSTAT) and delivery trouble on a window.
CREATE TABLE IF NOT EXISTS attendee_answer (
    window_id     BIGINT NOT NULL REFERENCES maintenance_window (id) ON DELETE CASCADE,
    contact_id    BIGINT NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
    partstat      VARCHAR(16) NOT NULL DEFAULT 'NEEDS-ACTION'
                  CHECK (partstat IN ('NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE',
                                      'DELEGATED')),
    comment       TEXT NOT NULL DEFAULT '',
    -- SEQUENCE and DTSTAMP of the reply on record: an older one never replaces it.
    sequence      INTEGER NOT NULL DEFAULT 0,
    stamped_at    TIMESTAMP NULL,
    answered_at   TIMESTAMP NULL,
    inbound_id    BIGINT NULL REFERENCES inbound_message (id) ON DELETE SET NULL,
    bounced_at    TIMESTAMP NULL,
    bounce_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (window_id, contact_id)
);
CREATE INDEX IF NOT EXISTS attendee_answer_contact ON attendee_answer (contact_id);

-- A customer's request to move a window, from the page, a calendar COUNTER or mail.
CREATE TABLE IF NOT EXISTS reschedule_request (
    id              BIGINT NOT NULL PRIMARY KEY,
    window_id       BIGINT NOT NULL REFERENCES maintenance_window (id) ON DELETE CASCADE,
    customer_id     BIGINT NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    contact_id      BIGINT NULL REFERENCES contact (id) ON DELETE SET NULL,
    -- An address, or 'page'.
    requested_by    VARCHAR(254) NOT NULL DEFAULT '',
    via             VARCHAR(16) NOT NULL CHECK (via IN ('page', 'calendar', 'mail')),
    reason          TEXT NOT NULL DEFAULT '',
    -- open; moved (the whole window), split (the customer's circuits into a
    -- new window), declined, withdrawn (by the customer), closed (the window
    -- was cancelled or is over).
    state           VARCHAR(16) NOT NULL DEFAULT 'open'
                    CHECK (state IN ('open', 'moved', 'split', 'declined', 'withdrawn',
                                     'closed')),
    -- The window's SEQUENCE the request was made against (a COUNTER echoes it).
    sequence        INTEGER NOT NULL DEFAULT 0,
    -- The attendee of a COUNTER, whom a DECLINECOUNTER answers.
    attendee        VARCHAR(254) NOT NULL DEFAULT '',
    inbound_id      BIGINT NULL REFERENCES inbound_message (id) ON DELETE SET NULL,
    created_at      TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP NULL,
    decided_by      VARCHAR(64) NOT NULL DEFAULT '',
    decision_reason TEXT NOT NULL DEFAULT '',
    new_window_id   BIGINT NULL REFERENCES maintenance_window (id) ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS reschedule_request_window ON reschedule_request (window_id);
CREATE INDEX IF NOT EXISTS reschedule_request_state ON reschedule_request (state, created_at);

-- The one to three periods a request proposes, in the order given.
CREATE TABLE IF NOT EXISTS reschedule_proposal (
    id          BIGINT NOT NULL PRIMARY KEY,
    request_id  BIGINT NOT NULL REFERENCES reschedule_request (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    starts_at   TIMESTAMP NOT NULL,
    ends_at     TIMESTAMP NOT NULL,
    -- The proposal the NOC chose.
    chosen      BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK (ends_at > starts_at)
);
CREATE INDEX IF NOT EXISTS reschedule_proposal_request ON reschedule_proposal (request_id);
"""


def up(migrator, db):
    for table, column, definition in COLUMNS:
        db.execute_sql(f'ALTER TABLE {table} ADD COLUMN {column} {definition}')
    text = re.sub(r'--[^\n]*', '', SQL)
    for statement in (s.strip() for s in text.split(';')):
        if statement:
            db.execute_sql(statement)


def down(migrator, db):
    for table in TABLES:              # children first
        db.execute_sql(f'DROP TABLE {table}')
    for table, column, _ in reversed(COLUMNS):
        db.execute_sql(f'ALTER TABLE {table} DROP COLUMN {column}')
