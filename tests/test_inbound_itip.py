"""Calendar answers that cannot be about what we sent, and proposals the
customer page would refuse, mailed as real clients write them.

A REPLY or COUNTER with a SEQUENCE above the window's, or a DTSTAMP later
than now, is held unverified for the NOC and changes nothing: it would
otherwise outrank every genuine answer after it. A COUNTER's period goes
through the customer page's rules; a refused one waits for the NOC with the
reason on its page. Through the same entry point as `noc mail-in`, on both
engines.
"""
import datetime

import pytest
from conftest import db
from helpers import inbound_fixtures as mail
from helpers.maintenance_fixtures import build_network, confirmed

from noc.core.limits import MAX_STAMP_AHEAD_MINUTES
from noc.inbound import receive as inbound
from noc.maintenance import answers
from noc.models import AttendeeAnswer, InboundMessage, RescheduleRequest

H = datetime.timedelta(hours=1)
UTC = datetime.timezone.utc
pytestmark = pytest.mark.usefixtures('quick_password_hash')


@pytest.fixture
def world(app):
    with db(app):
        net = build_network()
        window = confirmed()            # ACME (ana, noc@acme) and Globex (carla)
    return net, window


def receive(app, raw):
    with db(app):
        message, _ = inbound.receive(raw, 'stdin')
        return InboundMessage.get_by_id(message.id)


def itip_args(window, contact, **kw):
    return dict(uid=window.uid, sequence=window.sequence, attendee=contact.email,
                attendee_name=contact.name, starts_at=window.starts_at,
                ends_at=window.ends_at, **kw)


def globex_acknowledged(app, net, window):
    with db(app):
        return net['globex'].id not in answers.unacknowledged(window, [net['globex'].id])


def held(message, outcome):
    return ((message.state, message.outcome, message.verified, message.reviewed_at)
            == ('unmatched', outcome, False, None))


@pytest.mark.parametrize('make', [mail.outlook_reply, mail.google_reply,
                                  mail.thunderbird_reply])
def test_a_forged_sequence_is_held_and_the_genuine_answers_after_it_count(app, world, as_role,
                                                                          clock, make):
    net, window = world
    carla = net['contacts']['carla']
    forged = receive(app, make(**{**itip_args(window, carla), 'sequence': 100000},
                               partstat='ACCEPTED', dtstamp=clock.now()))
    assert held(forged, 'sequence-ahead'), (forged.state, forged.outcome)
    assert '100000' in forged.error and forged.window_id == window.id
    with db(app):
        assert AttendeeAnswer.select().count() == 0
    assert not globex_acknowledged(app, net, window)
    page = as_role('viewer').get(f'/inbox/{forged.id}').get_data(as_text=True)
    assert 'newer than any notice we sent' in page and '100000' in page

    clock.shift(datetime.timedelta(minutes=5))
    declined = receive(app, make(**itip_args(window, carla), partstat='DECLINED',
                                 comment='Nesse dia não', dtstamp=clock.now()))
    assert (declined.state, declined.outcome) == ('handled', 'answer-applied')
    clock.shift(datetime.timedelta(minutes=5))
    accepted = receive(app, make(**itip_args(window, carla), partstat='ACCEPTED',
                                 dtstamp=clock.now()))
    assert accepted.outcome == 'answer-applied'
    with db(app):
        assert answers.answer_of(window, carla).partstat == 'ACCEPTED'
    assert globex_acknowledged(app, net, window)


