"""Pagination of list pages: LIMIT/OFFSET over an ordered query, never the whole table."""
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import request


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages


def page_number():
    try:
        return max(1, min(int(request.args.get('page', 1)), 1_000_000))
    except ValueError:
        return 1


def paginate(query, size, load=None):
    """The request's page of `query` (ordered).

    With `load`, `query` is a narrow query of ids: counting and skipping
    run on it alone, and load(a page of ids) fetches the rows to show.
    """
    number = page_number()
    items = _fetch(query, number, size, load)
    if number == 1 and len(items) < size:
        # All of it is on this page: a narrow search needs no COUNT, which
        # would scan the table a second time.
        return Page(items, 1, size, len(items))
    total = query.order_by().count()
    last = max(1, -(-total // size))
    if number > last:   # past the end (an old link): show the last page
        number, items = last, _fetch(query, last, size, load)
    return Page(items, number, size, total)


def _fetch(query, number, size, load):
    page = query.paginate(number, size)
    return list(load(page) if load else page)


def page_url(number):
    """This page's address with another page number, other arguments kept.

    Built from the path, not url_for: a filter named like a view argument
    (?kind=) must not collide with it.
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k != 'page']
    return request.path + '?' + urlencode(args + [('page', number)])
