"""Route origin validation at full-table scale: load, index, validate, store, `noc rov`.

    .venv/bin/python bench/rov.py              # figures printed and in bench/out/rov.json
    .venv/bin/python bench/rov.py --runs 5     # more fresh-process runs of the load

No full-size real VRP set is available offline, so the VRPs are DERIVED from
the 2015 RouteViews table (shared data, bgp/routeviews-pfx2as-20151101,
634k announcements), with a fixed seed:
- 90% of the announcements become a VRP of their origin: 80% of those with
  maxLength = the prefix length, 20% looser by 1-4 bits; 10% get no VRP of
  their own (they stay covered by an aggregate's VRP, or become not-found);
- the announcements validated are the table with 3% of the routes moved to
  another origin and 3% replaced by their first more-specific half, so all
  three states occur (counts printed). Multi-origin lines (a_b or a,b) would
  be AS_SET origins; this table has none.
The set is written as rpki-client JSON (one VRP a line, as rpki-client does).

Measured:
1. parse + index: fetch (read the file) + vrp_formats.parse + RovIndex, in a
   fresh process each run (what `noc rov --vrps` and a worker pay), and the
   resident memory of that process: after imports (baseline), after the
   index is built and the JSON freed, and its peak;
2. validation rate: RovIndex.validate_column over all announcements, in
   process, prefixes parsed beforehand (and with the parsing, separately);
3. the stored blob: VrpTable.to_bytes / from_bytes, size and time;
4. rov_csv.run over the whole announcement file in process (read lines,
   validate, write CSV to a file), and `flask --app app noc rov --vrps FILE
   < input > output` as a subprocess, end to end, when the command exists.
Targets: load + index < 1.5 s, >= 1,000,000 validations/s, index < 400 MB
resident, `noc rov` over the whole file < 3 s. Figures are printed, never
asserted: a benchmark is not a test. Timings are the best of --runs runs
(the median is printed too): other work on a 2-core machine adds noise.
"""
import argparse
import gc
import gzip
import ipaddress
import json
import os
import random
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
PROJECT_DIR = os.path.dirname(BENCH_DIR)
OUT_DIR = os.path.join(BENCH_DIR, 'out')
TABLE = os.path.join('bgp', 'routeviews-pfx2as-20151101.ipasn.gz')
if PROJECT_DIR not in sys.path:
    sys.path.insert(0, PROJECT_DIR)
sys.path.insert(0, os.path.join(PROJECT_DIR, 'tests'))

SEED = 6811
TARGETS = {'load': 1.5, 'rate': 1_000_000, 'rss_mb': 400, 'noc_rov': 3.0}


# -- the derived data ------------------------------------------------------------

def announcements():
    """(prefix, origin) of the table; a multi-origin line's origin is a tuple (an AS_SET)."""
    from helpers.shared_data import path
    out = []
    with gzip.open(path(*TABLE.split('/')), 'rt') as handle:
        for line in handle:
            if line.startswith(';') or not line.strip():
                continue
            prefix, origin = line.split()
            out.append((prefix, int(origin) if origin.isdigit()
                        else tuple(int(a) for a in origin.replace(',', '_').split('_'))))
    return out


def derive(routes, rng):
    """(VRPs as rpki-client roas, the announcements to validate)."""
    roas, validated = [], []
    for prefix, origin in routes:
        length = int(prefix.rsplit('/', 1)[1])
        bits = 128 if ':' in prefix else 32
        if isinstance(origin, int) and rng.random() < 0.9:
            loose = rng.random() < 0.2
            max_length = min(bits, length + rng.randint(1, 4)) if loose else length
            roas.append((origin, prefix, max_length))
        validated.append(_perturbed(prefix, origin, length, bits, rng))
    return roas, validated


def _perturbed(prefix, origin, length, bits, rng):
    roll = rng.random()
    if roll < 0.03 and isinstance(origin, int):
        return prefix, origin + 1
    if roll < 0.06 and length < bits:
        return str(next(ipaddress.ip_network(prefix).subnets())), origin
    return prefix, origin


def write_inputs(directory, roas, validated):
    vrp_file = os.path.join(directory, 'vrps.json')
    lines = [b'{\n\t"metadata": {\n\t\t"buildtime": "2015-11-01T06:00:00Z",\n\t\t"vrps": %d\n\t},\n'
             b'\t"roas": [\n' % len(roas)]
    lines.append(b',\n'.join(b'\t\t{ "asn": %d, "prefix": "%s", "maxLength": %d, "ta": "%s", '
                             b'"expires": 1900000000 }' % (asn, prefix.encode(), max_length,
                                                           TAS[i % len(TAS)])
                             for i, (asn, prefix, max_length) in enumerate(roas)))
    lines.append(b'\n\t]\n}\n')
    with open(vrp_file, 'wb') as handle:
        handle.write(b''.join(lines))
    route_file = os.path.join(directory, 'routes.txt')
    with open(route_file, 'w') as handle:
        handle.writelines(f'{p} {o if isinstance(o, int) else "_".join(map(str, o))}\n'
                          for p, o in validated)
    return vrp_file, route_file


