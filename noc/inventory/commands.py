"""Inventory commands: the one way in for the pages, the API, the CLI and CSV files.

Each takes the entity, an id, the values, the actor and `now` (the time of
the change; the clock's when not given); finds and locks the row, lets
inventory.service parse and check the values and write the row with its
audit entry, all in one transaction, and raises service.RowRefused (a
Refused: errors by field; kind 'conflict' when other rows or another writer
stand in the way) or NotFound. Values are what the fields read: text as a
form or a file has it, or typed values as the API has them (numbers, lists,
periods as objects).
"""
import peewee as pw
from flask_babel import lazy_gettext as _l

from noc.core.db import lock_rows, write_transaction
from noc.core.errors import CONFLICT, NotFound
from noc.core.limits import MAX_ID, MAX_UPLOAD
from noc.core.text import clean_text
from noc.inventory import csvio, service
from noc.inventory.service import RowRefused


def find(entity, row_id, query=None):
    """The row `row_id` of `entity` (within `query`, a caller's narrower view),
    or NotFound: a missing row and one outside the view read alike."""
    row = None
    if 0 < row_id <= MAX_ID:        # a larger number names no row; the driver would fail
        query = query if query is not None else entity.query()
        row = query.where(entity.model.id == row_id).first()
    if row is None:
        raise NotFound(str(entity.audit_entity))
    return row


def _locked(entity, row_id):
    """find() with the row locked to the end of the transaction. The lock is
    taken on the table's own row: the entity's query joins the nullable side
    of outer joins, which FOR UPDATE refuses."""
    if 0 < row_id <= MAX_ID:
        lock_rows(entity.model.select(entity.model.id)
                  .where(entity.model.id == row_id)).first()
    return find(entity, row_id)


def defaults(entity):
    """What an empty form of a new row holds: the value of every field left out."""
    values = {}
    for fl in entity.fields:
        empty = fl.default in ('', None, [])
        values[fl.name] = fl.default if fl.multiple else '' if empty else fl.format(fl.default)
    return values


def _raced(entity, values):
    """Another writer stored the same natural key between our check and our write."""
    key = ' / '.join(clean_text(values.get(name)) for name in entity.key)
    return RowRefused({entity.key[-1]: str(_l('"%(value)s" is already used by another record',
                                              value=key))}, kind=CONFLICT)


def create(entity, values, actor, now=None):
    """A new row from `values` (fields left out take the form's defaults) ->
    (row, 'created'). A row with the same natural key is refused,
    never overwritten (only CSV import matches rows by key)."""
    try:
        with write_transaction():
            return service.save_text(entity, defaults(entity) | dict(values), actor, now=now)
    except pw.IntegrityError:
        raise _raced(entity, values) from None


def update(entity, row_id, changes, actor, now=None):
    """Change the fields in `changes`; the others keep what is stored (as an edit
    form sends them back) -> (row, 'updated' | 'unchanged')."""
    try:
        with write_transaction():
            obj = _locked(entity, row_id)
            stored = entity.formatted(entity.read(obj))
            return service.save_text(entity, stored | dict(changes), actor, obj, now)
    except pw.IntegrityError:
        raise _raced(entity, changes) from None


def delete(entity, row_id, actor, now=None):
    """Delete the row; RowRefused (kind 'conflict') names what still uses it."""
    with write_transaction():
        service.delete(entity, _locked(entity, row_id), actor, now)


def import_csv(entity, data, actor, commit=True, now=None):
    """Import a CSV file's text or bytes, all or nothing -> csvio.ImportResult
    (its errors by line and column). `commit=False` is the preview: the same
    run, rolled back."""
    return csvio.import_csv(entity, data, actor, commit=commit, now=now)


def import_upload(entity, data, actor, commit=True, now=None):
    """import_csv() for a file sent through the browser, which sends it again,
    encoded, to confirm (4/3 larger): at most MAX_UPLOAD bytes."""
    if len(data) > MAX_UPLOAD:
        raise RowRefused({'file': str(_l('The file is too large (at most 14 MB); split it, '
                                         'or use flask noc import.'))})
    return import_csv(entity, data, actor, commit, now)
