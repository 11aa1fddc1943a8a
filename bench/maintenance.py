"""Time a big maintenance window: confirm to notices queued, then delivery by SMTP.

    make bench-maintenance                 # both engines
    .venv/bin/python bench/maintenance.py --engine sqlite --profile

The target (issue 3): a window over segments that carry 5,000 circuits of
800 customers (about 2,000 maintenance contacts): from confirm to all notices
queued under 5 s; one worker delivers them to a local aiosmtpd at 100
messages/s or more.

Each engine runs in a child process of its own (so its max RSS is its own):

1. a new database (bench/out/janela-mw.db, git-ignored; or janela_bench_mw on
   the PostgreSQL at 127.0.0.1:5432, user postgres, trust; created here and
   dropped at the end), filled with multi-row INSERTs as bench/generate.py
   does (its _insert: one id block per table from next_ids, search_text by
   search_key). PostgreSQL then gets VACUUM ANALYZE, as generate.py does;
2. an aiosmtpd server on loopback in a process of its own (a relay is
   another process; in-process it would share the GIL with the worker). It
   accepts everything and keeps only each message's Message-ID;
3. the app from create_app(overrides, environ={}) with mail backend "smtp"
   pointed at that server;
4. three windows over the ring (a segment code typed in the form, expanded
   by scope.expand through its spans), each on its own day (12, 14 and 16
   days ahead: the overlap rule keeps one circuit out of two windows at once),
   OUTAGE, 4 hours: noc.maintenance.input.parse, windows.create with every
   warning acknowledged (both legs of each redundancy group, change freezes),
   then windows.confirm under time.perf_counter. That span is the figure: the
   rules again, composing every MIME message and writing the outbox rows,
   committed in one transaction;
5. one more window, confirmed with peewee's SQL statements counted and a
   timer around each step (rules, rendering, calendars, MIME, INSERTs: see
   SECTIONS), so the report says where the seconds go; with --profile a
   further one under cProfile (top printed, .prof kept in bench/out/).
   These are not the timed figures;
6. Worker(app, 'bench').deliver_outbox() until nothing is queued (the
   notices of every window above), timed; then the server's count and
   Message-IDs are compared with the outbox's.

Figures are printed, and written as JSON to bench/out/maintenance.json;
never asserted: a benchmark is not a test.
"""
import argparse
import contextlib
import cProfile
import datetime
import io
import json
import logging
import multiprocessing
import os
import platform
import pstats
import random
import re
import resource
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import zoneinfo

import flask
import peewee
import psycopg2

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
for path in (PROJECT_DIR, BENCH_DIR):
    if path not in sys.path:
        sys.path.insert(0, path)

import generate
from databases import OUT_DIR, PG_SERVER, fresh_database

from noc import create_app
from noc.core.db import database, init_db
from noc.mail import compose, outbox
from noc.maintenance import ical, notices, window_commands, windows
from noc.maintenance import input as window_input
from noc.maintenance.settings import of_app
from noc.models import (
    ChangeFreeze,
    Circuit,
    Contact,
    Customer,
    MessageState,
    OutboxMessage,
    RedundancyGroup,
    Segment,
    Site,
    audit,
)
from noc.worker import Worker

SQLITE_PATH = os.path.join(OUT_DIR, 'janela-mw.db')
JSON_PATH = os.path.join(OUT_DIR, 'maintenance.json')
PG_NAME = 'janela_bench_mw'
ZONE = 'America/Sao_Paulo'


def maintenance_settings():
    """The maintenance settings of the app in context, as the adapters pass them."""
    return of_app(flask.current_app)

CONFIRM_TARGET_S, DELIVERY_TARGET_PER_S = 5.0, 100.0

