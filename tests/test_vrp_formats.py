"""VRP exports: every real layout loads, bad input is refused naming the record,
the stored blob round-trips, the digest ignores layout and order, and VRPs
are fetched from files, gzip files and a real StayRTR over HTTP."""
import gzip
import http.server
import json
import random
import socket
import ssl
import threading
from contextlib import contextmanager
from datetime import datetime, timezone

import pytest
from helpers.shared_data import path
from helpers.smtp_server import free_port, make_self_signed_cert

from noc.routing.rpki.fetch import VrpFetchError, fetch
from noc.routing.rpki.formats import parse
from noc.routing.rpki.vrps import Vrp, VrpFormatError, VrpTable

UTC = timezone.utc


def read(*parts):
    with open(path(*parts), 'rb') as handle:
        return handle.read()


def expected_vrps(raw, now):
    """The distinct unexpired (prefix, maxLength, asn) of a JSON export, by the stdlib."""
    out = set()
    for roa in json.loads(raw)['roas']:
        if roa.get('expires') is not None and roa['expires'] < now.timestamp():
            continue
        asn = roa['asn']
        asn = int(asn[2:]) if isinstance(asn, str) else asn
        length = int(roa['prefix'].split('/')[1])
        out.add((roa['prefix'], roa.get('maxLength', length), asn))
    return out


def triples(table):
    return {(vrp.prefix, vrp.max_length, vrp.asn) for vrp in table.rows()}


# -- the real files ---------------------------------------------------------------

@pytest.mark.parametrize('name, layout, count, count_v4, declared, generated', [
    ('stayrtr-test.rpki.json', 'rpki-client', 19, 5, 272724, '2023-07-27T18:56:02+00:00'),
    ('rpkilog-rpkiclient2023_json.json', 'rpki-client', 379, 8, 495060, '2023-10-01T00:05:43+00:00'),
    ('rpkilog-rpkiclient2021_json.json', 'rpki-client', 70, 22, 281198, '2021-09-01T00:04:19+00:00'),
    ('rpkilog-routinator_jsonext.json', 'routinator-jsonext', 2, 1, None, '2025-03-09T21:45:54+00:00'),
])
def test_real_json_exports_load(name, layout, count, count_v4, declared, generated):
    raw = read('rpki', name)
    moment = datetime.fromisoformat(generated)
    parsed = parse(raw, now=moment)          # as the validator saw it when it wrote the file
    assert parsed.format == layout
    assert parsed.generated == moment and parsed.generated.tzinfo is not None
    assert parsed.declared == declared
    assert parsed.expired == 0
    assert len(parsed.table) == count
    assert parsed.table.count_v4 == count_v4
    assert parsed.table.count_v6 == count - count_v4
    assert triples(parsed.table) == expected_vrps(raw, moment)


def test_ripe_validator_csv_loads():
    parsed = parse(read('ripe-2016', 'roas.csv'))
    assert parsed.format == 'csv'
    assert (len(parsed.table), parsed.table.count_v4, parsed.table.count_v6) == (49, 45, 4)
    assert (parsed.expired, parsed.generated, parsed.declared) == (0, None, None)
    rows = list(parsed.table.rows())
    assert Vrp('194.126.0.0/19', 24, 6453, '') in rows
    assert Vrp('2a00:bf60::/32', 33, 60390, '') in rows


def test_stayrtr_file_details():
    parsed = parse(read('rpki', 'stayrtr-test.rpki.json'), now=datetime(2024, 1, 1, tzinfo=UTC))
    rows = list(parsed.table.rows())
    assert rows[0] == Vrp('1.0.0.0/24', 24, 13335, 'apnic')           # IPv4 first, sorted
    assert Vrp('2800:40::/32', 48, 16814, 'lacnic') in rows           # same prefix, two maxLengths
    assert Vrp('2800:40::/32', 32, 16814, 'lacnic') in rows
    assert parsed.table.tas == ['afrinic', 'apnic', 'lacnic', 'lmao', 'ripe']


