"""`flask noc window …` and `flask noc worker --once` go through the same rules and outbox."""
import datetime
import re
import threading

import pytest
from helpers.maintenance_fixtures import build_network, form, local
from helpers.time_text import minute, moments

from noc.core.db import database
from noc.maintenance import input as window_input
from noc.maintenance import window_commands
from noc.maintenance.settings import of_app
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


@pytest.mark.dates
def test_start_and_complete_ahead_of_time_need_a_reason(runner):
    """Issue 17: from the shell too, a window days ahead neither starts nor
    completes without --override-reason, and nothing is mailed."""
    made = run(runner, 'window', 'create', '--title', 'Troca', '--start', local(23, 23),
               '--end', local(24, 2), '--segment', 'SPAN-A', '--confirm')
    assert made.exit_code == 0, made.output
    reference, queued = made.output.split()[0], count(OutboxMessage)
    with database.connection_context():
        starts = MaintenanceWindow.get(MaintenanceWindow.reference == reference).starts_at
    for action in ('start', 'complete'):
        early = run(runner, 'window', action, reference)
        assert early.exit_code == 1 and f'  {action}: ' in early.output
        assert minute(starts) in moments(early.output)   # in any zone or language
        assert '--override-reason' in early.output and '--ack' not in early.output
        assert count(OutboxMessage) == queued
    started = run(runner, 'window', 'start', reference, '--override-reason', 'crew early')
    assert started.exit_code == 0 and 'IN-PROCESS' in started.output
    assert run(runner, 'window', 'complete', reference).exit_code == 1
    done = run(runner, 'window', 'complete', reference, '--override-reason', 'done early')
    assert done.exit_code == 0 and 'COMPLETED' in done.output
    assert count(OutboxMessage) == queued + 6


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


def _race(runner, app, window):
    """`window start` (through the CLI) and the worker's pass at the window's start
    time, let go at the same moment; returns (CLI result, windows the worker moved)."""
    from noc.worker import Worker
    barrier, outcomes = threading.Barrier(2), {}

    def engineer():
        barrier.wait()
        outcomes['cli'] = run(runner, 'window', 'start', window.reference,
                              '--override-reason', 'racing the worker')

    def worker():
        with app.app_context(), database.connection_context():
            barrier.wait()
            outcomes['worker'] = Worker(app).advance_windows(
                window.starts_at + datetime.timedelta(minutes=1))
    threads = [threading.Thread(target=engineer), threading.Thread(target=worker)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes['cli'], outcomes['worker']


def test_window_start_racing_the_worker_tells_each_contact_once(runner, app):
    """`window start` and the worker's clock on the same window at the same moment:
    the row lock makes them take turns, and the loser sees the window moved
    (exactly one "starting" notice per maintenance contact), on both engines."""
    settings = of_app(app)
    for attempt in range(6):
        day = 12 + 2 * attempt
        with app.app_context(), database.connection_context():
            typed, _ = window_input.from_text(
                form(starts_at=local(day, 22), ends_at=local(day, 23), segments='SPAN-A'),
                'America/Sao_Paulo')
            window = window_commands.create(typed, 'test', settings)
            window_commands.confirm(window.id, 'test', settings)
        cli, moved = _race(runner, app, window)
        assert cli.exit_code == 0 or 'refused:\n  status: ' in cli.output, cli.output
        assert (cli.exit_code == 0) != (moved == 1)         # one of them started it
        with database.connection_context():
            starting = sorted(m.recipient for m in OutboxMessage.select().where(
                (OutboxMessage.window == window.id) & (OutboxMessage.kind == 'starting')))
            assert MaintenanceWindow.get_by_id(window.id).status == 'IN-PROCESS'
        assert starting == ['ana@acme.example.com', 'carla@globex.example.com',
                            'noc@acme.example.com'], (attempt, starting)
        with app.app_context(), database.connection_context():
            window_commands.complete(window.id, 'test', settings,   # out of the next race
                                     override_reason='out of the next race')


def test_the_cli_keeps_the_limits_of_every_entry_point(runner):
    """A cancel reason had no limit from the shell; now the command's MAX_REASON
    holds here too, and an unknown reference is named."""
    made = run(runner, 'window', 'create', '--title', 'Troca', '--start', local(12, 23),
               '--end', local(13, 2), '--circuit', 'JAN-IPT-004', '--zone', 'America/Sao_Paulo')
    assert made.exit_code == 0, made.output
    reference = made.output.split()[0]
    long = run(runner, 'window', 'cancel', reference, '--reason', 'x' * 2001)
    assert long.exit_code == 1 and 'cancel_reason: ' in long.output
    assert 'TENTATIVE' in run(runner, 'window', 'list').output
    missing = run(runner, 'window', 'start', 'MW-2000-99999')
    assert missing.exit_code == 1 and 'no window MW-2000-99999' in missing.output
    title = run(runner, 'window', 'create', '--title', 'x' * 201, '--start', local(12, 23),
                '--end', local(13, 2), '--circuit', 'JAN-IPT-004')
    assert title.exit_code == 1 and 'title_pt: ' in title.output
    assert count(MaintenanceWindow) == 1
