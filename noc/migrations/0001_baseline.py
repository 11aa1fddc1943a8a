"""Baseline: the schema of Janela's first release (schema.sql at that time).

Databases made before migrations existed start here; nothing to change.
"""


def up(migrator, db):
    pass
