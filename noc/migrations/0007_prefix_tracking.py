"""Prefix tracking: VRP snapshots, IRR loads and objects, prefix requests and
their tracked prefixes with history, routing alerts and RPKI state samples.

The statements are copied from schema.sql as it was when this migration was
written, so the migration keeps doing what it did when schema.sql changes.
"""
import re

TABLES = ('rpki_state_sample', 'routing_alert', 'prefix_history', 'tracked_prefix',
          'prefix_request', 'irr_as_set', 'irr_route', 'irr_load', 'vrp_snapshot')

SQL = """
-- One load of VRPs (validated ROA payloads) from one configured RPKI source.
-- A good load carries its VRPs as a compact blob (noc/routing/vrps.py); a
-- refused one (failed, malformed, empty, shrunk too much) keeps only why, and
-- never replaces the last good one. Old good loads keep their counts for the
-- history but lose their blob.
CREATE TABLE IF NOT EXISTS vrp_snapshot (
    id            BIGINT NOT NULL PRIMARY KEY,
    source        VARCHAR(64) NOT NULL,
    location      VARCHAR(500) NOT NULL,
    loaded_at     TIMESTAMP NOT NULL,
    status        VARCHAR(16) NOT NULL CHECK (status IN ('good', 'refused')),
    -- rpki-client, routinator-json, routinator-jsonext, csv
    format        VARCHAR(32) NOT NULL DEFAULT '',
    -- When the validator built the set (its metadata), if it says.
    generated_at  TIMESTAMP NULL,
    vrp_count     INTEGER NOT NULL DEFAULT 0,
    v4_count      INTEGER NOT NULL DEFAULT 0,
    v6_count      INTEGER NOT NULL DEFAULT 0,
    expired_count INTEGER NOT NULL DEFAULT 0,
    digest        VARCHAR(64) NOT NULL DEFAULT '',
    error         TEXT NOT NULL DEFAULT '',
    vrps          BYTEA NULL
);
CREATE INDEX IF NOT EXISTS vrp_snapshot_source ON vrp_snapshot (source, loaded_at);

-- One load of an RPSL dump into Janela's own IRR tables (irr_route, irr_as_set).
CREATE TABLE IF NOT EXISTS irr_load (
    id           BIGINT NOT NULL PRIMARY KEY,
    source       VARCHAR(32) NOT NULL,
    location     VARCHAR(500) NOT NULL,
    loaded_at    TIMESTAMP NOT NULL,
    status       VARCHAR(16) NOT NULL CHECK (status IN ('good', 'refused')),
    route_count  INTEGER NOT NULL DEFAULT 0,
    as_set_count INTEGER NOT NULL DEFAULT 0,
    -- Objects skipped because they could not be read (bad prefix, no origin).
    skipped      INTEGER NOT NULL DEFAULT 0,
    digest       VARCHAR(64) NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS irr_load_source ON irr_load (source, loaded_at);

-- route/route6 objects of the loaded dumps: the latest good load of each source.
CREATE TABLE IF NOT EXISTS irr_route (
    id      BIGINT NOT NULL PRIMARY KEY,
    source  VARCHAR(32) NOT NULL,
    prefix  VARCHAR(43) NOT NULL,
    origin  BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS irr_route_prefix ON irr_route (prefix);
CREATE INDEX IF NOT EXISTS irr_route_source ON irr_route (source);

-- as-set objects of the loaded dumps; members as listed, space-separated.
CREATE TABLE IF NOT EXISTS irr_as_set (
    id       BIGINT NOT NULL PRIMARY KEY,
    source   VARCHAR(32) NOT NULL,
    name     VARCHAR(128) NOT NULL,
    members  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS irr_as_set_name ON irr_as_set (name);
CREATE INDEX IF NOT EXISTS irr_as_set_source ON irr_as_set (source);

-- An ISP's request to have prefixes accepted on one BGP session.
CREATE TABLE IF NOT EXISTS prefix_request (
    id           BIGINT NOT NULL PRIMARY KEY,
    customer_id  BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    -- The BGP session: an IP transit circuit of that customer.
    circuit_id   BIGINT NOT NULL REFERENCES circuit (id) ON DELETE RESTRICT,
    as_set       VARCHAR(128) NOT NULL DEFAULT '',
    via          VARCHAR(16) NOT NULL CHECK (via IN ('web', 'api', 'mail', 'cli')),
    requested_by VARCHAR(254) NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS prefix_request_customer ON prefix_request (customer_id);
CREATE INDEX IF NOT EXISTS prefix_request_circuit ON prefix_request (circuit_id);

-- One prefix and origin of a request, followed from received to withdrawn.
CREATE TABLE IF NOT EXISTS tracked_prefix (
    id               BIGINT NOT NULL PRIMARY KEY,
    request_id       BIGINT NOT NULL REFERENCES prefix_request (id) ON DELETE CASCADE,
    customer_id      BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    circuit_id       BIGINT NOT NULL REFERENCES circuit (id) ON DELETE RESTRICT,
    prefix           VARCHAR(43) NOT NULL,
    family           INTEGER NOT NULL CHECK (family IN (4, 6)),
    origin           BIGINT NOT NULL,
    -- received, checked, approved, configured, withdrawn, rejected
    state            VARCHAR(16) NOT NULL DEFAULT 'received'
                     CHECK (state IN ('received', 'checked', 'approved', 'configured',
                                      'withdrawn', 'rejected')),
    -- accept, attention, reject; empty before the first check.
    verdict          VARCHAR(16) NOT NULL DEFAULT '',
    -- valid, invalid, not-found; empty before the first check.
    rpki_state       VARCHAR(16) NOT NULL DEFAULT '',
    -- match (a route object with this origin), other (only other origins),
    -- none, unknown (no IRR data could be read)
    irr_state        VARCHAR(16) NOT NULL DEFAULT '',
    -- The verdict's reasons and the evidence behind them, as JSON.
    findings         TEXT NOT NULL DEFAULT '[]',
    evidence         TEXT NOT NULL DEFAULT '{}',
    -- The NOC admitted a prefix longer or shorter than the length limits.
    length_override  BOOLEAN NOT NULL DEFAULT FALSE,
    checked_at       TIMESTAMP NULL,
    state_changed_at TIMESTAMP NOT NULL,
    decided_by       VARCHAR(64) NOT NULL DEFAULT '',
    decision_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tracked_prefix_request ON tracked_prefix (request_id);
CREATE INDEX IF NOT EXISTS tracked_prefix_customer ON tracked_prefix (customer_id, state);
CREATE INDEX IF NOT EXISTS tracked_prefix_circuit ON tracked_prefix (circuit_id);
CREATE INDEX IF NOT EXISTS tracked_prefix_prefix ON tracked_prefix (prefix);
CREATE INDEX IF NOT EXISTS tracked_prefix_state ON tracked_prefix (state, verdict);

-- Every state a tracked prefix went through: workflow steps and changes found
-- by revalidation, with what the checks said at that moment.
CREATE TABLE IF NOT EXISTS prefix_history (
    id          BIGINT NOT NULL PRIMARY KEY,
    prefix_id   BIGINT NOT NULL REFERENCES tracked_prefix (id) ON DELETE CASCADE,
    at          TIMESTAMP NOT NULL,
    -- submitted, checked, revalidated, approved, configured, withdrawn, rejected, reopened
    event       VARCHAR(16) NOT NULL,
    state       VARCHAR(16) NOT NULL,
    verdict     VARCHAR(16) NOT NULL DEFAULT '',
    rpki_state  VARCHAR(16) NOT NULL DEFAULT '',
    irr_state   VARCHAR(16) NOT NULL DEFAULT '',
    findings    TEXT NOT NULL DEFAULT '[]',
    actor       VARCHAR(64) NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS prefix_history_prefix ON prefix_history (prefix_id, at);

-- Something the NOC must look at: a tracked prefix whose validation changed,
-- a data source that failed or was refused. Open until someone closes it.
CREATE TABLE IF NOT EXISTS routing_alert (
    id          BIGINT NOT NULL PRIMARY KEY,
    created_at  TIMESTAMP NOT NULL,
    -- prefix (validation changed), rpki-source, irr-source
    kind        VARCHAR(16) NOT NULL CHECK (kind IN ('prefix', 'rpki-source', 'irr-source')),
    severity    VARCHAR(16) NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
    prefix_id   BIGINT NULL REFERENCES tracked_prefix (id) ON DELETE CASCADE,
    source      VARCHAR(64) NOT NULL DEFAULT '',
    -- A message code and its values (JSON), shown in the reader's language.
    code        VARCHAR(32) NOT NULL,
    params      TEXT NOT NULL DEFAULT '{}',
    closed_at   TIMESTAMP NULL,
    closed_by   VARCHAR(64) NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS routing_alert_open ON routing_alert (closed_at, created_at);

-- Counts of the tracked (approved and configured) prefixes by RPKI state,
-- one row per revalidation: the chart of RPKI states over time.
CREATE TABLE IF NOT EXISTS rpki_state_sample (
    id          BIGINT NOT NULL PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    valid       INTEGER NOT NULL DEFAULT 0,
    invalid     INTEGER NOT NULL DEFAULT 0,
    not_found   INTEGER NOT NULL DEFAULT 0,
    -- The newest good VRP snapshot and IRR load the run saw: newer data
    -- (loaded by the worker or by hand) makes the next run due at once.
    vrp_snapshot_id BIGINT NOT NULL DEFAULT 0,
    irr_load_id     BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS rpki_state_sample_at ON rpki_state_sample (at);
"""


def up(migrator, db):
    text = re.sub(r'--[^\n]*', '', SQL)
    for statement in (s.strip() for s in text.split(';')):
        if statement:
            db.execute_sql(statement)


def down(migrator, db):
    for table in TABLES:              # children first
        db.execute_sql(f'DROP TABLE {table}')