CUSTOMERS, CIRCUITS, BACKGROUND_CIRCUITS = 800, 5000, 5000
RING, OTHER_RING = 'RING-BENCH', 'RING-OTHER'
REPEATS = 3
FIRST_DAY, DAY_STEP = 12, 2          # window n starts FIRST_DAY + n * DAY_STEP days ahead
LANGUAGES = (('pt_BR', 70), ('en', 30))
ZONES = (('America/Sao_Paulo', 60), ('America/Manaus', 20), ('Europe/Lisbon', 20))
REDUNDANT_SHARE = 0.10
SITES = [('BHZ01', 'Belo Horizonte', 'MG'), ('BHZ02', 'Belo Horizonte', 'MG'),
         ('CTG01', 'Contagem', 'MG'), ('BTM01', 'Betim', 'MG'),
         ('SPO01', 'São Paulo', 'SP'), ('SPO02', 'São Paulo', 'SP'),
         ('CPS01', 'Campinas', 'SP'), ('STS01', 'Santos', 'SP')]

log = logging.getLogger('bench')


# The data -----------------------------------------------------------------------

def _sites_and_rings(rng):
    """Eight sites; RING-BENCH over the first four, RING-OTHER over the rest,
    each a closed loop of 4 spans. Returns (site ids, {ring: [(span id, a site)]})."""
    now = generate.NOW
    site_ids = generate._insert(
        Site, [Site.code, Site.name, Site.kind, Site.city, Site.state, Site.address,
               Site.created_at, Site.updated_at],
        [(code, f'{city} POP {code[-2:]}', 'pop', city, state, 'Rua Bench, 1', now, now)
         for code, city, state in SITES])
    spans = {}
    for ring, members in ((RING, site_ids[:4]), (OTHER_RING, site_ids[4:])):
        ring_id, = generate._insert(Segment, generate.SEGMENT_FIELDS,
                                    [generate._segment(rng, ring, f'Anel {ring}', 'ring')])
        rows = [generate._segment(rng, f'{ring}-S{k + 1}', f'Span {k + 1}', 'span', a,
                                  members[(k + 1) % 4], ring_id, round(rng.uniform(2, 90), 2))
                for k, a in enumerate(members)]
        spans[ring] = list(zip(generate._insert(Segment, generate.SEGMENT_FIELDS, rows),
                               members))
    return site_ids, spans


def _customers(rng):
    """800 customers, languages and zones mixed; returns [(id, account, name, kind, lang, zone)]."""
    kinds = [generate._weighted(rng, (('isp', 50), ('enterprise', 40), ('carrier', 10)))
             for _ in range(CUSTOMERS)]
    rows = []
    for n, (kind, name) in enumerate(zip(kinds, generate._unique_names(rng, kinds)), 1):
        rows.append((f'MW{100000 + n}', name, kind, generate._weighted(rng, LANGUAGES),
                     generate._weighted(rng, ZONES), '', generate.NOW, generate.NOW))
    ids = generate._insert(Customer, [Customer.account_id, Customer.name, Customer.kind,
                                      Customer.notice_language, Customer.time_zone,
                                      Customer.notes, Customer.created_at,
                                      Customer.updated_at], rows)
    return [(i, r[0], r[1], r[2], r[3], r[4]) for i, r in zip(ids, rows)]


def _people(rng, domain, count):
    """`count` (name, email) at the customer's domain, the NOC first; emails unique."""
    people, emails = [('NOC', f'noc@{domain}')], {f'noc@{domain}'}
    while len(people) < count:
        first, last = rng.choice(generate.FIRST_NAMES), rng.choice(generate.LAST_NAMES)
        email = f'{generate._slug(first)}.{generate._slug(last)}@{domain}'
        if email not in emails:
            emails.add(email)
            people.append((f'{first} {last}', email))
    return people


def _contact_rows(rng, customer):
    """2-3 maintenance contacts (the NOC first), mostly in the customer's
    language and zone; plus 0-2 people who get no notices."""
    customer_id, _, name, kind, language, zone = customer
    domain = generate._slug(name)[:30] + ('.net.br' if kind == 'isp' else '.com.br')
    maintenance = rng.randint(2, 3)
    for k, (person, email) in enumerate(_people(rng, domain, maintenance + rng.randint(0, 2))):
        notices = k < maintenance
        own_language = language if rng.random() < 0.75 else generate._weighted(rng, LANGUAGES)
        own_zone = zone if rng.random() < 0.75 else generate._weighted(rng, ZONES)
        notice_format = 'plain' if rng.random() < 0.3 else 'invitation'
        yield (customer_id, person, email, '+55 31 3333-0000', notices, False,
               not notices, False, own_language, own_zone, notice_format,
               generate.NOW, generate.NOW)


