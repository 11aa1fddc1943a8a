"""SELECTs whose SQL text is built once per database, then run with new values.

peewee composes a query's SQL anew every time it runs; for the API's hottest
reads (a token by its hash, the status of one prefix) composing costs several
times what SQLite or PostgreSQL take to answer (BENCHMARKS.md, issue 6). A
Prepared read is written once as an ordinary peewee query with named slots
where its values go; the first run on a database keeps the SQL text peewee
makes of it, later runs pass new values in the slots' places, and peewee's
own cursor wrapper turns the rows into models, joined ones included. A query
of several shapes (which filters are present) keeps one text per shape.

On PostgreSQL the text is also PREPAREd on each pooled connection the first
time that connection runs it, and EXECUTEd from then on: the server then
neither parses nor plans it again, which was half of what the status read
cost PostgreSQL (0.65 of 1.3 ms for its two statements). Prepared statements
are not transactional (a rollback keeps them) and end with the connection.
"""
import itertools
import re
import threading
import weakref

import peewee as pw

from noc.core.db import database
from noc.core.pg_pool import ConnectionReplacedError


class _Slot:
    __slots__ = ('name',)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f'slot({self.name!r})'


def slot(name):
    """A placeholder for the value named `name`, given when the read runs. The
    value goes to the database as given: no field's conversion applies, so give
    what the column stores (text, a number, an id)."""
    return pw.Value(_Slot(name), converter=False)


_names = itertools.count(1)
_ready = weakref.WeakKeyDictionary()        # PostgreSQL connection -> names prepared on it
_ready_lock = threading.Lock()


class _Compiled:
    __slots__ = ('query', 'sql', 'params', 'names', 'server_name', 'execute_sql', 'layout')

    def __init__(self, query, db):
        self.query = query
        self.layout = None
        self.sql, self.params = db.get_sql_context().sql(query).query()
        self.names = frozenset(p.name for p in self.params if isinstance(p, _Slot))
        self.server_name = self.execute_sql = None
        if isinstance(db, pw.PostgresqlDatabase):
            self.server_name = f'janela_read_{next(_names)}'
            marks = ', '.join(['%s'] * len(self.params))
            self.execute_sql = f'EXECUTE {self.server_name}' + (f' ({marks})' if marks else '')

    def run(self, db, values):
        if values.keys() != self.names:
            raise TypeError(f'values {sorted(values)} for slots {sorted(self.names)}')
        params = [values[p.name] if isinstance(p, _Slot) else p for p in self.params]
        if self.server_name is None:
            return db.execute_sql(self.sql, params)
        for attempt in range(1, 6):
            try:
                self._prepare_on(db)
                return db.execute_sql(self.execute_sql, params)
            except ConnectionReplacedError:  # a dead connection was replaced: prepare there
                if attempt == 5:
                    raise
        return None

    def rows(self, cursor):
        """peewee's cursor wrapper for the rows. Its initialize() works out,
        from the cursor's columns, which model and converter each column
        goes to: the same answer for every run of one statement, and a tenth
        of a read's cost. It runs once; later wrappers get what it set."""
        wrapper = self.query._get_cursor_wrapper(cursor)
        if self.layout is None:
            before = set(vars(wrapper))
            wrapper.initialize()
            self.layout = {k: v for k, v in vars(wrapper).items() if k not in before}
        else:
            vars(wrapper).update(self.layout)
        wrapper.initialized = True
        return wrapper

    def _prepare_on(self, db):
        with _ready_lock:
            ready = _ready.setdefault(db.connection(), set())
        if self.server_name not in ready:
            db.execute_sql(f'PREPARE {self.server_name} AS {_numbered(self.sql)}')
            with _ready_lock:           # where it was prepared (a dead one is replaced)
                _ready.setdefault(db.connection(), set()).add(self.server_name)


def _numbered(sql):
    """psycopg2's %s placeholders as PREPARE's $1, $2 … (%% is a literal %)."""
    counter = itertools.count(1)
    return re.sub(r'%(s|%)', lambda m: f'${next(counter)}' if m.group(1) == 's' else '%', sql)


class Prepared:
    """build(shape) -> a peewee SELECT with slots; shape is any hashable value
    that decides the query's form (None when it has one form)."""

    def __init__(self, build):
        self._build = build
        self._texts = weakref.WeakKeyDictionary()      # database -> {shape: _Compiled}
        self._lock = threading.Lock()

    def _compiled(self, shape, counting=False):
        db = database.obj
        texts = self._texts.get(db)
        found = texts.get((shape, counting)) if texts is not None else None
        if found is None:
            query = self._build(shape)
            if counting:
                # As peewee's own count(): the rows of the query, without its
                # order or page, counted in a wrapping SELECT.
                query = query.order_by().limit(None).offset(None).select_from(
                    pw.fn.COUNT(pw.SQL('1')))
            found = _Compiled(query, db)
            with self._lock:
                self._texts.setdefault(db, {})[(shape, counting)] = found
        return db, found

    def rows(self, shape=None, **values):
        """The query's rows as peewee gives them (models with their joins)."""
        db, compiled = self._compiled(shape)
        # The wrapper is peewee's own (private API, peewee is pinned):
        # tests/test_prepared.py compares every read with peewee's.
        return compiled.rows(compiled.run(db, values))

    def first(self, shape=None, **values):
        for row in self.rows(shape, **values):
            return row
        return None

    def count(self, shape=None, **values):
        """How many rows the query has, its limit and offset slots left out."""
        db, compiled = self._compiled(shape, counting=True)
        values = {k: v for k, v in values.items() if k in compiled.names}
        return compiled.run(db, values).fetchone()[0]

    def bind(self, shape=None, **values):
        """A page source for api.paginated(): paginate(page, per_page), count().
        The query must end in .limit(slot('limit')).offset(slot('offset'))."""
        return _Bound(self, shape, values)


class _Bound:
    def __init__(self, prepared, shape, values):
        self.prepared, self.shape, self.values = prepared, shape, values

    def paginate(self, page, per_page):
        return self.prepared.rows(self.shape, limit=per_page,
                                  offset=(max(page, 1) - 1) * per_page, **self.values)

    def count(self):
        return self.prepared.count(self.shape, **self.values)
