"""Two workers, a short claim lease, a slow relay: does any message go twice?

    .venv/bin/python bench/outbox_duplicates.py                 # both engines
    .venv/bin/python bench/outbox_duplicates.py --engine sqlite --notices 85

The case of issue 16: lease 30 s, the relay takes 0.5 s to accept each
message, 85 notices in one batch (mail.batch_size 200), so one batch takes
about 43 s, longer than the lease. Before claims carried a fencing token,
the second worker took the batch over after 30 s while the first was still
sending it, and 21 of the 85 went twice. The target: 0 duplicates, every
message received once.

For each engine:

1. a new database (bench/out/janela-dup.db, or janela_bench_dup on the
   PostgreSQL at 127.0.0.1:5432, dropped at the end) with one customer, its
   `--notices` maintenance contacts and a circuit over one span;
2. an aiosmtpd server on loopback in a process of its own that waits
   `--delay` seconds before answering each DATA and keeps each Message-ID;
3. one window created and confirmed through the window commands (its notices
   queued in that transaction);
4. two worker processes, each looping as `noc worker` does (a pass, then
   `--interval` seconds): the second starts `--stagger` seconds after the
   first, so the first claims the whole batch; both stop once nothing is
   queued or being sent. The time from the first worker's start to that
   moment is the figure beside the count of duplicates.

Figures are printed and written as JSON to bench/out/outbox_duplicates.json;
never asserted: a benchmark is not a test.
"""
import argparse
import asyncio
import contextlib
import datetime
import json
import logging
import multiprocessing
import os
import re
import socket
import sys
import time

import flask

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
for path in (PROJECT_DIR, BENCH_DIR):
    if path not in sys.path:
        sys.path.insert(0, path)

from databases import OUT_DIR, fresh_database

from noc import create_app
from noc.core.db import database, init_db
from noc.maintenance import input as window_input
from noc.maintenance import window_commands
from noc.maintenance.settings import of_app
from noc.models import (
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    MessageState,
    OutboxMessage,
    Segment,
    Site,
    utcnow,
)
from noc.worker import Worker

SQLITE_PATH = os.path.join(OUT_DIR, 'janela-dup.db')
JSON_PATH = os.path.join(OUT_DIR, 'outbox_duplicates.json')
PG_NAME = 'janela_bench_dup'
MESSAGE_ID = re.compile(rb'^Message-ID:[ \t]*(<[^>\r\n]+>)', re.I | re.M)


# The slow relay, in a process of its own -------------------------------------------

def _serve_smtp(port, delay, pipe):
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.ids = []

        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(delay)
            head = (envelope.original_content or envelope.content).split(b'\r\n\r\n', 1)[0]
            found = MESSAGE_ID.search(head)
            self.ids.append(found.group(1).decode() if found else None)
            return f'250 Ok queued as {len(self.ids)}'

    handler = Handler()
    controller = Controller(handler, hostname='127.0.0.1', port=port,
                            server_hostname='bench-smtp')
    controller.start()
    pipe.send('ready')
    pipe.recv()
    controller.stop()
    pipe.send(handler.ids)


