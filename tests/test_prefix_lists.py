"""Router prefix-lists, byte for byte as bgpq4 prints them.

The unit tests pin each layout; the integration tests run the real bgpq4
(Debian package bgpq4) against the real IRRd of tests/helpers/irrd_server.py, loaded
with the ripe-2016 route objects, and compare its output with render() for
the same prefixes read from the same files.
"""
import shutil
import subprocess

import pytest
from helpers.shared_data import path

from noc.routing.prefix_requests.input import parse_lines
from noc.routing.prefix_requests.prefix_lists import FORMATS, render, render_all

V4 = ['198.51.100.0/25', '192.0.2.0/24', '10.0.0.0/8', '198.51.100.128/25', '10.0.0.0/16',
      '10.0.0.0/9', '192.0.2.0/24']
V6 = ['2001:db8:1::/48', '2001:DB8::/32', '2001:db8:0:0:1::/80']


def test_formats_offered():
    assert {'cisco', 'cisco-xr', 'juniper', 'bird', 'json', 'plain'} <= set(FORMATS)
    assert all(isinstance(text, str) and text for text in FORMATS.values())


def test_cisco():
    assert render('cisco', 'CUST', V4, 4) == (
        'no ip prefix-list CUST\n'
        'ip prefix-list CUST permit 10.0.0.0/8\n'
        'ip prefix-list CUST permit 10.0.0.0/9\n'
        'ip prefix-list CUST permit 10.0.0.0/16\n'
        'ip prefix-list CUST permit 192.0.2.0/24\n'
        'ip prefix-list CUST permit 198.51.100.0/25\n'
        'ip prefix-list CUST permit 198.51.100.128/25\n')
    assert render('cisco', 'CUST', V6, 6) == (
        'no ipv6 prefix-list CUST\n'
        'ipv6 prefix-list CUST permit 2001:db8::/32\n'
        'ipv6 prefix-list CUST permit 2001:db8:0:0:1::/80\n'
        'ipv6 prefix-list CUST permit 2001:db8:1::/48\n')


def test_cisco_empty_denies_everything():
    assert render('cisco', 'CUST', [], 4) == (
        'no ip prefix-list CUST\n'
        '! generated prefix-list CUST is empty\n'
        'ip prefix-list CUST deny 0.0.0.0/0\n')
    assert render('cisco', 'CUST', [], 6) == (
        'no ipv6 prefix-list CUST\n'
        '! generated prefix-list CUST is empty\n'
        'ipv6 prefix-list CUST deny ::/0\n')


def test_cisco_xr():
    assert render('cisco-xr', 'CUST', V4[:3], 4) == (
        'no prefix-set CUST\n'
        'prefix-set CUST\n'
        ' 10.0.0.0/8,\n'
        ' 192.0.2.0/24,\n'
        ' 198.51.100.0/25\n'
        'end-set\n')
    assert render('cisco-xr', 'CUST', ['2001:db8::/32'], 6) == (
        'no prefix-set CUST\nprefix-set CUST\n 2001:db8::/32\nend-set\n')
    assert render('cisco-xr', 'CUST', [], 4) == 'no prefix-set CUST\nprefix-set CUST\n\nend-set\n'


def test_juniper():
    assert render('juniper', 'CUST', V4[:3], 4) == (
        'policy-options {\n'
        'replace:\n'
        ' prefix-list CUST {\n'
        '    10.0.0.0/8;\n'
        '    192.0.2.0/24;\n'
        '    198.51.100.0/25;\n'
        ' }\n'
        '}\n')
    assert render('juniper', 'CUST', [], 6) == (
        'policy-options {\nreplace:\n prefix-list CUST {\n }\n}\n')


def test_bird():
    assert render('bird', 'CUST', V6, 6) == (
        'CUST = [\n'
        '    2001:db8::/32,\n'
        '    2001:db8:0:0:1::/80,\n'
        '    2001:db8:1::/48\n'
        '];\n')
    assert render('bird', 'CUST', [], 4) == ''     # bgpq4 skips an empty BIRD set


