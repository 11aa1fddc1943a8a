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


def paginate(query, size):
    number = page_number()
    total = query.order_by().count()
    number = min(number, max(1, -(-total // size)))
    items = list(query.paginate(number, size))
    return Page(items, number, size, total)


def page_url(number):
    """This page's address with another page number, other arguments kept.

    Built from the path, not url_for: a filter named like a view argument
    (?kind=) must not collide with it.
    """
    args = [(k, v) for k, v in request.args.items(multi=True) if k != 'page']
    return request.path + '?' + urlencode(args + [('page', number)])
