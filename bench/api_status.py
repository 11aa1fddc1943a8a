"""The provider API under gunicorn at 20,000 tracked prefixes of 2,000 customers.

    .venv/bin/python bench/api_status.py                       # both engines
    .venv/bin/python bench/api_status.py [--engine sqlite|postgresql] [--rate 300] [--seconds 30]
    .venv/bin/python bench/api_status.py --engine sqlite --servers sync:2 --no-max --profile

The target (issue 6): the status endpoint, GET /api/v1/prefixes?prefix=CIDR
(the status of one prefix of the token's customer), holds 300 requests/s over
loopback under gunicorn with a p95 under 30 ms, on SQLite and on PostgreSQL.

Per engine:

1. a new database (bench/out/janela-api.db, git-ignored; or janela_bench_api
   on the PostgreSQL at 127.0.0.1:5432, trust; dropped at the end), filled as
   bench/revalidate.py does (its pick() and fill(): 20,000 real prefixes of
   ARIN's OriginAS registry, 2,000 customers, one request of ~10 prefixes
   each, all configured); then checked for real: a local IRR dump of 90% of
   the pairs as source ARIN, the VRPs of revalidate.vrp_json (80% a ROA of
   their origin, 5% another origin), and `noc.routing.prefix_requests.revalidate.run()`, so
   every row has the verdict, findings and evidence JSON a real one has.
   One provider token per customer (noc.accounts.tokens.create). PostgreSQL gets
   ANALYZE (what autovacuum does soon after a bulk load);
2. in process, for each endpoint: the SQL statements one request runs, and
   the median of 300 sequential requests through the test client (the
   handler's own cost, no HTTP);
3. for each gunicorn setting of --servers: `python -m gunicorn app:app` bound
   to 127.0.0.1 on a free port, pointed at the database by a site file
   (NOC_CONFIG; no other NOC_* variable passes), with api.rate_limit raised
   to "100000 per minute" there and the limiter's counters in --limiter
   (memory://, each worker its own; or redis://…, shared, as deployed).
   bench/openloop.py then sends the status endpoint at
   --rate for --warmup + --seconds, open loop, keep-alive, latency from each
   request's intended send time. Random customers (their own token), random
   asks: 80% one of their tracked prefixes, 10% the covering prefix one bit
   shorter (not tracked: 0 items), 10% another customer's prefix (0 items:
   the scope). Every answer is checked (status; each item's prefix equals
   the one asked and belongs to the token's customer; the total as tracked);
4. on the best setting (those meeting the target by p95, else by the rate
   achieved): the same for GET /prefixes/{id} and GET /prefix-requests/{id}
   (10% another customer's id: 404 expected), then the highest open-loop
   rate whose p95 stays under 30 ms (--max-rates, steps of --step-seconds),
   and, when Debian's `wrk` is installed, wrk's closed-loop throughput (its
   latencies suffer coordinated omission; only its rate is reported).
   Every measurement gets a fresh gunicorn: an overloaded one still holds
   thousands of queued requests that would spill into the next figure.

The load generator is Python on the same 2 cores as the server; its own CPU
time is printed. Figures are printed and written to bench/out/api-status-
ENGINE.json; never asserted: a benchmark is not a test. --profile runs the
status endpoint under cProfile in process and prints where the time goes.
"""
import argparse
import collections
import contextlib
import cProfile
import io
import json
import logging
import os
import platform
import pstats
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from urllib.parse import quote

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
for folder in (PROJECT_DIR, os.path.join(PROJECT_DIR, 'tests'), BENCH_DIR):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import irr_data
import openloop
import orjson
import peewee
import revalidate as revalidate_bench
from databases import OUT_DIR, fresh_database
from netaddr import IPNetwork

from noc import create_app
from noc.accounts import tokens
from noc.core.db import database, init_db
from noc.models import Customer
from noc.models.routing import TrackedPrefix
from noc.routing.irr import store as irr_store
from noc.routing.prefix_requests import revalidate
from noc.routing.rpki import snapshots
from noc.routing.settings import RoutingSettings

SQLITE_PATH = os.path.join(OUT_DIR, 'janela-api.db')
PG_NAME = 'janela_bench_api'
P95_TARGET_MS = 30
RATE_LIMIT = '100000 per minute'
DEFAULT_SERVERS = 'default,sync:2,sync:3,gthread:2x4'
SECRET_KEY = 'bench-api-' + 'k' * 40


