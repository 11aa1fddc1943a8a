"""Introspect a database and compare it with the models or another database."""
import peewee

# How each engine names the types peewee fields declare.
# peewee's type names -> the SQL schema.sql uses -> what PostgreSQL reports.
SQL_TYPES = {'BOOL': 'BOOLEAN', 'DATETIME': 'TIMESTAMP', 'DECIMAL': 'NUMERIC', 'INT': 'INTEGER'}
PG_TYPES = {'BIGINT': 'bigint', 'INTEGER': 'integer', 'VARCHAR': 'character varying',
            'TEXT': 'text', 'BOOLEAN': 'boolean', 'TIMESTAMP': 'timestamp without time zone',
            'DATE': 'date', 'NUMERIC': 'numeric', 'BYTEA': 'bytea'}


def describe(db, skip=('schema_migration',)):
    """{table: {'columns': {...}, 'indexes': {...}, 'foreign_keys': {...}}}."""
    result = {}
    for table in db.get_tables():
        if table in skip:
            continue
        result[table] = {
            'columns': {c.name: (c.data_type.upper() if _is_sqlite(db) else c.data_type,
                                 c.null, c.primary_key)
                        for c in db.get_columns(table)},
            'indexes': {(tuple(i.columns), i.unique) for i in db.get_indexes(table)
                        if not i.name.startswith('sqlite_autoindex')
                        and not i.name.endswith('_pkey')},
            'foreign_keys': {(fk.column, fk.dest_table, fk.dest_column)
                             for fk in db.get_foreign_keys(table)},
        }
    return result


def _is_sqlite(db):
    return isinstance(db, peewee.SqliteDatabase)


def expected_type(db, field):
    """The column type `field` should have on `db`, as introspection reports it."""
    declared = SQL_TYPES.get(field.field_type, field.field_type)
    if _is_sqlite(db):
        name = declared
        modifiers = field.get_modifiers()
        return f'{name}({", ".join(map(str, modifiers))})' if modifiers else name
    return PG_TYPES[declared]


def model_mismatches(db, models):
    """Every way the models and the database disagree, as readable lines."""
    problems = []
    described = describe(db)
    for model in models:
        table = model._meta.table_name
        if table not in described:
            problems.append(f'{table}: table missing')
            continue
        columns = described[table]['columns']
        for field in model._meta.sorted_fields:
            name = field.column_name
            if name not in columns:
                problems.append(f'{table}.{name}: column missing')
                continue
            data_type, null, _ = columns[name]
            if data_type != expected_type(db, field):
                problems.append(f'{table}.{name}: type {data_type}, model says '
                                f'{expected_type(db, field)}')
            if bool(null) != bool(field.null) and not field.primary_key:
                problems.append(f'{table}.{name}: nullable={null}, model says {field.null}')
            if isinstance(field, peewee.ForeignKeyField):
                target = (name, field.rel_model._meta.table_name, field.rel_field.column_name)
                if target not in described[table]['foreign_keys']:
                    problems.append(f'{table}.{name}: no foreign key to {target[1:]}')
        extra = set(columns) - {f.column_name for f in model._meta.sorted_fields}
        problems.extend(f'{table}.{name}: column not in the model' for name in sorted(extra))
        pk = {n for n, (_, _, is_pk) in columns.items() if is_pk}
        model_pk = {f.column_name for f in model._meta.get_primary_keys()}
        if pk != model_pk:
            problems.append(f'{table}: primary key {sorted(pk)}, model says {sorted(model_pk)}')
    known = {m._meta.table_name for m in models}
    problems.extend(f'{t}: table not in the models' for t in sorted(set(described) - known))
    return problems
