"""The prefix commands on their own: without an app or a request context (the
settings are values), on SQLite and PostgreSQL. Notices need the app's
templates, so this world has no BGP contacts (nobody to tell); the notices
are tested with the app in test_prefix_tracking.py."""
import dataclasses
from types import MappingProxyType

import pytest
from conftest import prepared_app
from flask import has_app_context
from helpers.routing_fixtures import RADB, build_isps, write_rpsl, write_vrps

from noc.core.db import database
from noc.core.errors import NotFound, Refused
from noc.core.limits import MAX_AS_SET, MAX_CHECK_PREFIXES, MAX_ID, MAX_NOTE, MAX_PREFIX_TEXT, MAX_REASON
from noc.models import AuditLog, Contact, OutboxMessage
from noc.models.routing import PrefixCheck, PrefixRequest, RoutingAlert, TrackedPrefix
from noc.routing.irr import store as irr_store
from noc.routing.prefix_requests import checking, commands
from noc.routing.prefix_requests.entries import PrefixItem
from noc.routing.rpki import snapshots
from noc.routing.settings import RoutingSettings


@pytest.fixture
def bare(db_url, tmp_path):
    """The routing world, then no app context at all: only the database."""
    app = prepared_app(db_url, prefixes={'lab': True})
    settings = RoutingSettings.of(app.config['NOC'])
    database.connect(reuse_if_open=True)
    isps = build_isps()
    Contact.update(role_bgp=False).execute()
    snapshots.load('test', write_vrps(tmp_path / 'vrps.json'), settings.rpki)
    irr_store.load_dump(write_rpsl(tmp_path / 'tc.rpsl'), 'TC')
    irr_store.load_dump(write_rpsl(tmp_path / 'radb.rpsl', RADB), 'RADB')
    assert not has_app_context()
    yield dict(isps, settings=settings)
    database.close()


def submit(world, text, circuit='acme', **kw):
    kw.setdefault('as_set', '')
    return commands.submit(world['circuits'][circuit].id, text, settings=world['settings'],
                           actor='tester', **kw)


def states(request):
    return {row.prefix: row.state for row in
            TrackedPrefix.select().where(TrackedPrefix.request == request.id)}


# -- submit -------------------------------------------------------------------

def test_submit_stores_received_prefixes_with_the_customer_of_the_session(bare):
    request = submit(bare, '192.0.2.0/24\n2001:db8:1::/48', note='new block')
    assert request.customer_id == bare['acme'].id
    assert states(request) == {'192.0.2.0/24': 'received', '2001:db8:1::/48': 'received'}
    assert AuditLog.get(AuditLog.entity == 'prefix_request').username == 'tester'


def test_submit_defaults_to_the_sessions_as_set_only_when_none_is_given(bare):
    assert submit(bare, '192.0.2.0/24', as_set=None).as_set == 'AS-ACME'
    assert submit(bare, '2001:db8:1::/48', as_set='as-other').as_set == 'AS-OTHER'


