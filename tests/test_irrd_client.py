"""The IRRd whois client against a real IRRd 4.5 on loopback.

Expected answers were read by hand from the files the fixture loads: the
ripe-2016 route/route6 dumps (RIPE), irrexplorer's test file (RADB, ALTDB)
and the TC/LACNIC objects in tests/helpers/irrd_server.py. Failures of the network
(silence, refusal, dropped connections) use small loopback sockets.
"""
import select
import socket
import threading
import time

import psycopg2
import pytest
from helpers.irrd_server import PG_SERVER, IrrdServerError, free_port, start_irrd

from noc.routing.irr.irrd import IrrdError, RouteObject, SourceSerials, WhoisClient

DEFAULT_SOURCES = {'ALTDB', 'LACNIC', 'RADB', 'RIPE', 'TC'}


@pytest.fixture
def irr(irrd_server):
    with WhoisClient(irrd_server.whois_host, irrd_server.whois_port, timeout=15) as client:
        yield client


def client_for(server, **kw):
    return WhoisClient(server.whois_host, server.whois_port, timeout=15, **kw)


# -- route objects and origins ----------------------------------------------

def test_route_object_from_the_ripe_dump(irr):
    assert irr.route_objects('193.254.30.0/24') == [RouteObject('193.254.30.0/24', 12726, 'RIPE')]


def test_route6_objects_with_three_origins(irr):
    objects = irr.route_objects('2002::/16')
    assert sorted(objects, key=lambda o: o.origin) == [
        RouteObject('2002::/16', 559, 'RIPE'), RouteObject('2002::/16', 12779, 'RIPE'),
        RouteObject('2002::/16', 29259, 'RIPE')]
    assert irr.origins('2002::/16') == {559, 12779, 29259}


def test_route_object_from_the_radb_part_of_a_mixed_file(irr):
    assert irr.route_objects('207.72.0.0/14') == [RouteObject('207.72.0.0/14', 237, 'RADB')]


def test_exact_prefix_only(irr):
    # 207.72.0.0/14 is registered; neither a more specific nor a less specific matches.
    assert irr.route_objects('207.72.0.0/16') == []
    assert irr.origins('207.0.0.0/8') == set()


def test_same_prefix_other_origins_in_other_sources(irr):
    assert irr.origins('192.0.2.0/24') == {64500, 64510}
    assert {(o.source, o.origin) for o in irr.route_objects('192.0.2.0/24')} == {
        ('TC', 64500), ('LACNIC', 64510)}


def test_input_is_written_canonically(irr):
    assert irr.origins('2002:0000:0000::/16') == {559, 12779, 29259}


@pytest.mark.parametrize('bad', ['192.0.2.1/24', '192.0.2.0', 'not a prefix',
                                 '192.0.2.0/24\n!gAS64500'])
def test_bad_prefixes_are_refused_before_sending(irr, bad):
    with pytest.raises(ValueError):
        irr.origins(bad)
    assert irr.connections == 0


# -- sources ----------------------------------------------------------------

def test_sources_restrict_every_answer(irrd_server):
    with client_for(irrd_server, sources=['tc']) as tc:
        assert tc.origins('192.0.2.0/24') == {64500}
        assert tc.route_objects('193.254.30.0/24') == []
    with client_for(irrd_server, sources=['LACNIC', 'RIPE']) as others:
        assert others.origins('192.0.2.0/24') == {64510}
        assert others.origins('2002::/16') == {559, 12779, 29259}


def test_unknown_source_is_an_error_naming_the_server(irrd_server):
    with client_for(irrd_server, sources=['NOSUCH']) as client:
        with pytest.raises(IrrdError) as error:
            client.origins('192.0.2.0/24')
    message = str(error.value)
    assert f'{irrd_server.whois_host}:{irrd_server.whois_port}' in message
    assert 'unavailable' in message


def test_source_status_lists_every_source(irr):
    status = irr.source_status()
    assert set(status) == DEFAULT_SOURCES
    # Sources loaded from files keep no journal and mirror no serials.
    assert set(status.values()) == {SourceSerials(False, None, None, None)}


# -- as-sets ----------------------------------------------------------------

def test_recursive_as_set_with_a_loop_ends(irr):
    # AS-JANELA-A -> AS-JANELA-B -> AS-JANELA-A again, and AS-JANELA-C in LACNIC.
    expected = {'AS64500', 'AS64501', 'AS64502', 'AS64503'}
    assert irr.as_set_members('AS-JANELA-A') == expected
    assert irr.as_set_members('as-janela-b', recursive=True) == expected


def test_direct_members_include_nested_set_names(irr):
    assert irr.as_set_members('AS-JANELA-A', recursive=False) == {'AS64500', 'AS-JANELA-B'}
    assert irr.as_set_members('AS-JANELA-B', recursive=False) == {
        'AS64501', 'AS-JANELA-A', 'AS-JANELA-C'}