TAS = (b'afrinic', b'apnic', b'arin', b'lacnic', b'ripe')


# -- 1. load and memory, in a fresh process --------------------------------------------

def child_load(vrp_file):
    """Run in a child: time fetch+parse+index, report memory; print JSON."""
    from noc.routing.rpki.fetch import fetch
    from noc.routing.rpki.formats import parse
    from noc.routing.rpki.rov import RovIndex
    baseline = _memory()
    started = time.perf_counter()
    raw = fetch(vrp_file)
    fetched = time.perf_counter()
    parsed = parse(raw)
    del raw
    parsed_at = time.perf_counter()
    index = RovIndex(parsed.table)
    done = time.perf_counter()
    gc.collect()
    after = _memory()
    print(json.dumps({'fetch': fetched - started, 'parse': parsed_at - fetched,
                      'index': done - parsed_at, 'total': done - started, 'vrps': len(index.table),
                      'rss_baseline_mb': baseline['VmRSS'], 'rss_after_mb': after['VmRSS'],
                      'rss_peak_mb': after['VmHWM']}))


def _memory():
    """VmRSS and VmHWM of this process in MB."""
    out = {}
    with open('/proc/self/status') as handle:
        for line in handle:
            key, _, value = line.partition(':')
            if key in ('VmRSS', 'VmHWM'):
                out[key] = int(value.split()[0]) / 1024
    return out


def measure_load(vrp_file, runs):
    results = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, __file__, '--child-load', vrp_file],
                              capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout))
    return results


# -- 2-4. in process ----------------------------------------------------------------------

def best_of(runs, work):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def measure_validation(index, validated, runs):
    import numpy as np

    from noc.routing.rpki.rov import AS_SET, STATES
    from noc.routing.rpki.vrps import parse_prefixes
    prefixes = [prefix for prefix, _ in validated]
    origins = np.array([o if isinstance(o, int) else AS_SET for _, o in validated], np.int64)
    parsed = parse_prefixes(prefixes)
    best, median, (states, _) = best_of(runs, lambda: index.validate_column(parsed, origins))
    with_parse, _, _ = best_of(runs, lambda: index.validate_column(parse_prefixes(prefixes), origins))
    counts = {STATES[code]: int(n) for code, n in enumerate(np.bincount(states, minlength=3)[:3])}
    return {'seconds': best, 'median': median, 'rate': len(validated) / best,
            'seconds_with_parsing': with_parse, 'rate_with_parsing': len(validated) / with_parse,
            'states': counts, 'routes': len(validated)}


def measure_blob(table, runs):
    from noc.routing.rpki.vrps import VrpTable
    store, _, blob = best_of(runs, table.to_bytes)
    load, _, again = best_of(runs, lambda: VrpTable.from_bytes(blob))
    digest, _, _ = best_of(runs, table.digest)
    assert again == table
    return {'bytes': len(blob), 'bytes_per_vrp': len(blob) / len(table), 'to_bytes': store,
            'from_bytes': load, 'digest': digest}


def measure_rov_csv(index, route_file, out_file, runs):
    from noc.routing.rpki import rov_csv

    def work():
        with open(route_file) as source, open(out_file, 'w', newline='') as target:
            return rov_csv.run(index, source, target)
    best, median, counts = best_of(runs, work)
    return {'seconds': best, 'median': median, 'counts': vars(counts)}


def snapshot_database(directory, vrp_file):
    """A SQLite database holding the derived set as its current VRP snapshot."""
    url = f'sqlite:///{directory}/rov-bench.db'
    from noc import create_app
    from noc.core.db import database, init_db
    from noc.routing.rpki import snapshots
    app = create_app({'app': {'secret_key': 'b' * 40}, 'database': {'url': url}}, environ={})
    with app.app_context(), database.connection_context():
        init_db(database.obj)
        assert snapshots.load('derived', vrp_file).good
    return url


def measure_noc_rov(vrp_file, route_file, out_file, runs, database_url=None):
    """`noc rov --vrps FILE`, or against the current snapshot of `database_url`."""
    flask = os.path.join(os.path.dirname(sys.executable), 'flask')
    command = [flask, '--app', 'app', 'noc', 'rov'] + ([] if database_url else ['--vrps', vrp_file])
    env = dict(os.environ, **({'NOC_DATABASE_URL': database_url} if database_url else {}))
    probe = subprocess.run(command[:5] + ['--help'], cwd=PROJECT_DIR, capture_output=True, text=True)
    if probe.returncode != 0:
        return {'pending': 'the `noc rov` command does not exist yet'}
    times = []
    for _ in range(runs):
        with open(route_file) as source, open(out_file, 'w') as target:
            started = time.perf_counter()
            done = subprocess.run(command, cwd=PROJECT_DIR, stdin=source, stdout=target,
                                  stderr=subprocess.PIPE, text=True, env=env)
            times.append(time.perf_counter() - started)
        if done.returncode != 0:
            return {'failed': done.stderr[-2000:]}
    return {'seconds': min(times), 'median': statistics.median(times),
            'stderr': done.stderr.strip()[-300:]}