def test_routinator_asn_strings_and_sources():
    parsed = parse(read('rpki', 'rpkilog-routinator_jsonext.json'))
    assert list(parsed.table.rows()) == [Vrp('1.0.0.0/24', 24, 13335, 'apnic'),
                                         Vrp('2c0f:fff0::/32', 128, 37125, 'afrinic')]
    plain = json.dumps({'metadata': {'generated': 1741556754},
                        'roas': [{'asn': 'AS13335', 'prefix': '1.0.0.0/24', 'maxLength': 24,
                                  'ta': 'apnic'}]}).encode()
    parsed = parse(plain)
    assert parsed.format == 'routinator-json'
    assert parsed.generated == datetime(2025, 3, 9, 21, 45, 54, tzinfo=UTC)
    assert list(parsed.table.rows()) == [Vrp('1.0.0.0/24', 24, 13335, 'apnic')]


def test_everything_expires():
    parsed = parse(read('rpki', 'stayrtr-test.rpki.json'), now=datetime(2030, 1, 1, tzinfo=UTC))
    assert (len(parsed.table), parsed.expired) == (0, 19)


def export(roas, **metadata):
    return json.dumps({'metadata': metadata, 'roas': roas}).encode()


def test_expired_vrps_are_dropped_and_counted():
    raw = export([{'asn': 1, 'prefix': '192.0.2.0/24', 'maxLength': 24, 'ta': 't', 'expires': 1000},
                  {'asn': 2, 'prefix': '198.51.100.0/24', 'maxLength': 24, 'ta': 't', 'expires': 3000},
                  {'asn': 3, 'prefix': '203.0.113.0/24', 'maxLength': 24, 'ta': 't'}],
                 buildtime='1970-01-01T00:30:00Z', vrps='3')
    parsed = parse(raw, now=datetime.fromtimestamp(2000, UTC))
    assert parsed.expired == 1
    assert triples(parsed.table) == {('198.51.100.0/24', 24, 2), ('203.0.113.0/24', 24, 3)}
    assert parsed.declared == 3                              # a number written as a string
    assert parsed.generated == datetime(1970, 1, 1, 0, 30, tzinfo=UTC)


def test_absent_max_length_is_the_prefix_length():
    raw = export([{'asn': 64500, 'prefix': '2001:db8::/32', 'ta': 'x'},
                  {'asn': 64500, 'prefix': '192.0.2.0/24', 'maxLength': None}])
    rows = list(parse(raw).table.rows())
    assert rows == [Vrp('192.0.2.0/24', 24, 64500, ''), Vrp('2001:db8::/32', 32, 64500, 'x')]
    csv_rows = list(parse(b'ASN,IP Prefix,Max Length\nAS64500,192.0.2.0/24,\n').table.rows())
    assert csv_rows == [Vrp('192.0.2.0/24', 24, 64500, '')]


def test_unknown_keys_and_stayrtr_layout_are_ignored(stayrtr_server):
    raw = export([{'asn': 1, 'prefix': '192.0.2.0/24', 'maxLength': 24, 'ta': 't', 'new': [1]}],
                 buildtime=1690484162, whatever={'a': 1})
    document = json.loads(raw)
    document['bgpsec_keys'] = [{'asn': 1, 'pubkey': 'x'}]
    document['provider_authorizations'] = {'ipv4': [{'customer_asid': 1, 'providers': [2]}]}
    document['aspas'] = [{'customer': 1, 'providers': [2]}]
    parsed = parse(json.dumps(document).encode())
    assert triples(parsed.table) == {('192.0.2.0/24', 24, 1)}
    assert parsed.generated == datetime.fromtimestamp(1690484162, UTC)


def test_empty_but_well_formed_sets():
    assert len(parse(export([])).table) == 0
    assert len(parse(b'ASN,IP Prefix,Max Length,Trust Anchor\r\n').table) == 0


