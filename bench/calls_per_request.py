"""Python function calls per provider status read, in process: a count machine
load cannot move, for comparing two trees when timings are noise.

    .venv/bin/python bench/calls_per_request.py [--out calls.json]

Builds the world of bench/api_status.py at a small scale (200 customers, 10
prefixes each, SQLite), warms up with 100 status reads through the test
client, then counts under cProfile the calls of 500 more. --out writes the
calls per function (file:function -> calls) so two trees can be diffed.
"""
import argparse
import collections
import cProfile
import json
import os
import pstats
import random
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import api_status
import revalidate as revalidate_bench
from databases import fresh_database

from noc import create_app
from noc.core.db import database

WARM_UP, COUNTED = 100, 500


def _short(filename):
    for marker in ('site-packages/', '/noc/'):
        if marker in filename:
            return filename.split(marker)[-1]
    return filename


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--out', help='write calls per function here (JSON)')
    args = parser.parse_args(argv)
    pairs = revalidate_bench.pick(200, 10, 1)
    folder = tempfile.mkdtemp(prefix='janela-calls-')
    try:
        with fresh_database('sqlite', os.path.join(folder, 'calls.db'), 'unused') as url:
            app = create_app(api_status.overrides(url, os.path.join(folder, 'mail')), environ={})
            with app.test_request_context(), database.connection_context():
                world = api_status.prepare(app, pairs, 1, folder)
            with app.app_context():
                client = app.test_client()
                calls = api_status.status_calls(world, WARM_UP + COUNTED, random.Random(8))
                for call in calls[:WARM_UP]:
                    api_status._get(client, call)
                profiler = cProfile.Profile()
                profiler.enable()
                for call in calls[WARM_UP:]:
                    api_status._get(client, call)
                profiler.disable()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    stats = pstats.Stats(profiler)
    print(f'{stats.total_calls / COUNTED:.1f} Python calls per status read '
          f'({stats.prim_calls / COUNTED:.1f} primitive)')
    if args.out:
        per = collections.Counter()
        for (filename, _, name), (_, calls_made, *_) in stats.stats.items():
            per[f'{_short(filename)}:{name}'] += calls_made
        with open(args.out, 'w') as fh:
            json.dump({key: count / COUNTED for key, count in per.items()}, fh, indent=1)


if __name__ == '__main__':
    main()