def _contacts(rng, customers):
    rows = [row for customer in customers for row in _contact_rows(rng, customer)]
    generate._insert(Contact, [Contact.customer, Contact.name, Contact.email, Contact.phone,
                               Contact.role_maintenance, Contact.role_bgp,
                               Contact.role_technical, Contact.role_commercial,
                               Contact.language, Contact.time_zone, Contact.notice_format,
                               Contact.created_at, Contact.updated_at], rows)
    return sum(1 for row in rows if row[4]), len(rows)


def _owners(rng, customers, count, everyone):
    """Owner of each circuit: with `everyone`, each customer once, then Zipf."""
    first = list(customers) if everyone else []
    return first + generate._owners(rng, customers, count - len(first))


def _circuits(rng, customers, spans, site_ids, count, everyone, serial):
    """`count` active circuits, each over one span of its ring; ~10 % of them in
    pairs of one customer whose legs ride different spans. Returns (circuits, groups)."""
    owners = _owners(rng, customers, count, everyone)
    rows, paths = [], []
    for n, customer in enumerate(owners):
        service = generate._weighted(rng, generate.SERVICE_MIX[customer[3]])
        span_id, a_site = rng.choice(spans)
        z_site = rng.choice([s for s in site_ids if s != a_site])
        rows.append([f'{generate.SERVICE_PREFIX[service]}-{serial + n}', customer[0],
                     f'{customer[1]}-{n:05d}', service,
                     rng.choice(generate.BANDWIDTHS[service]), 'active', a_site, z_site, None,
                     None, '', '', generate.NOW, generate.NOW])
        paths.append(span_id)
    groups = []
    if everyone:
        by_owner = {}
        for index, row in enumerate(rows):
            by_owner.setdefault(row[1], []).append(index)
        pairs = []
        for _owner, indexes in by_owner.items():
            for _ in range(int(len(indexes) * REDUNDANT_SHARE / 2 + rng.random())):
                if len(indexes) >= 2:
                    pairs.append((indexes.pop(), indexes.pop()))
        group_ids = generate._insert(RedundancyGroup, [RedundancyGroup.name,
                                                       RedundancyGroup.description],
                                     [(f'RG-MW-{k:04d}', 'Primary and backup paths')
                                      for k in range(len(pairs))])
        for group_id, (one, two) in zip(group_ids, pairs):
            rows[one][8] = rows[two][8] = group_id
            # The backup leg goes the other way round the ring.
            others = [s for s in spans if s[0] != paths[one]]
            paths[two], rows[two][6] = rng.choice(others)
        groups = group_ids
    ids = generate._insert(Circuit, generate.CIRCUIT_FIELDS, [tuple(r) for r in rows])
    generate._insert_links(list(zip(ids, paths)))
    return len(ids), len(groups)


def _freezes(rng, customers, today):
    """3 % of customers frozen over the bench's days (warnings to acknowledge),
    10 % at year end."""
    near = (today + datetime.timedelta(days=FIRST_DAY - 2),
            today + datetime.timedelta(days=FIRST_DAY + 10), 'Projeto interno')
    year_end = (datetime.date(today.year, 12, 28), datetime.date(today.year + 1, 1, 6),
                'Festas de fim de ano')
    rows = [(c[0],) + near for c in customers if rng.random() < 0.03]
    rows += [(c[0],) + year_end for c in customers if rng.random() < 0.10]
    generate._insert(ChangeFreeze, [ChangeFreeze.customer, ChangeFreeze.starts_on,
                                    ChangeFreeze.ends_on, ChangeFreeze.reason], rows)
    return len(rows)


def build(seed=3):
    """Fill the empty, initialised database; returns {what: rows}."""
    rng = random.Random(seed)
    site_ids, spans = _sites_and_rings(rng)
    customers = _customers(rng)
    maintenance_contacts, contacts = _contacts(rng, customers)
    circuits, groups = _circuits(rng, customers, spans[RING], site_ids, CIRCUITS, True, 100001)
    background, _ = _circuits(rng, customers, spans[OTHER_RING], site_ids,
                              BACKGROUND_CIRCUITS, False, 200001)
    freezes = _freezes(rng, customers, datetime.date.today())
    return {'site': len(site_ids), 'segment': Segment.select().count(),
            'customer': len(customers), 'contact': contacts,
            'maintenance contact': maintenance_contacts,
            f'circuit on {RING}': circuits, f'circuit on {OTHER_RING}': background,
            'redundancy_group': groups, 'change_freeze': freezes}


