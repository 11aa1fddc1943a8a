"""Reschedule requests and the NOC's decisions, acknowledgements and page links.

Through the commands every way in uses (page, calendar, mail, NOC), on both
engines, checking what lands in the outbox and the audit log; those that
write no notice run without an app context.
"""
import datetime

import icalendar
import pytest
from flask import has_app_context
from helpers.bare_database import maintenance_settings
from helpers.maintenance_fixtures import build_network, confirmed, create, local
from helpers.maintenance_fixtures import settings as area_settings

from noc.core.db import database
from noc.maintenance import answer_commands, answers, links, reschedule_commands, windows
from noc.maintenance import reschedules as reschedule
from noc.models import AuditLog, MaintenanceWindow, OutboxMessage, RescheduleRequest, WindowCustomer, utcnow

H = datetime.timedelta(hours=1)


@pytest.fixture
def net(ctx):
    return build_network()


@pytest.fixture
def bare(app):
    """The network and a confirmed window, built in an app context and then left:
    the test itself runs with no app or request context (settings are values)."""
    with app.app_context():
        database.connect(reuse_if_open=True)
        net = build_network()
        net['window'] = confirmed()
        database.close()
    database.connect(reuse_if_open=True)
    assert not has_app_context()
    yield net
    database.close()


def later(window, days=20, hours=3):
    start = window.starts_at + datetime.timedelta(days=days)
    return start, start + hours * H


def outbox_since(mark):
    return list(OutboxMessage.select().where(OutboxMessage.id > mark).order_by(OutboxMessage.id))


def last_id():
    last = OutboxMessage.select().order_by(OutboxMessage.id.desc()).first()
    return last.id if last else 0


SETTINGS = maintenance_settings(max_duration_hours=12)    # the maintenance settings, as a value


def ask(window, customer, periods, reason, via='page', **kw):
    return reschedule_commands.ask(window.id, customer.id, periods, reason, via,
                                   settings=SETTINGS, **kw)


def decline(request, reason, actor):
    return reschedule_commands.decline(request.id, reason, actor,
                                       settings=area_settings())


def acks(request, kind):
    option = reschedule.options(request, settings=area_settings())[0]
    return [f.key for f in getattr(option, kind) if not f.is_error]


def test_a_request_lists_its_proposals_and_replaces_the_customers_earlier_one(bare):
    net, window = bare, bare['window']
    first = ask(window, net['acme'], [later(window)], 'Black Friday', 'page')
    periods = [later(window, 21), later(window, 22), later(window, 23, 2)]
    second = ask(window, net['acme'], periods, 'or these', 'page')
    assert [(p.starts_at, p.ends_at) for p in second.proposals] == periods
    assert RescheduleRequest.get_by_id(first.id).state == 'withdrawn'
    assert second.state == 'open' and second.sequence == window.sequence
    entry = AuditLog.get((AuditLog.entity == 'reschedule_request')
                         & (AuditLog.entity_id == second.id))
    assert entry.username == 'customer:page' and 'or these' in entry.after_json


@pytest.mark.dates
@pytest.mark.parametrize('periods, field', [
    ([], 'proposals'),
    ([(24, 25)] * 4, 'proposals'),
    ([(27, 25)], 1),                           # end before start: the first period
    ([(-40, -39)], 1),                         # in the past
    ([(24, 26), (48, 80)], 2),                 # longer than the maximum duration
])
def test_bad_proposals_are_refused_naming_the_period(bare, periods, field):
    net, window = bare, bare['window']
    base = window.starts_at if periods and periods[0][0] > 0 else utcnow()
    with pytest.raises(reschedule.RescheduleRefused) as refused:
        ask(window, net['acme'], [(base + a * H, base + b * H)
                                                for a, b in periods], 'x', 'page')
    named = set(refused.value.errors) | {position for position, _, _ in refused.value.lines}
    assert field in named
    assert RescheduleRequest.select().count() == 0


def test_only_a_confirmed_window_takes_requests(net):
    window = create()                                   # TENTATIVE: nobody was told
    with pytest.raises(reschedule.RescheduleRefused) as refused:
        ask(window, net['acme'], [later(window)], 'x', 'page')
    assert 'window' in refused.value.errors