@pytest.mark.parametrize('field, values', [
    ('as_set', {'as_set': 'AS-' + 'X' * MAX_AS_SET}),
    ('note', {'note': 'n' * (MAX_NOTE + 1)}),
    ('prefixes', {'text': '192.0.2.0/24\n' * (MAX_PREFIX_TEXT // 13 + 1)}),
])
def test_over_long_input_is_a_field_error_not_a_cut(bare, field, values):
    values = dict(values)           # the parameters are shared by both engines' runs
    text = values.pop('text', '192.0.2.0/24')
    with pytest.raises(commands.RequestRefused) as caught:
        submit(bare, text, **values)
    assert set(caught.value.errors) == {field} and caught.value.kind == 'invalid'
    assert PrefixRequest.select().count() == 0


def test_submit_refuses_bad_lines_by_number_and_a_foreign_session(bare):
    with pytest.raises(Refused) as caught:
        submit(bare, '192.0.2.0/24\nhello\n10.1.0.0/16')
    assert [line for line, _, _ in caught.value.lines] == [2, 3]
    with pytest.raises(commands.RequestRefused) as caught:
        commands.submit(bare['circuits']['globex'].id, '192.0.2.0/24', actor='t',
                        customer_id=bare['acme'].id, settings=bare['settings'])
    assert set(caught.value.errors) == {'circuit'}
    with pytest.raises(commands.RequestRefused) as caught:
        commands.submit(None, '192.0.2.0/24', actor='t', settings=bare['settings'])
    assert set(caught.value.errors) == {'customer'}
    assert PrefixRequest.select().count() == 0


def test_bad_lines_are_line_column_message_with_the_text_beside_them(bare):
    with pytest.raises(commands.RequestRefused) as caught:
        submit(bare, '192.0.2.0/24\n  hello\n 10.0.0.0/8 AS64500')
    assert [(line, column) for line, column, _ in caught.value.lines] == [(2, 3), (3, 2)]
    assert caught.value.texts[2] == 'hello' and caught.value.texts[3] == '10.0.0.0/8 AS64500'


def test_typed_items_go_straight_in_and_a_bad_one_is_named_by_its_index(bare):
    request = submit(bare, [PrefixItem('192.0.2.0/24'), PrefixItem('2001:db8:1::/48', 'AS64500'),
                            PrefixItem('192.0.2.0/24', 64500)])
    assert states(request) == {'192.0.2.0/24': 'received', '2001:db8:1::/48': 'received'}
    items = [PrefixItem('2001:db8:2::/48'), PrefixItem('hello'), PrefixItem('10.0.0.0/8', 64500),
             PrefixItem('2001:db8:3::/48', 'ASX')]
    with pytest.raises(commands.RequestRefused) as typed:
        submit(bare, items)
    assert list(typed.value.errors) == ['prefixes[1]', 'prefixes[2]', 'prefixes[3]']
    assert not typed.value.lines
    # The same messages as the same prefixes pasted as lines.
    with pytest.raises(commands.RequestRefused) as pasted:
        submit(bare, '2001:db8:2::/48\nhello\n10.0.0.0/8 64500\n2001:db8:3::/48 ASX')
    assert [str(m) for _, _, m in pasted.value.lines] == list(typed.value.errors.values())
    with pytest.raises(commands.RequestRefused) as many:
        submit(bare, [PrefixItem('2001:db8:2::/48')] * 10_000)
    assert set(many.value.errors) == {'prefixes'}
    assert PrefixRequest.select().count() == 1


# -- find ---------------------------------------------------------------------

@pytest.mark.parametrize('row_id', [0, -1, MAX_ID, MAX_ID + 1, 2 ** 64, None, '1', True])
def test_find_answers_not_found_for_any_id_that_names_no_row(bare, row_id):
    with pytest.raises(NotFound) as caught:
        commands.find(PrefixRequest, row_id)
    assert caught.value.kind == 'not-found'


# -- act ----------------------------------------------------------------------

def checked(bare, text='192.0.2.0/24\n203.0.113.0/24\n3fff:200::/48'):
    request = submit(bare, text)
    assert checking.check_pending(bare['settings']) == len(text.split())
    return request


def test_check_pending_gives_verdicts_and_the_policy_approves_accepts(bare):
    request = checked(bare)
    assert states(request) == {'192.0.2.0/24': 'approved', '203.0.113.0/24': 'checked',
                               '3fff:200::/48': 'checked'}
    assert OutboxMessage.select().count() == 0          # no BGP contacts: nobody to tell


def test_every_prefix_the_action_applies_to(bare):
    request = checked(bare)
    rows = commands.act(request.id, 'configure', settings=bare['settings'], actor='eng')
    assert [row.prefix for row in rows] == ['192.0.2.0/24']
    rows = commands.act(request.id, 'reject', settings=bare['settings'], actor='eng',
                        reason='no ROA of yours')
    assert sorted(row.prefix for row in rows) == ['203.0.113.0/24', '3fff:200::/48']
    assert states(request) == {'192.0.2.0/24': 'configured', '203.0.113.0/24': 'rejected',
                               '3fff:200::/48': 'rejected'}
    row = TrackedPrefix.get(TrackedPrefix.prefix == '3fff:200::/48')
    assert (row.decided_by, row.decision_reason) == ('eng', 'no ROA of yours')


def test_an_action_is_refused_as_a_whole_with_its_kind_and_field(bare):
    request = checked(bare)
    ids = {row.prefix: row.id for row in request.prefixes}
    act = dict(settings=bare['settings'], actor='eng')
    with pytest.raises(commands.ActionRefused) as caught:      # already approved
        commands.act(request.id, 'approve', prefix_ids=[ids['192.0.2.0/24'],
                                                        ids['3fff:200::/48']], **act)
    assert (caught.value.kind, list(caught.value.errors)) == ('conflict', ['action'])
    with pytest.raises(commands.ActionRefused) as caught:      # the customer reads why
        commands.act(request.id, 'withdraw', prefix_ids=[ids['192.0.2.0/24']], **act)
    assert (caught.value.kind, list(caught.value.errors)) == ('invalid', ['reason'])
    with pytest.raises(commands.ActionRefused) as caught:      # never cut
        commands.act(request.id, 'withdraw', prefix_ids=[ids['192.0.2.0/24']],
                     reason='r' * (MAX_REASON + 1), **act)
    assert list(caught.value.errors) == ['reason']
    other = submit(bare, '2001:db8:1::/48')
    with pytest.raises(commands.ActionRefused) as caught:      # not of this request
        commands.act(request.id, 'withdraw', prefix_ids=[other.prefixes[0].id, MAX_ID + 1],
                     reason='x', **act)
    assert list(caught.value.errors) == ['prefixes']
    assert str(MAX_ID + 1) in str(caught.value.errors['prefixes'])
    with pytest.raises(commands.ActionRefused):
        commands.act(request.id, 'dance', **act)
    with pytest.raises(NotFound):
        commands.act(MAX_ID + 1, 'configure', **act)
    assert states(request)['192.0.2.0/24'] == 'approved'
    assert AuditLog.select().where(AuditLog.entity == 'tracked_prefix').count() == 1  # the policy's


def test_recheck_reopens_and_check_now_checks_in_place(bare):
    request = checked(bare)
    commands.act(request.id, 'recheck', settings=bare['settings'], actor='eng')
    assert set(states(request).values()) == {'approved', 'received'}
    assert commands.check_now(bare['settings']) == commands.CHECKED
    assert set(states(request).values()) == {'approved', 'checked'}


def test_check_now_leaves_it_to_the_worker_with_irrd_servers_or_after_a_failure(bare,
                                                                                monkeypatch):
    submit(bare, '192.0.2.0/24')
    servers = dataclasses.replace(bare['settings'], irr=MappingProxyType(
        {**bare['settings'].irr, 'servers': ['127.0.0.1:1']}))
    assert commands.check_now(servers) == commands.BY_WORKER

    def broken(*args, **kwargs):
        raise OSError('no route to the data')
    monkeypatch.setattr(checking, 'check_pending', broken)
    assert commands.check_now(bare['settings']) == commands.FAILED
    assert TrackedPrefix.get().state == 'received'


# -- ad hoc checks and alerts ---------------------------------------------------

def test_an_ad_hoc_check_is_answered_in_place_and_bounded(bare):
    check = commands.create_check('192.0.2.0/24\n203.0.113.0/24', settings=bare['settings'],
                                  customer_id=bare['acme'].id)
    assert check.state == 'done'
    assert [r['verdict'] for r in check.results] == ['accept', 'reject']
    many = '\n'.join(f'192.0.2.{n}/32' for n in range(MAX_CHECK_PREFIXES + 1))
    with pytest.raises(commands.CheckRefused) as caught:
        commands.create_check(many, settings=bare['settings'], origin=64500)
    assert list(caught.value.errors) == ['prefixes']
    assert PrefixCheck.select().count() == 1


def test_closing_an_alert_is_audited_once(bare):
    alert = RoutingAlert.create(kind='rpki-source', source='x', code='rpki_refused',
                                params={}, severity='error')
    assert commands.close_alert(alert.id, actor='eng') is True
    assert commands.close_alert(alert.id, actor='eng') is False
    assert AuditLog.select().where(AuditLog.entity == 'routing_alert').count() == 1
    with pytest.raises(NotFound):
        commands.close_alert(MAX_ID + 1, actor='eng')
