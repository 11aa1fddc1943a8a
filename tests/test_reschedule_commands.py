"""The commands of reschedule requests and customers' answers, called as every
entry point calls them: ids, typed values, the actor, settings as values.

Most run with no Flask app or request context at all (the world is built in
one, then left): the commands read neither `current_app` nor a request. The
decisions that write notices (templates) run in one. On both engines.
"""
import datetime
import threading
import time
from types import SimpleNamespace

import pytest
from flask import has_app_context
from helpers.bare_database import maintenance_settings
from helpers.maintenance_fixtures import build_network, confirmed, local
from helpers.maintenance_fixtures import settings as area_settings

from noc.core.db import database, lock_rows, write_transaction
from noc.core.errors import NotFound, Refused
from noc.core.limits import MAX_COMMENT, MAX_ID, MAX_REASON
from noc.maintenance import answer_commands, answers, links, reschedule_commands, reschedules
from noc.maintenance.reschedules import RescheduleRefused
from noc.models import (
    AttendeeAnswer,
    AuditLog,
    MaintenanceWindow,
    OutboxMessage,
    RescheduleRequest,
    WindowCustomer,
    utcnow,
)

H = datetime.timedelta(hours=1)
SETTINGS = maintenance_settings(max_duration_hours=12)    # the maintenance settings, as a value