@pytest.mark.dates
def test_options_show_what_a_move_and_a_split_would_break(net):
    # Globex alone in a window; ACME's redundant leg A in another at the proposed time.
    other = confirmed(segments='', circuits='JAN-IPT-002', starts_at=local(15, 23),
                      ends_at=local(16, 3))
    window = confirmed(segments='SPAN-A')               # ACME leg A + Globex
    request = ask(window, net['globex'],
                                [(other.starts_at, other.ends_at)], 'busy', 'page')
    option = reschedule.options(request, settings=area_settings())[0]
    assert option.others == 1                           # ACME
    # Moving everything onto the other window puts both ACME legs down at once.
    assert 'redundancy' in {f.code for f in option.move}
    # Splitting Globex off does not touch ACME: no redundancy finding.
    assert option.split is not None and 'redundancy' not in {f.code for f in option.split}


@pytest.mark.dates
def test_moving_the_whole_window_updates_everyone_with_a_higher_sequence(net):
    window = confirmed()                                # ACME (2 contacts) + Globex
    request = ask(window, net['globex'], [later(window)], 'freeze', 'page')
    mark = last_id()
    reschedule_commands.move(request.id, request.proposals[0].id, 'eng', acks(request, 'move'),
            settings=area_settings())
    moved = MaintenanceWindow.get_by_id(window.id)
    assert (moved.starts_at, moved.ends_at) == later(window)
    assert moved.sequence == window.sequence + 1 and moved.times_sequence == moved.sequence
    sent = outbox_since(mark)
    assert {m.recipient for m in sent} == {'ana@acme.example.com', 'noc@acme.example.com',
                                           'carla@globex.example.com'}
    assert {(m.kind, m.sequence) for m in sent} == {('rescheduled', moved.sequence)}
    invitation = next(m for m in sent if m.method == 'REQUEST')
    event = icalendar.Calendar.from_ical(invitation.ics).walk('VEVENT')[0]
    assert event.decoded('dtstart') == later(window)[0]
    request = RescheduleRequest.get_by_id(request.id)
    assert request.state == 'moved' and request.decided_by == 'eng'
    assert [p.chosen for p in request.proposals] == [True]


def test_a_move_needs_the_warnings_acknowledged(net):
    other = confirmed(segments='', circuits='JAN-IPT-002', starts_at=local(15, 23),
                      ends_at=local(16, 3))
    window = confirmed(segments='SPAN-A')
    request = ask(window, net['globex'], [(other.starts_at, other.ends_at)],
                                'x', 'page')
    with pytest.raises(reschedule.RescheduleRefused) as refused:
        reschedule_commands.move(request.id, request.proposals[0].id, 'eng', settings=area_settings())
    assert any(f.code == 'redundancy' for f in refused.value.findings)
    assert RescheduleRequest.get_by_id(request.id).state == 'open'
    assert MaintenanceWindow.get_by_id(window.id).starts_at == window.starts_at


def test_splitting_moves_only_the_requesters_circuits_into_a_new_window(net):
    window = confirmed()
    request = ask(window, net['globex'], [later(window)], 'x', 'page')
    mark = last_id()
    reschedule_commands.split(request.id, request.proposals[0].id, 'eng', acks(request, 'split'),
            settings=area_settings())
    request = RescheduleRequest.get_by_id(request.id)
    new = request.new_window
    assert request.state == 'split' and new.status == 'CONFIRMED'
    assert (new.starts_at, new.ends_at) == later(window)
    assert set(windows.by_customer(new)) == {net['globex'].id}
    assert set(windows.by_customer(MaintenanceWindow.get_by_id(window.id))) == {net['acme'].id}
    sent = outbox_since(mark)
    # Globex: the old window cancelled, the new one offered; ACME hears nothing.
    assert sorted((m.recipient, m.kind, m.method, m.window_id) for m in sent) == [
        ('carla@globex.example.com', 'cancelled', 'CANCEL', window.id),
        ('carla@globex.example.com', 'new', 'REQUEST', new.id)]


def test_a_window_of_one_customer_cannot_be_split(net):
    window = confirmed(segments='', circuits='JAN-IPT-003')    # Globex only
    request = ask(window, net['globex'], [later(window)], 'x', 'page')
    assert reschedule.options(request, settings=area_settings())[0].split is None
    with pytest.raises(reschedule.RescheduleRefused):
        reschedule_commands.split(request.id, request.proposals[0].id, 'eng', settings=area_settings())


