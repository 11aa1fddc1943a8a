"""The prefix-tracking commands, run the way an operator runs them: vrps load,
irr load, revalidate, prefix-list and rov (CSV on standard output)."""
import csv
import io
import os
import subprocess
import sys

import pytest
from conftest import prepared_app
from helpers.routing_fixtures import RPSL, build_isps, write_rpsl, write_vrps
from helpers.shared_data import path as shared

from noc.core.db import database
from noc.models.routing import IrrLoad, TrackedPrefix, VrpSnapshot
from noc.routing.prefix_requests import workflow as requests
from noc.routing.rpki import snapshots

PROJECT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def cli_app(db_url, tmp_path):
    app = prepared_app(db_url, prefixes={'lab': True})
    with app.app_context():
        database.connect(reuse_if_open=True)
        build_isps()
        database.close()
    yield app
    if not database.is_closed():
        database.close()


def invoke(app, *args, input=None):
    result = app.test_cli_runner().invoke(args=['noc', *args], input=input)
    return result


def test_vrps_load_a_file_then_refuse_a_broken_one(cli_app, tmp_path):
    result = invoke(cli_app, 'vrps', 'load', write_vrps(tmp_path / 'v.json'), '--name', 'lab')
    assert result.exit_code == 0, result.output
    assert '4 VRPs (3 IPv4, 1 IPv6' in result.output
    (tmp_path / 'bad.json').write_text('not json')
    result = invoke(cli_app, 'vrps', 'load', str(tmp_path / 'bad.json'), '--name', 'lab')
    assert result.exit_code == 1 and 'refused' in result.output
    result = invoke(cli_app, 'vrps', 'list')
    assert 'lab' in result.output and '4 VRPs' in result.output
    with cli_app.app_context(), database.connection_context():
        assert VrpSnapshot.select().where(VrpSnapshot.status == 'good').count() == 1


def test_vrps_load_a_configured_source_by_name(db_url, tmp_path):
    app = prepared_app(db_url, rpki={'sources': {'routinator': shared(
        'rpki', 'rpkilog-routinator_jsonext.json')}})
    result = invoke(app, 'vrps', 'load', 'routinator')
    assert result.exit_code == 0, result.output
    assert 'routinator: 2 VRPs' in result.output and 'routinator-jsonext' in result.output


def test_irr_load_and_revalidate(cli_app, tmp_path):
    result = invoke(cli_app, 'irr', 'load', write_rpsl(tmp_path / 'tc.rpsl'), '--source', 'tc')
    assert result.exit_code == 0, result.output
    assert 'TC: 3 route objects, 2 as-sets' in result.output
    result = invoke(cli_app, 'irr', 'load', str(tmp_path / 'nope.rpsl'), '--source', 'TC')
    assert result.exit_code != 0
    invoke(cli_app, 'vrps', 'load', write_vrps(tmp_path / 'v.json'))
    with cli_app.test_request_context(), database.connection_context():
        from noc.models import Circuit, Customer
        acme = Customer.get(Customer.account_id == 'ACME-1')
        requests.submit(acme, Circuit.get(Circuit.circuit_id == 'JAN-IPT-001'),
                        '192.0.2.0/24\n3fff:100::/48', actor='tester')
    result = invoke(cli_app, 'revalidate')
    assert result.exit_code == 0, result.output
    assert result.output.startswith('2 new prefixes checked; 1 revalidated')
    with cli_app.app_context(), database.connection_context():
        states = {p.prefix: p.state for p in TrackedPrefix.select()}
        assert IrrLoad.select().where(IrrLoad.status == 'good').count() == 1
    assert states == {'192.0.2.0/24': 'approved', '3fff:100::/48': 'checked'}


def test_prefix_list_for_a_customer(cli_app, tmp_path):
    invoke(cli_app, 'vrps', 'load', write_vrps(tmp_path / 'v.json'))
    invoke(cli_app, 'irr', 'load', write_rpsl(tmp_path / 'tc.rpsl', RPSL), '--source', 'TC')
    with cli_app.test_request_context(), database.connection_context():
        from noc.models import Circuit, Customer
        acme = Customer.get(Customer.account_id == 'ACME-1')
        request = requests.submit(acme, Circuit.get(Circuit.circuit_id == 'JAN-IPT-001'),
                                  '192.0.2.0/24\n2001:db8:1::/48', actor='tester')
        requests.check_pending()
        requests.act([p.id for p in request.prefixes], 'configure', 'eng')
    for fmt, expected in (('cisco', 'permit 192.0.2.0/24'), ('juniper', '2001:db8:1::/48;'),
                          ('bird', '192.0.2.0/24'), ('cisco-xr', '192.0.2.0/24')):
        result = invoke(cli_app, 'prefix-list', 'AS64500', '--format', fmt)
        assert result.exit_code == 0, result.output
        assert expected in result.output
    result = invoke(cli_app, 'prefix-list', 'ACME-1', '--format', 'cisco', '--family', '4',
                    '--name', 'ACME-IN')
    assert 'ACME-IN' in result.output and '2001:db8' not in result.output
    assert invoke(cli_app, 'prefix-list', 'NOBODY').exit_code == 2
    assert invoke(cli_app, 'prefix-list', 'ACME-1', '--format', 'fortinet').exit_code == 2
    assert invoke(cli_app, 'prefix-list', 'ACME-1', '--session', 'JAN-IPT-003').exit_code == 2


def _rov(args, stdin, env_db):
    env = dict(os.environ, NOC_DATABASE_URL=env_db, NOC_APP_SECRET_KEY='s' * 40)
    return subprocess.run([sys.executable, '-m', 'flask', '--app', 'app', 'noc', 'rov', *args],
                          input=stdin, capture_output=True, text=True, cwd=PROJECT, env=env,
                          timeout=120)


def test_rov_reads_lines_and_writes_csv(cli_app, db_url, tmp_path):
    vrps = write_vrps(tmp_path / 'v.json')
    lines = ('192.0.2.0/24 64500\n'
             '192.0.2.0/25 AS64500\n'
             '203.0.113.0/24 as64500\n'
             '198.18.0.0/24 64500\n'
             '\n# a comment\n'
             'nonsense here\n'
             '2001:db8:1::/48 AS64500\n')
    result = _rov(['--vrps', vrps], lines, db_url)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ['prefix', 'origin', 'state', 'reason']
    states = [(r[0], r[1], r[2]) for r in rows[1:]]
    assert states == [('192.0.2.0/24', '64500', 'valid'), ('192.0.2.0/25', '64500', 'invalid'),
                      ('203.0.113.0/24', '64500', 'invalid'),
                      ('198.18.0.0/24', '64500', 'not-found'),
                      ('nonsense here', '', 'error'),
                      ('2001:db8:1::/48', '64500', 'valid')][:len(states)]
    assert len(states) == 6
    assert 'AS64510' in rows[3][3]
    # Against the current snapshot of the database.
    with cli_app.app_context(), database.connection_context():
        snapshots.load('lab', vrps)
    result = _rov([], '203.0.113.0/24 64510\n', db_url)
    assert result.returncode == 0, result.stderr
    assert list(csv.reader(io.StringIO(result.stdout)))[1][2] == 'valid'


def test_rov_without_any_vrps_says_so(db_url):
    prepared_app(db_url)
    result = _rov([], '192.0.2.0/24 64500\n', db_url)
    assert result.returncode == 2 and 'no VRP snapshot' in result.stderr
    result = _rov(['--vrps', '/nonexistent/vrps.json'], '', db_url)
    assert result.returncode == 2 and 'nonexistent' in result.stderr