@pytest.fixture
def world(app):
    """A window over ACME and Globex, built in an app context, then left."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        net = build_network()
        window = confirmed()
        database.close()
    database.connect(reuse_if_open=True)
    assert not has_app_context()
    yield SimpleNamespace(app=app, window=window, **net)
    database.close()


def later(window, days=20, hours=3):
    start = window.starts_at + datetime.timedelta(days=days)
    return start, start + hours * H


def ask(w, customer='acme', periods=None, reason='Black Friday', **kw):
    return reschedule_commands.ask(w.window.id, getattr(w, customer).id,
                                   periods or [later(w.window)], reason, 'page',
                                   settings=SETTINGS, **kw)


def requests_stored():
    return RescheduleRequest.select().count()


# Asking.

def test_ask_stores_the_request_its_proposals_and_audit_without_an_app(world):
    ana = world.contacts['ana']
    made = ask(world, periods=[later(world.window), later(world.window, 21)],
               reason='  Black\r\nFriday  ', contact_id=ana.id)
    stored = RescheduleRequest.get_by_id(made.id)
    assert (stored.state, stored.via, stored.contact_id) == ('open', 'page', ana.id)
    assert stored.reason == 'Black\nFriday' and stored.requested_by == ana.email
    assert [(p.position, p.starts_at) for p in stored.proposals] == [
        (1, later(world.window)[0]), (2, later(world.window, 21)[0])]
    entry = AuditLog.get((AuditLog.entity == 'reschedule_request')
                         & (AuditLog.entity_id == made.id))
    assert entry.username == f'customer:{ana.email}' and entry.action == 'create'
    # The next one replaces it, naming its successor.
    again = ask(world, requester='api:jnl_abc')
    assert again.requested_by == 'api:jnl_abc'
    replaced = RescheduleRequest.get_by_id(made.id)
    assert (replaced.state, replaced.decision_reason) == ('withdrawn', f'#{again.id}')


def test_a_reason_over_the_limit_is_a_field_error_not_a_cut(world):
    with pytest.raises(RescheduleRefused) as refused:
        ask(world, reason='x' * (MAX_COMMENT + 1))
    assert set(refused.value.errors) == {'reason'}
    assert str(MAX_COMMENT) in str(refused.value.errors['reason'])
    assert refused.value.kind == 'invalid' and requests_stored() == 0
    kept = ask(world, reason='y' * MAX_COMMENT)
    assert RescheduleRequest.get_by_id(kept.id).reason == 'y' * MAX_COMMENT   # whole
    with pytest.raises(RescheduleRefused) as empty:
        ask(world, reason=' \r\n ')
    assert set(empty.value.errors) == {'reason'}


def test_wrong_periods_are_named_by_position_with_every_error_at_once(world):
    start, end = later(world.window)
    past = utcnow() - 5 * H
    with pytest.raises(RescheduleRefused) as refused:
        ask(world, periods=[(start, end), (end, start), (past, past + H),
                            (start, start + 13 * H)], reason='')
    exc = refused.value
    assert set(exc.errors) == {'proposals', 'reason'}           # four periods; no reason
    assert [position for position, _, _ in exc.lines] == [2, 3, 4]
    assert 'proposal 2: the end must be after the start' in str(exc)
    assert requests_stored() == 0


def test_check_ask_refuses_as_ask_would_and_stores_nothing(world):
    start, end = later(world.window)
    with pytest.raises(RescheduleRefused) as refused:
        reschedule_commands.check_ask(world.window.id, world.acme.id, [(end, start)], 'r',
                                      settings=SETTINGS)
    assert [p for p, _, _ in refused.value.lines] == [1]
    assert reschedule_commands.check_ask(world.window.id, world.acme.id, [(start, end)], 'r',
                                         settings=SETTINGS) is None
    assert requests_stored() == 0


@pytest.mark.parametrize('window_id', [0, -1, MAX_ID, MAX_ID + 1, 10 ** 30, '1', True])
def test_an_id_that_names_no_window_is_not_found(world, window_id):
    with pytest.raises(NotFound):
        reschedule_commands.ask(window_id, world.acme.id, [later(world.window)], 'r', 'page',
                                settings=SETTINGS)


def test_a_customer_outside_the_window_or_another_customers_contact_is_refused(world):
    with pytest.raises(RescheduleRefused) as outside:
        ask(world, customer='initech')
    assert (set(outside.value.errors), outside.value.kind) == ({'window'}, 'conflict')
    with pytest.raises(NotFound):
        ask(world, contact_id=world.contacts['carla'].id)       # Globex's, not ACME's
    assert requests_stored() == 0


def counter(world, period, sequence=None, stamp=None):
    return reschedule_commands.counter(
        world.window.id, world.contacts['carla'].id, period, '', settings=SETTINGS,
        sequence=world.window.sequence if sequence is None else sequence, stamp=stamp)


def test_a_calendar_counter_goes_through_the_rules_of_the_customer_page(world):
    # What the page refuses, a COUNTER is refused too: the same check, the same words.
    start = world.window.starts_at + 24 * H
    made = counter(world, (start, start + 2 * H))
    stored = RescheduleRequest.get_by_id(made.id)
    assert (stored.via, stored.attendee, stored.customer_id) == (
        'calendar', world.contacts['carla'].email, world.globex.id)
    now = utcnow()
    for period in [(start, start - H), (start, start + 30 * H),
                   (now - 24 * H, now - 22 * H),
                   (world.window.starts_at, world.window.ends_at)]:
        with pytest.raises(RescheduleRefused) as countered:
            counter(world, period)
        with pytest.raises(RescheduleRefused) as asked:
            ask(world, periods=[period])
        [(position, _, message)] = countered.value.lines
        assert position == 1 and [str(m) for _, _, m in asked.value.lines] == [str(message)]
    assert requests_stored() == 1


def test_a_counter_ahead_of_the_window_is_refused_before_its_period(world):
    start = world.window.starts_at + 24 * H
    with pytest.raises(RescheduleRefused) as forged:
        counter(world, (start, start - H), sequence=world.window.sequence + 1)
    assert set(forged.value.errors) == {'sequence'} and not forged.value.lines
    with pytest.raises(RescheduleRefused) as future:
        counter(world, (start, start + H), stamp=utcnow() + 24 * H)
    assert set(future.value.errors) == {'dtstamp'}
    assert requests_stored() == 0


def test_a_period_ending_in_the_year_9999_is_refused_even_from_a_calendar(world):
    # Past the year 9998 the rules' and the calendar's date arithmetic overflows:
    # such a period makes no sense from any way in, a COUNTER included.
    last = datetime.datetime(9999, 12, 31, 10, tzinfo=datetime.timezone.utc)
    with pytest.raises(RescheduleRefused) as asked:
        ask(world, periods=[(last, last + 2 * H)])
    with pytest.raises(RescheduleRefused) as countered:
        counter(world, (last, last + 2 * H))
    for refused in (asked, countered):
        [(position, _, message)] = refused.value.lines
        assert position == 1 and '9999' in str(message)
    assert requests_stored() == 0


def test_a_nul_in_a_reason_or_comment_is_a_field_error_and_other_controls_are_dropped(world):
    # PostgreSQL refuses a NUL, and no person types one: refused, never stored or cut;
    # a stray control character (a pasted bell) is cleaned as every text field is.
    with pytest.raises(RescheduleRefused) as asked:
        ask(world, reason='Black\x00Friday')
    assert set(asked.value.errors) == {'reason'} and 'NUL' in str(asked.value.errors['reason'])
    carla, window = world.contacts['carla'], world.window
    with pytest.raises(Refused) as replied:
        answer_commands.record_reply(window.id, carla.id, 'ACCEPTED', window.sequence,
                                     utcnow(), comment='no\x00way')
    assert set(replied.value.errors) == {'comment'}
    assert requests_stored() == 0 and AttendeeAnswer.select().count() == 0
    made = ask(world, reason='Black\x07 Friday')
    assert RescheduleRequest.get_by_id(made.id).reason == 'Black Friday'
    with world.app.test_request_context():
        with pytest.raises(RescheduleRefused) as declined:
            reschedule_commands.decline(made.id, 'no\x00', 'eng',
                                        settings=area_settings())
    assert set(declined.value.errors) == {'reason'}
    assert RescheduleRequest.get_by_id(made.id).state == 'open'


# Withdrawing.

def test_withdraw_answers_only_the_customer_and_only_once(world):
    made = ask(world)
    with pytest.raises(NotFound):
        reschedule_commands.withdraw(made.id, customer_id=world.globex.id)
    with pytest.raises(NotFound):
        reschedule_commands.withdraw(made.id, customer_id=world.acme.id,
                                     window_id=world.window.id + 1)
    reschedule_commands.withdraw(made.id, customer_id=world.acme.id, window_id=world.window.id)
    assert RescheduleRequest.get_by_id(made.id).state == 'withdrawn'
    with pytest.raises(RescheduleRefused) as again:
        reschedule_commands.withdraw(made.id, customer_id=world.acme.id)
    assert (set(again.value.errors), again.value.kind) == ({'state'}, 'conflict')


def test_a_decision_waits_for_the_lock_and_reads_the_request_again(world):
    """Another transaction holds the request and decides it: withdrawing at that
    moment waits, then finds it decided, instead of overwriting the decision."""
    made = ask(world)
    locked, done = threading.Event(), threading.Event()
    outcome = {}

    def other_decision():
        database.connect(reuse_if_open=True)
        try:
            with write_transaction():
                row = lock_rows(RescheduleRequest.select().where(
                    RescheduleRequest.id == made.id)).get()
                locked.set()
                time.sleep(0.5)
                row.state = 'declined'
                row.save()
        finally:
            database.close()
            done.set()

    def withdraw():
        database.connect(reuse_if_open=True)
        try:
            reschedule_commands.withdraw(made.id, customer_id=world.acme.id)
            outcome['result'] = 'withdrawn'
        except RescheduleRefused as exc:
            outcome['result'] = exc.kind
        finally:
            database.close()

    first = threading.Thread(target=other_decision)
    first.start()
    assert locked.wait(10)
    second = threading.Thread(target=withdraw)
    second.start()
    first.join(20)
    second.join(20)
    assert done.is_set() and outcome['result'] == 'conflict'
    assert RescheduleRequest.get_by_id(made.id).state == 'declined'


# Deciding (notices are written from templates: in an app context).

def test_decline_takes_the_reason_whole_or_refuses_it(world):
    made = ask(world)
    with world.app.test_request_context():
        with pytest.raises(RescheduleRefused) as refused:
            reschedule_commands.decline(made.id, 'n' * (MAX_REASON + 1), 'eng',
                                        settings=area_settings())
        assert set(refused.value.errors) == {'reason'}
        assert RescheduleRequest.get_by_id(made.id).state == 'open'
        assert OutboxMessage.select().where(OutboxMessage.kind == 'declined').count() == 0
        reschedule_commands.decline(made.id, 'n' * MAX_REASON, 'eng', settings=area_settings())
        assert RescheduleRequest.get_by_id(made.id).decision_reason == 'n' * MAX_REASON
        with pytest.raises(NotFound):
            reschedule_commands.decline(MAX_ID + 1, 'x', 'eng', settings=area_settings())


def test_move_and_split_refuse_an_unknown_proposal_and_a_decided_request(world):
    made = ask(world, customer='globex')
    with world.app.test_request_context():
        with pytest.raises(RescheduleRefused) as unknown:
            reschedule_commands.move(made.id, -5, 'eng', settings=area_settings())
        assert set(unknown.value.errors) == {'proposal'}
        proposal = made.proposals[0]
        keys = [f.key for f in reschedules.options(made, settings=area_settings())[0].split if not f.is_error]
        reschedule_commands.split(made.id, proposal.id, 'eng', keys, settings=area_settings())
        with pytest.raises(RescheduleRefused) as decided:
            reschedule_commands.move(made.id, proposal.id, 'eng', settings=area_settings())
        assert decided.value.kind == 'conflict'


# Acknowledging and answering.

def test_acknowledge_records_once_and_refuses_a_window_read_before_it_changed(world):
    window = world.window
    with pytest.raises(answer_commands.AnswerRefused) as changed:
        answer_commands.acknowledge(window.id, world.acme.id, seen_sequence=window.sequence + 1)
    assert (changed.value.reason, changed.value.kind) == ('changed', 'conflict')
    ana = world.contacts['ana']
    assert answer_commands.acknowledge(window.id, world.acme.id, seen_sequence=window.sequence,
                                       contact_id=ana.id)
    assert not answer_commands.acknowledge(window.id, world.acme.id)       # already
    row = answers.customer_states(window, [world.acme.id])[world.acme.id]
    assert (row.acknowledged_by, row.acknowledged_via) == (ana.email, 'page')
    with pytest.raises(NotFound):
        answer_commands.acknowledge(window.id, world.globex.id,
                                    contact_id=ana.id)                     # not Globex's
    with pytest.raises(answer_commands.AnswerRefused) as outside:
        answer_commands.acknowledge(window.id, world.initech.id)
    assert outside.value.reason == 'not-affected'


def test_an_acknowledgement_waits_for_a_window_change_and_then_refuses_it(world):
    """The NOC changes the window while the customer clicks "acknowledge" on the
    page as it read it: the command waits on the window's lock, then sees the
    new SEQUENCE and refuses, instead of acknowledging times nobody read."""
    window = world.window
    locked = threading.Event()
    outcome = {}

    def change():
        database.connect(reuse_if_open=True)
        try:
            with write_transaction():
                lock_rows(MaintenanceWindow.select().where(MaintenanceWindow.id == window.id)).get()
                locked.set()
                time.sleep(0.5)
                (MaintenanceWindow.update(sequence=window.sequence + 1,
                                          times_sequence=window.sequence + 1)
                 .where(MaintenanceWindow.id == window.id).execute())
        finally:
            database.close()

    def acknowledge():
        database.connect(reuse_if_open=True)
        try:
            outcome['result'] = answer_commands.acknowledge(window.id, world.acme.id,
                                                            seen_sequence=window.sequence)
        except answer_commands.AnswerRefused as exc:
            outcome['result'] = exc.reason
        finally:
            database.close()

    first = threading.Thread(target=change)
    first.start()
    assert locked.wait(10)
    second = threading.Thread(target=acknowledge)
    second.start()
    first.join(20)
    second.join(20)
    assert outcome['result'] == 'changed'
    assert answers.unacknowledged(window, [world.acme.id]) == [world.acme.id]


def test_an_attendee_answer_over_the_limit_is_refused_and_an_older_one_loses(world):
    carla, window = world.contacts['carla'], world.window
    with pytest.raises(Refused) as refused:
        answer_commands.record_reply(window.id, carla.id, 'ACCEPTED', window.sequence,
                                     utcnow(), 'c' * (MAX_COMMENT + 1))
    assert set(refused.value.errors) == {'comment'}
    assert AttendeeAnswer.select().count() == 0
    now = utcnow()
    assert answer_commands.record_reply(window.id, carla.id, 'ACCEPTED', window.sequence, now,
                                        'c' * MAX_COMMENT)
    assert not answer_commands.record_reply(window.id, carla.id, 'DECLINED', window.sequence,
                                            now - H)
    answer = answers.answer_of(window, carla)
    assert (answer.partstat, len(answer.comment)) == ('ACCEPTED', MAX_COMMENT)
    assert answers.unacknowledged(window, [world.globex.id]) == []         # it accepted


@pytest.mark.parametrize('engine', ['postgresql'])     # SQLite has one writer at a time anyway
def test_an_answer_waits_only_for_its_own_window(world):
    """A reply waits while its window is locked (a NOC change in progress); a reply
    about another window does not wait behind it: PostgreSQL locks rows."""
    with world.app.app_context():
        other = confirmed(segments='', circuits='JAN-IPT-003', starts_at=local(30, 23),
                          ends_at=local(31, 3))              # Globex's circuit only
    carla, window = world.contacts['carla'], world.window
    locked, release, first_done, second_done = (threading.Event() for _ in range(4))

    def in_thread(work, done=None):
        def run():
            database.connect(reuse_if_open=True)
            try:
                work()
            finally:
                database.close()
                if done:
                    done.set()
        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def hold_the_window():
        with write_transaction():
            lock_rows(MaintenanceWindow.select().where(MaintenanceWindow.id == window.id)).get()
            locked.set()
            release.wait(20)

    def reply(window_id):
        return lambda: answer_commands.record_reply(window_id, carla.id, 'ACCEPTED', 0, utcnow())

    threads = [in_thread(hold_the_window)]
    assert locked.wait(10)
    threads.append(in_thread(reply(window.id), first_done))
    time.sleep(0.5)                         # the first reply now waits on its window
    threads.append(in_thread(reply(other.id), second_done))
    try:
        assert second_done.wait(5), 'a reply about another window waited'
        assert not first_done.is_set()
    finally:
        release.set()
        for thread in threads:
            thread.join(20)
    assert first_done.is_set()
    assert AttendeeAnswer.select().where(AttendeeAnswer.contact == carla.id).count() == 2


def test_an_attendee_answer_of_a_customer_the_window_is_not_about_is_not_found(world):
    # Initech's circuits are not in the window and it was never told: its contact's
    # calendar answer records nothing, acknowledges nothing, makes it no page link.
    ivo, window = world.contacts['ivo'], world.window
    with pytest.raises(NotFound):
        answer_commands.record_reply(window.id, ivo.id, 'ACCEPTED', window.sequence,
                                     utcnow())
    assert AttendeeAnswer.select().count() == 0
    assert WindowCustomer.select().where(WindowCustomer.customer == world.initech.id).count() == 0
    # Globex's contact still answers (Globex's circuit is in the window).
    carla = world.contacts['carla']
    assert answer_commands.record_reply(window.id, carla.id, 'ACCEPTED', window.sequence,
                                        utcnow()) is True


def test_links_change_only_for_a_customer_of_the_window(world):
    window = world.window
    old = links.state(window, world.acme.id).link_nonce
    with pytest.raises(NotFound):
        answer_commands.revoke_link(window.id, world.initech.id, 'eng')
    with pytest.raises(NotFound):
        answer_commands.issue_link(MAX_ID + 1, world.acme.id, 'eng')
    assert answer_commands.revoke_link(window.id, world.acme.id, 'eng').id == world.acme.id
    assert links.state(window, world.acme.id).link_revoked_at is not None
    answer_commands.issue_link(window.id, world.acme.id, 'eng')
    fresh = links.state(window, world.acme.id)
    assert fresh.link_revoked_at is None and fresh.link_nonce != old
    assert [e.action for e in AuditLog.select().where(AuditLog.entity == 'customer_link')
            .order_by(AuditLog.id)] == ['revoke', 'issue']