# The SMTP server, in a process of its own --------------------------------------

MESSAGE_ID = re.compile(rb'^Message-ID:[ \t]*(<[^>\r\n]+>)', re.I | re.M)


def _serve_smtp(port, pipe):
    """Accept every message; keep its Message-ID. 'stop' over the pipe ends it."""
    from aiosmtpd.controller import Controller

    class Handler:
        def __init__(self):
            self.ids, self.octets = [], 0

        async def handle_DATA(self, server, session, envelope):
            content = envelope.original_content or envelope.content
            head = content.split(b'\r\n\r\n', 1)[0]
            found = MESSAGE_ID.search(head)
            self.ids.append(found.group(1).decode() if found else None)
            self.octets += len(content)
            return f'250 Ok queued as {len(self.ids)}'

    handler = Handler()
    controller = Controller(handler, hostname='127.0.0.1', port=port,
                            server_hostname='bench-smtp')
    controller.start()
    pipe.send('ready')
    pipe.recv()
    controller.stop()
    pipe.send({'ids': handler.ids, 'octets': handler.octets})


@contextlib.contextmanager
def smtp_server():
    """(port, collect) where collect() stops the server and returns what it got."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    context = multiprocessing.get_context('spawn')
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve_smtp, args=(port, theirs), daemon=True)
    process.start()
    if not ours.poll(30) or ours.recv() != 'ready':
        raise RuntimeError('the SMTP server did not start')
    collected = {}

    def collect():
        if not collected:
            ours.send('stop')
            collected.update(ours.recv())
        return collected

    try:
        yield port, collect
    finally:
        if process.is_alive() and not collected:
            collect()
        process.join(10)


# Databases -------------------------------------------------------------------------

def db_size_mb():
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        db.execute_sql('PRAGMA wal_checkpoint(TRUNCATE)')
        return sum(os.path.getsize(SQLITE_PATH + s) for s in ('', '-wal')
                   if os.path.exists(SQLITE_PATH + s)) / 2**20
    return db.execute_sql('SELECT pg_database_size(current_database())').fetchone()[0] / 2**20


def max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


# Measuring -------------------------------------------------------------------------

class _QueryCounter(logging.Handler):
    """Counts the SQL statements peewee logs (as bench/run.py does)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        if isinstance(record.msg, tuple):
            self.count += 1


@contextlib.contextmanager
def counting_queries():
    logger, counter = logging.getLogger('peewee'), _QueryCounter()
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)


@contextlib.contextmanager
def profiled(enabled, name, engine):
    """cProfile around the block when enabled; prints the top and keeps the .prof file."""
    if not enabled:
        yield
        return
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        path = os.path.join(OUT_DIR, f'maintenance-{engine}-{name}.prof')
        profile.dump_stats(path)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats('cumulative').print_stats(45)
        print(f'\n  cProfile of {name} ({engine}), by cumulative time; all in {path}')
        print('    ' + '\n    '.join(out.getvalue().strip().splitlines()[3:]))


# Where confirm spends its time: wall-clock seconds in each step, summed over
# its calls (the steps do not nest, except _calendar's cached _bodies lookup).
SECTIONS = (('rules (windows.evaluate)', windows, 'evaluate'),
            ('audit state (windows.state)', windows, 'state'),
            ('scope (windows.scope_of)', windows, 'scope_of'),
            ('circuits by customer (windows.by_customer)', windows, 'by_customer'),
            ('audit row (audit.record)', audit, 'record'),
            ('sites per customer (notices._sites)', notices, '_sites'),
            ('recipients (notices.recipients)', notices, 'recipients'),
            ('render text+HTML (Composer._bodies)', notices.Composer, '_bodies'),
            ('VCALENDAR (Composer._calendar)', notices.Composer, '_calendar'),
            ('attendee line (ical.invite)', ical, 'invite'),
            ('MIME (compose.build)', compose, 'build'),
            ('outbox INSERTs (outbox.enqueue_many)', outbox, 'enqueue_many'))


