"""`flask noc window …` and `flask noc worker --once` go through the same rules and outbox."""
import re

import pytest

from helpers.maintenance_fixtures import build_network, local
from noc.db import database
from noc.models import MaintenanceWindow, OutboxMessage


@pytest.fixture
def runner(app):
    with app.app_context():
        database.connect(reuse_if_open=True)
        build_network()
        database.close()
    return app.test_cli_runner()


def run(runner, *args):
    return runner.invoke(args=['noc', *args])


def count(model):
    with database.connection_context():
        return model.select().count()


@pytest.mark.dates
def test_create_needs_the_warning_acknowledged_then_confirms(runner):
    args = ['window', 'create', '--title', 'Troca', '--start', local(12, 23),
            '--end', local(13, 2), '--segment', 'RING-BH', '--zone', 'America/Sao_Paulo']
    refused = run(runner, *args)
    assert refused.exit_code == 1 and 'warning redundancy:' in refused.output
    assert count(MaintenanceWindow) == 0
    key = re.search(r'warning (\S+): ', refused.output).group(1)
    done = run(runner, *args, '--ack', key, '--confirm')
    assert done.exit_code == 0, done.output
    reference = done.output.split()[0]
    assert 'CONFIRMED' in done.output and count(OutboxMessage) == 3
    assert run(runner, 'window', 'cancel', reference).exit_code != 0      # no reason
    cancelled = run(runner, 'window', 'cancel', reference, '--reason', 'chuva')
    assert 'CANCELLED (SEQUENCE 1)' in cancelled.output
    assert reference in run(runner, 'window', 'list', '--all').output


def test_bad_input_is_named_and_nothing_is_stored(runner):
    result = run(runner, 'window', 'create', '--title', 'X', '--start', 'amanhã',
                 '--end', local(13, 2), '--circuit', 'NOPE-9')
    assert result.exit_code == 1
    assert 'starts_at' in result.output and 'NOPE-9' in result.output
    assert 'Traceback' not in result.output and count(MaintenanceWindow) == 0


@pytest.mark.dates
def test_worker_once_delivers_to_the_capture(runner, app, tmp_path):
    app.config['NOC']['mail']['capture_dir'] = str(tmp_path)
    run(runner, 'window', 'create', '--title', 'Troca', '--start', local(12, 23),
        '--end', local(13, 2), '--segment', 'SPAN-A', '--confirm')
    result = run(runner, 'worker', '--once')
    assert result.exit_code == 0 and 'sent: 3' in result.output
    assert len(list(tmp_path.glob('*.eml'))) == 3