# The data ----------------------------------------------------------------------

def overrides(url, mail_dir):
    return {'app': {'secret_key': SECRET_KEY}, 'database': {'url': url},
            'api': {'rate_limit': RATE_LIMIT}, 'irr': {'servers': []},
            'mail': {'backend': 'capture', 'capture_dir': mail_dir}}


def _irr_dump(pairs, seed, folder):
    """90% of the pairs as route objects of source ARIN (the registry ARIN's
    space belongs in), like revalidate.py's IRRd with its tenth left out."""
    rng = random.Random(seed)
    path = os.path.join(folder, 'arin.rpsl')
    with open(path, 'w', encoding='utf-8') as fh:
        for prefix, origin in pairs:
            if rng.random() >= 0.10:
                fh.write(irr_data.rpsl_object(irr_data.Record(prefix, origin, 'BENCH',
                                                              '20220925'), source='ARIN'))
    return path


def prepare(app, pairs, seed, folder):
    """Fill, check, make tokens -> the world the load is drawn from."""
    started = time.perf_counter()
    init_db(database.obj)
    revalidate_bench.fill(pairs)
    load, _ = irr_store.load_dump(_irr_dump(pairs, seed, folder), 'ARIN')
    assert load.status == 'good', load.error
    assert snapshots.load('bench', 'derived', app.config['NOC']['rpki'],
                          data=revalidate_bench.vrp_json(pairs, random.Random(seed))).good
    outcome = revalidate.run(RoutingSettings.of(app.config['NOC']))
    filled = time.perf_counter() - started
    started = time.perf_counter()
    secrets = {}
    for customer in Customer.select().order_by(Customer.id):
        secrets[customer.id] = (customer.account_id, tokens.create(
            {'name': f'bench {customer.account_id}', 'kind': 'provider',
             'customer': customer}, 'bench')[1])
    made_tokens = time.perf_counter() - started
    if not isinstance(database.obj, peewee.SqliteDatabase):
        database.execute_sql('ANALYZE')
    world = {'secrets': secrets, 'prefixes': collections.defaultdict(list),
             'requests': {}}
    for row_id, customer_id, prefix, request_id in (
            TrackedPrefix.select(TrackedPrefix.id, TrackedPrefix.customer,
                                 TrackedPrefix.prefix, TrackedPrefix.request).tuples()):
        world['prefixes'][customer_id].append((row_id, prefix))
        world['requests'][customer_id] = request_id
    sizes = [len(json.dumps(row.evidence)) + len(json.dumps(row.findings)) for row in
             TrackedPrefix.select(TrackedPrefix.evidence, TrackedPrefix.findings)]
    verdicts = collections.Counter(TrackedPrefix.select(TrackedPrefix.verdict).tuples())
    print(f'  filled and checked in {filled:.1f} s (revalidation: {outcome.checked} checked, '
          f'{outcome.changed} changed); {len(secrets)} tokens in {made_tokens:.1f} s')
    print('  verdicts: ' + ', '.join(f'{v[0] or "-"} {n}' for v, n in verdicts.most_common())
          + f'; evidence+findings JSON per row: median {statistics.median(sizes):.0f} B, '
          f'max {max(sizes)} B')
    return world


# What to ask for ------------------------------------------------------------------

def _status_check(account, asked, expected_total):
    def check(status, body):
        if status != 200:
            return f'HTTP {status}'
        data = orjson.loads(body)
        if data['total'] != expected_total or len(data['items']) != expected_total:
            return f'total {data["total"]}, expected {expected_total}'
        for item in data['items']:
            if item['prefix'] != asked or item['customer'] != account:
                return f'got {item["prefix"]} of {item["customer"]}'
            if not item['verdict'] or item['evidence'].get('irr') is None:
                return 'no verdict or evidence'
        return None
    return check


def _one_check(account, expected_id, field='id'):
    def check(status, body):
        if expected_id is None:
            return None if status == 404 else f'HTTP {status}, expected 404'
        if status != 200:
            return f'HTTP {status}'
        data = orjson.loads(body)
        if data[field] != expected_id or data['customer'] != account:
            return f'got {data[field]} of {data["customer"]}'
        return None
    return check


def _covering(prefix):
    network = IPNetwork(prefix)
    return str(network.supernet(network.prefixlen - 1)[0]) if network.prefixlen > 8 else None


