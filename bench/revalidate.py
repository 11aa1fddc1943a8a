"""Revalidating 20,000 tracked prefixes against a local IRRd and the current VRP snapshot.

    .venv/bin/python bench/revalidate.py                   # both engines, 20,000 prefixes
    .venv/bin/python bench/revalidate.py --engine sqlite --prefixes 5000

The prefixes are real: 20,000 (prefix, origin) pairs of ARIN's OriginAS
registry (bench/irr_data.py): 2,000 origins with 5 prefixes or more, about
10 of each, one customer per origin (its ASN) with one IP transit session and
one BGP contact, all prefixes in state configured. A real IRRd 4.5
(tests/helpers/irrd_server.py: its own PostgreSQL database and Redis) holds them as
route objects of source ARIN-OA, except a tenth left out (no route object).
The VRP set is derived from the same pairs (there is no real one offline):
80% get a ROA of their origin, 5% a ROA of another origin, the rest none.

Three timed runs of `noc.routing.prefix_requests.revalidate.run()` per engine:
  1. first: every prefix changes (nothing was recorded yet): history, alert
     and notice writes for all 20,000 — the worst case;
  2. steady: nothing changed since — the daily run;
  3. after a new snapshot in which 5% of the ROAs changed origin.
"""
import argparse
import json
import os
import random
import sys
import tempfile
import time
import uuid

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
for folder in (PROJECT_DIR, os.path.join(PROJECT_DIR, 'tests'), BENCH_DIR):
    if folder not in sys.path:
        sys.path.insert(0, folder)

import irr_data
import psycopg2
from helpers.irrd_server import start_irrd

from noc import create_app
from noc.core.db import database, init_db, next_ids
from noc.models import Circuit, Contact, Customer, CustomerAsn, Site, utcnow
from noc.models.routing import PrefixRequest, RoutingAlert, TrackedPrefix
from noc.routing.prefix_requests import revalidate
from noc.routing.rpki import snapshots

PG_SERVER = 'postgresql://postgres@127.0.0.1:5432'


def _pg(sql):
    conn = psycopg2.connect(PG_SERVER + '/postgres')
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql)
    conn.close()


def _bulk(model, rows):
    first = next_ids(model._meta.table_name, len(rows))
    for offset, row in enumerate(rows):
        row['id'] = first + offset
    for start in range(0, len(rows), 1000):
        model.insert_many(rows[start:start + 1000]).execute()
    return first


def pick(customers, per_customer, seed):
    """customers * per_customer pairs from `customers` origins with 5 prefixes or
    more: dealt round-robin, so an origin with fewer gives all it has and the
    bigger ones make up the difference."""
    by_origin = {}
    for record in irr_data.records():
        by_origin.setdefault(record.origin, []).append(record.prefix)
    rng = random.Random(seed)
    eligible = sorted(o for o, prefixes in by_origin.items() if len(prefixes) >= 5)
    chosen = rng.sample(eligible, customers)
    for origin in chosen:
        rng.shuffle(by_origin[origin])
    wanted, taken, depth = customers * per_customer, [], 0
    while len(taken) < wanted:
        for origin in chosen:
            if depth < len(by_origin[origin]) and len(taken) < wanted:
                taken.append((by_origin[origin][depth], origin))
        depth += 1
    return taken


def fill(pairs):
    """A customer per origin with a session and a BGP contact; the pairs as configured
    prefixes of their origin's customer."""
    now = utcnow()
    origins = sorted({origin for _, origin in pairs})
    index = {origin: n for n, origin in enumerate(origins)}
    count = len(origins)
    with database.atomic():
        site = Site.create(code='BENCH01', name='Bench', city='Belo Horizonte', state='MG')
        customer0 = _bulk(Customer, [{'account_id': f'ISP-{n:04d}', 'name': f'Provedor {n}',
                                      'kind': 'isp', 'created_at': now, 'updated_at': now}
                                     for n in range(count)])
        _bulk(CustomerAsn, [{'customer': customer0 + n, 'asn': origin}
                            for n, origin in enumerate(origins)])
        _bulk(Contact, [{'customer': customer0 + n, 'name': f'NOC {n}', 'role_bgp': True,
                         'email': f'bgp{n}@isp{n}.example.net', 'language': 'pt_BR',
                         'created_at': now, 'updated_at': now} for n in range(count)])
        circuit0 = _bulk(Circuit, [{'circuit_id': f'BENCH-IPT-{n:04d}',
                                    'customer': customer0 + n, 'service': 'ip-transit',
                                    'a_site': site.id, 'created_at': now, 'updated_at': now}
                                   for n in range(count)])
        request0 = _bulk(PrefixRequest, [{'customer': customer0 + n, 'circuit': circuit0 + n,
                                          'via': 'cli', 'created_at': now, 'updated_at': now}
                                         for n in range(count)])
        _bulk(TrackedPrefix, [{'request': request0 + index[origin],
                               'customer': customer0 + index[origin],
                               'circuit': circuit0 + index[origin], 'prefix': prefix,
                               'family': 6 if ':' in prefix else 4, 'origin': origin,
                               'state': 'configured', 'findings': '[]', 'evidence': '{}',
                               'state_changed_at': now}
                              for prefix, origin in pairs])


