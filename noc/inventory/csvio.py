"""CSV import and export of inventory rows.

An import is all or nothing: every row is parsed and written inside one
transaction, and if any row is bad the transaction is rolled back and each
bad row is reported with its line, column and reason. A preview is the same
run, always rolled back, so what it shows is exactly what the import does.
Rows are matched by natural key, so importing the same file twice changes
nothing the second time. A column left out of the file keeps the stored
value of rows that exist (a short file updates names without wiping ASNs).
Rows that name another row of the same file (a span and its ring) are
written after it, whatever their order in the file.
"""
import csv
import io
from dataclasses import dataclass, field

import peewee as pw
from flask_babel import lazy_gettext as _l

from noc.core.db import database, write_transaction
from noc.core.limits import MAX_CSV_ROWS
from noc.inventory.fields import ValueRefused, clean_text
from noc.inventory.service import RowRefused, parse, save


@dataclass
class RowResult:
    line: int
    key: str = ''
    action: str = ''                     # created, updated, unchanged, error
    errors: list = field(default_factory=list)   # [(column, message)]


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)   # [(line, column, message)]
    committed: bool = False

    def count(self, action):
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self):
        return not self.errors


def decode(data):
    """Text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252,
    which is what spreadsheets in Brazil save."""
    if isinstance(data, str):
        return data
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError:
        return data.decode('cp1252', errors='replace')


def _dialect(text):
    first_line = text.split('\n', 1)[0]
    # Spreadsheets set to pt-BR write ';' between columns.
    return ';' if first_line.count(';') > first_line.count(',') else ','


def _read(entity, text, result):
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=_dialect(text))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        result.errors.append((1, '', str(_l('not a CSV file: %(error)s', error=exc))))
        return
    if not header:
        result.errors.append((1, '', str(_l('the file is empty; the first line must '
                                            'name the columns'))))
        return
    header = [h.strip().lstrip('\ufeff').lower() for h in header]
    known = [fl.name for fl in entity.fields]
    unknown = [h for h in header if h not in known]
    missing = [fl.name for fl in entity.fields if fl.required and fl.name not in header]
    if unknown or missing or len(set(header)) != len(header):
        message = []
        if unknown:
            message.append(str(_l('unknown columns: %(names)s', names=', '.join(unknown))))
        if missing:
            message.append(str(_l('missing columns: %(names)s', names=', '.join(missing))))
        if len(set(header)) != len(header):
            message.append(str(_l('a column is named twice')))
        message.append(str(_l('expected columns: %(names)s', names=', '.join(known))))
        result.errors.append((1, '', '; '.join(message)))
        return
    line = reader.line_num + 1
    count = 0
    try:
        for cells in reader:
            if any(c.strip() for c in cells):
                count += 1
                yield line, [_restore(c) for c in cells], header
            line = reader.line_num + 1
            if count > MAX_CSV_ROWS:
                result.errors.append((line, '', str(_l('more than %(max)d rows; split '
                                                       'the file', max=MAX_CSV_ROWS))))
                return
    except csv.Error as exc:
        result.errors.append((line, '', str(_l('not a CSV file: %(error)s', error=exc))))


def _ordered(entity, rows):
    """`rows` with each one after the rows of the file it names (its ring)."""
    refs = [fl.name for fl in entity.fields if fl.target is entity.model]
    if not refs or len(entity.key) != 1:
        return rows
    key = entity.key[0]
    cells = [dict(zip(header, values)) for _, values, header in rows]
    defined = {}
    for index, row in enumerate(cells):
        code = clean_text(row.get(key)).upper()
        if code:
            defined.setdefault(code, index)

    def needs(index):
        named = (defined.get(clean_text(cells[index].get(name)).upper() or None)
                 for name in refs)
        return iter([j for j in named if j is not None and j != index])

    order, done = [], set()
    for start in range(len(rows)):
        if start in done:
            continue
        stack, visiting = [(start, needs(start))], {start}
        while stack:          # depth first, without recursion (chains can be long)
            index, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is None:
                stack.pop()
                visiting.discard(index)
                done.add(index)
                order.append(rows[index])
            elif nxt not in done and nxt not in visiting:   # a cycle fails on its own
                visiting.add(nxt)
                stack.append((nxt, needs(nxt)))
    return order


