"""Time the circuit list's new work (issue 17): sorting by any column and searching
by site code and city, on the generated operator (2,000 customers, 50,000 circuits).

    python bench/lists.py --engine both --requests 100

The same method, data and targets as bench/run.py (median under 50 ms, p95
under 150 ms), whose helpers it uses; only the pages differ. Sorting by the
customer or a site orders 50,000 ids by a value in another table, and a
deep page skips 25,000 of them: the heaviest lists a person can ask for.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import run  # bench/ is not a package: run.py, beside this file, also puts the project on sys.path
from databases import fresh_database

from noc.core.db import database
from noc.models import Site


def probes(app, deep_page):
    with app.app_context():
        database.connect(reuse_if_open=True)
        site = Site.select().order_by(Site.id).first()   # the first generated: a large PoP
        city = site.city
        database.close()
    # The default order first: the same load shows in it, to compare with.
    pages = [('circuit list, page 1, default order', run._list('circuits'))]
    for column in ('customer', 'a_site', 'bandwidth_mbps', 'status'):
        for direction in ('asc', 'desc'):
            pages.append((f'circuits sorted by {column} {direction}, page 1',
                          run._list('circuits', sort=column, dir=direction)))
    pages += [
        (f'circuits sorted by customer, page {deep_page}',
         run._list('circuits', sort='customer', dir='asc', page=deep_page)),
        (f'circuit search, site code "{site.code}"', run._list('circuits', q=site.code)),
        (f'circuit search, city "{city}"', run._list('circuits', q=city)),
        (f'circuit search, city "{city}", sorted by customer',
         run._list('circuits', q=city, sort='customer')),
        ('customers sorted by name desc', run._list('customers', sort='name', dir='desc')),
        ('contacts sorted by customer', run._list('contacts', sort='customer')),
    ]
    return pages


def run_engine(engine, args):
    print(f'{engine}:', flush=True)
    with fresh_database(engine, run.SQLITE_PATH, run.PG_NAME) as url:
        run.generate(url, args.customers, args.circuits)
        app = run.make_app(url)
        client = run.logged_in_client(app)
        deep_page = min(500, max(1, args.circuits // 50 // 2))
        return list(run.measure(engine, client, probes(app, deep_page), args.requests))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--engine', choices=('sqlite', 'postgresql', 'both'), default='both')
    parser.add_argument('--customers', type=int, default=2000)
    parser.add_argument('--circuits', type=int, default=50000)
    parser.add_argument('--requests', type=int, default=100)
    args = parser.parse_args(argv)
    engines = ('sqlite', 'postgresql') if args.engine == 'both' else (args.engine,)
    print('load average at start: %.2f %.2f %.2f' % os.getloadavg())
    results = [r for engine in engines for r in run_engine(engine, args)]
    run.print_table(results)
    print('load average at end: %.2f %.2f %.2f' % os.getloadavg())


if __name__ == '__main__':
    main()
