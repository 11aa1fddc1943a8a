"""Schemathesis over the OpenAPI document, as its users run it: the
`schemathesis run` command against Janela served on loopback, with a
provider token and with a NOC admin token. Every phase (the document's
examples, boundary values, random valid and invalid inputs, and stateful
sequences that follow Location headers) on every operation; no answer may be
a 5xx or contradict the document (status codes, content types, headers,
bodies). The database holds ISPs with prefix requests, a window and a
reschedule request, so ids are found.

It runs on PostgreSQL, the engine that refuses what SQLite lets through
(NUL characters, integers past 64 bits, strings longer than their column):
the 5xx a fuzzer can find live there; every endpoint's own tests run on both.
"""
import datetime
import subprocess
import sys
import threading
from pathlib import Path

import helpers.routing_fixtures as flow
import pytest
from conftest import db, prepared_app
from helpers.maintenance_fixtures import confirmed, local
from helpers.maintenance_fixtures import settings as area_settings
from helpers.routing_fixtures import RADB, build_isps, write_rpsl, write_vrps
from werkzeug.serving import make_server

from noc.accounts import tokens
from noc.maintenance import reschedule_commands
from noc.routing.irr import store as irr_store

pytestmark = pytest.mark.external    # the schemathesis CLI, minutes of fuzzing

CHECKS = ('not_a_server_error,status_code_conformance,content_type_conformance,'
          'response_headers_conformance,response_schema_conformance')
# Examples per operation and phase: enough to reach every branch of the
# validators; a fixed seed makes a failure repeatable.
EXAMPLES = '10'
SEED = '20261125'
CLI = Path(sys.executable).with_name('schemathesis')


@pytest.fixture
def served(pg_url, tmp_path):
    app = prepared_app(pg_url, prefixes={'lab': True}, api={'rate_limit': '1000000 per minute'})
    with db(app):
        world = build_isps()
        flow.load_vrps('lab', write_vrps(tmp_path / 'v.json'))
        irr_store.load_dump(write_rpsl(tmp_path / 'tc.rpsl'), 'TC')
        irr_store.load_dump(write_rpsl(tmp_path / 'radb.rpsl', RADB), 'RADB')
        flow.submit(world['acme'], world['circuits']['acme'], '192.0.2.0/24', actor='t')
        flow.submit(world['globex'], world['circuits']['globex'], '198.51.100.0/24',
                        actor='t')
        flow.check_pending()
        # A published window over ACME's session with a reschedule request of
        # ACME's, so the window and reschedule operations find rows (id 1).
        window = confirmed(segments='', circuits='JAN-IPT-001', starts_at=local(12, 23),
                           ends_at=local(13, 3))
        start = window.starts_at + datetime.timedelta(days=7)
        reschedule_commands.ask(window.id, world['acme'].id,
                                [(start, start + datetime.timedelta(hours=3))], 'outro dia',
                                'page', settings=area_settings())
        secrets = {
            'provider': tokens.create({'name': 'acme', 'kind': 'provider',
                                       'customer': world['acme']}, 'admin')[1],
            'noc': tokens.create({'name': 'admin', 'kind': 'noc', 'role': 'admin'},
                                 'admin')[1],
        }
    server = make_server('127.0.0.1', 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'http://127.0.0.1:{server.server_port}', secrets, tmp_path
    finally:
        server.shutdown()
        thread.join()


@pytest.mark.parametrize('who', ['provider', 'noc'])
def test_no_answer_is_a_5xx_or_contradicts_the_document(served, who):
    base, secrets, tmp_path = served
    run = subprocess.run(
        [str(CLI), 'run', f'{base}/api/v1/openapi.json', '--checks', CHECKS,
         '--header', f'Authorization: Bearer {secrets[who]}', '--max-examples', EXAMPLES,
         '--seed', SEED, '--workers', '1', '--max-failures', '20', '--no-color',
         '--report-dir', str(tmp_path / 'report')],
        capture_output=True, text=True, timeout=1200, cwd=tmp_path)
    summary = run.stdout[-6000:]
    print(summary)          # shown with -s or on failure: what each phase covered
    assert run.returncode == 0, summary + run.stderr[-2000:]
    # It really ran the operations (a document it could not read also exits 0 with none).
    assert 'Operations:' in run.stdout and ' 0 selected' not in run.stdout, summary
