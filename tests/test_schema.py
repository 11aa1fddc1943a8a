"""schema.sql is the source of truth: the models must mirror it on both engines,
and init-db must be safe to run again."""
import re

import pytest
from helpers.schema_check import describe, model_mismatches
from playhouse.schema_diff import diff_models

from noc.core.db import database, init_db, migration_runner, schema_statements
from noc.models import ALL_MODELS, Partstat, RescheduleState, RescheduleVia


def test_models_agree_with_schema(ctx):
    assert model_mismatches(database.obj, ALL_MODELS) == []
    diff = diff_models(database.obj, ALL_MODELS)
    assert not any(diff), diff


def test_schema_check_notices_a_divergence(ctx):
    """The comparison itself must see a column the models lack."""
    database.execute_sql("ALTER TABLE site ADD COLUMN rack VARCHAR(10) NULL")
    try:
        assert 'site.rack: column not in the model' in model_mismatches(database.obj,
                                                                        ALL_MODELS)
    finally:
        database.execute_sql('ALTER TABLE site DROP COLUMN rack')


def test_init_db_is_idempotent_and_keeps_data(ctx):
    from noc.models import Site
    Site.create(code='BHZ01', name='Belo Horizonte', city='Belo Horizonte', state='MG')
    before = describe(database.obj)
    assert init_db(database.obj) == []
    assert init_db(database.obj) == []
    assert describe(database.obj) == before
    assert Site.get(Site.code == 'BHZ01').name == 'Belo Horizonte'
    applied = [m.name for m in migration_runner(database.obj).status() if m.applied]
    assert applied == [m.name for m in migration_runner(database.obj).migrations()]


def test_schema_file_has_no_engine_specific_syntax():
    """The same text runs on both: no SERIAL, AUTOINCREMENT or engine types."""
    text = ' '.join(schema_statements()).upper()
    for word in ('SERIAL', 'AUTOINCREMENT', 'IDENTITY', 'JSONB', 'TIMESTAMPTZ', 'PRAGMA'):
        assert word not in text


def test_ids_are_unique_and_increasing(ctx):
    from noc.models import RedundancyGroup
    ids = [RedundancyGroup.create(name=f'RG{n}').id for n in range(5)]
    assert ids == sorted(ids) and len(set(ids)) == 5


def _checked_values(table, column):
    """The values schema.sql's CHECK (column IN (...)) of `table` allows, in order."""
    statement = next(s for s in schema_statements()
                     if re.match(rf'CREATE TABLE IF NOT EXISTS {table} \(', s))
    found = re.search(rf'CHECK \({column} IN \(([^)]*)\)\)', statement)
    return tuple(re.findall(r"'([^']*)'", found.group(1)))


@pytest.mark.parametrize('table, column, vocabulary', [
    ('reschedule_request', 'state', RescheduleState),
    ('reschedule_request', 'via', RescheduleVia),
    ('attendee_answer', 'partstat', Partstat)])
def test_vocabularies_are_the_values_the_schema_allows(table, column, vocabulary):
    assert _checked_values(table, column) == vocabulary.values()
