"""Reads whose SQL is built once (noc/prepared.py) give what peewee's own query
gives, on both engines, for every shape the API uses; and they really skip
composing the SQL after the first time."""
import itertools

import peewee as pw
import pytest
from conftest import db, prepared_app
from helpers.routing_fixtures import build_isps

from noc.accounts import tokens
from noc.api import prefixes as api_prefixes
from noc.core.db import database
from noc.core.prepared import Prepared, slot
from noc.models import ApiToken, Customer
from noc.models.routing import TrackedPrefix
from noc.routing.prefix_requests import workflow as requests


def _as_data(row):
    """A row and the joined models peewee hung on it, as plain data."""
    joined = {name: getattr(row, name).__data__ for name in ('circuit', 'customer')
              if name in row.__rel__}
    return (dict(row.__data__), joined)


@pytest.fixture
def app(db_url):
    """Documentation-space prefixes are admitted with the lab setting."""
    return prepared_app(db_url, prefixes={'lab': True})


@pytest.fixture
def world(app):
    with db(app):
        made = build_isps()
        acme, globex = made['acme'], made['globex']
        requests.submit(acme, made['circuits']['acme'],
                        '192.0.2.0/24\n203.0.113.0/24 AS64500\n2001:db8:1::/48\n3fff:100::/48',
                        actor='t')
        requests.submit(globex, made['circuits']['globex'], '198.51.100.0/24', actor='t')
        secret = tokens.create({'name': 'acme', 'kind': 'provider', 'customer': acme}, 'admin')[1]
        noc_secret = tokens.create({'name': 'n', 'kind': 'noc', 'role': 'viewer'}, 'admin')[1]
    made.update(secret=secret, noc_secret=noc_secret)
    return made


def _peewee_list(values):
    """The status list as plain peewee builds it, for comparison."""
    query = api_prefixes._owned(TrackedPrefix)
    if 'owner' in values:
        query = query.where(TrackedPrefix.customer == values['owner'])
    if 'account' in values:
        query = query.where(TrackedPrefix.customer.in_(
            Customer.select(Customer.id).where(Customer.account_id == values['account'])))
    for name in ('state', 'prefix', 'origin'):
        if name in values:
            query = query.where(getattr(TrackedPrefix, name) == values[name])
    return query.order_by(TrackedPrefix.family, TrackedPrefix.prefix, TrackedPrefix.id)


def test_every_status_list_shape_reads_as_peewee_reads(app, world):
    with db(app):
        acme = world['acme']
        rows = list(TrackedPrefix.select().where(TrackedPrefix.customer == acme))
        choices = {'owner': [acme.id, world['globex'].id, 10 ** 9],
                   'account': ['ACME-1', 'GLOBEX-7', 'NOBODY'],
                   'state': sorted({r.state for r in rows}) + ['rejected'],
                   'prefix': ['192.0.2.0/24', '2001:db8:1::/48', '198.51.100.0/24'],
                   'origin': [64500, 64501]}
        compared = nonempty = 0
        for size in range(len(choices) + 1):
            for names in itertools.combinations(sorted(choices), size):
                for picked in itertools.product(*(choices[n] for n in names)):
                    values = dict(zip(names, picked))
                    expected = [_as_data(r) for r in _peewee_list(values)]
                    for page, per_page in ((1, 50), (1, 2), (2, 2), (3, 1)):
                        source = api_prefixes._PREFIX_LIST.bind(tuple(names), **values)
                        got = [_as_data(r) for r in source.paginate(page, per_page)]
                        start = (page - 1) * per_page
                        assert got == expected[start:start + per_page], (values, page)
                        assert source.count() == len(expected)
                    compared += 1
                    nonempty += bool(expected)
        assert compared > 200 and nonempty > 50


