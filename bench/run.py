"""Time the inventory pages on a generated operator, on SQLite and PostgreSQL.

    make bench                       # both engines, 2,000 customers, 50,000 circuits
    python bench/run.py --engine sqlite --requests 50

For each engine: a new database is generated (bench/generate.py, in a child
process so its memory does not count here), the app is built on it, an
engineer logs in through the test client, and every page below is requested
a few times to warm up, then `--requests` times under time.perf_counter.
The whole WSGI round trip is timed: routing, login check, queries,
template. Figures are printed, never asserted: a benchmark is not a test.

Targets (the issue): median under 50 ms and p95 under 150 ms per page.
Memory: "peak alloc" is what one request allocates at its peak (tracemalloc)
and "max RSS" this process's high-water mark after the page's runs; both
stay small and flat when pages read one page of rows, and would jump by
tens to hundreds of MB if one loaded the 50,000 circuits.
"""
import argparse
import json
import logging
import math
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from peewee import fn

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
if PROJECT_DIR not in sys.path:
    sys.path.insert(0, PROJECT_DIR)

from databases import OUT_DIR, fresh_database

from noc import create_app
from noc.accounts.users import create_user
from noc.core.db import database
from noc.models import Circuit, CircuitSegment, Customer, Segment

SQLITE_PATH = os.path.join(OUT_DIR, 'janela-bench.db')
PG_NAME = 'janela_bench'
USERNAME, PASSWORD = 'bench-engineer', 'bench-password-123'
MEDIAN_TARGET_MS, P95_TARGET_MS = 50, 150
WARM_UPS = 5


@dataclass
class Result:
    endpoint: str
    engine: str
    path: str
    hits: int          # rows the page says match (its pager), -1 when it has none
    queries: int       # SQL statements one request runs
    peak_alloc_mb: float   # Python memory one request allocates at its peak
    median_ms: float
    p95_ms: float
    max_ms: float
    max_rss_mb: float

    @property
    def passed(self):
        return self.median_ms < MEDIAN_TARGET_MS and self.p95_ms < P95_TARGET_MS


# Databases --------------------------------------------------------------------