@contextlib.contextmanager
def timing_sections():
    """Wrap each step of SECTIONS with a timer for the block; yields {name: [calls, s]}."""
    spent = {name: [0, 0.0] for name, _, _ in SECTIONS}
    saved = []

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name][0] += 1
                spent[name][1] += time.perf_counter() - started
        return wrapper

    for name, owner, attr in SECTIONS:
        function = owner.__dict__[attr]
        saved.append((owner, attr, function))
        setattr(owner, attr, timed(name, function))
    try:
        yield spent
    finally:
        for owner, attr, function in saved:
            setattr(owner, attr, function)


def window_form(day):
    """The form an engineer sends: the ring by its code, 01:00-05:00 local, `day` days ahead."""
    date = (datetime.datetime.now(zoneinfo.ZoneInfo(ZONE)) + datetime.timedelta(days=day))
    stamp = date.strftime('%Y-%m-%d')
    return {'title_pt': f'Substituição de cabo óptico no anel {RING}',
            'title_en': f'Fibre cable replacement on ring {RING}',
            'description_pt': 'Troca de 3 km de cabo danificado entre as caixas 12 e 15.\n'
                              'Os circuitos ficarão fora durante as emendas.',
            'description_en': 'Replacing 3 km of damaged cable between splice boxes 12 '
                              'and 15.\nCircuits are down while it is spliced.',
            'internal_notes': 'Equipe C, OS 9911', 'impact': 'OUTAGE',
            'outage_minutes': '120', 'starts_at': f'{stamp} 01:00',
            'ends_at': f'{stamp} 05:00', 'circuits': '', 'sites': '', 'segments': RING}


def new_window(day):
    """A TENTATIVE window as the form makes one (text read, rules checked, then the
    create command with the warnings acknowledged); (window, circuits, warnings, seconds)."""
    started = time.perf_counter()
    settings = maintenance_settings()
    typed, errors = window_input.from_text(window_form(day), ZONE)
    values, checked = window_input.check(typed)
    if errors or checked:
        raise RuntimeError(f'window form refused: {errors or checked}')
    findings = windows.evaluate(values, settings=settings)
    refused = [str(f.message) for f in findings if f.is_error]
    if refused:
        raise RuntimeError(f'window refused: {refused}')
    keys = [f.key for f in findings if not f.is_error]
    window = window_commands.create(typed, 'bench', settings, acknowledged=keys)
    return window, len(values['scope']), len(keys), time.perf_counter() - started


def confirm(day):
    window, circuits, warnings, create_s = new_window(day)
    started = time.perf_counter()
    window_commands.confirm(window.id, 'bench', maintenance_settings())
    seconds = time.perf_counter() - started
    queued = OutboxMessage.select().where(OutboxMessage.window == window).count()
    customers = (OutboxMessage.select(OutboxMessage.customer).distinct()
                 .where(OutboxMessage.window == window).count())
    return dict(reference=window.reference, circuits=circuits, customers=customers,
                warnings_acknowledged=warnings, create_s=create_s, messages=queued,
                seconds=seconds)


def measure_confirms(engine, profile):
    runs = []
    for n in range(REPEATS):
        run = confirm(FIRST_DAY + n * DAY_STEP)
        runs.append(run)
        print(f'  confirm {run["reference"]}: {run["messages"]} notices to '
              f'{run["customers"]} customers over {run["circuits"]} circuits queued in '
              f'{run["seconds"]:.2f} s (create took {run["create_s"]:.2f} s, '
              f'{run["warnings_acknowledged"]} warnings acknowledged)', flush=True)
    # One more, not a timed figure: its SQL statements and where its time goes.
    window, _, _, _ = new_window(FIRST_DAY + REPEATS * DAY_STEP)
    with counting_queries() as counter, timing_sections() as spent:
        started = time.perf_counter()
        window_commands.confirm(window.id, 'bench', maintenance_settings())
        total = time.perf_counter() - started
    statements = counter.count
    sections = {name: {'calls': calls, 'seconds': seconds}
                for name, (calls, seconds) in spent.items()}
    sections['rest (commit, other)'] = {
        'calls': 1, 'seconds': total - sum(v['seconds'] for v in sections.values())}
    print(f'  confirm {window.reference} (instrumented): {total:.2f} s, {statements} SQL '
          'statements; seconds by step:', flush=True)
    for name, v in sorted(sections.items(), key=lambda kv: -kv[1]['seconds']):
        print(f'    {name:<44} {v["seconds"]:6.2f} s  {v["calls"]:6d} calls')
    if profile:
        window, _, _, _ = new_window(FIRST_DAY + (REPEATS + 1) * DAY_STEP)
        with profiled(True, 'confirm', engine):
            window_commands.confirm(window.id, 'bench', maintenance_settings())
    return runs, statements, sections