def test_csv_variants():
    """Quoted fields (RIPE validator), CRLF, a BOM, plain and AS-prefixed ASNs,
    a trust anchor column and blank lines."""
    text = ('\ufeff"ASN","IP Prefix","Max Length","Trust Anchor"\r\n'
            '"AS13335","1.0.0.0/24","24","APNIC RPKI Root"\r\n'
            '\r\n'
            '64500,2001:db8::/32,48,\r\n')
    parsed = parse(text.encode('utf-8'))
    assert list(parsed.table.rows()) == [Vrp('1.0.0.0/24', 24, 13335, 'APNIC RPKI Root'),
                                         Vrp('2001:db8::/32', 48, 64500, '')]


# -- malformed input ------------------------------------------------------------

def roa(**fields):
    base = {'asn': 64500, 'prefix': '192.0.2.0/24', 'maxLength': 24, 'ta': 'x'}
    base.update(fields)
    return {key: value for key, value in base.items() if value is not ...}


@pytest.mark.parametrize('bad_record, words', [
    (roa(prefix='1.2.3.4/33'), ["'1.2.3.4/33'", 'length 33']),
    (roa(prefix='192.0.2.1/24'), ["'192.0.2.1/24'", 'host bits', '192.0.2.0/24']),
    (roa(prefix='banana'), ["'banana'", 'not a prefix']),
    (roa(prefix=12345), ['12345', 'not a prefix']),
    (roa(maxLength=33), ['maxLength 33', '192.0.2.0/24', 'between 24 and 32']),
    (roa(maxLength=20), ['maxLength 20', 'between 24 and 32']),
    (roa(prefix='2001:db8::/32', maxLength=129), ['maxLength 129', 'between 32 and 128']),
    (roa(maxLength='24'), ["'24'", 'maxLength']),
    (roa(asn=-1), ['ASN -1', '0..4294967295']),
    (roa(asn=4294967296), ['ASN 4294967296']),
    (roa(asn='ASX'), ["'ASX'", 'not an AS number']),
    (roa(asn=True), ['ASN True']),
    (roa(asn=1.5), ['ASN 1.5']),
    (roa(asn=...), ["'asn' is missing"]),
    (roa(prefix=...), ["'prefix' is missing"]),
    (roa(expires='soon'), ["'soon'", 'Unix time']),
    ('not an object', ['expected an object']),
])
def test_bad_record_is_named(bad_record, words):
    raw = export([roa(prefix='198.51.100.0/24'), roa(prefix='203.0.113.0/24'), bad_record])
    with pytest.raises(VrpFormatError) as caught:
        parse(raw, now=datetime(2000, 1, 1, tzinfo=UTC))
    message = str(caught.value)
    assert message.startswith('record 3: ')
    for word in words:
        assert word in message


def test_record_numbers_count_expired_records():
    raw = export([roa(prefix='198.51.100.0/24', expires=1), roa(prefix='1.2.3.4/33')])
    with pytest.raises(VrpFormatError, match=r'^record 2: '):
        parse(raw)


@pytest.mark.parametrize('raw, words', [
    (b'', ['empty']),
    (b'  \n ', ['empty']),
    (b'{"roas": [{"asn": 1, "prefix": "192.0.2.0/24"', ['not valid JSON']),
    (b'{"roas": {}}', ["no 'roas' list"]),
    (b'{"metadata": {}}', ["no 'roas' list"]),
    (b'[1, 2]', ['JSON list']),
    (b'<html><body>502 Bad Gateway</body></html>', ['line 1', 'CSV header', '<html>']),
    (b'\xff\xfe\x00garbage', ['neither JSON nor UTF-8']),
    (b'ASN,IP Prefix,Max Length\nAS1,192.0.2.0/24,24\nAS2,192.0.2.0/24\n', ['line 3', '3 or 4 fields']),
    (b'ASN,IP Prefix,Max Length\nAS1,192.0.2.0/24,24\nASx,192.0.2.0/24,24\n',
     ['line 3', "'ASx'"]),
    (b'ASN,IP Prefix,Max Length\r\n\r\nAS1,192.0.2.0/24,24\r\nAS1,192.0.2.0/33,24\r\n',
     ['line 4', "'192.0.2.0/33'"]),
    (b'ASN,IP Prefix,Max Length\nAS1,192.0.2.0/24,big\n', ['line 2', "'big'"]),
    (b'ASN,IP Prefix,Max Length\nAS1,192.0.2.0/24,23\n', ['line 2', 'maxLength 23']),
])
def test_malformed_input_is_refused(raw, words):
    with pytest.raises(VrpFormatError) as caught:
        parse(raw)
    for word in words:
        assert word in str(caught.value)


