"""RPSL dump parsing on the shared real files and on hand-written edge cases.

Counts were taken from the files with grep (e.g. `grep -c '^route:'`).
"""
import gzip
import io
from pathlib import Path

import pytest
from helpers.shared_data import path

from noc.routing.irr import rpsl
from noc.routing.irr.rpsl import AsSet, ParseErrors, RouteObject, parse_asn

RIPE_ROUTES = path('ripe-2016', 'ripe-db-route.txt')
RIPE_ROUTES6 = path('ripe-2016', 'ripe-db-route6.txt')
IRRTEST = path('irr', 'irrexplorer-irrtest.rpsl')


def parse(text, **kw):
    return list(rpsl.iter_objects(io.StringIO(text), **kw))


def routes_of(text, **kw):
    errors = ParseErrors()
    found = list(rpsl.routes(parse(text, **kw), errors))
    return found, errors


# -- the shared real files ----------------------------------------------------

def test_ripe_route_dump():
    objects = list(rpsl.iter_objects(RIPE_ROUTES))
    assert len(objects) == 62  # grep -c '^route:'; the '#' licence header is no object
    errors = ParseErrors()
    found = list(rpsl.routes(objects, errors))
    assert len(found) == 62 and errors.count == 0
    assert found[0] == RouteObject('193.254.30.0/24', 12726, 'RIPE')
    assert RouteObject('212.80.176.0/29', 12541, 'RIPE') in found
    # Attributes after source: (the remarks) still belong to the object.
    assert objects[0].get_all('remarks')[0] == '****************************'


def test_ripe_route6_dump():
    found = list(rpsl.routes(rpsl.iter_objects(Path(RIPE_ROUTES6))))
    assert len(found) == 62
    assert {r.origin for r in found if r.prefix == '2002::/16'} == {559, 12779, 29259}
    assert RouteObject('2001:1578:200::/40', 12817, 'RIPE') in found


def test_irrexplorer_mixed_file():
    objects = list(rpsl.iter_objects(IRRTEST))
    assert [o.object_class for o in objects].count('as-set') == 9
    assert len(objects) == 11  # 1 route, 9 as-sets, 1 person; '%' comments skipped
    assert sorted({o.source for o in objects}) == ['ALTDB', 'RADB', 'RIPE']
    person = next(o for o in objects if o.object_class == 'person')
    assert person.key == 'Job Snijders'
    assert person.source == 'RIPE'  # 'RIPE # Filtered': the comment is not the source
    assert person.get_all('address')[-1] == 'The Netherlands'
    assert list(rpsl.routes(objects)) == [RouteObject('207.72.0.0/14', 237, 'RADB')]


def test_continuation_lines_join_with_line_breaks():
    route = next(rpsl.iter_objects(IRRTEST))
    assert route.get('descr') == ('MERIT Network Inc.\n1000 Oakbrook Drive, Suite 200\n'
                                  'Ann Arbor\nMI 48104, USA')
    pacific = next(o for o in rpsl.iter_objects(IRRTEST) if o.key == 'AS-PACIFIC-INTERNET-IX')
    # '#02-05/06 Rutherford' is all comment: the line adds nothing.
    assert pacific.get('descr').splitlines()[:3] == [
        'Pacific Internet Malaysia', 'c/o 89 Science Park Drive', 'Singapore 118261']


