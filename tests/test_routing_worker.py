"""The worker's routing chores with real sources: a VRP file and a StayRTR
serving VRPs over HTTP, RPSL dumps on disk, new requests checked, tracked
prefixes revalidated when data changes."""
import datetime
import os

import pytest
from conftest import prepared_app
from helpers.routing_fixtures import RPSL, VRPS, build_isps, write_rpsl, write_vrps
from helpers.stayrtr_server import start_stayrtr

from noc.core.db import database
from noc.models import OutboxMessage, utcnow
from noc.models.routing import IrrLoad, RoutingAlert, TrackedPrefix, VrpSnapshot
from noc.routing.prefix_requests import workflow as requests
from noc.worker import Worker

MINUTES = datetime.timedelta(minutes=1)


def worker_app(db_url, sources, dumps=None):
    return prepared_app(db_url, rpki={'sources': sources, 'refresh_minutes': 10},
                        irr={'dumps': dumps or {}, 'refresh_minutes': 5},
                        prefixes={'lab': True},
                        mail={'backend': 'capture'})


def in_db(app, work):
    with app.test_request_context(), database.connection_context():
        return work()


@pytest.mark.external      # StayRTR
def test_worker_loads_stayrtr_over_http_checks_and_revalidates(db_url, tmp_path):
    vrp_file = write_vrps(tmp_path / 'served.json', expires=4102444800)   # year 2100
    server = start_stayrtr(vrp_file)
    try:
        app = worker_app(db_url, {'stayrtr': server.http_url},
                         {'TC': write_rpsl(tmp_path / 'tc.rpsl')})
        worker = Worker(app)
        start = utcnow()
        done = worker.run_once(now=start)
        assert done.get('routing_sources_changed') == 2        # RPKI and IRR
        snapshot = in_db(app, lambda: VrpSnapshot.get(VrpSnapshot.source == 'stayrtr'))
        assert (snapshot.status, snapshot.vrp_count, snapshot.format) == (
            'good', 4, 'rpki-client')
        # A request made now is checked at the next pass.
        isps = in_db(app, build_isps)
        in_db(app, lambda: requests.submit(isps['acme'], isps['circuits']['acme'],
                                           '192.0.2.0/24\n2001:db8:1::/48', actor='t'))
        done = worker.run_once(now=start + MINUTES)
        assert done.get('prefixes_checked') == 2
        assert 'routing_sources_changed' not in done           # not due yet
        states = in_db(app, lambda: {p.prefix: p.state for p in TrackedPrefix.select()})
        assert states == {'192.0.2.0/24': 'approved', '2001:db8:1::/48': 'approved'}
        # The validator stops: the load is refused, the snapshot stays, the NOC is told.
        server.stop()
        done = worker.run_once(now=start + 11 * MINUTES)
        refused = in_db(app, lambda: VrpSnapshot.select().where(
            VrpSnapshot.status == 'refused').get())
        assert server.http_url.split('/rpki.json')[0] in refused.error
        alert = in_db(app, lambda: RoutingAlert.get(RoutingAlert.kind == 'rpki-source'))
        assert alert.source == 'stayrtr' and alert.closed_at is None
        assert in_db(app, lambda: TrackedPrefix.select().where(
            TrackedPrefix.rpki_state == 'valid').count()) == 2
    finally:
        server.stop()


def test_changed_dump_triggers_revalidation_and_a_notice(db_url, tmp_path):
    dump = tmp_path / 'tc.rpsl'
    write_rpsl(dump)
    app = worker_app(db_url, {'file': write_vrps(tmp_path / 'v.json')}, {'TC': str(dump)})
    worker = Worker(app)
    start = utcnow()
    worker.run_once(now=start)
    isps = in_db(app, build_isps)
    request = in_db(app, lambda: requests.submit(isps['acme'], isps['circuits']['acme'],
                                                 '192.0.2.0/24', actor='t'))
    worker.run_once(now=start + MINUTES)
    in_db(app, lambda: requests.act([p.id for p in request.prefixes], 'configure', 'eng'))
    # The same file again: not reloaded, nothing revalidated.
    done = worker.run_once(now=start + 6 * MINUTES)
    assert in_db(app, lambda: IrrLoad.select().count()) == 1
    assert 'prefixes_revalidated' not in done
    # The route object is deleted upstream: the dump changes on disk.
    write_rpsl(dump, RPSL.split('\n\n', 1)[1])
    later = datetime.datetime.now().timestamp() + 5
    os.utime(dump, (later, later))
    mails_before = in_db(app, lambda: OutboxMessage.select().where(
        OutboxMessage.kind == 'prefix').count())
    done = worker.run_once(now=start + 12 * MINUTES)
    assert done.get('prefixes_revalidated') == 1 and done.get('prefixes_changed') == 1
    row = in_db(app, lambda: TrackedPrefix.get(TrackedPrefix.prefix == '192.0.2.0/24'))
    assert row.irr_state == 'none'
    assert in_db(app, lambda: OutboxMessage.select().where(
        OutboxMessage.kind == 'prefix').count()) == mails_before + 1


