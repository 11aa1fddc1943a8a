"""One-line fields hold one line (issue 16): control characters leave the
columns that can reach a mail header.

Names, addresses, titles, codes and references were taken with a CR, LF,
NUL, C1 control or Unicode line separator in them, and a CR/LF in a contact's
name broke composing every notice to it. The forms, the API, CSV files and
the CLI now refuse them; this cleans the rows already stored: each such
character becomes a space, runs of white space one space, and the ends are
trimmed. Each changed row is logged (table, id, column, before and after).
A row whose cleaned value would duplicate another's in a unique column is
left as it is, and logged, for a person to rename.

Data only, and not reversible: which characters were removed is not kept
(the log says), and putting them back would only break mail again; down()
leaves the rows as they are. The columns and the characters are written
out here, not imported, so that this migration says forever what it did.
"""
import logging
import re

import peewee

log = logging.getLogger('noc.migrations')

# table -> its one-line columns (and its search_text, folded from them).
COLUMNS = {
    'customer': ('account_id', 'name', 'search_text'),
    'contact': ('name', 'email', 'search_text'),
    'site': ('code', 'name', 'search_text'),
    'segment': ('code', 'name', 'search_text'),
    'redundancy_group': ('name',),
    'circuit': ('circuit_id', 'customer_ref', 'search_text'),
    'maintenance_window': ('reference', 'title_pt', 'title_en', 'search_text'),
    'app_user': ('full_name', 'email'),
    'api_token': ('name',),
}
# C0 controls, DEL, C1 controls, LINE SEPARATOR and PARAGRAPH SEPARATOR.
CONTROL = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029]')
SPACES = re.compile(r'\s+')


def cleaned(value):
    if not isinstance(value, str) or not CONTROL.search(value):
        return value
    return SPACES.sub(' ', CONTROL.sub(' ', value)).strip()


def _clean_table(db, table, columns):
    p = db.param
    names = ', '.join(columns)
    changed = 0
    for row in list(db.execute_sql(f'SELECT id, {names} FROM {table} ORDER BY id')):
        row_id, values = row[0], dict(zip(columns, row[1:]))
        new = {c: cleaned(v) for c, v in values.items() if cleaned(v) != v}
        if not new:
            continue
        sets = ', '.join(f'{c} = {p}' for c in new)
        try:
            with db.atomic():       # a savepoint: one duplicate does not undo the rest
                db.execute_sql(f'UPDATE {table} SET {sets} WHERE id = {p}',
                               (*new.values(), row_id))
        except peewee.IntegrityError as exc:
            log.warning('0013: %s %s left as it is (%s): %r', table, row_id, exc,
                        {c: values[c] for c in new})
            continue
        changed += 1
        for column, value in new.items():
            log.info('0013: %s %s %s: %r -> %r', table, row_id, column, values[column], value)
    return changed


def up(migrator, db):
    present = set(db.get_tables())
    with db.atomic():
        for table, columns in COLUMNS.items():
            if table in present:
                _clean_table(db, table, columns)


def down(migrator, db):
    """Nothing to undo that would be wanted: see the module's docstring."""