def test_recursion_follows_only_the_sources_asked(irrd_server):
    with client_for(irrd_server, sources=['TC']) as tc:
        members = tc.as_set_members('AS-JANELA-A')
    # AS-JANELA-C lives in LACNIC: without it, its ASNs are not found.
    assert {'AS64500', 'AS64501'} <= members
    assert not members & {'AS64502', 'AS64503'}


def test_as_set_from_the_altdb_part_with_comments(irr):
    assert irr.as_set_members('AS-TEST1') == {'AS5726', 'AS5736', 'AS20318'}
    # AS-test3 ends a members line with '# herpa': the comment is no member.
    assert irr.as_set_members('AS-test3') == {'AS5726', 'AS5736', 'AS20318'}


def test_unknown_as_set_is_empty(irr):
    assert irr.as_set_members('AS-JANELA-NOSUCH') == set()
    assert irr.as_set_members('AS-JANELA-NOSUCH', recursive=False) == set()


@pytest.mark.parametrize('bad', ['AS-X\n!gAS1', 'AS-X,1', '', 'AS X'])
def test_bad_set_names_are_refused(irr, bad):
    with pytest.raises(ValueError):
        irr.as_set_members(bad)


# -- prefixes of an AS ------------------------------------------------------

def test_prefixes_of_an_as_per_family(irr):
    assert irr.prefixes_of(64500) == {'192.0.2.0/24'}
    assert irr.prefixes_of('AS64500', family=6) == {'2001:db8:100::/48'}
    assert irr.prefixes_of('as5425') == {f'194.154.{n}.0/24' for n in (130, 131, 132, 133, 134,
                                                                        135, 151)}
    assert irr.prefixes_of(5425, family=6) == set()
    assert irr.prefixes_of(64999) == set()


def test_prefixes_of_rejects_a_bad_family_and_asn(irr):
    with pytest.raises(ValueError):
        irr.prefixes_of(64500, family=5)
    with pytest.raises(ValueError):
        irr.prefixes_of('AS-SET')


# -- one connection, errors -------------------------------------------------

def test_many_queries_share_one_connection(irr):
    for _ in range(3):
        assert irr.origins('193.254.30.0/24') == {12726}
        assert irr.prefixes_of(12726) == {'193.254.30.0/24'}
    assert irr.connections == 1


def test_refused_query_keeps_the_connection(irr):
    assert irr.origins('193.254.30.0/24') == {12726}
    with pytest.raises(IrrdError, match='refused'):
        irr.query('!xnonsense')
    assert irr.origins('193.254.30.0/24') == {12726}
    assert irr.connections == 1


def _closed_by_peer(sock, timeout=30):
    """Wait until the other end closed sock (readable with nothing to read)."""
    readable, _, _ = select.select([sock], [], [], timeout)
    return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b''


def test_reconnects_after_irrd_closes_an_idle_connection(irr):
    assert irr.origins('193.254.30.0/24') == {12726}
    irr.query('!t1')  # IRRd now closes this connection after 1 s without a query
    assert _closed_by_peer(irr._sock), 'IRRd did not close the idle connection'
    assert irr.origins('2002::/16') == {559, 12779, 29259}
    assert irr.connections == 2