def _with_stored(entity, raw, header):
    """`raw` completed, for a stored row, with the values of absent columns."""
    absent = [fl.name for fl in entity.fields if fl.name not in header]
    if not absent:
        return raw
    try:
        key = {k: entity.field(k).parse(raw.get(k)) for k in entity.key}
    except ValueRefused:
        return raw              # the full parse reports it
    obj = entity.find(key)
    if obj is None:
        return raw
    stored = entity.formatted(entity.read(obj))
    return {**{name: stored[name] for name in absent}, **raw}


def _import_row(entity, line, cells, header, actor, seen, result, now):
    row = RowResult(line)
    result.rows.append(row)
    if len(cells) != len(header):
        row.errors.append(('', str(_l('has %(found)d cells; the header has %(expected)d',
                                      found=len(cells), expected=len(header)))))
        return row
    try:
        values = parse(entity, _with_stored(entity, dict(zip(header, cells)), header))
    except RowRefused as exc:
        row.errors.extend(exc.errors.items())
        return row
    row.key = entity.key_of(values)
    if row.key in seen:
        row.errors.append((entity.key[-1], str(_l('repeats "%(key)s" of line %(line)d',
                                                  key=row.key, line=seen[row.key]))))
        return row
    seen[row.key] = line
    try:
        with database.atomic():
            row.action = save(entity, values, actor, now=now)[1]
    except (pw.IntegrityError, pw.DataError) as exc:
        row.errors.append(('', str(_l('refused by the database: %(error)s',
                                      error=str(exc).splitlines()[0]))))
    return row


def import_csv(entity, data, actor, commit=True, now=None):
    """Import CSV text or bytes; commit only when asked and every row is good.
    (inventory.commands.import_csv is the entry points' way in: it adds the
    upload's limit.)"""
    result = ImportResult()
    seen = {}
    rows = list(_read(entity, decode(data), result))
    # Read, then write: the first row's lookups must not go stale before its write.
    with write_transaction() as transaction:
        for line, cells, header in _ordered(entity, rows):
            row = _import_row(entity, line, cells, header, actor, seen, result, now)
            if row.errors:
                row.action = 'error'
                result.errors.extend((line, col, msg) for col, msg in row.errors)
        result.rows.sort(key=lambda r: r.line)
        result.errors.sort(key=lambda e: e[0])
        if not result.rows and not result.errors:
            result.errors.append((2, '', str(_l('the file has no rows'))))
        if commit and result.ok:
            result.committed = True
        else:
            transaction.rollback()
    return result


# A spreadsheet runs a cell that starts with one of these as a formula
# (CSV injection); exports quote such cells with an apostrophe, as
# spreadsheets themselves do, and imports take the apostrophe off again.
_FORMULA_START = ('=', '+', '-', '@', '\t', '\r')


def _defuse(cell):
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _restore(cell):
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(_FORMULA_START) else cell


def iter_csv(entity, query=None, chunk=1000):
    """CSV text in pieces, reading the rows a chunk at a time (never the whole table)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator='\n')
    writer.writerow([fl.name for fl in entity.fields])
    query = query if query is not None else entity.query().order_by(*entity.order())
    number = 1
    while True:
        objs = list(query.paginate(number, chunk))
        for values in entity.read_many(objs):
            writer.writerow([_defuse(cell) for cell in entity.formatted(values).values()])
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        if len(objs) < chunk:
            return
        number += 1


def export_csv(entity, query=None, out=None):
    """Write rows as CSV (the same columns import takes) to `out`, or return the text."""
    if out is None:
        return ''.join(iter_csv(entity, query))
    for piece in iter_csv(entity, query):
        out.write(piece)
    return None
