"""Hostile and broken mail must change nothing it should not, and never stop the handler:
LIKE wildcards in addresses, forged delivery reports, values too long or too big for
the columns, NUL bytes, impossible dates and charsets, on both engines."""
import datetime
import re

import pytest
from helpers import inbound_fixtures as mail
from helpers.maintenance_fixtures import build_network, confirmed

from noc.core.limits import MAX_COMMENT
from noc.inbound import receive as inbound
from noc.maintenance import answers
from noc.models import AttendeeAnswer, Contact, InboundMessage, RescheduleRequest, utcnow

H = datetime.timedelta(hours=1)


@pytest.fixture
def net(ctx):
    return build_network()


@pytest.fixture
def window(net):
    return confirmed()


def receive(raw):
    message, _ = inbound.receive(raw, 'stdin')
    return InboundMessage.get_by_id(message.id)


def args(window, contact, **kw):
    return dict(uid=window.uid, sequence=window.sequence, attendee=contact.email,
                attendee_name=contact.name, starts_at=window.starts_at,
                ends_at=window.ends_at, **kw)


def test_a_wildcard_sender_address_matches_no_contact(net, window):
    carla = net['contacts']['carla']
    raw = mail.thunderbird_counter(**{**args(window, carla), 'starts_at': window.starts_at + 48 * H,
                                      'ends_at': window.ends_at + 48 * H})
    raw = raw.replace(f'From: {carla.name} <{carla.email}>'.encode(),
                      b'From: Mallory <%@globex.example.com>')
    assert b'%@globex' in raw
    message = receive(raw)
    assert (message.state, message.verified) == ('unmatched', False)
    assert RescheduleRequest.select().count() == 0


def test_an_address_spelled_in_an_encoded_word_matches_no_contact(net, window):
    carla = net['contacts']['carla']
    raw = mail.plain_reply(reference=window.reference, body='Ciente, pode seguir.',
                           client='gmail', sender=f'Carla <{carla.email}>')
    forged = b'From: =?utf-8?q?' + f'=3C{carla.email}=3E'.replace('@', '=40').encode() + \
        b'?= <mallory@evil.example.net>'
    raw = raw.replace(f'From: Carla <{carla.email}>'.encode(), forged)
    assert forged in raw
    message = receive(raw)
    assert message.sender == 'mallory@evil.example.net'
    assert (message.state, message.outcome, message.verified) == (
        'unmatched', 'unknown-sender', False)
    assert message.contact_id is None


def test_a_forged_bounce_flags_nobody(net, window):
    message = receive(mail.bounce_postfix(failed_recipient='%',
                                          original_message_id='<nothing@x>'))
    assert message.state == 'unmatched' and not message.verified
    stranger = receive(mail.bounce_postfix(failed_recipient='carla@globex.example.com',
                                           original_message_id='<never-sent@x>'))
    assert stranger.state == 'unmatched'
    assert Contact.select().where(Contact.bounced_at.is_null(False)).count() == 0


def test_a_message_id_carrying_nul_is_stored_and_handled(net, window):
    raw = (b'From: Carla <carla@globex.example.com>\r\n'
           b'Message-ID: <=?utf-8?q?a=00b?=@x>\r\nSubject: ' + window.reference.encode()
           + b'\r\n\r\nhello\x00there\r\n')
    message = receive(raw)
    assert message.state == 'handled' and '\x00' not in message.message_key + message.body_text
    assert receive(raw).id == message.id                  # and is still one message


def test_values_too_big_for_the_columns_are_tamed(net, window):
    carla = net['contacts']['carla']
    odd = receive(mail.thunderbird_counter(
        **{**args(window, carla), 'starts_at': window.starts_at + 48 * H,
           'ends_at': window.ends_at + 48 * H}, partstat='X-VERY-LONG-PARTSTAT-VALUE'))
    assert odd.state == 'handled' and odd.outcome == 'request-opened'
    huge = receive(mail.thunderbird_reply(**{**args(window, carla), 'sequence': 2 ** 40},
                                          dtstamp=utcnow()))
    # Clamped to the column, and no notice carried it: held, not applied.
    assert (huge.state, huge.outcome) == ('unmatched', 'sequence-ahead')
    nul = receive(mail.thunderbird_reply(**args(window, carla), dtstamp=utcnow(),
                                         partstat='DECLINED', comment='no\x00way'))
    assert nul.state == 'handled'
    assert '\x00' not in AttendeeAnswer.get().comment


def test_a_counter_or_reply_the_commands_refuse_names_the_field_and_waits_for_a_person(
        net, window):
    # Nothing cut, nothing half-stored: the message says which field and what is
    # accepted, and stays in the queue of messages to read.
    carla = net['contacts']['carla']
    moved = {**args(window, carla), 'starts_at': window.starts_at + 48 * H,
             'ends_at': window.ends_at + 48 * H}
    last = datetime.datetime(9999, 12, 31, 10, tzinfo=datetime.timezone.utc)
    cases = [
        (mail.thunderbird_counter(**moved, comment='x' * (MAX_COMMENT + 1)),
         'counter-refused', ('reason', str(MAX_COMMENT))),
        (mail.thunderbird_counter(**{**moved, 'starts_at': last, 'ends_at': last + 2 * H}),
         'counter-refused', ('proposal 1', '9999')),
        (mail.thunderbird_counter(**{**moved, 'ends_at': moved['starts_at'] - H}),
         'counter-refused', ('proposal 1',)),
        (mail.thunderbird_reply(**args(window, carla), dtstamp=utcnow(), partstat='ACCEPTED',
                                comment='y' * (MAX_COMMENT + 1)),
         'answer-refused', ('comment', str(MAX_COMMENT))),
    ]
    for raw, outcome, words in cases:
        message = receive(raw)
        assert (message.state, message.outcome) == ('handled', outcome), message.error
        assert all(word in message.error for word in words), message.error
        assert message.reviewed_at is None
    assert RescheduleRequest.select().count() == 0 and AttendeeAnswer.select().count() == 0
    assert answers.unacknowledged(window, [net['globex'].id]) == [net['globex'].id]


def test_impossible_dates_and_charsets_do_not_stop_the_handler(net, window):
    carla = net['contacts']['carla']
    dated = re.sub(rb'\r\nDate: [^\r]*', b'\r\nDate: Fri, 31 Dec 9999 23:30:00 -0100',
                   mail.thunderbird_reply(**args(window, carla), dtstamp=utcnow()))
    assert receive(dated).state == 'handled'
    idna = mail.thunderbird_reply(**args(window, carla), dtstamp=utcnow())
    idna = re.sub(rb'charset=(UTF-8|utf-8)', b'charset=idna', idna)
    assert b'charset=idna' in idna
    assert receive(idna).state == 'handled'


def test_proposing_a_new_time_is_not_an_acknowledgement(net, window):
    carla = net['contacts']['carla']
    receive(mail.outlook_counter(**{**args(window, carla), 'starts_at': window.starts_at + 48 * H,
                                    'ends_at': window.ends_at + 48 * H}, comment='not this date'))
    assert net['globex'].id in answers.unacknowledged(window, answers.customers_of(window))