def test_declining_a_counter_sends_declinecounter_with_the_reason(net):
    window = confirmed()
    carla = net['contacts']['carla']
    request = reschedule_commands.counter(window.id, carla.id, later(window), 'x',
                                          sequence=window.sequence, settings=SETTINGS)
    mark = last_id()
    with pytest.raises(reschedule.RescheduleRefused):
        decline(request, '  ', 'eng')                # a reason is required
    decline(request, 'Equipe já alocada', 'eng')
    [message] = outbox_since(mark)
    assert (message.recipient, message.kind, message.method) == (carla.email, 'declined',
                                                                 'DECLINECOUNTER')
    calendar = icalendar.Calendar.from_ical(message.ics)
    event = calendar.walk('VEVENT')[0]
    assert str(calendar['method']) == 'DECLINECOUNTER' and str(event['uid']) == window.uid
    assert event['sequence'] == window.sequence and str(event['comment']) == 'Equipe já alocada'
    assert 'method=DECLINECOUNTER' in message.raw.replace('"', '')
    assert RescheduleRequest.get_by_id(request.id).decision_reason == 'Equipe já alocada'
    with pytest.raises(reschedule.RescheduleRefused) as again:
        reschedule_commands.move(request.id, request.proposals[0].id, 'eng', settings=area_settings())
    assert 'state' in again.value.errors


def test_declining_a_page_request_tells_every_maintenance_contact_in_their_language(net):
    window = confirmed()
    request = ask(window, net['acme'], [later(window)], 'x', 'page')
    mark = last_id()
    decline(request, 'Não é possível', 'eng')
    sent = outbox_since(mark)
    assert {(m.recipient, m.method) for m in sent} == {('ana@acme.example.com', ''),
                                                        ('noc@acme.example.com', '')}
    by_address = {m.recipient: m for m in sent}
    assert 'recusad' in by_address['ana@acme.example.com'].subject.lower()      # pt_BR
    assert 'declined' in by_address['noc@acme.example.com'].subject


def test_cancelling_the_window_closes_its_open_requests(net):
    window = confirmed()
    request = ask(window, net['acme'], [later(window)], 'x', 'page')
    windows.cancel(MaintenanceWindow.get_by_id(window.id), 'eng', 'Fornecedor atrasou',
            settings=area_settings())
    assert RescheduleRequest.get_by_id(request.id).state == 'closed'


def test_acknowledgement_from_the_page_or_an_acceptance_lasts_until_the_window_moves(net):
    window = confirmed()
    ana, carla = net['contacts']['ana'], net['contacts']['carla']
    assert answers.unacknowledged(window, answers.customers_of(window)) == sorted(
        [net['acme'].id, net['globex'].id])
    answers.acknowledge(window, net['acme'].id, 'page', 'page')
    assert answer_commands.record_reply(window.id, carla.id, 'ACCEPTED', window.sequence, utcnow())
    assert answers.unacknowledged(window, answers.customers_of(window)) == []
    request = ask(window, net['globex'], [later(window)], 'x', 'page')
    reschedule_commands.move(request.id, request.proposals[0].id, 'eng', acks(request, 'move'),
            settings=area_settings())
    moved = MaintenanceWindow.get_by_id(window.id)
    # New times: the earlier acknowledgements were about other times.
    assert answers.unacknowledged(moved, answers.customers_of(moved)) == sorted(
        [net['acme'].id, net['globex'].id])
    answer_commands.record_reply(moved.id, ana.id, 'TENTATIVE', moved.sequence, utcnow())
    assert answers.unacknowledged(moved, answers.customers_of(moved)) == [net['globex'].id]


def test_an_older_reply_never_overrides_a_newer_one(bare):
    net, window = bare, bare['window']
    carla = net['contacts']['carla']
    # As after one update (SEQUENCE 1): a reply above the window's SEQUENCE, or
    # stamped past now, is held, never applied.
    MaintenanceWindow.update(sequence=1).where(MaintenanceWindow.id == window.id).execute()
    now = utcnow() - 2 * H
    assert answer_commands.record_reply(window.id, carla.id, 'DECLINED', 1, now, 'não pode')
    assert not answer_commands.record_reply(window.id, carla.id, 'ACCEPTED', 0, now + H)   # lower SEQUENCE
    assert not answer_commands.record_reply(window.id, carla.id, 'ACCEPTED', 1, now - H)   # older DTSTAMP
    assert answers.answer_of(window, carla).partstat == 'DECLINED'
    assert answer_commands.record_reply(window.id, carla.id, 'ACCEPTED', 1, now + H)
    answer = answers.answer_of(window, carla)
    assert (answer.partstat, answer.comment) == ('ACCEPTED', '')