def status_calls(world, count, rng):
    customers = list(world['secrets'])
    own_counts = {c: collections.Counter(p for _, p in world['prefixes'][c]) for c in customers}
    calls = []
    while len(calls) < count:
        customer = rng.choice(customers)
        account, secret = world['secrets'][customer]
        draw = rng.random()
        if draw < 0.80:
            asked, kind = rng.choice(world['prefixes'][customer])[1], 'tracked'
        elif draw < 0.90:
            asked, kind = _covering(rng.choice(world['prefixes'][customer])[1]), 'not tracked'
            if asked is None:
                continue
        else:
            other = rng.choice(customers)
            asked, kind = rng.choice(world['prefixes'][other])[1], "another's"
        expected = own_counts[customer][asked]
        calls.append(openloop.Call(f'/api/v1/prefixes?prefix={quote(asked, safe="")}', secret,
                                   _status_check(account, asked, expected), kind))
    return calls


def prefix_calls(world, count, rng):
    customers = list(world['secrets'])
    calls = []
    for _ in range(count):
        customer = rng.choice(customers)
        account, secret = world['secrets'][customer]
        if rng.random() < 0.90:
            row_id = rng.choice(world['prefixes'][customer])[0]
            expected = row_id
        else:
            other = rng.choice([c for c in rng.sample(customers, 2) if c != customer])
            row_id, expected = rng.choice(world['prefixes'][other])[0], None
        calls.append(openloop.Call(f'/api/v1/prefixes/{row_id}', secret,
                                   _one_check(account, expected)))
    return calls


def request_calls(world, count, rng):
    customers = list(world['secrets'])
    calls = []
    for _ in range(count):
        customer = rng.choice(customers)
        account, secret = world['secrets'][customer]
        if rng.random() < 0.90:
            request_id = expected = world['requests'][customer]
        else:
            other = rng.choice([c for c in rng.sample(customers, 2) if c != customer])
            request_id, expected = world['requests'][other], None
        calls.append(openloop.Call(f'/api/v1/prefix-requests/{request_id}', secret,
                                   _one_check(account, expected)))
    return calls


ENDPOINTS = {
    'GET /prefixes?prefix=CIDR': status_calls,
    'GET /prefixes/{id}': prefix_calls,
    'GET /prefix-requests/{id}': request_calls,
}
STATUS = 'GET /prefixes?prefix=CIDR'


# In process: statements and the handler's own time ---------------------------------

class _QueryCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        if isinstance(record.msg, tuple):
            self.count += 1


def _get(client, call):
    response = client.get(call.path, headers={'Authorization': f'Bearer {call.secret}'})
    wrong = call.check(response.status_code, response.get_data())
    if wrong:
        raise RuntimeError(f'{call.path}: {wrong}')
    return response


def in_process(app, world, seed):
    """Statements per request (a token already used this minute) and the
    median time of 300 sequential requests through the test client."""
    client = app.test_client()
    results = {}
    for name, make in ENDPOINTS.items():
        calls = make(world, 300, random.Random(seed))
        for call in calls:           # every token used once: no last_used write below
            _get(client, call)
        logger, counter = logging.getLogger('peewee'), _QueryCounter()
        level = logger.level
        logger.addHandler(counter)
        logger.setLevel(logging.DEBUG)
        try:
            sizes = [len(_get(client, call).get_data()) for call in calls[:20]]
        finally:
            logger.removeHandler(counter)
            logger.setLevel(level)
        times, cpu = [], time.process_time()
        for call in calls:
            started = time.perf_counter()
            _get(client, call)
            times.append((time.perf_counter() - started) * 1000)
        cpu_ms = (time.process_time() - cpu) / len(calls) * 1000
        results[name] = {'statements': counter.count / 20, 'median_ms': statistics.median(times),
                         'cpu_ms': cpu_ms, 'body_bytes': statistics.median(sizes)}
        print(f'  in process  {name:<28} {counter.count / 20:4.1f} statements  median '
              f'{statistics.median(times):5.2f} ms  CPU {cpu_ms:5.2f} ms  '
              f'body {statistics.median(sizes):6.0f} B', flush=True)
    return results


