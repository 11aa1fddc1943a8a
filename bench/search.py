"""Time the pickers' search endpoint (GET /search/<kind>) on a generated operator.

    python bench/search.py                     # SQLite, and PostgreSQL when it answers
    python bench/search.py --engine sqlite --circuits 50000

For each engine: a new database with 50,000 circuits (bench/generate.py, in
a child process), the app built on it, an engineer logged in through the
test client, and ~500 queries of the shapes people type into a picker:
1 to 6 characters of a code, whole codes, digits from the middle of a code,
cities and customer names (with and without accents), site codes, text that
matches nothing (the substring pass reads every row), and a customer's
sessions. Each query is asked once to warm up, then timed over the whole
WSGI round trip. Figures are printed, never asserted.

Target (issue 17): p95 under 50 ms per kind at 50,000 circuits.
"""
import argparse
import os
import random
import statistics
import time
from urllib.parse import urlencode

# bench/run.py puts the project on sys.path: imported first, before databases and noc.
import run
from databases import OUT_DIR, fresh_database, pg_admin

from noc.core.db import database
from noc.models import Circuit, Customer, Segment, Service, Site

SQLITE_PATH = os.path.join(OUT_DIR, 'janela-search.db')
PG_NAME = 'janela_bench_search'
P95_TARGET_MS = 50
NOTHING = ('zzq', 'xyzw', 'qqq9', 'wq', 'kkkkkk')


def _sample(rng, query, count):
    rows = list(query)
    return [rng.choice(rows) for _ in range(count)]


def _prefixes(rng, codes):
    """1 to 6 characters of a code, as typed so far, in either case."""
    for code in codes:
        typed = code[:rng.randint(1, 6)]
        yield typed.lower() if rng.random() < 0.5 else typed


def _words(rng, names):
    """A word of a name, cut where a person stops typing."""
    for name in names:
        word = rng.choice(name.split())
        yield word[:rng.randint(3, max(3, len(word)))]


def circuit_queries(rng):
    codes = _sample(rng, Circuit.select(Circuit.circuit_id).tuples(), 120)
    cities = [c for (c,) in Site.select(Site.city).distinct().tuples()]
    names = [n for (n,) in Customer.select(Customer.name).tuples()]
    sites = [s for (s,) in Site.select(Site.code).tuples()]
    yield from _prefixes(rng, [c for (c,) in codes[:60]])
    yield from (c for (c,) in codes[60:90])                      # whole codes
    yield from (c[-4:] for (c,) in codes[90:120])                # digits in the middle
    yield from (rng.choice(cities)[:rng.randint(4, 12)] for _ in range(25))
    yield from ('sao paulo', 'ribeirao', 'niteroi', 'belém', 'goiânia')
    yield from _words(rng, [rng.choice(names) for _ in range(30)])
    yield from (rng.choice(sites) for _ in range(20))
    yield from NOTHING


def segment_queries(rng):
    codes = [c for (c,) in _sample(rng, Segment.select(Segment.code).tuples(), 40)]
    names = [n for (n,) in _sample(rng, Segment.select(Segment.name).tuples(), 15)]
    return [*_prefixes(rng, codes[:25]), *codes[25:], *_words(rng, names), *NOTHING]


def site_queries(rng):
    codes = [c for (c,) in _sample(rng, Site.select(Site.code).tuples(), 40)]
    cities = [c for (c,) in _sample(rng, Site.select(Site.city).tuples(), 15)]
    return [*_prefixes(rng, codes[:25]), *codes[25:], *(c[:6] for c in cities), *NOTHING]


def customer_queries(rng):
    rows = _sample(rng, Customer.select(Customer.account_id, Customer.name).tuples(), 75)
    return [*_prefixes(rng, [a for a, _ in rows[:25]]), *(a for a, _ in rows[25:40]),
            *_words(rng, [n for _, n in rows[40:]]), *NOTHING]


def session_queries(rng):
    """A customer chosen, then nothing or the start of a code typed."""
    owners = _sample(rng, Circuit.select(Circuit.customer).distinct()
                     .where(Circuit.service == Service.IP_TRANSIT).tuples(), 50)
    return [{'customer': owner, 'q': rng.choice(('', 'I', 'IPT', 'ip'))} for (owner,) in owners]


def queries(app):
    """{kind: [query args]}: ~500 in all, the same for every engine (one seed)."""
    rng = random.Random(17)
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            found = {'circuits': list(circuit_queries(rng)), 'segments': segment_queries(rng),
                     'sites': site_queries(rng), 'customers': customer_queries(rng)}
            return {kind: [{'q': q} for q in texts] for kind, texts in found.items()} | \
                {'sessions': session_queries(rng)}
        finally:
            database.close()


def _time(client, path):
    started = time.perf_counter()
    response = client.get(path)
    response.get_data()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f'{path}: {response.status_code} {response.get_data(as_text=True)}')
    return elapsed, len(response.get_json())


def measure(engine, client, asked):
    for kind, args_list in asked.items():
        paths = [f'/search/{kind}?' + urlencode(args) for args in args_list]
        for path in paths:
            _time(client, path)                      # warm the caches once
        timed = [_time(client, path) for path in paths]
        times = [ms for ms, _ in timed]
        empty = sum(1 for _, hits in timed if not hits)
        figures = (kind, engine, len(times), statistics.median(times), run.p95(times), max(times))
        print(f'  {kind:<10} {len(times):4d} queries ({empty:3d} found nothing)  '
              f'p50 {figures[3]:6.1f} ms  p95 {figures[4]:6.1f} ms  max {figures[5]:6.1f} ms',
              flush=True)
        yield figures


def run_engine(engine, args):
    print(f'{engine}:', flush=True)
    with fresh_database(engine, SQLITE_PATH, PG_NAME) as url:
        run.generate(url, args.customers, args.circuits)
        app = run.make_app(url)
        client = run.logged_in_client(app)
        return list(measure(engine, client, queries(app)))


def _postgresql_answers():
    try:
        pg_admin('SELECT 1')
    except Exception as exc:         # any failure to connect means: skip the engine
        print(f'PostgreSQL at 127.0.0.1:5432 did not answer ({exc}); SQLite only')
        return False
    return True


def print_table(results):
    print(f'\n| kind | engine | queries | p50 ms | p95 ms | max ms | p95 < {P95_TARGET_MS} ms |')
    print('|---|---|---:|---:|---:|---:|---|')
    for kind, engine, count, p50, p95_ms, worst in results:
        print(f'| {kind} | {engine} | {count} | {p50:.1f} | {p95_ms:.1f} | {worst:.1f} | '
              f'{"pass" if p95_ms < P95_TARGET_MS else "FAIL"} |')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--engine', choices=('sqlite', 'postgresql', 'both'), default='both')
    for size, default in (('--customers', 2000), ('--circuits', 50000)):   # as bench/run.py
        parser.add_argument(size, type=int, default=default)
    args = parser.parse_args(argv)
    engines = [e for e in ('sqlite', 'postgresql') if args.engine in (e, 'both')
               and (e == 'sqlite' or _postgresql_answers())]
    print('load average at start: %.2f %.2f %.2f' % os.getloadavg())
    results = [r for engine in engines for r in run_engine(engine, args)]
    print_table(results)
    print('load average at end: %.2f %.2f %.2f' % os.getloadavg())


if __name__ == '__main__':
    main()
