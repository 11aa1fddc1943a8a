"""A large, real IRR source for benchmarks: ARIN's OriginAS registry as RPSL.

    python bench/irr_data.py bench/out/arin-oa.rpsl.gz          # convert only
    python bench/irr_data.py bench/out/arin-oa.rpsl --load      # and time an IRRd load

ARIN's Whois OriginAS bulk file (shared data, 2022-09-25) lists which AS
each network holder declared as origin: `whois_records.v4/v6[]` with
`prefix`, `originas` ('AS16509'), `name` (the ARIN net handle), `changed`.
Each distinct (prefix, origin) becomes one route/route6 object of source
ARIN-OA, so IRRd (whose route key is prefix + origin) keeps them all.

`pairs(n)` gives benchmarks n real (prefix, origin) pairs from the same
file, the same ones for the same seed.
"""
import argparse
import bz2
import gzip
import os
import random
import sys
import time
from dataclasses import dataclass

import orjson

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
for folder in (PROJECT_DIR, os.path.join(PROJECT_DIR, 'tests')):
    if folder not in sys.path:
        sys.path.insert(0, folder)

from helpers.shared_data import path as shared_path

SOURCE = 'ARIN-OA'
MAINTAINER = 'MAINT-JANELA-BENCH'


@dataclass(frozen=True)
class Record:
    prefix: str
    origin: int
    name: str
    changed: str


def default_input():
    return shared_path('irr', 'arin-whois-originas-20220925.json.bz2')


def records(path=None):
    """Distinct (prefix, origin) records of the OriginAS file, IPv4 then IPv6.

    The file repeats some pairs (one per ARIN net sharing the prefix); the
    first is kept. Records whose origin is not 'AS<number>' are dropped.
    """
    with bz2.open(path or default_input()) as raw:
        data = orjson.loads(raw.read())
    seen = set()
    for family in ('v4', 'v6'):
        for item in data['whois_records'][family]:
            origin = str(item.get('originas', ''))
            if not (origin[:2].upper() == 'AS' and origin[2:].isdigit()):
                continue
            key = (item['prefix'], int(origin[2:]))
            if key not in seen:
                seen.add(key)
                yield Record(key[0], key[1], item.get('name', ''), item.get('changed', ''))


def rpsl_object(record, source=SOURCE):
    kind = 'route6' if ':' in record.prefix else 'route'
    return (f'{kind + ":":<12}{record.prefix}\n'
            f'descr:      ARIN OriginAS {record.name}\n'
            f'origin:     AS{record.origin}\n'
            f'remarks:    changed at ARIN {record.changed}\n'
            f'mnt-by:     {MAINTAINER}\n'
            f'source:     {source}\n\n')


def write_rpsl(target, source=SOURCE, path=None):
    """Write the objects to target (gzip when it ends in .gz) -> how many."""
    count = 0
    opener = gzip.open if str(target).endswith('.gz') else open
    with opener(target, 'wt', encoding='utf-8') as out:
        for record in records(path):
            out.write(rpsl_object(record, source))
            count += 1
    return count


def pairs(n, seed=0, path=None):
    """n real (prefix, origin) pairs, a random sample fixed by seed.

    Asking for more pairs than the file has repeats them (a sample of the
    whole, then again), so any n works.
    """
    every = [(r.prefix, r.origin) for r in records(path)]
    rng = random.Random(seed)
    chosen = []
    while len(chosen) < n:
        chosen += rng.sample(every, min(n - len(chosen), len(every)))
    return chosen


def time_irrd_load(rpsl_path, source=SOURCE):
    """Start a private IRRd with the file loaded -> (startup seconds, one reload seconds)."""
    from helpers.irrd_server import start_irrd  # tests/helpers/irrd_server.py: needs .venv-irrd
    handle = start_irrd(sources={source: [rpsl_path]})
    try:
        started = handle.startup_seconds
        begin = time.perf_counter()
        handle.load(source, rpsl_path)
        return started, time.perf_counter() - begin
    finally:
        handle.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('target', help='RPSL file to write (.gz for gzip)')
    parser.add_argument('--source', default=SOURCE, help='source: of every object')
    parser.add_argument('--load', action='store_true',
                        help='also time loading it into a private IRRd (tests/helpers/irrd_server.py)')
    args = parser.parse_args(argv)
    os.makedirs(os.path.dirname(os.path.abspath(args.target)), exist_ok=True)
    begin = time.perf_counter()
    count = write_rpsl(args.target, args.source)
    print(f'{count} route/route6 objects of source {args.source} written to {args.target} '
          f'in {time.perf_counter() - begin:.1f} s')
    if args.load:
        started, reload = time_irrd_load(args.target, args.source)
        print(f'IRRd started with them loaded in {started:.1f} s (database, Redis, load, '
              f'daemon); a reload of the source while running took {reload:.1f} s')


if __name__ == '__main__':
    main()