def vrp_json(pairs, rng, changed=()):
    roas = []
    for prefix, origin in pairs:
        draw = rng.random()
        if draw < 0.80:
            asn = origin if (prefix, origin) not in changed else origin + 1
        elif draw < 0.85:
            asn = origin + 7
        else:
            continue
        roas.append({'prefix': prefix, 'maxLength': int(prefix.rsplit('/', 1)[1]),
                     'asn': asn, 'ta': 'arin'})
    return json.dumps({'metadata': {'buildtime': '2026-11-25T00:00:00Z'},
                       'roas': roas}).encode()


def timed(label, results):
    start = time.perf_counter()
    outcome = revalidate.run()
    seconds = time.perf_counter() - start
    results.append((label, seconds, outcome))
    print(f'  {label:<34} {seconds:6.2f} s   checked {outcome.checked:>6}  changed '
          f'{outcome.changed:>6}  alerts {outcome.alerts:>6}  notices {outcome.notices:>6}',
          flush=True)


def run_engine(engine, pairs, irrd, seed):
    if engine == 'sqlite':
        folder = tempfile.mkdtemp(prefix='janela-bench-')
        url = f'sqlite:///{folder}/revalidate.db'
    else:
        name = f'janela_bench_reval_{uuid.uuid4().hex[:6]}'
        _pg(f'CREATE DATABASE {name}')
        url = f'{PG_SERVER}/{name}'
    app = create_app({'app': {'secret_key': 'b' * 40}, 'database': {'url': url},
                      'irr': {'servers': [f'{irrd.whois_host}:{irrd.whois_port}'],
                              'server_sources': [irr_data.SOURCE], 'timeout_seconds': 60},
                      'mail': {'backend': 'capture'}}, environ={})
    results = []
    try:
        with app.test_request_context(), database.connection_context():
            init_db(database.obj)
            fill(pairs)
            rng = random.Random(seed)
            assert snapshots.load('bench', 'derived', data=vrp_json(pairs, rng)).good
            snapshots.current_index()        # the index is built once per process
            print(f'{engine}: {len(pairs)} configured prefixes of '
                  f'{len({o for _, o in pairs})} customers, '
                  f'{snapshots.current_snapshots()[0].vrp_count} VRPs', flush=True)
            timed('first run (all change)', results)
            timed('steady (nothing changed)', results)
            changed = set(random.Random(seed + 1).sample(pairs, len(pairs) // 20))
            snapshots.load('bench', 'derived',
                           data=vrp_json(pairs, random.Random(seed), changed))
            snapshots.current_index()
            timed('after 5% of ROAs changed origin', results)
            open_alerts = RoutingAlert.select().where(RoutingAlert.closed_at.is_null()).count()
            print(f'  open alerts now: {open_alerts}', flush=True)
    finally:
        database.close() if not database.is_closed() else None
        if engine == 'postgresql':
            _pg(f'DROP DATABASE IF EXISTS {name} WITH (FORCE)')
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--engine', choices=['sqlite', 'postgresql', 'both'], default='both')
    parser.add_argument('--customers', type=int, default=2000)
    parser.add_argument('--per-customer', type=int, default=10)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    pairs = pick(args.customers, args.per_customer, args.seed)
    rng = random.Random(args.seed)
    registered = [p for p in pairs if rng.random() >= 0.10]
    text = ''.join(irr_data.rpsl_object(irr_data.Record(p, o, 'BENCH', '20220925'))
                   for p, o in registered)
    start = time.perf_counter()
    irrd = start_irrd(sources={irr_data.SOURCE: [text]})
    print(f'IRRd 4.5 up with {len(registered)} route objects in '
          f'{time.perf_counter() - start:.1f} s', flush=True)
    try:
        engines = ['sqlite', 'postgresql'] if args.engine == 'both' else [args.engine]
        for engine in engines:
            run_engine(engine, pairs, irrd, args.seed)
    finally:
        irrd.stop()


if __name__ == '__main__':
    main()