def generate(url, customers, circuits):
    """Run bench/generate.py in a child process and echo what it says."""
    command = [sys.executable, os.path.join(BENCH_DIR, 'generate.py'), '--url', url,
               '--customers', str(customers), '--circuits', str(circuits)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    print('  ' + done.stdout.strip().replace('\n', '\n  '))


# The app and a logged-in client ---------------------------------------------

def make_app(url):
    """As tests/conftest.py's make_app; page size pinned so a site file
    cannot change what is measured."""
    return create_app({'app': {'secret_key': 'bench-secret-' + 'x' * 40},
                       'database': {'url': url},
                       'web': {'login_rate_limit': '1000 per minute', 'page_size': 50}},
                      environ={})


def _csrf_token(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if not match:
        raise RuntimeError('no CSRF token on the login page')
    return match.group(1)


def logged_in_client(app):
    with app.app_context():
        database.connect(reuse_if_open=True)
        create_user({'username': USERNAME, 'password': PASSWORD, 'role': 'engineer',
                     'language': 'en'}, actor='bench')
        database.close()
    client = app.test_client()
    token = _csrf_token(client.get('/login').get_data(as_text=True))
    response = client.post('/login', data={'username': USERNAME, 'password': PASSWORD,
                                           'csrf_token': token})
    if response.status_code != 302:
        raise RuntimeError(f'login failed: {response.status_code}')
    return client


# What to ask for --------------------------------------------------------------

def _middle(query):
    """The row in the middle of `query` (deterministic, not an edge case)."""
    return query.order_by(Circuit.id).offset(query.count() // 2).first()


def _busiest_ring():
    """The ring whose spans carry the most circuits: the heaviest ?segment=."""
    Span = Segment.alias('span')
    return (Segment.select(Segment.code)
            .join(Span, on=(Span.parent == Segment.id))
            .join(CircuitSegment, on=(CircuitSegment.segment == Span.id))
            .where(Segment.kind == 'ring')
            .group_by(Segment.id, Segment.code)
            .order_by(fn.COUNT(CircuitSegment.circuit).desc()).first().code)


def probes(app, deep_page):
    """The pages to time, with search texts taken from the generated data."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        biggest = (Customer.select(Customer, fn.COUNT(Circuit.id).alias('n'))
                   .join(Circuit).group_by(Customer).order_by(fn.COUNT(Circuit.id).desc())
                   .first())
        ref = _middle(Circuit.select().where(Circuit.customer_ref.contains('-'))).customer_ref
        circuit_id = _middle(Circuit.select()).circuit_id
        ring = _busiest_ring()
        database.close()
    return [
        ('circuit list, page 1', _list('circuits')),
        (f'circuit list, page {deep_page}', _list('circuits', page=deep_page)),
        (f'circuit search, ref part "{ref[:-1]}"', _list('circuits', q=ref[:-1])),
        (f'circuit search, id prefix "{circuit_id[:-2]}"', _list('circuits', q=circuit_id[:-2])),
        (f'circuit search, customer name ({biggest.n} circuits)',
         _list('circuits', q=biggest.name)),
        ('circuit filter, service=ip-transit', _list('circuits', service='ip-transit')),
        (f'circuit filter, segment={ring} (ring)', _list('circuits', segment=ring)),
        (f'customer page ({biggest.n} circuits)', f'/inventory/customers/{biggest.id}'),
        ('customer list, page 1', _list('customers')),
        ('customer search "telecom"', _list('customers', q='telecom')),
    ]


def _list(kind, **args):
    return f'/inventory/{kind}/' + ('?' + urlencode(args) if args else '')


# Measuring --------------------------------------------------------------------

class _QueryCounter(logging.Handler):
    """Counts the SQL statements peewee logs (it logs each one at DEBUG)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        # Statements are logged as (sql, params); the connection pool logs
        # its own messages under the same logger.
        if isinstance(record.msg, tuple):
            self.count += 1


def _checked_get(client, path):
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f'{path}: HTTP {response.status_code}')
    return response.get_data(as_text=True)


def _inspect(client, path):
    """One untimed request that shows what the page does: the SQL statements
    it runs (peewee logs each), the rows its pager says match, and the peak
    of Python memory allocated meanwhile (a page that loaded the circuit
    table would peak at tens of MB)."""
    logger, counter = logging.getLogger('peewee'), _QueryCounter()
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    tracemalloc.start()
    try:
        html = _checked_get(client, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        logger.removeHandler(counter)
        logger.setLevel(level)
    hits = re.search(r'(\d+) in all', html)
    return counter.count, int(hits.group(1)) if hits else -1, peak / 2**20


def _timings(client, path, requests):
    for _ in range(WARM_UPS):
        _checked_get(client, path)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path).get_data()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(times):
    """Nearest-rank 95th percentile."""
    ordered = sorted(times)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


def measure(engine, client, pages, requests):
    for endpoint, path in pages:
        queries, hits, peak = _inspect(client, path)
        times = _timings(client, path, requests)
        result = Result(endpoint, engine, path, hits, queries, peak, statistics.median(times),
                        p95(times), max(times), max_rss_mb())
        print(f'  {endpoint:<52} median {result.median_ms:7.1f} ms  '
              f'p95 {result.p95_ms:7.1f} ms  {queries:3d} queries', flush=True)
        yield result


def run_engine(engine, args):
    print(f'{engine}:', flush=True)
    with fresh_database(engine, SQLITE_PATH, PG_NAME) as url:
        started = time.perf_counter()
        generate(url, args.customers, args.circuits)
        print(f'  generation: {time.perf_counter() - started:.1f} s (child process)')
        app = make_app(url)
        client = logged_in_client(app)
        deep_page = min(500, max(1, args.circuits // 50 // 2))
        print(f'  max RSS after app start and login: {max_rss_mb():.0f} MB')
        return list(measure(engine, client, probes(app, deep_page), args.requests))


# Report -----------------------------------------------------------------------

def print_table(results):
    header = (f'| {"endpoint":<52} | {"engine":<10} | {"hits":>6} | {"queries":>7} | '
              f'{"peak alloc MB":>13} | {"median ms":>9} | {"p95 ms":>7} | {"max RSS MB":>10} '
              f'| target |')
    print('\n' + header)
    print('|' + '|'.join('-' * (len(cell)) for cell in header.split('|')[1:-1]) + '|')
    for r in results:
        hits = str(r.hits) if r.hits >= 0 else '–'
        print(f'| {r.endpoint:<52} | {r.engine:<10} | {hits:>6} | {r.queries:>7} | '
              f'{r.peak_alloc_mb:>13.1f} | {r.median_ms:>9.1f} | {r.p95_ms:>7.1f} | '
              f'{r.max_rss_mb:>10.0f} | {"pass" if r.passed else "FAIL":<6} |')
    failed = sum(not r.passed for r in results)
    print(f'\ntargets: median < {MEDIAN_TARGET_MS} ms and p95 < {P95_TARGET_MS} ms; '
          f'{len(results) - failed} of {len(results)} pages meet them')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--engine', choices=('sqlite', 'postgresql', 'both'), default='both')
    parser.add_argument('--customers', type=int, default=2000)
    parser.add_argument('--circuits', type=int, default=50000)
    parser.add_argument('--requests', type=int, default=200,
                        help='timed requests per page (after %d warm-ups)' % WARM_UPS)
    parser.add_argument('--json', metavar='PATH', help='also write the figures as JSON')
    args = parser.parse_args(argv)
    engines = ('sqlite', 'postgresql') if args.engine == 'both' else (args.engine,)
    # Other work on the machine shows in every figure: say how busy it was.
    print('load average at start: %.2f %.2f %.2f' % os.getloadavg())
    results = [r for engine in engines for r in run_engine(engine, args)]
    print_table(results)
    print('load average at end: %.2f %.2f %.2f' % os.getloadavg())
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as fh:
            json.dump([asdict(r) | {'passed': r.passed} for r in results], fh, indent=1)


if __name__ == '__main__':
    main()