def test_a_dtstamp_in_the_future_is_held_and_a_little_clock_drift_is_not(app, world, clock):
    net, window = world
    carla = net['contacts']['carla']
    far = receive(app, mail.outlook_reply(**itip_args(window, carla), partstat='ACCEPTED',
                                          dtstamp=datetime.datetime(2099, 1, 1, tzinfo=UTC)))
    assert held(far, 'stamp-ahead') and '2099' in far.error
    assert not globex_acknowledged(app, net, window)
    with db(app):
        assert AttendeeAnswer.select().count() == 0
    # Within MAX_STAMP_AHEAD_MINUTES: a client whose clock runs a little fast.
    drift = datetime.timedelta(minutes=MAX_STAMP_AHEAD_MINUTES - 1)
    fast = receive(app, mail.google_reply(**itip_args(window, carla), partstat='DECLINED',
                                          dtstamp=clock.now() + drift))
    assert fast.outcome == 'answer-applied'
    clock.shift(2 * drift)          # later than the drifting clock's answer
    later = receive(app, mail.thunderbird_reply(**itip_args(window, carla), partstat='ACCEPTED',
                                                dtstamp=clock.now()))
    assert later.outcome == 'answer-applied'
    assert globex_acknowledged(app, net, window)


def test_an_answer_stored_ahead_before_they_were_held_outranks_nothing(app, world, clock):
    # A forged answer recorded by an earlier version: the next genuine one wins.
    net, window = world
    carla = net['contacts']['carla']
    with db(app):
        AttendeeAnswer.insert(window=window.id, contact=carla.id, partstat='DECLINED',
                              sequence=100000, stamped_at=clock.now(),
                              answered_at=clock.now()).execute()
    genuine = receive(app, mail.outlook_reply(**itip_args(window, carla), partstat='ACCEPTED',
                                              dtstamp=clock.now()))
    assert genuine.outcome == 'answer-applied'
    with db(app):
        assert answers.answer_of(window, carla).sequence == window.sequence


def test_a_forged_counter_opens_no_request(app, world):
    net, window = world
    carla = net['contacts']['carla']
    start = window.starts_at + 48 * H
    for ahead in ({'sequence': 100000}, {'dtstamp': datetime.datetime(9000, 1, 1, tzinfo=UTC)}):
        args = {**itip_args(window, carla), 'starts_at': start, 'ends_at': start + 2 * H}
        message = receive(app, mail.google_counter(**{**args, **ahead}))
        assert held(message, 'stamp-ahead' if 'dtstamp' in ahead else 'sequence-ahead')
    with db(app):
        assert RescheduleRequest.select().count() == 0


def test_counter_periods_go_through_the_customer_pages_rules(app, world, as_role, clock):
    net, window = world
    carla = net['contacts']['carla']
    now = clock.now()
    start = window.starts_at + 48 * H
    cases = {
        'in the past': ((datetime.datetime(2020, 3, 1, 3, tzinfo=UTC),
                         datetime.datetime(2020, 3, 1, 5, tzinfo=UTC)), 'the start must be in the future'),
        'ten years long': ((start, start + datetime.timedelta(days=3653)), 'may last at most'),
        'in the year 9999': ((datetime.datetime(9999, 12, 31, 10, tzinfo=UTC),
                              datetime.datetime(9999, 12, 31, 12, tzinfo=UTC)), '9999'),
        'ending before it starts': ((start, start - H), 'the end must be after the start'),
    }
    viewer = as_role('viewer')
    for (starts, ends), reason in cases.values():
        message = receive(app, mail.thunderbird_counter(
            **{**itip_args(window, carla), 'starts_at': starts, 'ends_at': ends},
            dtstamp=now))
        assert (message.state, message.outcome, message.reviewed_at) == (
            'handled', 'counter-refused', None), message.error
        assert reason in message.error
        page = viewer.get(f'/inbox/{message.id}').get_data(as_text=True)
        assert 'Why it was not applied' in page and reason in page
    with db(app):
        assert RescheduleRequest.select().count() == 0
    valid = receive(app, mail.thunderbird_counter(
        **{**itip_args(window, carla), 'starts_at': start, 'ends_at': start + 3 * H},
        dtstamp=now))
    assert valid.outcome == 'request-opened'
    with db(app):
        [request] = RescheduleRequest.select()
        assert [(p.starts_at, p.ends_at) for p in request.proposals] == [(start, start + 3 * H)]