# -- the stored blob and the digest ---------------------------------------------------

@pytest.mark.parametrize('name', ['stayrtr-test.rpki.json', 'rpkilog-rpkiclient2023_json.json',
                                  'rpkilog-rpkiclient2021_json.json'])
def test_blob_round_trip(name):
    table = parse(read('rpki', name), now=datetime(2021, 1, 1, tzinfo=UTC)).table
    blob = table.to_bytes()
    again = VrpTable.from_bytes(blob)
    assert again == table
    assert list(again.rows()) == list(table.rows())
    assert again.digest() == table.digest()
    assert again.tas == table.tas
    assert len(blob) < 28 * len(table) + 100             # compact: about 15 bytes an IPv4 VRP


def test_blob_of_empty_and_of_many_trust_anchors():
    assert VrpTable.from_bytes(VrpTable.empty().to_bytes()) == VrpTable.empty()
    rows = [(f'10.{i // 256}.{i % 256}.0/24', None, i, f'ta{i}') for i in range(300)]
    table = VrpTable.from_rows(rows)
    again = VrpTable.from_bytes(table.to_bytes())
    assert list(again.rows()) == list(table.rows()) and len(again.tas) == 300


@pytest.mark.parametrize('damage', [lambda b: b[:-1], lambda b: b[:10], lambda b: b'XXXX' + b[4:],
                                    lambda b: b + b'\0'])
def test_damaged_blob_is_refused(damage):
    blob = parse(read('rpki', 'stayrtr-test.rpki.json')).table.to_bytes()
    with pytest.raises(VrpFormatError):
        VrpTable.from_bytes(damage(blob))


def as_csv(table, asn_prefix='AS'):
    lines = ['ASN,IP Prefix,Max Length'] + [f'{asn_prefix}{v.asn},{v.prefix},{v.max_length}'
                                            for v in table.rows()]
    return '\r\n'.join(lines).encode()


def test_digest_ignores_layout_order_duplicates_and_trust_anchors():
    now = datetime(2024, 1, 1, tzinfo=UTC)
    original = parse(read('rpki', 'stayrtr-test.rpki.json'), now=now).table
    roas = json.loads(read('rpki', 'stayrtr-test.rpki.json'))['roas']
    random.Random(4).shuffle(roas)
    routinator = [{'asn': f'AS{r["asn"]}', 'prefix': r['prefix'], 'maxLength': r['maxLength'],
                   'ta': 'other'} for r in roas]
    variants = [parse(export(roas + roas[:5]), now=now).table,
                parse(export(routinator)).table,
                parse(as_csv(original)).table,
                parse(as_csv(original, asn_prefix='')).table,
                VrpTable.from_rows((v.prefix, v.max_length, v.asn, None) for v in original.rows())]
    for variant in variants:
        assert variant.digest() == original.digest()
        assert len(variant) == len(original)
    changed = VrpTable.from_rows([(v.prefix, v.max_length, v.asn + (v.prefix == '1.0.0.0/24'), None)
                                  for v in original.rows()])
    assert changed.digest() != original.digest()


def test_duplicates_keep_the_first_trust_anchor_name():
    table = VrpTable.from_rows([('192.0.2.0/24', 24, 1, 'ripe'), ('192.0.2.0/24', None, 1, 'arin'),
                                ('192.0.2.0/24', 25, 1, 'ripe')])
    assert list(table.rows()) == [Vrp('192.0.2.0/24', 24, 1, 'arin'), Vrp('192.0.2.0/24', 25, 1, 'ripe')]


# -- fetching ---------------------------------------------------------------------------