# -- report ----------------------------------------------------------------------------------

def report(figures):
    load = figures['load']
    best = min(load, key=lambda run: run['total'])
    median_total = statistics.median(run['total'] for run in load)
    rss = max(run['rss_after_mb'] for run in load)
    base = min(run['rss_baseline_mb'] for run in load)
    validation, blob, csv_run, noc = (figures[k] for k in ('validation', 'blob', 'rov_csv', 'noc_rov'))
    print(f"\nDERIVED VRP set (not real RPKI): {figures['vrps']:,} VRPs from "
          f"{validation['routes']:,} RouteViews 2015 announcements (see the docstring).")
    print(f"States of the {validation['routes']:,} validated announcements: {validation['states']}")
    rows = [
        ('load + index (fresh process)', f"{best['total']:.3f} s (median {median_total:.3f})",
         f"< {TARGETS['load']} s", best['total'] < TARGETS['load']),
        ('  read file / parse / index', f"{best['fetch']:.3f} / {best['parse']:.3f} / "
         f"{best['index']:.3f} s", '', None),
        ('validation rate (batch)', f"{validation['rate']:,.0f} /s ({validation['seconds']:.3f} s)",
         f">= {TARGETS['rate']:,}", validation['rate'] >= TARGETS['rate']),
        ('  including prefix parsing', f"{validation['rate_with_parsing']:,.0f} /s", '', None),
        ('resident memory with index', f"{rss:.0f} MB (+{rss - base:.0f} MB over {base:.0f})",
         f"< {TARGETS['rss_mb']} MB", rss < TARGETS['rss_mb']),
        ('  peak while loading', f"{max(run['rss_peak_mb'] for run in load):.0f} MB", '', None),
        ('stored blob', f"{blob['bytes'] / 1e6:.1f} MB ({blob['bytes_per_vrp']:.1f} B/VRP)", '', None),
        ('  to_bytes / from_bytes / digest', f"{blob['to_bytes'] * 1e3:.1f} / "
         f"{blob['from_bytes'] * 1e3:.1f} / {blob['digest'] * 1e3:.1f} ms", '', None),
        ('rov_csv.run, whole file, in process', f"{csv_run['seconds']:.3f} s "
         f"(median {csv_run['median']:.3f})", '', None),
    ]
    if 'seconds' in noc:
        rows.append(('noc rov --vrps, subprocess', f"{noc['seconds']:.3f} s (median {noc['median']:.3f})",
                     f"< {TARGETS['noc_rov']} s", noc['seconds'] < TARGETS['noc_rov']))
    else:
        rows.append(('noc rov --vrps, subprocess', noc.get('pending') or 'FAILED', '', None))
    current = figures.get('noc_rov_snapshot', {})
    if 'seconds' in current:
        rows.append(('noc rov (current snapshot), subprocess',
                     f"{current['seconds']:.3f} s (median {current['median']:.3f})",
                     f"< {TARGETS['noc_rov']} s", current['seconds'] < TARGETS['noc_rov']))
    width = max(len(row[0]) for row in rows)
    for name, value, target, met in rows:
        mark = '' if met is None else ('  ok' if met else '  MISSED')
        print(f'{name:<{width}}  {value:<44} {target}{mark}')
    if 'failed' in noc:
        print('noc rov failed:\n' + noc['failed'])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--child-load', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_load:
        return child_load(args.child_load)
    import tempfile

    from noc.routing.rpki.fetch import fetch
    from noc.routing.rpki.formats import parse
    from noc.routing.rpki.rov import RovIndex
    os.makedirs(OUT_DIR, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix='janela-rov-bench-') as directory:
        routes = announcements()
        roas, validated = derive(routes, random.Random(SEED))
        vrp_file, route_file = write_inputs(directory, roas, validated)
        print(f'derived {len(roas):,} VRPs from {len(routes):,} announcements; measuring...')
        figures = {'load': measure_load(vrp_file, args.runs)}
        index = RovIndex(parse(fetch(vrp_file)).table)
        figures['vrps'] = len(index.table)
        figures['validation'] = measure_validation(index, validated, args.runs)
        figures['blob'] = measure_blob(index.table, args.runs)
        out_file = os.path.join(directory, 'out.csv')
        figures['rov_csv'] = measure_rov_csv(index, route_file, out_file, args.runs)
        figures['noc_rov'] = measure_noc_rov(vrp_file, route_file, out_file, args.runs)
        figures['noc_rov_snapshot'] = measure_noc_rov(
            vrp_file, route_file, out_file, args.runs,
            database_url=snapshot_database(directory, vrp_file))
    report(figures)
    with open(os.path.join(OUT_DIR, 'rov.json'), 'w') as handle:
        json.dump(figures, handle, indent=2)


if __name__ == '__main__':
    main()
