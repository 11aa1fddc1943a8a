"""search_text on customers, contacts, sites, segments and circuits, filled in.

Searches compare folded text (lower case, no accents) so 'araxa' finds
'ARAXÁ' on both engines. The folding is copied here, not imported, so this
migration keeps doing what it did when the application changes.
"""
import unicodedata

SOURCES = {                     # table: columns folded, as entities.search_fields
    'customer': ('account_id', 'name'),
    'contact': ('name', 'email'),
    'site': ('code', 'name', 'city'),
    'segment': ('code', 'name'),
    'circuit': ('circuit_id', 'customer_ref'),
}


def _fold(parts):
    text = ' '.join(str(p) for p in parts if p not in (None, ''))
    decomposed = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def up(migrator, db):
    for table, columns in SOURCES.items():
        db.execute_sql(f"ALTER TABLE {table} ADD COLUMN search_text TEXT NOT NULL DEFAULT ''")
        rows = db.execute_sql(f'SELECT id, {", ".join(columns)} FROM {table}').fetchall()
        for row in rows:
            db.execute_sql(f'UPDATE {table} SET search_text = {db.param} WHERE id = {db.param}',
                           (_fold(row[1:]), row[0]))


def down(migrator, db):
    for table in SOURCES:
        db.execute_sql(f'ALTER TABLE {table} DROP COLUMN search_text')
