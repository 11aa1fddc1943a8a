"""A list page's order from ?sort=<column>&dir=asc|desc, read against the list's whitelist.

Each list names the columns a person may sort by, as peewee expressions; any
other value falls back to the list's default order (an old or hand-typed link
never fails). The row id always ends the order, so pages never overlap or
skip rows when many share a value. NULLs go last both ways, as on PostgreSQL,
so both engines page alike.
"""
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import peewee as pw
from flask import request

ASC, DESC = 'asc', 'desc'


@dataclass(frozen=True)
class Column:
    """A sortable column: its expressions, and the join that brings their table in
    (a list that counts and skips on ids alone joins only when sorted so)."""
    exprs: tuple
    join: Callable = None      # (query) -> query


@dataclass(frozen=True)
class Sort:
    column: str            # '' when the list's default order applies
    direction: str
    columns: dict          # name -> Column
    default: tuple         # the list's own order_by expressions
    tiebreak: object       # the id column

    def order(self):
        """The order_by expressions: the chosen column, then the id, in the same direction."""
        if not self.column:
            return self.default
        # Ordering, not e.asc(): a column may be a subquery (a name in another table).
        terms = [pw.Ordering(e, self.direction.upper(), nulls='LAST')
                 for e in self.columns[self.column].exprs]
        tiebreak = self.tiebreak.desc() if self.direction == DESC else self.tiebreak.asc()
        return (*terms, tiebreak)

    def apply(self, query):
        """`query` ordered by this sort, with the join its column needs."""
        column = self.columns.get(self.column)
        if column is not None and column.join is not None:
            query = column.join(query)
        return query.order_by(*self.order())

    def state(self, column):
        """aria-sort of a column header: ascending, descending or none."""
        if column != self.column:
            return 'none'
        return 'descending' if self.direction == DESC else 'ascending'

    def url(self, column):
        """This page's address sorted by `column` (flipped when it is already the sort),
        other arguments (filters, search) kept, back on the first page."""
        direction = DESC if column == self.column and self.direction == ASC else ASC
        args = [(k, v) for k, v in request.args.items(multi=True)
                if k not in ('sort', 'dir', 'page')]
        return request.path + '?' + urlencode(args + [('sort', column), ('dir', direction)])

    def kept(self):
        """The sort as arguments, for forms and links that must not lose it."""
        return {'sort': self.column, 'dir': self.direction} if self.column else {}


def read_sort(columns, default, tiebreak):
    """The request's Sort over `columns` ({name: Column, expression or tuple}); unknown
    names and directions fall back to `default` (a tuple of order_by expressions)."""
    columns = {name: c if isinstance(c, Column) else Column(c if isinstance(c, tuple) else (c,))
               for name, c in columns.items()}
    column = request.args.get('sort', '')
    direction = request.args.get('dir', ASC)
    if column not in columns:
        column = ''
    if direction not in (ASC, DESC):
        direction = ASC
    return Sort(column, direction, columns, tuple(default), tiebreak)


def rank(column, values):
    """An expression ordering `column` as `values` lists them (unknown values last):
    impacts by severity and statuses by lifecycle, not by their codes' spelling."""
    return pw.Case(column, [(value, n) for n, value in enumerate(values)], len(values))
