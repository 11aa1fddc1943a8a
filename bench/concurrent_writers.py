"""Eight concurrent writers for 60 s while the worker sends, and seven
PostgreSQL backend terminations under load (issue 16).

    .venv/bin/python bench/concurrent_writers.py                  # both engines
    .venv/bin/python bench/concurrent_writers.py --engine sqlite --seconds 60
    .venv/bin/python bench/concurrent_writers.py --engine postgresql --terminations 7

Per engine, on a new database (bench/out/janela-writers.db, git-ignored; or
janela_bench_writers on the PostgreSQL at 127.0.0.1:5432, trust; dropped at
the end), filled and served as tests/helpers/concurrent_writers.py does
(werkzeug's threaded server on loopback; the maintenance fixtures' network,
a confirmed window, a prefix request, an engineer's login and API token):

1. the mix for --seconds: eight writer threads, each sending its next
   request as soon as the last one is answered (closed loop): API submits of
   prefix requests, customer PATCHes, prefix actions (withdraw, recheck), the
   site edit form (logged in, CSRF), customer acknowledgements on the public
   page, circuits and customers POSTed and DELETEd, inbound mail stored and
   handled (noc.inbound.receive, in process); and the worker's passes
   (windows, mail, delivery to the capture directory). The public page's
   per-address limit (30 POSTs a minute) is switched off here, or the
   acknowledgements would be 429s after half a minute;
2. PostgreSQL only: the same mix over HTTP plus a reader, while every
   backend of the database is terminated (pg_terminate_backend) --terminations
   times, a second apart.

Printed: answers by writer and status, the 5xx count, exceptions, the worker's
passes, and latency p50/p95/max per writer and overall (each HTTP request,
or one received mail). Figures, never asserted: tests/test_concurrent_writers.py
and tests/test_pg_reconnect.py are the tests.
"""
import argparse
import datetime
import logging
import os
import pathlib
import platform
import shutil
import statistics
import sys

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
for folder in (PROJECT_DIR, os.path.join(PROJECT_DIR, 'tests'), BENCH_DIR):
    if folder not in sys.path:
        sys.path.insert(0, folder)

from databases import OUT_DIR, fresh_database
from helpers import concurrent_writers as mix

from noc.core.extensions import limiter


def quantile(values, q):
    if not values:
        return float('nan')
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method='inclusive')[q - 1]


def report(title, answers, seconds=None):
    print(f'\n== {title}')
    total = answers.total
    rate = f', {total / seconds:.1f}/s' if seconds else ''
    print(f'answers: {total}{rate}; 5xx: {len(answers.server_errors)}; exceptions: '
          f'{len(answers.errors)}; worker passes: {answers.worker_passes} '
          f'(raised: {len(answers.worker_errors)})')
    if answers.terminated:
        print(f'backends terminated per round: {answers.terminated}')
    by_writer = {}
    for (writer, status), count in sorted(answers.statuses.items()):
        by_writer.setdefault(writer, []).append(f'{status}×{count}')
    print(f'{"writer":<12} {"n":>6} {"p50 ms":>8} {"p95 ms":>8} {"max ms":>8}  statuses')
    for writer, times in sorted(answers.latencies.items()):
        times = sorted(times)
        print(f'{writer:<12} {len(times):>6} {quantile(times, 50) * 1000:>8.1f} '
              f'{quantile(times, 95) * 1000:>8.1f} {times[-1] * 1000:>8.1f}  '
              f'{" ".join(by_writer.get(writer, []))}')
    everything = answers.all_latencies()
    print(f'{"all":<12} {len(everything):>6} {quantile(everything, 50) * 1000:>8.1f} '
          f'{quantile(everything, 95) * 1000:>8.1f} {everything[-1] * 1000:>8.1f}')
    for line in (answers.errors + [f'{w} {s}: {b[:150]}' for w, s, b in
                                   answers.server_errors])[:10]:
        print('  ' + line.replace('\n', ' '))


def run_engine(engine, seconds, terminations):
    sqlite_path = os.path.join(OUT_DIR, 'janela-writers.db')
    work = pathlib.Path(OUT_DIR) / f'writers-{engine}'
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    with fresh_database(engine, sqlite_path, 'janela_bench_writers') as url:
        with mix.serve(url, work) as world:
            limiter.enabled = False          # the public page's 30 POSTs a minute
            answers = mix.run(world, seconds=seconds)
            report(f'{engine}: 8 writers and the worker for {seconds} s', answers, seconds)
            if engine == 'postgresql' and terminations:
                during = mix.terminator(url, lambda: mix.run.answers, times=terminations,
                                        interval=1.0)
                answers = mix.run(world, writers=mix.REQUESTS, during=during)
                report(f'{engine}: {terminations} terminations of every backend, a second '
                       'apart, under 8 HTTP clients and the worker', answers)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--engine', choices=('sqlite', 'postgresql'), action='append')
    parser.add_argument('--seconds', type=float, default=60)
    parser.add_argument('--terminations', type=int, default=7)
    args = parser.parse_args()
    # Quiet: the request log, and the tracebacks of errors the runs provoke.
    for name in ('werkzeug', 'noc', 'janela'):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    print(f'{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; '
          f'{platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; '
          f'load average {os.getloadavg()[0]:.1f}')
    for engine in args.engine or ('sqlite', 'postgresql'):
        run_engine(engine, args.seconds, args.terminations)


if __name__ == '__main__':
    main()