def measure_delivery(app, engine, profile, collect):
    queued = OutboxMessage.select().where(OutboxMessage.state == MessageState.QUEUED).count()
    worker = Worker(app, 'bench')
    results, passes = {}, 0
    with profiled(profile, 'delivery', engine):
        started = time.perf_counter()
        while OutboxMessage.select().where(OutboxMessage.state == MessageState.QUEUED).exists():
            passes += 1
            for state, n in worker.deliver_outbox().items():
                results[state] = results.get(state, 0) + n
            if passes > 100:
                break
        seconds = time.perf_counter() - started
    got = collect()
    stored = {m for (m,) in OutboxMessage.select(OutboxMessage.message_id)
              .where(OutboxMessage.state == MessageState.SENT).tuples()}
    ids = got['ids']
    sent = results.get('sent', 0)
    result = dict(queued=queued, sent=sent, results=results, passes=passes, seconds=seconds,
                  per_second=sent / seconds if seconds else 0.0,
                  server_received=len(ids), server_unique_ids=len(set(ids)),
                  ids_match_outbox=set(ids) == stored and len(ids) == len(stored),
                  server_mb=got['octets'] / 2**20)
    print(f'  delivery: {sent} of {queued} sent in {seconds:.1f} s = '
          f'{result["per_second"]:.0f} messages/s; server got {len(ids)}, '
          f'{len(set(ids))} unique Message-IDs, same as the outbox: '
          f'{result["ids_match_outbox"]}', flush=True)
    return result


def run_engine(engine, profile):
    print(f'{engine}:', flush=True)
    figures = {'engine': engine}
    with fresh_database(engine, SQLITE_PATH, PG_NAME) as url, smtp_server() as (port, collect):
        app = create_app({'app': {'secret_key': 'bench-secret-' + 'x' * 40},
                          'database': {'url': url},
                          'mail': {'backend': 'smtp', 'server': '127.0.0.1', 'port': port,
                                   'security': 'none', 'timeout_seconds': 30}},
                         environ={})
        with app.test_request_context():
            database.connect(reuse_if_open=True)
            try:
                started = time.perf_counter()
                init_db(database.obj)
                figures['data'] = build()
                generate._analyze(database.obj)
                figures['build_s'] = time.perf_counter() - started
                figures['max_rss_mb'] = {'after build': max_rss_mb()}
                print(f'  data built in {figures["build_s"]:.1f} s: ' + ', '.join(
                    f'{n} {what}' for what, n in figures['data'].items()), flush=True)
                runs, statements, sections = measure_confirms(engine, profile)
                figures['confirm'] = dict(runs=runs, sql_statements=statements,
                                          instrumented_sections=sections,
                                          median_s=statistics.median(r['seconds'] for r in runs))
                figures['max_rss_mb']['after confirms'] = max_rss_mb()
                figures['delivery'] = measure_delivery(app, engine, profile, collect)
                figures['max_rss_mb']['after delivery'] = max_rss_mb()
                figures['avg_message_kb'] = float(OutboxMessage.select(
                    peewee.fn.AVG(peewee.fn.LENGTH(OutboxMessage.raw))).scalar()) / 1024
                figures['db_size_mb'] = db_size_mb()
            finally:
                database.close()
    figures['confirm_target_met'] = figures['confirm']['median_s'] < CONFIRM_TARGET_S
    delivery = figures['delivery']
    figures['delivery_target_met'] = (delivery['per_second'] >= DELIVERY_TARGET_PER_S
                                      and delivery['ids_match_outbox']
                                      and delivery['sent'] == delivery['queued'])
    return figures


