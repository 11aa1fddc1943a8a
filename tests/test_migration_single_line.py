"""0013_single_line_fields: control characters stored before issue 16 leave the
one-line columns, each changed row is logged, and multi-line texts keep theirs."""
import logging

from test_migrations import _baseline_with_data

from noc.core.db import database, migration_runner

NAME = '0013_single_line_fields'


def _rows(db, sql):
    return list(db.execute_sql(sql))


def test_stored_control_characters_become_one_space(ctx, caplog):
    db = database.obj
    _baseline_with_data(db)
    runner = migration_runner(db)
    runner.up()
    # Rows as an earlier release let them in; notes keep their lines.
    p = db.param
    db.execute_sql(f'UPDATE customer SET name = {p}, notes = {p}, search_text = {p} WHERE id = 7',
                   ('Provedor\r\nAntigo\x85 ', 'linha 1\nlinha 2',
                    'cli-7 provedor\r\nantigo\x85'))
    db.execute_sql(f'UPDATE circuit SET customer_ref = {p} WHERE id = 9', ('REF\u20289',))
    db.execute_sql(f'UPDATE app_user SET full_name = {p} WHERE id = 1', ('Old\tUser\x7f',))
    db.execute_sql(f'UPDATE site SET name = {p} WHERE id = 3', ('BH',))     # clean already
    runner.down(NAME)
    assert NAME not in runner.applied()
    with caplog.at_level(logging.INFO, logger='noc.migrations'):
        assert runner.up(NAME) == [NAME]

    assert _rows(db, 'SELECT name, notes, search_text FROM customer WHERE id = 7') == [
        ('Provedor Antigo', 'linha 1\nlinha 2', 'cli-7 provedor antigo')]
    assert _rows(db, 'SELECT customer_ref FROM circuit WHERE id = 9') == [('REF 9',)]
    assert _rows(db, 'SELECT full_name FROM app_user WHERE id = 1') == [('Old User',)]
    assert _rows(db, 'SELECT name FROM site WHERE id = 3') == [('BH',)]
    logged = [r.getMessage() for r in caplog.records if r.name == 'noc.migrations']
    assert any('customer 7 name' in m and 'Provedor Antigo' in m for m in logged), logged
    assert any('circuit 9 customer_ref' in m for m in logged)
    assert any('app_user 1 full_name' in m for m in logged)
    assert not any('site 3' in m for m in logged)
    # Nothing left to clean: applying it again changes and logs nothing.
    caplog.clear()
    runner.down(NAME)
    with caplog.at_level(logging.INFO, logger='noc.migrations'):
        runner.up()
    assert not [r for r in caplog.records if r.name == 'noc.migrations']


def test_a_cleaned_value_that_would_duplicate_another_is_left_and_logged(ctx, caplog):
    db = database.obj
    _baseline_with_data(db)
    runner = migration_runner(db)
    runner.up()
    db.execute_sql("INSERT INTO redundancy_group (id, name) VALUES (1, 'RG A'), (2, 'RG\nA')")
    runner.down(NAME)
    with caplog.at_level(logging.INFO, logger='noc.migrations'):
        runner.up()
    assert sorted(_rows(db, 'SELECT id, name FROM redundancy_group')) == [
        (1, 'RG A'), (2, 'RG\nA')]
    assert any('redundancy_group 2 left as it is' in r.getMessage() for r in caplog.records)
