-- Janela's schema: the source of truth.
--
-- Applied as is on SQLite and PostgreSQL, so it keeps to the SQL both
-- understand: no SERIAL or AUTOINCREMENT (ids come from id_sequence, handed
-- out by noc/db.py inside the inserting transaction), TIMESTAMP columns hold
-- UTC without a zone (the application converts), BOOLEAN holds TRUE/FALSE.
-- Every statement is idempotent so `flask noc init-db` can run any time.
-- Changes after the first release ship as migrations in noc/migrations/
-- and are mirrored here.

CREATE TABLE IF NOT EXISTS id_sequence (
    table_name  VARCHAR(64) NOT NULL PRIMARY KEY,
    last_id     BIGINT NOT NULL DEFAULT 0
);

-- NOC users -----------------------------------------------------------------

CREATE TABLE IF NOT EXISTS app_user (
    id              BIGINT NOT NULL PRIMARY KEY,
    username        VARCHAR(64) NOT NULL,
    full_name       VARCHAR(200) NOT NULL DEFAULT '',
    email           VARCHAR(254) NOT NULL DEFAULT '',
    password_hash   VARCHAR(255) NOT NULL,
    role            VARCHAR(16) NOT NULL DEFAULT 'viewer'
                    CHECK (role IN ('viewer', 'engineer', 'admin')),
    language        VARCHAR(8) NOT NULL DEFAULT 'pt_BR'
                    CHECK (language IN ('pt_BR', 'en')),
    time_zone       VARCHAR(64) NOT NULL DEFAULT 'America/Sao_Paulo',
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMP NOT NULL,
    last_login_at   TIMESTAMP NULL,
    -- Failed logins in a row from all addresses together (migration 0002); at
    -- web.lockout_backstop_attempts the account is locked until locked_until,
    -- but only for addresses it has not logged in from lately (login_address).
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMP NULL,
    -- Part of every session cookie; a new one (password change, logout)
    -- ends the sessions made with the old (migration 0003).
    session_token   VARCHAR(64) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS app_user_username ON app_user (username);

-- Who changed what, when, with the state before and after (JSON text).
CREATE TABLE IF NOT EXISTS audit_log (
    id          BIGINT NOT NULL PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    user_id     BIGINT NULL REFERENCES app_user (id) ON DELETE SET NULL,
    username    VARCHAR(64) NOT NULL,
    action      VARCHAR(32) NOT NULL,
    entity      VARCHAR(32) NOT NULL,
    entity_id   BIGINT NULL,
    entity_key  VARCHAR(200) NOT NULL DEFAULT '',
    before_json TEXT NULL,
    after_json  TEXT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
CREATE INDEX IF NOT EXISTS audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log (user_id);

-- Each client address (an IPv6 client's /64) an account was tried from
-- (migration 0012): failed logins in a row from it, and the lock they earn at
-- web.lockout_attempts, which keeps that address alone out of that account;
-- last_login_at marks an address the account has logged in from.
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

-- Customers ------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS customer (
    id              BIGINT NOT NULL PRIMARY KEY,
    account_id      VARCHAR(32) NOT NULL,
    name            VARCHAR(200) NOT NULL,
    kind            VARCHAR(16) NOT NULL
                    CHECK (kind IN ('isp', 'enterprise', 'carrier')),
    notice_language VARCHAR(8) NOT NULL DEFAULT 'pt_BR'
                    CHECK (notice_language IN ('pt_BR', 'en')),
    time_zone       VARCHAR(64) NOT NULL DEFAULT 'America/Sao_Paulo',
    notes           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    -- Searchable fields folded (lower case, no accents), kept by the domain
    -- (migration 0004): 'araxa' finds 'ARAXÁ' on both engines.
    search_text TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS customer_account_id ON customer (account_id);
CREATE INDEX IF NOT EXISTS customer_name ON customer (name);

-- An ASN belongs to one customer: it is what ties BGP requests to them.
CREATE TABLE IF NOT EXISTS customer_asn (
    id          BIGINT NOT NULL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    asn         BIGINT NOT NULL CHECK (asn BETWEEN 1 AND 4294967295)
);
CREATE UNIQUE INDEX IF NOT EXISTS customer_asn_asn ON customer_asn (asn);
CREATE INDEX IF NOT EXISTS customer_asn_customer ON customer_asn (customer_id);

-- Periods when the customer accepts no planned work (e.g. Black Friday).
CREATE TABLE IF NOT EXISTS change_freeze (
    id          BIGINT NOT NULL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL,
    reason      VARCHAR(200) NOT NULL DEFAULT '',
    CHECK (ends_on >= starts_on)
);
CREATE INDEX IF NOT EXISTS change_freeze_customer ON change_freeze (customer_id);

CREATE TABLE IF NOT EXISTS contact (
    id                BIGINT NOT NULL PRIMARY KEY,
    customer_id       BIGINT NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    name              VARCHAR(200) NOT NULL,
    email             VARCHAR(254) NOT NULL,
    phone             VARCHAR(40) NOT NULL DEFAULT '',
    role_maintenance  BOOLEAN NOT NULL DEFAULT FALSE,
    role_bgp          BOOLEAN NOT NULL DEFAULT FALSE,
    role_technical    BOOLEAN NOT NULL DEFAULT FALSE,
    role_commercial   BOOLEAN NOT NULL DEFAULT FALSE,
    language          VARCHAR(8) NOT NULL DEFAULT 'pt_BR'
                      CHECK (language IN ('pt_BR', 'en')),
    time_zone         VARCHAR(64) NOT NULL DEFAULT 'America/Sao_Paulo',
    -- 'invitation': iTIP METHOD:REQUEST for calendar clients;
    -- 'plain': the same VEVENT without METHOD, for maintenance parsers.
    notice_format     VARCHAR(16) NOT NULL DEFAULT 'invitation'
                      CHECK (notice_format IN ('invitation', 'plain')),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    -- Searchable fields folded (lower case, no accents), kept by the domain
    -- (migration 0004): 'araxa' finds 'ARAXÁ' on both engines.
    search_text TEXT NOT NULL DEFAULT '',
    -- Mail to this address bounced (migration 0006): when, and the server's words.
    bounced_at        TIMESTAMP NULL,
    bounce_reason     TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS contact_customer_email ON contact (customer_id, email);
CREATE INDEX IF NOT EXISTS contact_email ON contact (email);

-- Network --------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS site (
    id          BIGINT NOT NULL PRIMARY KEY,
    code        VARCHAR(32) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    kind        VARCHAR(16) NOT NULL DEFAULT 'pop'
                CHECK (kind IN ('pop', 'datacenter', 'tower', 'customer')),
    city        VARCHAR(100) NOT NULL,
    state       VARCHAR(2) NOT NULL,
    address     VARCHAR(300) NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    -- Searchable fields folded (lower case, no accents), kept by the domain
    -- (migration 0004): 'araxa' finds 'ARAXÁ' on both engines.
    search_text TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS site_code ON site (code);
CREATE INDEX IF NOT EXISTS site_city ON site (city);

-- Fibre spans, rings and devices that circuits ride on. A span may belong to
-- a ring (parent): work on the ring touches every circuit on its spans.
CREATE TABLE IF NOT EXISTS segment (
    id          BIGINT NOT NULL PRIMARY KEY,
    code        VARCHAR(48) NOT NULL,
    name        VARCHAR(200) NOT NULL,
    kind        VARCHAR(16) NOT NULL
                CHECK (kind IN ('span', 'ring', 'device')),
    a_site_id   BIGINT NULL REFERENCES site (id) ON DELETE RESTRICT,
    z_site_id   BIGINT NULL REFERENCES site (id) ON DELETE RESTRICT,
    parent_id   BIGINT NULL REFERENCES segment (id) ON DELETE SET NULL,
    length_km   NUMERIC(8, 2) NULL CHECK (length_km IS NULL OR length_km >= 0),
    description TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    -- Searchable fields folded (lower case, no accents), kept by the domain
    -- (migration 0004): 'araxa' finds 'ARAXÁ' on both engines.
    search_text TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS segment_code ON segment (code);
CREATE INDEX IF NOT EXISTS segment_a_site ON segment (a_site_id);
CREATE INDEX IF NOT EXISTS segment_z_site ON segment (z_site_id);
CREATE INDEX IF NOT EXISTS segment_parent ON segment (parent_id);

-- Circuits that back each other up: losing two at once is an outage.
CREATE TABLE IF NOT EXISTS redundancy_group (
    id          BIGINT NOT NULL PRIMARY KEY,
    name        VARCHAR(64) NOT NULL,
    description VARCHAR(200) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS redundancy_group_name ON redundancy_group (name);

CREATE TABLE IF NOT EXISTS circuit (
    id                  BIGINT NOT NULL PRIMARY KEY,
    circuit_id          VARCHAR(48) NOT NULL,
    customer_id         BIGINT NOT NULL REFERENCES customer (id) ON DELETE RESTRICT,
    customer_ref        VARCHAR(100) NOT NULL DEFAULT '',
    service             VARCHAR(24) NOT NULL
                        CHECK (service IN ('ip-transit', 'l2-transport', 'l3vpn',
                                           'dark-fibre', 'wavelength', 'colocation')),
    bandwidth_mbps      BIGINT NULL CHECK (bandwidth_mbps IS NULL OR bandwidth_mbps > 0),
    status              VARCHAR(16) NOT NULL DEFAULT 'active'
                        CHECK (status IN ('planned', 'active', 'decommissioned')),
    a_site_id           BIGINT NOT NULL REFERENCES site (id) ON DELETE RESTRICT,
    z_site_id           BIGINT NULL REFERENCES site (id) ON DELETE RESTRICT,
    redundancy_group_id BIGINT NULL REFERENCES redundancy_group (id) ON DELETE SET NULL,
    bgp_asn             BIGINT NULL CHECK (bgp_asn IS NULL OR bgp_asn BETWEEN 1 AND 4294967295),
    bgp_as_set          VARCHAR(128) NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    -- Searchable fields folded (lower case, no accents), kept by the domain
    -- (migration 0004): 'araxa' finds 'ARAXÁ' on both engines.
    search_text TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS circuit_circuit_id ON circuit (circuit_id);
CREATE INDEX IF NOT EXISTS circuit_customer ON circuit (customer_id);
CREATE INDEX IF NOT EXISTS circuit_a_site ON circuit (a_site_id);
CREATE INDEX IF NOT EXISTS circuit_z_site ON circuit (z_site_id);
CREATE INDEX IF NOT EXISTS circuit_redundancy_group ON circuit (redundancy_group_id);
CREATE INDEX IF NOT EXISTS circuit_service ON circuit (service);
CREATE INDEX IF NOT EXISTS circuit_customer_ref ON circuit (customer_ref);

CREATE TABLE IF NOT EXISTS circuit_segment (
    circuit_id  BIGINT NOT NULL REFERENCES circuit (id) ON DELETE CASCADE,
    segment_id  BIGINT NOT NULL REFERENCES segment (id) ON DELETE RESTRICT,
    PRIMARY KEY (circuit_id, segment_id)
);
CREATE INDEX IF NOT EXISTS circuit_segment_segment ON circuit_segment (segment_id);

-- Maintenance windows (migration 0005) ----------------------------------------

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
    -- SEQUENCE of the notice that last moved the window (migration 0006):
    -- answers given to an earlier one were about other times.
    times_sequence      INTEGER NOT NULL DEFAULT 0,
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
    -- The claim's fencing token: only the worker holding it marks or sends the row.
    claim_token     VARCHAR(32) NOT NULL DEFAULT '',
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

-- Customers' answers and reschedule requests (migration 0006) ------------------

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
    via             VARCHAR(16) NOT NULL CHECK (via IN ('page', 'calendar', 'mail', 'api')),
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

-- An ad hoc check of prefixes and origins through the API: the RPKI and IRR
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