@pytest.mark.dates
def test_the_reminder_goes_only_to_customers_that_have_not_acknowledged(net):
    window = confirmed()
    answers.acknowledge(window, net['globex'].id, 'carla@globex.example.com', 'page')
    mark = last_id()
    assert answers.remind_unacknowledged(window, 'eng', settings=area_settings()) == 2
    sent = outbox_since(mark)
    assert {(m.recipient, m.kind) for m in sent} == {('ana@acme.example.com', 'ack_request'),
                                                      ('noc@acme.example.com', 'ack_request')}
    assert all(m.sequence == window.sequence for m in sent)    # nothing changed
    assert WindowCustomer.get(window=window, customer=net['acme']).ack_reminded_at


@pytest.mark.dates
def test_dashboard_list_names_windows_within_72_hours_with_missing_acknowledgements(net):
    window = confirmed()
    MaintenanceWindow.update(starts_at=utcnow() + 48 * H, ends_at=utcnow() + 50 * H).where(
        MaintenanceWindow.id == window.id).execute()
    far = confirmed(segments='', circuits='JAN-IPT-004')     # 12 days out
    found = answers.starting_soon_unacknowledged(utcnow(), 72)
    assert [(w.id, sorted(missing)) for w, missing in found] == [
        (window.id, sorted([net['acme'].id, net['globex'].id]))]
    answers.acknowledge(window, net['acme'].id, 'page', 'page')
    answers.acknowledge(window, net['globex'].id, 'page', 'page')
    assert answers.starting_soon_unacknowledged(utcnow(), 72) == []
    assert far.id not in [w.id for w, _ in answers.starting_soon_unacknowledged(utcnow(), 72)]


def test_page_links_are_signed_per_customer_and_revocable(net):
    window = confirmed()
    acme = links.state(window, net['acme'].id)
    token = links.token(acme, area_settings().secret_key)
    found, customer, _ = links.resolve(token, area_settings().secret_key)
    assert (found.id, customer.id) == (window.id, net['acme'].id)
    # Changing a character breaks the signature; another customer's ids need its nonce.
    with pytest.raises(links.LinkRefused) as bad:
        links.resolve(token[:-2] + ('AA' if not token.endswith('AA') else 'BB'), area_settings().secret_key)
    assert bad.value.reason == 'unknown'
    links.revoke(window, net['acme'], 'eng')
    with pytest.raises(links.LinkRefused) as revoked:
        links.resolve(token, area_settings().secret_key)
    assert revoked.value.reason == 'revoked'
    fresh = links.token(links.reissue(window, net['acme'], 'eng'), area_settings().secret_key)
    assert fresh != token and links.resolve(fresh, area_settings().secret_key)[1].id == net['acme'].id
    with pytest.raises(links.LinkRefused):
        links.resolve(token, area_settings().secret_key)                    # the old nonce stays dead
    MaintenanceWindow.update(starts_at=utcnow() - 3 * H, ends_at=utcnow() - H).where(
        MaintenanceWindow.id == window.id).execute()
    with pytest.raises(links.LinkRefused) as expired:
        links.resolve(fresh, area_settings().secret_key)
    assert expired.value.reason == 'expired'


def test_notices_carry_each_customers_own_link(net):
    window = confirmed()
    for message in OutboxMessage.select().where(OutboxMessage.window == window):
        row = links.state(window, message.customer_id)
        assert links.url(row,
                area_settings().secret_key, area_settings().base_url) in message.raw.replace('=\r\n', '') or \
            links.token(row, area_settings().secret_key) in _decoded_text(message.raw)


def _decoded_text(raw):
    import email
    msg = email.message_from_string(raw)
    return ''.join(part.get_payload(decode=True).decode() for part in msg.walk()
                   if part.get_content_type() == 'text/plain')


def test_a_customer_split_off_cannot_ask_to_move_the_old_window(net):
    window = confirmed()
    request = ask(window, net['globex'], [later(window)], 'x', 'page')
    reschedule_commands.split(request.id, request.proposals[0].id, 'eng', acks(request, 'split'),
            settings=area_settings())
    old = MaintenanceWindow.get_by_id(window.id)
    with pytest.raises(reschedule.RescheduleRefused) as refused:
        ask(old, net['globex'], [later(window, 25)], 'again', 'page')
    assert 'window' in refused.value.errors


def test_a_long_requester_address_fits_the_audit_log(bare):
    net, window = bare, bare['window']
    address = 'a' * 70 + '@globex.example.com'
    request = ask(window, net['globex'], [later(window)], 'x', 'page', requester=address)
    reschedule_commands.withdraw(request.id, customer_id=request.customer_id)
    assert RescheduleRequest.get_by_id(request.id).decided_by.startswith('customer:aaa')