def test_json():
    assert render('json', 'CUST', ['192.0.2.0/24', '10.0.0.0/8'], 4) == (
        '{ "CUST": [\n'
        '    { "prefix": "10.0.0.0\\/8", "exact": true },\n'
        '    { "prefix": "192.0.2.0\\/24", "exact": true }\n'
        '] }\n')
    assert render('json', 'CUST', [], 6) == '{ "CUST": [\n] }\n'


def test_json_output_is_valid_json():
    import json
    loaded = json.loads(render('json', 'CUST', V6, 6))
    assert [item['prefix'] for item in loaded['CUST']] == [
        '2001:db8::/32', '2001:db8:0:0:1::/80', '2001:db8:1::/48']


def test_plain():
    assert render('plain', 'CUST', V4[:3], 4) == '10.0.0.0/8\n192.0.2.0/24\n198.51.100.0/25\n'
    assert render('plain', 'CUST', [], 4) == ''


def test_render_all_separate_families_for_cisco_and_bird():
    mixed = ['2001:db8::/32', '192.0.2.0/24']
    assert render_all('cisco', 'CUST', mixed) == (
        'no ip prefix-list CUST-v4\n'
        'ip prefix-list CUST-v4 permit 192.0.2.0/24\n'
        'no ipv6 prefix-list CUST-v6\n'
        'ipv6 prefix-list CUST-v6 permit 2001:db8::/32\n')
    assert render_all('bird', 'CUST', mixed) == (
        'CUST_v4 = [\n    192.0.2.0/24\n];\nCUST_v6 = [\n    2001:db8::/32\n];\n')
    # A family without prefixes still gets its list: IOS reads a missing list as permit-all.
    assert render_all('cisco', 'CUST', ['192.0.2.0/24']).endswith(
        'no ipv6 prefix-list CUST-v6\n'
        '! generated prefix-list CUST-v6 is empty\n'
        'ipv6 prefix-list CUST-v6 deny ::/0\n')


def test_render_all_one_list_for_the_other_formats():
    mixed = ['2001:db8::/32', '192.0.2.0/24', '10.0.0.0/8']
    assert render_all('juniper', 'CUST', mixed) == (
        'policy-options {\nreplace:\n prefix-list CUST {\n'
        '    10.0.0.0/8;\n    192.0.2.0/24;\n    2001:db8::/32;\n }\n}\n')
    assert render_all('cisco-xr', 'CUST', mixed) == (
        'no prefix-set CUST\nprefix-set CUST\n 10.0.0.0/8,\n 192.0.2.0/24,\n 2001:db8::/32\n'
        'end-set\n')
    assert render_all('plain', 'CUST', mixed) == '10.0.0.0/8\n192.0.2.0/24\n2001:db8::/32\n'
    assert '"2001:db8::\\/32"' in render_all('json', 'CUST', mixed)


@pytest.mark.parametrize('fmt, name', [
    ('cisco', 'bad name'), ('cisco', 'semi;colon'), ('cisco', ''), ('juniper', 'a' * 64),
    ('cisco', 'ação'), ('bird', '1CUST'), ('json', '"quote"'), ('cisco', None),
])
def test_invalid_names(fmt, name):
    with pytest.raises(ValueError) as caught:
        render(fmt, name, ['192.0.2.0/24'], 4)
    assert 'list name' in str(caught.value)


def test_valid_names():
    for name in ('CUST', 'AS64500-in', 'cust_1', 'a' * 63):
        assert name in render('cisco', name, ['192.0.2.0/24'], 4)
    assert render('bird', 'cust_1', ['192.0.2.0/24'], 4).startswith('cust_1 = [')
    # BIRD symbols allow no '-': bgpq4 would print an invalid set, we use '_'.
    assert render('bird', 'JANELA-CUST-1', ['192.0.2.0/24'], 4).startswith('JANELA_CUST_1 = [')
    assert '\nJANELA_CUST_v6 = [' in render_all('bird', 'JANELA-CUST', ['2001:db8::/32'])
    long_name = 'a' * 63
    assert 'prefix-list %s-v6' % long_name in render_all('cisco', long_name, ['2001:db8::/32'])