class _Listener:
    """A loopback TCP server whose behaviour a test chooses."""

    def __init__(self, on_accept=None):
        self.sock = socket.create_server(('127.0.0.1', 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.on_accept = on_accept
        if on_accept:
            threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.on_accept(conn)

    def close(self):
        self.sock.close()


def test_timeout_when_the_server_never_answers():
    silent = _Listener()  # the kernel accepts; nobody ever reads or writes
    try:
        with WhoisClient('127.0.0.1', silent.port, timeout=0.5) as client:
            with pytest.raises(IrrdError, match='no answer within 0.5 s'):
                client.origins('192.0.2.0/24')
    finally:
        silent.close()


def test_connection_refused():
    port = free_port()
    with WhoisClient('127.0.0.1', port, timeout=5) as client:
        with pytest.raises(IrrdError) as error:
            client.origins('192.0.2.0/24')
    assert str(error.value) == f'IRRd 127.0.0.1:{port}: connection refused'


def test_gives_up_after_one_reconnect():
    rude = _Listener(on_accept=lambda conn: conn.close())
    try:
        with WhoisClient('127.0.0.1', rude.port, timeout=5) as client:
            with pytest.raises(IrrdError, match='connection lost twice'):
                client.origins('192.0.2.0/24')
            assert client.connections == 2
    finally:
        rude.close()


def test_a_non_irrd_answer_is_an_error():
    def greet(conn):
        conn.sendall(b'220 smtp.example ESMTP\r\n')
        time.sleep(0.2)  # let the client read before the connection goes
        conn.close()
    smtp = _Listener(on_accept=greet)
    try:
        with WhoisClient('127.0.0.1', smtp.port, timeout=5) as client:
            with pytest.raises(IrrdError, match='unexpected answer'):
                client.origins('192.0.2.0/24')
    finally:
        smtp.close()


# -- reloading a source while IRRd runs --------------------------------------

SCRATCH = """\
route:      198.18.0.0/24
descr:      kept
origin:     AS64496
source:     JANELA

route:      198.18.1.0/24
descr:      deleted by the test
origin:     AS64496
source:     JANELA

as-set:     AS-JANELA-SCRATCH
members:    AS64496
source:     JANELA
"""

ADDED = """
route:      198.18.2.0/24
descr:      added by the test
origin:     AS64497
source:     JANELA
"""


@pytest.fixture(scope='module')
def scratch_irrd():
    """An IRRd of its own: these tests change its data, which others must not see."""
    handle = start_irrd(sources={'JANELA': [SCRATCH]})
    try:
        yield handle
    finally:
        handle.stop()


def eventually(read, expected, timeout=15.0):
    """read() until it returns expected or timeout passes; the last value.

    IRRd answers !g and !i from a copy each worker refreshes up to a second
    after a load (see tests/helpers/irrd_server.py); !r answers change at once.
    """
    deadline = time.monotonic() + timeout
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.1)
        value = read()
    return value


@pytest.mark.external
@pytest.mark.postgresql     # an IRRd of its own
def test_reload_adds_and_deletes_routes(scratch_irrd):
    with client_for(scratch_irrd) as irr:
        assert irr.origins('198.18.1.0/24') == {64496}
        assert irr.prefixes_of(64496) == {'198.18.0.0/24', '198.18.1.0/24'}
        before = irr.database_status()['JANELA']['rpsl_data_updated']

        kept_route, _deleted_route, as_set = SCRATCH.split('\n\n')
        scratch_irrd.load('JANELA', kept_route + '\n\n' + as_set, ADDED)

        assert irr.route_objects('198.18.2.0/24') == [RouteObject('198.18.2.0/24', 64497, 'JANELA')]
        assert irr.origins('198.18.1.0/24') == set()
        assert irr.origins('198.18.0.0/24') == {64496}
        assert eventually(lambda: irr.prefixes_of(64496), {'198.18.0.0/24'}) == {'198.18.0.0/24'}
        assert eventually(lambda: irr.prefixes_of(64497), {'198.18.2.0/24'}) == {'198.18.2.0/24'}
        assert irr.database_status()['JANELA']['rpsl_data_updated'] > before


@pytest.mark.external
@pytest.mark.postgresql     # an IRRd of its own
def test_reload_changes_as_set_members(scratch_irrd, tmp_path):
    changed = tmp_path / 'janela.rpsl'
    changed.write_text(SCRATCH.replace('members:    AS64496', 'members:    AS64496, AS64498'))
    scratch_irrd.load('JANELA', changed)
    with client_for(scratch_irrd) as irr:
        expected = {'AS64496', 'AS64498'}
        assert eventually(lambda: irr.as_set_members('AS-JANELA-SCRATCH'), expected) == expected


@pytest.mark.external
@pytest.mark.postgresql     # an IRRd of its own
def test_load_refuses_an_unknown_source(scratch_irrd):
    with pytest.raises(ValueError, match='unknown source'):
        scratch_irrd.load('RADB', SCRATCH)


def _irrd_databases():
    conn = psycopg2.connect(PG_SERVER + '/postgres')
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT datname FROM pg_database WHERE datname LIKE 'janela_irrd_%'")
            return {row[0] for row in cur.fetchall()}
    finally:
        conn.close()


@pytest.mark.external
@pytest.mark.postgresql     # an IRRd of its own
def test_a_refused_load_fails_loudly_and_leaves_nothing():
    before = _irrd_databases()
    wrong_source = 'route: 192.0.2.0/24\norigin: AS64500\nsource: RADB\n'
    with pytest.raises(IrrdServerError) as error:
        start_irrd(sources={'TC': [wrong_source]})
    # IRRd's own words reach the test report.
    assert 'Invalid source RADB for object 192.0.2.0/24AS64500, expected TC' in str(error.value)
    assert _irrd_databases() <= before


def test_pipelined_queries_answer_in_order_and_match_single_ones(irrd_server):
    prefixes = ['192.0.2.0/24', '193.254.30.0/24', '3fff:1::/48', '203.0.113.0/24'] * 150
    with WhoisClient(irrd_server.whois_host, irrd_server.whois_port) as client:
        many = client.route_objects_many(prefixes)
        single = {p: client.route_objects(p) for p in set(prefixes)}
        assert client.connections == 1
    assert set(many) == set(prefixes)
    for prefix, objects in single.items():
        assert sorted((o.source, o.origin) for o in many[prefix]) == \
            sorted((o.source, o.origin) for o in objects)
    assert {o.origin for o in many['192.0.2.0/24']} == {64500, 64510}
    assert many['3fff:1::/48'] == []
