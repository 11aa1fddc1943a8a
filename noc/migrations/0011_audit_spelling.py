"""The audit log speaks one spelling (issue 15): actions are verbs in the
imperative, entities the singular name of the row's table.

Inventory and user rows were logged as `created`/`updated`/`deleted`/`locked`
on `customers`, `users`…, while windows and prefixes were logged as `create`
on `maintenance_window`. Stored rows are rewritten so that the history of a
customer reads, and filters, the same before and after the change. Data
only: no table changes. The spellings are written out here, not imported,
so that this migration says forever what it did.
"""

ACTIONS = {'created': 'create', 'updated': 'update', 'deleted': 'delete', 'locked': 'lock'}
ENTITIES = {'customers': 'customer', 'contacts': 'contact', 'sites': 'site',
            'segments': 'segment', 'circuits': 'circuit',
            'redundancy_groups': 'redundancy_group', 'users': 'user'}


def _rename(db, column, old, new, entities):
    """`column` from `old` to `new` on rows whose entity is one of `entities`
    (only the entities that used the old words: 'create' on a window stays)."""
    marks = ', '.join([db.param] * len(entities))
    db.execute_sql(f'UPDATE audit_log SET {column} = {db.param} '
                   f'WHERE {column} = {db.param} AND entity IN ({marks})',
                   (new, old, *entities))


def up(migrator, db):
    with db.atomic():
        for old, new in ACTIONS.items():
            _rename(db, 'action', old, new, list(ENTITIES))
        for old, new in ENTITIES.items():
            _rename(db, 'entity', old, new, [old])


def down(migrator, db):
    with db.atomic():
        for old, new in ENTITIES.items():
            _rename(db, 'entity', new, old, [new])
        for old, new in ACTIONS.items():
            _rename(db, 'action', new, old, list(ENTITIES))