@contextlib.contextmanager
def slow_smtp_server(delay):
    """(port, collect): collect() stops the server and returns the Message-IDs it got."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    context = multiprocessing.get_context('spawn')
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve_smtp, args=(port, delay, theirs), daemon=True)
    process.start()
    if not ours.poll(30) or ours.recv() != 'ready':
        raise RuntimeError('the SMTP server did not start')
    got = []

    def collect():
        if not got:
            ours.send('stop')
            got.append(ours.recv())
        return got[0]
    try:
        yield port, collect
    finally:
        if process.is_alive() and not got:
            collect()
        process.join(10)


# The app, the data, the workers ----------------------------------------------------

def make_app(url, port, lease, batch_size):
    return create_app({'app': {'secret_key': 'bench-secret-' + 'x' * 40},
                       'database': {'url': url},
                       'mail': {'backend': 'smtp', 'server': '127.0.0.1', 'port': port,
                                'security': 'none', 'timeout_seconds': 5,
                                'batch_size': batch_size},
                       'worker': {'claim_lease_seconds': lease}},
                      environ={})


def queue_notices(count):
    """One customer with `count` maintenance contacts and a circuit over one span;
    a window over the span created and confirmed: its notices are queued."""
    a = Site.create(code='BHZ01', name='BHZ01', city='Belo Horizonte', state='MG')
    z = Site.create(code='CTG01', name='CTG01', city='Contagem', state='MG')
    span = Segment.create(code='SPAN-A', name='A', kind='span', a_site=a, z_site=z)
    customer = Customer.create(account_id='ACME-1', name='Acme Provedor', kind='isp')
    for n in range(count):
        Contact.create(customer=customer, name=f'Contato {n}', email=f'noc{n:03d}@acme.example',
                       role_maintenance=True, language='pt_BR',
                       notice_format='invitation' if n % 2 else 'plain')
    circuit = Circuit.create(circuit_id='JAN-IPT-001', customer=customer, service='ip-transit',
                             a_site=a, z_site=z)
    CircuitSegment.create(circuit=circuit, segment=span)
    day = (utcnow() + datetime.timedelta(days=12)).strftime('%Y-%m-%d')
    typed, errors = window_input.from_text(
        {'title_pt': 'Troca de cabo óptico', 'title_en': 'Fibre cable replacement',
         'description_pt': 'Substituição de 2 km de cabo.',
         'description_en': 'Replacing 2 km of cable.', 'internal_notes': '',
         'impact': 'OUTAGE', 'outage_minutes': '30', 'starts_at': f'{day} 02:00',
         'ends_at': f'{day} 05:00', 'circuits': '', 'sites': '', 'segments': 'SPAN-A'},
        'America/Sao_Paulo')
    assert not errors, errors
    settings = of_app(flask.current_app)
    window = window_commands.create(typed, 'bench', settings, ack_all=True)
    window_commands.confirm(window.id, 'bench', settings)
    return OutboxMessage.select().count()


def _unfinished():
    return OutboxMessage.select().where(OutboxMessage.state.in_(
        (MessageState.QUEUED, MessageState.SENDING))).count()


def _work(name, url, port, lease, batch_size, interval, seconds, pipe):
    """A worker process: passes every `interval` s until the outbox is done."""
    logging.basicConfig(level=logging.WARNING, format=f'{name}: %(message)s')
    app = make_app(url, port, lease, batch_size)
    worker = Worker(app, name)
    deadline = time.monotonic() + seconds
    passes, results = 0, {}
    while time.monotonic() < deadline:
        done = worker.run_once()
        passes += 1
        for key, value in done.items():
            if isinstance(value, int) and key not in ('windows', 'reminders'):
                results[key] = results.get(key, 0) + value
        with app.app_context(), database.connection_context():
            if not _unfinished():
                break
        time.sleep(interval)
    pipe.send({'passes': passes, 'results': results})


def run_engine(engine, args):
    print(f'{engine}:', flush=True)
    with fresh_database(engine, SQLITE_PATH, PG_NAME) as url, \
            slow_smtp_server(args.delay) as (port, collect):
        app = make_app(url, port, args.lease, args.batch_size)
        with app.test_request_context():
            database.connect(reuse_if_open=True)
            init_db(database.obj)
            queued = queue_notices(args.notices)
            database.close()
        context = multiprocessing.get_context('spawn')
        workers = []
        started = time.perf_counter()
        for n in range(2):
            ours, theirs = context.Pipe()
            process = context.Process(target=_work, args=(
                f'w{n + 1}', url, port, args.lease, args.batch_size, args.interval,
                args.timeout, theirs))
            process.start()
            workers.append((process, ours))
            if n == 0:
                time.sleep(args.stagger)
        reports = []
        for process, ours in workers:
            reports.append(ours.recv() if ours.poll(args.timeout + 60) else {})
            process.join(30)
        seconds = time.perf_counter() - started
        ids = collect()
        with app.app_context(), database.connection_context():
            states = {state: OutboxMessage.select().where(OutboxMessage.state == state).count()
                      for state in MessageState.values()}
            takers = sorted({name for (name,) in OutboxMessage.select(
                OutboxMessage.claimed_by).tuples()})
    figures = dict(engine=engine, notices=queued, server_received=len(ids),
                   unique_ids=len(set(ids)), duplicates=len(ids) - len(set(ids)),
                   states=states, seconds=seconds, sent_by=takers, workers=reports,
                   lease_s=args.lease, smtp_delay_s=args.delay, batch_size=args.batch_size)
    print(f'  {queued} notices; server got {len(ids)} ({len(set(ids))} unique): '
          f'{figures["duplicates"]} duplicates; outbox {states}; all done in {seconds:.1f} s; '
          f'workers {reports}', flush=True)
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--engine', choices=('sqlite', 'postgresql', 'both'), default='both')
    parser.add_argument('--notices', type=int, default=85)
    parser.add_argument('--lease', type=int, default=30, help='worker.claim_lease_seconds')
    parser.add_argument('--delay', type=float, default=0.5, help='seconds per message at the relay')
    parser.add_argument('--batch-size', type=int, default=200)
    parser.add_argument('--interval', type=float, default=1.0, help='seconds between passes')
    parser.add_argument('--stagger', type=float, default=1.0,
                        help='seconds between the two workers\' starts')
    parser.add_argument('--timeout', type=float, default=600, help='give up after (s)')
    args = parser.parse_args(argv)
    os.makedirs(OUT_DIR, exist_ok=True)
    engines = ('sqlite', 'postgresql') if args.engine == 'both' else (args.engine,)
    all_figures = [run_engine(engine, args) for engine in engines]
    print('\n| engine | notices | lease s | relay s/message | received (unique) | duplicates '
          '| outbox sent | time s |')
    print('|---|---:|---:|---:|---|---:|---:|---:|')
    for f in all_figures:
        print(f'| {f["engine"]} | {f["notices"]} | {f["lease_s"]} | {f["smtp_delay_s"]} '
              f'| {f["server_received"]} ({f["unique_ids"]}) | {f["duplicates"]} '
              f'| {f["states"][MessageState.SENT]} | {f["seconds"]:.1f} |')
    report = {'date': datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
              'nproc': os.cpu_count(), 'runs': all_figures}
    with open(JSON_PATH, 'w', encoding='utf-8') as fh:
        json.dump(report, fh, indent=1, default=str)


if __name__ == '__main__':
    main()