def test_as_sets_of_the_mixed_file():
    sets = {s.name: s for s in rpsl.as_sets(rpsl.iter_objects(IRRTEST))}
    assert len(sets) == 9
    assert sets['AS-TEST1'] == AsSet('AS-TEST1', ['AS5726', 'AS5736', 'AS20318'], 'ALTDB')
    # members: over two attributes, one ending in '# herpa'
    assert sets['AS-TEST3'].members == ['AS5726', 'AS5736', 'AS20318']
    assert sets['AS-NIXC'].members == ['AS-NIXC-BACKBONE', 'AS-NIXC-CUSTOMERS']
    assert sets['AS5042:AS-PEERS'].members[0] == 'AS3638'
    cabo = sets['AS-CABOTELECOM-CUST-IPV6']
    assert cabo.members == ['AS28339', 'AS262857', 'AS262876']
    nlayer2 = sets['AS-NLAYER-CUSTOMERS2'].members
    assert len(nlayer2) == 39 and nlayer2[-1] == 'AS-YOUR-GLOBAL-SET'
    assert 'AS-CYBERVERSE' in nlayer2 and not any('#' in m or 'HERPA' in m for m in nlayer2)
    nlayer = sets['AS-NLAYER-CUSTOMERS'].members
    assert len(nlayer) == 295
    assert {'AS-1215', 'AS32421:AS-CUSTOMERS', 'AS13335'} <= set(nlayer)


# -- the format's corners -------------------------------------------------------

def test_comments_and_plus_continuation():
    objects = parse("""\
% a RIPE-style comment before the object
# and a hash one
route:   192.0.2.0/24   # end-of-line comment
descr:   first
+        second
\tthird
% a comment inside the object is skipped, not a separator
origin:  AS64500
Source:  tc
""")
    assert len(objects) == 1
    obj = objects[0]
    assert (obj.object_class, obj.key, obj.source) == ('route', '192.0.2.0/24', 'TC')
    assert obj.get('descr') == 'first\nsecond\nthird'
    assert obj.get('source') == 'tc'  # values are kept as written; .source is upper case
    assert obj.get('missing') is None and obj.get_all('missing') == []


def test_empty_lines_separate_objects_but_blank_continuations_do_not():
    # As IRRd reads dumps: a line of spaces continues the object, an empty
    # line (here with CRLF line ends) ends it.
    objects = parse('route: 192.0.2.0/24\r\ndescr: a\r\n   \r\norigin: AS1\r\n\r\n'
                    'route: 198.51.100.0/24\r\norigin: AS2\r\n', default_source='x')
    assert [(o.key, o.get('origin')) for o in objects] == [('192.0.2.0/24', 'AS1'),
                                                           ('198.51.100.0/24', 'AS2')]
    assert objects[0].get('descr') == 'a'


def test_default_source_only_when_the_object_has_none():
    objects = parse('route: 192.0.2.0/24\norigin: AS1\n\n'
                    'route: 192.0.2.0/24\norigin: AS2\nsource: RADB\n', default_source='tc')
    assert [o.source for o in objects] == ['TC', 'RADB']


def test_gzip_file_and_stream(tmp_path):
    packed = tmp_path / 'ripe.db.route.dump'  # gzip known by its bytes, not its name
    packed.write_bytes(gzip.compress(Path(RIPE_ROUTES).read_bytes()))
    from_file = list(rpsl.routes(rpsl.iter_objects(packed)))
    assert len(from_file) == 62
    with open(packed, 'rb') as stream:
        assert list(rpsl.routes(rpsl.iter_objects(stream))) == from_file
    unbuffered = io.BytesIO(packed.read_bytes())
    assert list(rpsl.routes(rpsl.iter_objects(unbuffered))) == from_file


def test_damaged_gzip_is_an_rpsl_error(tmp_path):
    damaged = tmp_path / 'damaged.gz'
    damaged.write_bytes(gzip.compress(Path(RIPE_ROUTES).read_bytes())[:2000])
    with pytest.raises(rpsl.RpslError):
        list(rpsl.iter_objects(damaged))


def test_latin1_and_utf8_lines_in_one_file():
    raw = ('route: 192.0.2.0/24\ndescr: S\u00e3o Paulo\n'.encode('utf-8')
           + 'descr: Bel\u00e9m\norigin: AS64500\nsource: TC\n'.encode('latin-1'))
    obj = next(rpsl.iter_objects(io.BytesIO(raw)))
    assert obj.get_all('descr') == ['S\u00e3o Paulo', 'Bel\u00e9m']
    assert obj.get('origin') == 'AS64500'


# -- broken objects ----------------------------------------------------------

