"""A database made by an earlier release upgrades to the current schema and keeps its data."""
import os

import peewee
from helpers.schema_check import describe, model_mismatches

from noc.core.db import apply_schema, database, init_db, migration_runner
from noc.models import ALL_MODELS, Circuit, Customer, User

BASELINE = os.path.join(os.path.dirname(__file__), 'fixtures', 'schema_0001.sql')


def _drop_everything(db):
    postgres = isinstance(db, peewee.PostgresqlDatabase)
    if not postgres:
        # SQLite's DROP deletes the rows first, following cascades into
        # tables whose own parents may be gone already.
        db.execute_sql('PRAGMA foreign_keys = OFF')
    for table in reversed(db.get_tables()):
        db.execute_sql(f'DROP TABLE IF EXISTS {table} CASCADE'
                       if postgres else f'DROP TABLE IF EXISTS {table}')
    if not postgres:
        db.execute_sql('PRAGMA foreign_keys = ON')


def _baseline_with_data(db):
    """The first release's schema holding a user, a customer and a circuit."""
    _drop_everything(db)
    with open(BASELINE, encoding='utf-8') as fh:
        apply_schema(db, fh.read())
    migration_runner(db).fake('0001_baseline')
    p = db.param
    db.execute_sql(f"INSERT INTO app_user (id, username, password_hash, role, language, "
                   f"time_zone, active, created_at) VALUES (1, {p}, 'x', 'admin', 'en', "
                   f"'UTC', {p}, '2026-01-02 03:04:05')", ('olduser', True))
    db.execute_sql("INSERT INTO customer (id, account_id, name, kind, notice_language, "
                   "time_zone, notes, created_at, updated_at) VALUES (7, 'CLI-7', "
                   "'Provedor Antigo', 'isp', 'pt_BR', 'America/Sao_Paulo', '', "
                   "'2026-01-02 03:04:05', '2026-01-02 03:04:05')")
    db.execute_sql("INSERT INTO site (id, code, name, kind, city, state, address, created_at, "
                   "updated_at) VALUES (3, 'BHZ01', 'BH', 'pop', 'Belo Horizonte', 'MG', '', "
                   "'2026-01-02 03:04:05', '2026-01-02 03:04:05')")
    db.execute_sql("INSERT INTO circuit (id, circuit_id, customer_id, customer_ref, service, "
                   "status, a_site_id, bgp_as_set, notes, created_at, updated_at) VALUES "
                   "(9, 'JAN-IPT-9', 7, 'REF-9', 'ip-transit', 'active', 3, '', '', "
                   "'2026-01-02 03:04:05', '2026-01-02 03:04:05')")
    db.execute_sql("INSERT INTO id_sequence (table_name, last_id) VALUES ('customer', 7)")


def test_upgrade_keeps_data_and_matches_a_fresh_database(ctx):
    db = database.obj
    _drop_everything(db)
    init_db(db)
    fresh = describe(db)

    _baseline_with_data(db)
    assert describe(db) != fresh, 'the baseline should predate later migrations'
    applied = init_db(db)

    assert applied == [m.name for m in migration_runner(db).migrations()][1:]
    assert describe(db) == fresh
    assert model_mismatches(db, ALL_MODELS) == []
    assert User.get(User.username == 'olduser').failed_logins == 0
    circuit = Circuit.get(Circuit.circuit_id == 'JAN-IPT-9')
    assert circuit.customer.name == 'Provedor Antigo' and circuit.customer_ref == 'REF-9'
    assert circuit.customer.search_text == 'cli-7 provedor antigo'     # filled by 0004
    assert circuit.search_text == 'jan-ipt-9 ref-9'
    # New rows take ids after the old ones.
    assert Customer.create(account_id='CLI-8', name='Novo', kind='isp').id == 8
    assert init_db(db) == []


def test_every_migration_can_be_reverted_and_reapplied(ctx):
    db = database.obj
    _baseline_with_data(db)
    runner = migration_runner(db)
    runner.up()
    upgraded = describe(db)
    reverted = runner.down('0002_user_lockout')
    assert '0002_user_lockout' in reverted
    assert 'failed_logins' not in describe(db)['app_user']['columns']
    runner.up()
    assert describe(db) == upgraded


def _via_check(db):
    if isinstance(db, peewee.SqliteDatabase):
        return db.execute_sql("SELECT sql FROM sqlite_master WHERE name = "
                              "'reschedule_request'").fetchone()[0]
    return db.execute_sql("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
                          "'reschedule_request_via_check'").fetchone()[0]


def test_reschedule_requests_through_the_api_are_allowed_after_0010(ctx):
    db = database.obj
    _baseline_with_data(db)
    runner = migration_runner(db)
    runner.up()
    assert "'api'" in _via_check(db)
    runner.down('0010_reschedule_via_api')
    assert "'api'" not in _via_check(db) and "'mail'" in _via_check(db)
    runner.up()
    assert "'api'" in _via_check(db)