# Report ----------------------------------------------------------------------------

def machine():
    def first(path, key):
        with contextlib.suppress(OSError), open(path, encoding='utf-8') as fh:
            for line in fh:
                if line.startswith(key):
                    return line.split(':', 1)[1].strip()
        return ''

    pg = ''
    with contextlib.suppress(Exception):
        conn = psycopg2.connect(PG_SERVER + '/postgres')
        pg = f'{conn.server_version // 10000}.{conn.server_version % 10000}'
        conn.close()
    return {'cpu': first('/proc/cpuinfo', 'model name'), 'nproc': os.cpu_count(),
            'memory': first('/proc/meminfo', 'MemTotal'), 'python': platform.python_version(),
            'peewee': peewee.__version__, 'sqlite': sqlite3.sqlite_version,
            'postgresql': pg, 'kernel': platform.release()}


def print_table(all_figures):
    print('\n| engine | confirm → queued, median (runs) s | notices | SQL in confirm '
          '| delivered | messages/s | server got (unique ids) | max RSS MB | DB MB | targets |')
    print('|---|---|---:|---:|---:|---:|---|---:|---:|---|')
    for f in all_figures:
        c, d = f['confirm'], f['delivery']
        runs = ', '.join(f'{r["seconds"]:.2f}' for r in c['runs'])
        targets = (f'confirm {"pass" if f["confirm_target_met"] else "FAIL"}, '
                   f'delivery {"pass" if f["delivery_target_met"] else "FAIL"}')
        print(f'| {f["engine"]} | {c["median_s"]:.2f} ({runs}) | {c["runs"][0]["messages"]} '
              f'| {c["sql_statements"]} | {d["sent"]} of {d["queued"]} | {d["per_second"]:.0f} '
              f'| {d["server_received"]} ({d["server_unique_ids"]}) '
              f'| {max(f["max_rss_mb"].values()):.0f} | {f["db_size_mb"]:.0f} | {targets} |')
    print(f'\ntargets: confirm → all notices queued < {CONFIRM_TARGET_S:.0f} s (median); '
          f'one worker ≥ {DELIVERY_TARGET_PER_S:.0f} messages/s, every message received once')


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--engine', choices=('sqlite', 'postgresql', 'both'), default='both')
    parser.add_argument('--profile', action='store_true',
                        help='cProfile the extra confirm and the delivery (not the timed '
                             'confirms; the delivery rate is then a profiled one)')
    parser.add_argument('--part', help=argparse.SUPPRESS)   # a child writes its engine here
    args = parser.parse_args(argv)
    os.makedirs(OUT_DIR, exist_ok=True)
    if args.part:
        figures = run_engine(args.engine, args.profile)
        with open(args.part, 'w', encoding='utf-8') as fh:
            json.dump(figures, fh)
        return
    engines = ('sqlite', 'postgresql') if args.engine == 'both' else (args.engine,)
    print('load average at start: %.2f %.2f %.2f' % os.getloadavg(), flush=True)
    report = {'date': datetime.date.today().isoformat(), 'machine': machine(),
              'load_start': os.getloadavg(), 'engines': []}
    for engine in engines:
        # Each engine in a process of its own: its max RSS is its own.
        part = os.path.join(OUT_DIR, f'maintenance-{engine}.part.json')
        command = [sys.executable, os.path.abspath(__file__), '--engine', engine,
                   '--part', part] + (['--profile'] if args.profile else [])
        subprocess.run(command, check=True)
        with open(part, encoding='utf-8') as fh:
            report['engines'].append(json.load(fh))
        os.remove(part)
    report['load_end'] = os.getloadavg()
    print_table(report['engines'])
    print('load average at end: %.2f %.2f %.2f' % report['load_end'])
    with open(JSON_PATH, 'w', encoding='utf-8') as fh:
        json.dump(report, fh, indent=1, default=str)
    print(f'figures written to {os.path.relpath(JSON_PATH, PROJECT_DIR)}')


if __name__ == '__main__':
    main()