def profile(app, world, seed, count):
    client = app.test_client()
    calls = status_calls(world, count, random.Random(seed + 7))
    for call in calls[:200]:
        _get(client, call)
    profiler = cProfile.Profile()
    profiler.enable()
    for call in calls:
        _get(client, call)
    profiler.disable()
    for order in ('tottime', 'cumulative'):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(30)
        print(f'\n  cProfile of {count} status requests, by {order}:')
        print('  ' + '\n  '.join(out.getvalue().splitlines()[:60]))
    path = os.path.join(OUT_DIR, 'api-status.prof')
    profiler.dump_stats(path)
    print(f'  profile kept in {path}')


# gunicorn ---------------------------------------------------------------------------

def parse_server(text):
    """'default' (gunicorn's own: 1 sync worker), 'sync:N' or 'gthread:NxT'."""
    if text == 'default':
        return {'name': 'default (1 sync worker)', 'args': []}
    kind, _, size = text.partition(':')
    if kind == 'sync':
        return {'name': f'sync, {size} workers', 'args': ['-w', size, '-k', 'sync']}
    if kind == 'gthread':
        workers, _, threads = size.partition('x')
        return {'name': f'gthread, {workers} workers x {threads} threads',
                'args': ['-w', workers, '-k', 'gthread', '--threads', threads]}
    raise SystemExit(f'--servers: {text!r}: expected default, sync:N or gthread:NxT')


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def site_file(url, folder, limiter):
    path = os.path.join(folder, 'site.toml')
    with open(path, 'w', encoding='utf-8') as fh:
        fh.write(f'[app]\nsecret_key = "{SECRET_KEY}"\n\n[database]\nurl = "{url}"\n\n'
                 f'[api]\nrate_limit = "{RATE_LIMIT}"\n\n'
                 f'[web]\nrate_limit_storage_uri = "{limiter}"\n\n'
                 f'[mail]\nbackend = "capture"\ncapture_dir = "{folder}/mail"\n')
    return path


@contextlib.contextmanager
def gunicorn(server, config_path, log_name):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith('NOC_')}
    env['NOC_CONFIG'] = config_path
    log = open(os.path.join(OUT_DIR, log_name), 'a', encoding='utf-8')
    command = [sys.executable, '-m', 'gunicorn', server.get('app', 'app:app'),
               '-b', f'127.0.0.1:{port}', *server['args']]
    proc = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=log)
    try:
        _wait_ready(proc, port)
        yield proc, port
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def _wait_ready(proc, port):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f'gunicorn exited with {proc.returncode}; see bench/out/')
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{port}/api/v1/openapi.json',
                                        timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError('gunicorn did not answer within 60 s')