BROKEN = """\
route:   192.0.2.0/24
origin:  AS64500
source:  TC

route:   198.51.100.0/24
descr:   no origin
source:  TC

route:   192.0.2.1/24
descr:   host bits set
origin:  AS64500
source:  TC

route:   300.1.2.0/24
origin:  AS64500
source:  TC

route:   2001:db8::/32
descr:   IPv6 in a route: object
origin:  AS64500
source:  TC

route6:  2001:DB8:0:0::/48
origin:  AS64501
source:  TC

route6:  2001:db8:1::/48
origin:  ASX
source:  TC

route:   203.0.113.0/24
origin:  AS4294967296
source:  TC

route:   203.0.113.0/24
origin:  AS64502

route:   10.0.0.0
origin:  AS64500
source:  TC
"""


def test_broken_route_objects_are_skipped_and_counted():
    found, errors = routes_of(BROKEN)
    assert found == [RouteObject('192.0.2.0/24', 64500, 'TC'),
                     RouteObject('2001:db8::/48', 64501, 'TC')]
    assert errors.count == 8
    keys = [key for key, _ in errors.samples]
    assert keys == ['198.51.100.0/24', '192.0.2.1/24', '300.1.2.0/24', '2001:db8::/32',
                    '2001:db8:1::/48', '203.0.113.0/24', '203.0.113.0/24', '10.0.0.0']
    reasons = [str(reason) for _, reason in errors.samples]
    assert reasons[0] == 'route object 198.51.100.0/24 has no origin'
    assert reasons[1] == '"192.0.2.1/24" is not an IPv4 prefix with its host bits zero'
    assert reasons[4] == '"ASX" is not an AS number; expected e.g. AS64500'
    assert reasons[6] == 'route object 203.0.113.0/24 has no source'


def test_errors_may_be_collected_in_a_list():
    errors = []
    assert len(list(rpsl.routes(parse(BROKEN), errors))) == 2
    assert len(errors) == 8 and errors[0][0] == '198.51.100.0/24'


def test_samples_are_capped_but_the_count_is_not():
    text = ''.join(f'route: 192.0.2.{n}/24\norigin: AS1\nsource: X\n\n' for n in range(1, 60))
    found, errors = routes_of(text)
    assert found == [] and errors.count == 59 and len(errors.samples) == rpsl.MAX_SAMPLES


def test_as_sets_nested_members_and_bad_names():
    text = """\
as-set:      as-janela-a
members:     AS64500, AS-JANELA-B
members:     as64501
             AS64500   # twice: kept once
mbrs-by-ref: MAINT-JANELA
source:      TC

as-set:      AS64500:AS-CUSTOMERS:AS-BR
members:     AS-JANELA-A AS64502,AS64503
source:      TC

as-set:      AS64500
members:     AS1
source:      TC

as-set:      AS-EMPTY
source:      TC
"""
    errors = ParseErrors()
    sets = list(rpsl.as_sets(parse(text), errors))
    assert sets == [
        AsSet('AS-JANELA-A', ['AS64500', 'AS-JANELA-B', 'AS64501'], 'TC'),
        AsSet('AS64500:AS-CUSTOMERS:AS-BR', ['AS-JANELA-A', 'AS64502', 'AS64503'], 'TC'),
        AsSet('AS-EMPTY', [], 'TC')]
    assert errors.count == 1 and errors.samples[0][0] == 'AS64500'


@pytest.mark.parametrize('text, number', [
    ('AS64500', 64500), ('as64500', 64500), ('64500', 64500), (' AS0 ', 0),
    ('AS4294967295', 4294967295), ('AS1.10', 65546), (64500, 64500)])
def test_parse_asn(text, number):
    assert parse_asn(text) == number


@pytest.mark.parametrize('text', ['', 'AS', 'ASX', 'AS-FOO', 'AS4294967296', 'AS1.65536',
                                  'AS 64500', '-1', 'AS64500,'])
def test_parse_asn_refuses(text):
    with pytest.raises(ValueError):
        parse_asn(text)