def test_fetch_from_paths_and_file_urls(tmp_path, monkeypatch):
    raw = read('rpki', 'stayrtr-test.rpki.json')
    assert fetch(path('rpki', 'stayrtr-test.rpki.json')) == raw
    assert fetch('file://' + path('rpki', 'stayrtr-test.rpki.json')) == raw
    (tmp_path / 'my vrps.json').write_bytes(raw)
    monkeypatch.chdir(tmp_path)
    assert fetch('my vrps.json') == raw                     # relative to the current directory
    assert fetch('file://' + str(tmp_path / 'my%20vrps.json')) == raw


def test_fetch_unpacks_gzip(tmp_path):
    raw = read('rpki', 'rpkilog-rpkiclient2023_json.json')
    packed = tmp_path / 'vrps.json.gz'
    packed.write_bytes(gzip.compress(raw))
    assert fetch(str(packed)) == raw
    with pytest.raises(VrpFetchError, match='larger than the limit of 10000 bytes'):
        fetch(str(packed), max_bytes=10000)                 # the cap counts the unpacked bytes
    (tmp_path / 'cut.gz').write_bytes(gzip.compress(raw)[:200])
    with pytest.raises(VrpFetchError, match='truncated'):
        fetch(str(tmp_path / 'cut.gz'))


def test_fetch_file_errors(tmp_path):
    missing = str(tmp_path / 'nope.json')
    with pytest.raises(VrpFetchError) as caught:
        fetch(missing)
    assert missing in str(caught.value) and 'No such file' in str(caught.value)
    with pytest.raises(VrpFetchError, match='larger than the limit of 100 bytes'):
        fetch(path('rpki', 'stayrtr-test.rpki.json'), max_bytes=100)
    with pytest.raises(VrpFetchError, match='unsupported scheme rsync'):
        fetch('rsync://rpki.example.net/repo/')


def test_fetch_from_stayrtr(stayrtr_server):
    """StayRTR re-exports what it serves as JSON at /rpki.json: the same 19 VRPs."""
    parsed = parse(fetch(stayrtr_server.http_url, timeout=10), now=datetime(2024, 1, 1, tzinfo=UTC))
    original = parse(read('rpki', 'stayrtr-test.rpki.json'), now=datetime(2024, 1, 1, tzinfo=UTC))
    assert parsed.format == 'rpki-client'
    assert parsed.declared == 19                             # StayRTR writes its own count
    assert parsed.generated == datetime(2023, 7, 27, 18, 56, 2, tzinfo=UTC)
    assert parsed.table == original.table


def test_fetch_http_errors(stayrtr_server):
    missing = stayrtr_server.http_url.replace('/rpki.json', '/nothing-here.json')
    with pytest.raises(VrpFetchError, match='HTTP status 404'):
        fetch(missing, timeout=10)
    with pytest.raises(VrpFetchError, match='larger than the limit of 1000 bytes'):
        fetch(stayrtr_server.http_url, timeout=10, max_bytes=1000)
    closed = f'http://127.0.0.1:{free_port()}/rpki.json'
    with pytest.raises(VrpFetchError) as caught:
        fetch(closed, timeout=10)
    assert closed in str(caught.value) and 'refused' in str(caught.value)


def test_fetch_times_out_on_a_server_that_never_answers():
    with socket.socket() as silent:                          # accepts connections, says nothing
        silent.bind(('127.0.0.1', 0))
        silent.listen(8)
        url = f'http://127.0.0.1:{silent.getsockname()[1]}/json'
        with pytest.raises(VrpFetchError) as caught:
            fetch(url, timeout=0.5)
    assert url in str(caught.value) and 'no answer within 0.5 seconds' in str(caught.value)