def _cpu_seconds(pid):
    """CPU time of a process and its children (gunicorn's arbiter and workers)."""
    ticks = os.sysconf('SC_CLK_TCK')
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        with open(f'/proc/{pid}/task/{pid}/children') as fh:
            pids += [int(p) for p in fh.read().split()]
    for one in pids:
        with contextlib.suppress(OSError):
            with open(f'/proc/{one}/stat') as fh:
                fields = fh.read().rsplit(')', 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def load(proc, port, calls, rate, warmup, connections):
    before = _cpu_seconds(proc.pid)
    report = openloop.drive('127.0.0.1', port, calls, rate, warmup, connections)
    server_cpu = _cpu_seconds(proc.pid) - before
    duration = report.seconds + warmup
    return {
        'rate': rate, 'seconds': report.seconds, 'sent': report.sent,
        'answered': len(report.latencies_ms), 'achieved': report.achieved,
        'p50': report.percentile(0.50), 'p95': report.percentile(0.95),
        'p99': report.percentile(0.99),
        'max': max(report.latencies_ms) if report.latencies_ms else float('nan'),
        'statuses': {str(k): v for k, v in sorted(report.statuses.items())},
        'failures': report.failures, 'failure_kinds': report.failure_kinds,
        'wrong': report.wrong_count,
        'wrong_sample': report.wrong, 'connects': report.connects,
        'late_sends': report.late_sends,
        'server_cpu_cores': server_cpu / duration,
        # Per answered request: work on requests whose client gave up counts too.
        'server_cpu_ms_per_request': server_cpu / max(1, report.answered_all) * 1000,
        'client_cpu_cores': report.client_cpu / duration,
        'load_average_1min': os.getloadavg()[0],
    }


def passed(result):
    return (result['p95'] < P95_TARGET_MS and result['failures'] == 0
            and result['wrong'] == 0 and result['achieved'] >= 0.97 * result['rate'])


def _rank(result):
    """Those that pass by p95; those that do not by the rate they achieved."""
    if passed(result):
        return (0, result['p95'])
    return (1, -result['achieved'], result['p95'])


def show(label, r):
    print(f'  {label:<48} {r["rate"]:5.0f}/s for {r["seconds"]:.0f} s: achieved '
          f'{r["achieved"]:6.1f}/s  p50 {r["p50"]:6.1f}  p95 {r["p95"]:6.1f}  '
          f'p99 {r["p99"]:6.1f}  max {r["max"]:7.1f} ms  HTTP {r["statuses"]}  '
          f'failed {r["failures"]}{r["failure_kinds"] or ""} wrong {r["wrong"]}  server '
          f'{r["server_cpu_cores"]:.2f} cores ({r["server_cpu_ms_per_request"]:.1f} ms/request), '
          f'client {r["client_cpu_cores"]:.2f}  connects {r["connects"]}  '
          f'load {r["load_average_1min"]:.1f}'
          f'{"" if passed(r) else "  (target missed)"}', flush=True)
    for path, what in r['wrong_sample'][:3]:
        print(f'      wrong: {path}: {what}')


def find_max(server, config, world, args, seed, log):
    """The highest open-loop rate of the status endpoint that keeps p95 under
    the target, in steps of --step-seconds each (a fresh server each)."""
    best, steps = None, []
    for rate in args.max_rates:
        calls = status_calls(world, int(rate * (args.step_seconds + 2)), random.Random(seed))
        result = measure(server, config, log, calls, rate, 2, args.connections)
        steps.append(result)
        show(f'max search: {rate}/s', result)
        if not passed(result):
            break
        best = rate
    return best, steps


def measure(server, config, log, calls, rate, warmup, connections):
    """One load on a fresh gunicorn: requests an overloaded server still had
    queued must not spill into the next figure."""
    with gunicorn(server, config, log) as (proc, port):
        return load(proc, port, calls, rate, warmup, connections)


def run_wrk(port, world, seed, seconds):
    """wrk's closed-loop throughput with 16 connections (its latencies are not
    reported: a closed loop hides queueing)."""
    if not shutil.which('wrk'):
        print('  wrk: not installed (apt-get install wrk), skipped')
        return None
    calls = status_calls(world, 5000, random.Random(seed + 3))
    script = os.path.join(OUT_DIR, 'api-status-wrk.lua')
    with open(script, 'w', encoding='utf-8') as fh:
        fh.write('local calls = {\n')
        fh.write(''.join(f'{{"{c.path}", "Bearer {c.secret}"}},\n' for c in calls))
        fh.write('}\nlocal i = 0\nrequest = function()\n  i = i % #calls + 1\n'
                 '  return wrk.format("GET", calls[i][1], {["Authorization"] = calls[i][2]})\n'
                 'end\n')
    done = subprocess.run(['wrk', '-t1', '-c16', f'-d{seconds}s', '-s', script,
                           f'http://127.0.0.1:{port}'], capture_output=True, text=True)
    rate = non_2xx = None
    for line in done.stdout.splitlines():
        if line.startswith('Requests/sec:'):
            rate = float(line.split()[1])
        if 'Non-2xx' in line:
            non_2xx = int(line.split()[-1])
    print(f'  wrk closed loop, 1 thread, 16 connections, {seconds} s: {rate} requests/s, '
          f'non-2xx {non_2xx or 0}')
    return {'rate': rate, 'non_2xx': non_2xx or 0}


# One engine ------------------------------------------------------------------------

def run_engine(engine, pairs, args):
    print(f'{engine}:', flush=True)
    folder = tempfile.mkdtemp(prefix='janela-api-bench-')
    os.makedirs(OUT_DIR, exist_ok=True)
    out = {'engine': engine, 'servers': [], 'machine': machine(), 'limiter': args.limiter}
    with fresh_database(engine, SQLITE_PATH, PG_NAME) as url:
        app = create_app(overrides(url, os.path.join(folder, 'mail')), environ={})
        with app.test_request_context(), database.connection_context():
            world = prepare(app, pairs, args.seed, folder)
        with app.app_context():
            out['in_process'] = in_process(app, world, args.seed)
            if args.profile:
                profile(app, world, args.seed, args.profile)
        if not database.is_closed():
            database.close()
        config = site_file(url, folder, args.limiter)
        count = int(args.rate * (args.warmup + args.seconds))
        for text in args.servers:
            server = parse_server(text) | {'app': args.app}
            calls = status_calls(world, count, random.Random(args.seed))
            result = measure(server, config, f'gunicorn-{engine}-{text}.log', calls, args.rate,
                             args.warmup, args.connections)
            show(f'{server["name"]}', result)
            out['servers'].append({'server': text, 'name': server['name'], STATUS: result})
        best = min(out['servers'], key=lambda s: _rank(s[STATUS]))
        out['best'] = best['server']
        print(f'  best setting: {best["name"]}', flush=True)
        server = parse_server(best['server']) | {'app': args.app}
        log = f'gunicorn-{engine}-best.log'
        for name, make in ENDPOINTS.items():
            if name == STATUS:
                continue
            calls = make(world, count, random.Random(args.seed))
            result = measure(server, config, log, calls, args.rate, args.warmup,
                             args.connections)
            show(f'{best["name"]}: {name}', result)
            best[name] = result
        if args.max_rates:
            out['max_rate'], out['max_steps'] = find_max(server, config, world, args,
                                                         args.seed + 1, log)
            found = f'{out["max_rate"]}/s' if out['max_rate'] else 'below the lowest rate tried'
            print(f'  highest open-loop rate with p95 < {P95_TARGET_MS} ms: {found}', flush=True)
            with gunicorn(server, config, log) as (proc, port):
                out['wrk'] = run_wrk(port, world, args.seed, 15)
    limiter = '' if args.limiter == 'memory://' else '-' + args.limiter.split(':')[0]
    with open(os.path.join(OUT_DIR, f'api-status-{engine}{limiter}.json'), 'w') as fh:
        json.dump(out, fh, indent=1)
    shutil.rmtree(folder, ignore_errors=True)
    return out


def machine():
    return {'python': platform.python_version(), 'cpus': os.cpu_count(),
            'load_average': os.getloadavg()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--engine', choices=('sqlite', 'postgresql', 'both'), default='both')
    parser.add_argument('--rate', type=float, default=300, help='requests per second')
    parser.add_argument('--seconds', type=float, default=30, help='measured, after the warm-up')
    parser.add_argument('--warmup', type=float, default=5)
    parser.add_argument('--connections', type=int, default=64,
                        help='keep-alive connections the generator may open')
    parser.add_argument('--servers', default=DEFAULT_SERVERS,
                        type=lambda text: text.split(','),
                        help='gunicorn settings to try: default, sync:N, gthread:NxT '
                             f'(default {DEFAULT_SERVERS})')
    parser.add_argument('--max-rates', default='50,100,150,200,300,400,500,600,800',
                        type=lambda text: [int(r) for r in text.split(',') if r],
                        help='open-loop rates tried in turn for the highest under target')
    parser.add_argument('--no-max', dest='max_rates', action='store_const', const=[])
    parser.add_argument('--step-seconds', type=float, default=10)
    parser.add_argument('--profile', type=int, nargs='?', const=2000, default=0,
                        help='also cProfile this many status requests in process')
    parser.add_argument('--app', default='app:app',
                        help='the WSGI app gunicorn serves (another: to measure a change '
                             'before making it; add its folder to PYTHONPATH). The in-process '
                             'figures are always of the tree as it is')
    parser.add_argument('--limiter', default='memory://',
                        help='web.rate_limit_storage_uri of the served app: memory:// (each '
                             'worker its own counters) or redis://127.0.0.1:6379 (shared, '
                             'as README.md deploys it)')
    parser.add_argument('--customers', type=int, default=2000)
    parser.add_argument('--per-customer', type=int, default=10)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args(argv)
    # Stopped by a signal, still stop gunicorn and drop the database (finally blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for text in args.servers:
        parse_server(text)
    print('load average at start: %.2f %.2f %.2f' % os.getloadavg(), flush=True)
    pairs = revalidate_bench.pick(args.customers, args.per_customer, args.seed)
    engines = ('sqlite', 'postgresql') if args.engine == 'both' else (args.engine,)
    for engine in engines:
        run_engine(engine, pairs, args)
    print('load average at end: %.2f %.2f %.2f' % os.getloadavg())


if __name__ == '__main__':
    main()