def test_one_row_reads_as_peewee_reads_and_keeps_to_its_owner(app, world):
    with db(app):
        acme, globex = world['acme'], world['globex']
        for row in TrackedPrefix.select():
            expected = _as_data(api_prefixes._owned(TrackedPrefix)
                                .where(TrackedPrefix.id == row.id).get())
            assert _as_data(api_prefixes._ONE.first((TrackedPrefix, False), id=row.id)) == expected
            mine = api_prefixes._ONE.first((TrackedPrefix, True), id=row.id, owner=acme.id)
            assert (_as_data(mine) if mine else None) == (
                expected if row.customer_id == acme.id else None)
            theirs = api_prefixes._ONE.first((TrackedPrefix, True), id=row.id, owner=globex.id)
            assert (theirs is None) == (row.customer_id != globex.id)
        assert api_prefixes._ONE.first((TrackedPrefix, False), id=10 ** 12) is None


def test_token_lookup_reads_as_peewee_reads(app, world):
    with db(app):
        for secret in (world['secret'], world['noc_secret']):
            token = tokens.authenticate(secret)
            expected = (ApiToken.select(ApiToken, Customer)
                        .join(Customer, pw.JOIN.LEFT_OUTER, on=ApiToken.customer)
                        .where(ApiToken.secret_hash == tokens._hash(secret)).get())
            assert token.__data__ == expected.__data__
            assert (token.customer.account_id if token.customer_id else None) == (
                expected.customer.account_id if expected.customer_id else None)
        assert tokens.authenticate('jnl_' + 'x' * 43) is None


def test_the_sql_is_composed_once_per_database_and_shape(app, world, monkeypatch):
    reads = Prepared(lambda shape: TrackedPrefix.select(TrackedPrefix.prefix)
                     .where(TrackedPrefix.origin == slot('origin'))
                     .order_by(TrackedPrefix.prefix))
    with db(app):
        first = [r.prefix for r in reads.rows(origin=64500)]
        assert first == sorted(r.prefix for r in TrackedPrefix.select()
                               .where(TrackedPrefix.origin == 64500))

        def no_more(*args, **kwargs):
            raise AssertionError('the SQL was composed again')
        monkeypatch.setattr(type(database.obj), 'get_sql_context', no_more)
        assert [r.prefix for r in reads.rows(origin=64501)] == ['198.51.100.0/24']
        assert [r.prefix for r in reads.rows(origin=64500)] == first


def test_a_read_refuses_missing_or_unknown_values(app, world):
    reads = Prepared(lambda shape: TrackedPrefix.select()
                     .where(TrackedPrefix.origin == slot('origin')))
    with db(app):
        with pytest.raises(TypeError):
            list(reads.rows())
        with pytest.raises(TypeError):
            list(reads.rows(origin=64500, prefix='192.0.2.0/24'))


def test_on_postgresql_a_read_is_prepared_once_per_connection(pg_url, caplog):
    """The server parses and plans it once per pooled connection; a new
    connection (the pool's old one closed) prepares it again."""
    app = prepared_app(pg_url, prefixes={'lab': True})
    reads = Prepared(lambda shape: TrackedPrefix.select(TrackedPrefix.prefix)
                     .where(TrackedPrefix.origin == slot('origin'))
                     .order_by(TrackedPrefix.prefix))
    with db(app):
        made = build_isps()
        requests.submit(made['acme'], made['circuits']['acme'], '192.0.2.0/24\n2001:db8:1::/48',
                        actor='t')
        caplog.set_level('DEBUG', logger='peewee')
        assert [r.prefix for r in reads.rows(origin=64500)] == ['192.0.2.0/24', '2001:db8:1::/48']
        assert [r.prefix for r in reads.rows(origin=64501)] == []
        sent = [r.msg[0] for r in caplog.records if isinstance(r.msg, tuple)]
        assert [s.split()[0] for s in sent] == ['PREPARE', 'EXECUTE', 'EXECUTE']
        name = sent[0].split()[1]
        assert database.execute_sql('SELECT count(*) FROM pg_prepared_statements '
                                    'WHERE name = %s', (name,)).fetchone()[0] == 1
    database.obj.close_all()
    caplog.clear()
    with db(app):
        assert [r.prefix for r in reads.rows(origin=64500)] == ['192.0.2.0/24', '2001:db8:1::/48']
        assert [r.msg[0].split()[0] for r in caplog.records
                if isinstance(r.msg, tuple)] == ['PREPARE', 'EXECUTE']