def test_wrong_family_and_format():
    with pytest.raises(ValueError, match='is not an IPv4 prefix'):
        render('cisco', 'CUST', ['2001:db8::/32'], 4)
    with pytest.raises(ValueError, match='must be 4 or 6'):
        render('cisco', 'CUST', [], 5)
    with pytest.raises(ValueError, match='Unknown prefix-list format'):
        render('mikrotik', 'CUST', [], 4)


# -- against the real bgpq4 and IRRd ----------------------------------------------

BGPQ4_FLAGS = {'cisco': [], 'cisco-xr': ['-X'], 'juniper': ['-J'], 'bird': ['-b'], 'json': ['-j']}
# Origins of the ripe-2016 dump: 7 IPv4 /24s; a /16, a /27 and a /28; two /16s
# whose text order differs from address order (80/8 before 212/8); IPv6
# with a /32 and /48s; both families; none at all (AS15169 has no object there).
ORIGINS = [5425, 1267, 3269, 5408, 1273, 15169]


def _registered(origin, family):
    text = ''.join(open(path('ripe-2016', name)).read() + '\n\n'
                   for name in ('ripe-db-route.txt', 'ripe-db-route6.txt'))
    parsed = parse_lines(text)
    assert parsed.errors == []
    return [e.prefix for e in parsed.entries
            if e.origin == origin and (':' in e.prefix) == (family == 6)]


def _bgpq4(server, flags, family, origin):
    tool = shutil.which('bgpq4')
    assert tool, 'bgpq4 is not installed (Debian package bgpq4)'
    done = subprocess.run(
        [tool, '-h', '%s:%d' % (server.whois_host, server.whois_port), '-S', 'RIPE',
         '-%d' % family, *flags, '-l', 'NAME', 'AS%d' % origin],
        capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize('fmt', sorted(BGPQ4_FLAGS))
@pytest.mark.parametrize('family', [4, 6])
@pytest.mark.parametrize('origin', ORIGINS)
def test_same_bytes_as_bgpq4(irrd_server, fmt, family, origin):
    expected = _bgpq4(irrd_server, BGPQ4_FLAGS[fmt], family, origin)
    assert render(fmt, 'NAME', _registered(origin, family), family) == expected


def test_the_comparison_covers_real_lists():
    # Guard against a vacuous comparison: the chosen origins do have objects.
    assert len(_registered(5425, 4)) == 7
    # Address order differs from text order here: a string sort would fail.
    assert sorted(_registered(3269, 4)) == ['212.210.0.0/16', '80.105.0.0/16']
    assert len(_registered(5408, 6)) == 3
    assert _registered(1273, 4) and _registered(1273, 6)
    assert _registered(15169, 4) == [] and _registered(15169, 6) == []


def test_bgpq4_output_reads_back(irrd_server):
    for flags in BGPQ4_FLAGS.values():
        parsed = parse_lines(_bgpq4(irrd_server, flags, 4, 1267), default_origin=1267)
        assert parsed.errors == []
        assert sorted(e.prefix for e in parsed.entries) == sorted(_registered(1267, 4))


def test_bird_defines_both_sets_even_when_a_family_is_empty():
    from noc.routing.prefix_requests.prefix_lists import render_all
    text = render_all('bird', 'JANELA-X', ['2001:db8:1::/48'])
    assert 'JANELA_X_v4 = [\n    0.0.0.0/32\n];' in text
    assert 'JANELA_X_v6 = [\n    2001:db8:1::/48\n];' in text