@pytest.mark.parametrize('engine', ['sqlite'])
def test_daily_revalidation_happens_without_new_data(engine, db_url, tmp_path):
    app = worker_app(db_url, {'file': write_vrps(tmp_path / 'v.json', VRPS)},
                     {'TC': write_rpsl(tmp_path / 'tc.rpsl')})
    worker = Worker(app)
    start = utcnow()
    worker.run_once(now=start)
    isps = in_db(app, build_isps)
    in_db(app, lambda: requests.submit(isps['acme'], isps['circuits']['acme'],
                                       '192.0.2.0/24', actor='t'))
    done = worker.run_once(now=start + MINUTES)
    assert done.get('prefixes_revalidated') == 1           # the first run ever
    done = worker.run_once(now=start + 2 * MINUTES)
    assert 'prefixes_revalidated' not in done
    done = worker.run_once(now=start + datetime.timedelta(hours=25))
    assert done.get('prefixes_revalidated') == 1


def test_data_loaded_by_hand_is_revalidated_at_the_next_pass(db_url, tmp_path):
    from noc.routing.rpki import snapshots
    app = worker_app(db_url, {}, {'TC': write_rpsl(tmp_path / 'tc.rpsl')})
    worker = Worker(app)
    start = utcnow()
    in_db(app, lambda: snapshots.load('manual', write_vrps(tmp_path / 'v.json')))
    worker.run_once(now=start)
    isps = in_db(app, build_isps)
    in_db(app, lambda: requests.submit(isps['acme'], isps['circuits']['acme'],
                                       '192.0.2.0/24', actor='t'))
    worker.run_once(now=start + MINUTES)
    assert 'prefixes_revalidated' not in worker.run_once(now=start + 2 * MINUTES)
    # `noc vrps load` of a set where the ROA names another origin: next pass, not tomorrow.
    moved = [('192.0.2.0/24', 24, 64999)] + VRPS[1:]
    in_db(app, lambda: snapshots.load('manual', write_vrps(tmp_path / 'v2.json', moved)))
    done = worker.run_once(now=start + 3 * MINUTES)
    assert done.get('prefixes_changed') == 1


def test_a_dump_moved_into_place_with_an_old_mtime_is_reloaded(db_url, tmp_path):
    dump = tmp_path / 'tc.rpsl'
    write_rpsl(dump)
    app = worker_app(db_url, {}, {'TC': str(dump)})
    worker = Worker(app)
    start = utcnow()
    worker.run_once(now=start)
    replacement = tmp_path / 'new.rpsl'
    write_rpsl(replacement, RPSL.split('\n\n', 1)[1])
    os.utime(replacement, (1000, 1000))           # `mv`, `cp -p`, `rsync -t` keep it
    os.replace(replacement, dump)
    worker.run_once(now=start + 6 * MINUTES)
    loads = in_db(app, lambda: [(load.status, load.route_count) for load in IrrLoad.select()
                                .order_by(IrrLoad.id)])
    assert loads == [('good', 3), ('good', 2)]


def test_a_bad_vrp_source_does_not_stop_the_checks(db_url, tmp_path):
    bad = tmp_path / 'bad.json'
    bad.write_text('{"roas": [{"prefix": "192.0.2.0/24", "maxLength": 24, "asn": 64500, '
                   '"ta": ["x"]}]}')
    app = worker_app(db_url, {'broken': str(bad)}, {'TC': write_rpsl(tmp_path / 'tc.rpsl')})
    isps = in_db(app, build_isps)
    in_db(app, lambda: requests.submit(isps['acme'], isps['circuits']['acme'],
                                       '192.0.2.0/24', actor='t'))
    done = Worker(app).run_once(now=utcnow())
    assert done.get('prefixes_checked') == 1 and 'routing_error' not in done
    assert in_db(app, lambda: RoutingAlert.get(RoutingAlert.kind == 'rpki-source').source) \
        == 'broken'