def test_union_of_sources():
    ripe = VrpTable.from_rows([('192.0.2.0/24', 24, 1, 'ripe'), ('2001:db8::/32', 48, 2, 'ripe')])
    arin = VrpTable.from_rows([('192.0.2.0/24', 24, 1, 'arin'), ('198.51.100.0/24', None, 3, None)])
    union = VrpTable.union([ripe, arin, VrpTable.empty()])
    assert list(union.rows()) == [Vrp('192.0.2.0/24', 24, 1, 'arin'), Vrp('198.51.100.0/24', 24, 3, ''),
                                  Vrp('2001:db8::/32', 48, 2, 'ripe')]
    assert union.tas == ['', 'arin', 'ripe']
    rows = [(v.prefix, v.max_length, v.asn, v.ta) for t in (ripe, arin) for v in t.rows()]
    assert union == VrpTable.from_rows(rows)
    assert VrpTable.union([]) == VrpTable.empty()


class _Export(http.server.BaseHTTPRequestHandler):
    """Serves the shared stayrtr-test export gzip-encoded, or stalls after the headers."""

    def do_GET(self):
        body = gzip.compress(read('rpki', 'stayrtr-test.rpki.json'))
        self.send_response(200)
        self.send_header('Content-Encoding', 'gzip')
        self.send_header('Content-Length', str(len(body) + (1000 if self.path == '/stall' else 0)))
        self.end_headers()
        self.wfile.write(body[:100] if self.path == '/stall' else body)
        self.wfile.flush()
        if self.path == '/stall':
            self.server.release.wait(10)

    def log_message(self, *args):
        pass


@contextmanager
def https_server(directory):
    cert, key = make_self_signed_cert(directory)
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Export)
    server.release = threading.Event()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f'https://127.0.0.1:{server.server_address[1]}', str(cert)
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


def test_fetch_over_https_with_a_private_ca(tmp_path):
    with https_server(tmp_path) as (base, ca_file):
        data = fetch(base + '/vrps.json', timeout=10, ca_file=ca_file)
        assert data == read('rpki', 'stayrtr-test.rpki.json')       # Content-Encoding undone
        with pytest.raises(VrpFetchError, match='TLS failed'):
            fetch(base + '/vrps.json', timeout=10)                    # not trusted by default
        with pytest.raises(VrpFetchError, match='no answer within 0.5 seconds'):
            fetch(base + '/stall', timeout=0.5, ca_file=ca_file)      # stalls in the body


def test_expiries_are_kept_per_vrp_and_expire_later():
    data = json.dumps({'roas': [
        {'prefix': '192.0.2.0/24', 'maxLength': 24, 'asn': 64500, 'expires': 2000000000},
        {'prefix': '192.0.2.0/24', 'maxLength': 24, 'asn': 64500, 'expires': 2100000000},
        {'prefix': '198.51.100.0/24', 'maxLength': 24, 'asn': 64501, 'expires': 1900000000},
        {'prefix': '2001:db8::/32', 'maxLength': 48, 'asn': 64500}]}).encode()
    table = parse(data, now=datetime(2026, 1, 1, tzinfo=UTC)).table
    assert len(table) == 3                                 # the duplicate kept once ...
    assert table.v4.expires.tolist() == [2100000000, 1900000000]   # ... with its later expiry
    assert table.v6.expires.tolist() == [0]                # none said: never drops
    again = VrpTable.from_bytes(table.to_bytes())
    assert again == table and again.v4.expires.tolist() == [2100000000, 1900000000]
    moment = datetime.fromtimestamp(1950000000, UTC)
    alive = table.unexpired(moment)
    assert [v.prefix for v in alive.rows()] == ['192.0.2.0/24', '2001:db8::/32']
    assert table.next_expiry(datetime.fromtimestamp(0, UTC)) == 1900000000
    assert table.next_expiry(moment) == 2100000000
    assert table.unexpired(datetime.fromtimestamp(0, UTC)) is table


def test_a_blob_of_the_first_layout_still_reads():
    import struct
    names = b'lacnic'
    header = struct.pack('<4sBxxxIIII', b'JVRP', 1, 1, 0, 1, len(names))
    columns = struct.pack('<I', 0xC0000200) + bytes([24, 24]) + struct.pack('<I', 64500) + b'\x00'
    table = VrpTable.from_bytes(header + names + columns)
    assert [v.label() for v in table.rows()] == ['192.0.2.0/24-24 AS64500']
    assert table.v4.expires.tolist() == [0]
