"""Customers' mail about a window, handled as real clients write it.

Replies and proposals from Outlook/Exchange, Google Calendar and
Thunderbird, plain replies in Portuguese and English quoting the notice,
HTML-only replies, bounces, auto-replies, duplicates and garbage
(tests/helpers/inbound_fixtures.py), through the same entry point as
`noc mail-in` and the IMAP poll, on both engines.
"""
import datetime

import pytest
from helpers import inbound_fixtures as mail
from helpers.maintenance_fixtures import build_network, confirmed

from noc.inbound import receive as inbound
from noc.maintenance import answers
from noc.models import AttendeeAnswer, Contact, InboundMessage, OutboxMessage, RescheduleRequest, utcnow

H = datetime.timedelta(hours=1)
CLIENTS_REPLY = {'outlook': mail.outlook_reply, 'google': mail.google_reply,
                 'thunderbird': mail.thunderbird_reply}
CLIENTS_COUNTER = {'outlook': mail.outlook_counter, 'google': mail.google_counter,
                   'thunderbird': mail.thunderbird_counter}


@pytest.fixture
def net(ctx):
    return build_network()


@pytest.fixture
def window(net):
    return confirmed()           # ACME (ana, noc@acme) and Globex (carla)


def receive(raw):
    message, new = inbound.receive(raw, 'stdin')
    return InboundMessage.get_by_id(message.id), new


def carla(net):
    return net['contacts']['carla']


def itip_args(window, contact, **kw):
    return dict(uid=window.uid, sequence=window.sequence, attendee=contact.email,
                attendee_name=contact.name, starts_at=window.starts_at,
                ends_at=window.ends_at, **kw)


@pytest.mark.parametrize('client', sorted(CLIENTS_REPLY))
def test_an_acceptance_records_the_answer_and_the_acknowledgement(net, window, client):
    contact = carla(net)
    message, new = receive(CLIENTS_REPLY[client](**itip_args(window, contact),
                                                 dtstamp=utcnow()))
    assert new and (message.kind, message.state, message.outcome) == (
        'reply', 'handled', 'answer-applied')
    assert message.verified and message.window_id == window.id
    assert message.contact_id == contact.id and message.partstat == 'ACCEPTED'
    assert answers.answer_of(window, contact).partstat == 'ACCEPTED'
    assert answers.unacknowledged(window, answers.customers_of(window)) == [net['acme'].id]
    assert message.reviewed_at is not None          # nothing for a person to read


@pytest.mark.parametrize('client', sorted(CLIENTS_REPLY))
def test_a_decline_with_a_comment_is_shown_as_such(net, window, client):
    contact = carla(net)
    comment = 'Não podemos nesta data: temos evento no fim de semana.'
    message, _ = receive(CLIENTS_REPLY[client](**itip_args(window, contact),
                                               partstat='DECLINED', comment=comment,
                                               dtstamp=utcnow(), language='pt'))
    answer = answers.answer_of(window, contact)
    assert answer.partstat == 'DECLINED' and comment in answer.comment
    assert message.partstat == 'DECLINED' and comment in message.body_text
    assert message.reviewed_at is None              # the NOC reads it
    assert answers.unacknowledged(window, answers.customers_of(window)) == sorted(
        [net['acme'].id, net['globex'].id])


def test_an_older_reply_arriving_late_does_not_override_the_newer(net, window):
    contact = carla(net)
    now = utcnow()
    receive(mail.outlook_reply(**itip_args(window, contact), partstat='DECLINED',
                               dtstamp=now))
    late, _ = receive(mail.google_reply(**itip_args(window, contact), partstat='ACCEPTED',
                                        dtstamp=now - 2 * H))
    assert late.outcome == 'answer-older'
    assert answers.answer_of(window, contact).partstat == 'DECLINED'


@pytest.mark.parametrize('client', sorted(CLIENTS_COUNTER))
def test_a_proposed_new_time_becomes_a_reschedule_request(net, window, client):
    contact = carla(net)
    start = window.starts_at + 3 * 24 * H
    raw = CLIENTS_COUNTER[client](**{**itip_args(window, contact), 'starts_at': start,
                                     'ends_at': start + 4 * H}, comment='Prefer Sunday')
    message, _ = receive(raw)
    assert (message.kind, message.outcome) == ('counter', 'request-opened')
    request = RescheduleRequest.get(RescheduleRequest.inbound == message.id)
    assert (request.via, request.customer_id, request.contact_id, request.attendee) == (
        'calendar', net['globex'].id, contact.id, contact.email)
    assert request.sequence == window.sequence and 'Prefer Sunday' in request.reason
    assert [(p.starts_at, p.ends_at) for p in request.proposals] == [(start, start + 4 * H)]


def test_outlook_counter_in_a_windows_time_zone_gives_the_same_instants(net, window):
    contact = carla(net)
    start = window.starts_at + 5 * 24 * H
    receive(mail.outlook_counter(**{**itip_args(window, contact), 'starts_at': start,
                                    'ends_at': start + 2 * H}, tz='windows', via='smtp'))
    [request] = RescheduleRequest.select()
    assert [(p.starts_at, p.ends_at) for p in request.proposals] == [(start, start + 2 * H)]


@pytest.mark.parametrize('language, client, html, html_only', [
    ('pt', 'outlook', False, False), ('en', 'outlook', True, False),
    ('pt', 'gmail', True, False), ('en', 'gmail', False, False),
    ('pt', 'outlook', True, True), ('en', 'gmail', True, True),
])
def test_plain_replies_reach_the_window_without_the_quoted_notice(net, window, language,
                                                                  client, html, html_only):
    body = ('Podemos mudar para o domingo seguinte? Temos migração nesse dia.'
            if language == 'pt' else 'Could this move to the following Sunday? We migrate then.')
    quoted = f'{window.reference} Troca de cabo óptico: JAN-IPT-003 GX/CIRC/9 impacto OUTAGE'
    raw = mail.plain_reply(reference=window.reference, body=body, quoted_notice_text=quoted,
                           language=language, client=client, html=html, html_only=html_only,
                           sender=f'Carla Lima <{carla(net).email}>')
    message, _ = receive(raw)
    assert (message.kind, message.state, message.outcome) == ('message', 'handled',
                                                              'message-attached')
    assert message.window_id == window.id and message.customer_id == net['globex'].id
    assert body.split('?')[0] in message.body_text
    assert 'JAN-IPT-003' not in message.body_text          # the quote is left out
    assert message.reviewed_at is None


def test_a_reply_in_the_thread_is_matched_by_in_reply_to_without_a_reference(net, window):
    notice = OutboxMessage.get(OutboxMessage.recipient == carla(net).email)
    raw = mail.plain_reply(reference='', subject_prefix='Re:', body='ok, ciente',
                           quoted_notice_text='(sem referência)', in_reply_to=notice.message_id,
                           sender=f'Carla <{carla(net).email}>', original_subject='Aviso')
    message, _ = receive(raw)
    assert message.window_id == window.id and message.state == 'handled'


@pytest.mark.parametrize('sender', ['intruso@evil.example.net', 'ivo@initech.example.com',
                                    'sales@globex.example.com'])
def test_a_sender_who_is_not_a_contact_of_an_affected_customer_is_unmatched(net, window,
                                                                            sender):
    # Ivo is a contact, but Initech is not in this window; sales@ is Globex's and
    # Globex is in it, so that one is verified.
    message, _ = receive(mail.plain_reply(reference=window.reference, body='mudem isso',
                                          sender=f'X <{sender}>'))
    if sender.startswith('sales@'):
        assert message.state == 'handled' and message.verified
        return
    assert (message.state, message.verified, message.outcome) == (
        'unmatched', False, 'unknown-sender')
    assert message.window_id == window.id        # a hint for the NOC, not a match


def test_a_spoofed_calendar_reply_changes_nothing(net, window):
    raw = mail.outlook_reply(**itip_args(window, carla(net)), dtstamp=utcnow())
    raw = raw.replace(b'From: ', b'From: Mallory <mallory@evil.example.net>\r\nX-Old-From: ', 1)
    message, _ = receive(raw)
    assert message.state == 'unmatched' and not message.verified
    assert AttendeeAnswer.select().count() == 0


def test_mail_about_no_known_window_is_kept_unmatched(net, window):
    message, _ = receive(mail.plain_reply(reference='MW-2019-00001', body='?',
                                          sender=f'Carla <{carla(net).email}>'))
    assert (message.state, message.outcome, message.window_id) == ('unmatched', 'no-window',
                                                                    None)
    counter, _ = receive(mail.google_counter(uid='unknown@x', attendee=carla(net).email))
    assert (counter.state, counter.outcome) == ('unmatched', 'unknown-event')


def test_the_same_message_twice_is_handled_once(net, window):
    raw = mail.thunderbird_counter(**{**itip_args(window, carla(net)),
                                      'starts_at': window.starts_at + 50 * H,
                                      'ends_at': window.starts_at + 52 * H},
                                   message_id='<dup-1@x>')
    first, new = receive(raw)
    again, new_again = receive(raw)
    assert new and not new_again and first.id == again.id
    assert InboundMessage.select().count() == 1 and RescheduleRequest.select().count() == 1


@pytest.mark.parametrize('make', [
    mail.garbage_no_headers, mail.garbage_binary, mail.garbage_missing_boundary,
    mail.garbage_truncated_base64, mail.garbage_invalid_ical, mail.garbage_no_message_id,
    mail.garbage_huge_header, mail.garbage_latin1,
    lambda: mail.garbage_invalid_ical(kind='bad_dtstart'),
    lambda: mail.garbage_latin1(charset='windows-1252', declared=False),
])
def test_garbage_is_kept_and_the_next_message_still_goes_through(net, window, make):
    raw = make()
    message, new = receive(raw)
    assert new and message.state in ('handled', 'unmatched', 'error')
    stored = InboundMessage.get_by_id(message.id)
    assert stored.raw_bytes                          # kept whole
    if make in (mail.garbage_invalid_ical, mail.garbage_missing_boundary):
        assert stored.error                          # shown to the NOC
    following, _ = receive(mail.outlook_reply(**itip_args(window, carla(net)),
                                              dtstamp=utcnow()))
    assert following.outcome == 'answer-applied'


def test_binary_garbage_is_stored_byte_for_byte(net, window):
    raw = mail.garbage_binary()
    message, _ = receive(raw)
    assert InboundMessage.get_by_id(message.id).raw_bytes == raw


@pytest.mark.parametrize('make', [mail.bounce_postfix, mail.bounce_exchange, mail.bounce_gmail])
def test_a_bounce_marks_the_address_failing_on_the_window_and_the_contact(net, window, make):
    notice = OutboxMessage.get(OutboxMessage.recipient == 'ana@acme.example.com')
    message, _ = receive(make(original_message_id=notice.message_id,
                              failed_recipient=notice.recipient))
    assert (message.kind, message.outcome) == ('bounce', 'bounce-recorded')
    ana = Contact.get_by_id(net['contacts']['ana'].id)
    assert ana.bounced_at is not None and ana.bounce_reason
    assert answers.answer_of(window, ana).bounced_at is not None
    assert AttendeeAnswer.select().where(AttendeeAnswer.bounced_at.is_null(False)).count() == 1


def test_a_delayed_delivery_report_flags_nothing(net, window):
    notice = OutboxMessage.get(OutboxMessage.recipient == 'carla@globex.example.com')
    message, _ = receive(mail.delayed_dsn(original_message_id=notice.message_id,
                                          failed_recipient=notice.recipient))
    assert (message.kind, message.outcome) == ('delay', 'delivery-delayed')
    assert Contact.get_by_id(carla(net).id).bounced_at is None


@pytest.mark.parametrize('make', [mail.out_of_office_outlook, mail.vacation_gmail,
                                  mail.autoreply_generic])
def test_auto_replies_are_kept_and_change_nothing(net, window, make):
    notice = OutboxMessage.get(OutboxMessage.recipient == 'ana@acme.example.com')
    message, _ = receive(make(original_message_id=notice.message_id,
                              original_subject=notice.subject))
    assert (message.kind, message.outcome) == ('auto-reply', 'auto-reply')
    assert message.reviewed_at is not None
    assert AttendeeAnswer.select().count() == 0 and RescheduleRequest.select().count() == 0


def test_a_handler_failure_keeps_the_message_with_its_error(net, window, monkeypatch):
    from noc.maintenance import inbox

    def broken(*args, **kwargs):
        raise RuntimeError('boom')
    monkeypatch.setattr(inbox, 'handle', broken)
    message, _ = receive(mail.outlook_reply(**itip_args(window, carla(net))))
    assert message.state == 'error' and 'boom' in message.error
    monkeypatch.undo()
    InboundMessage.update(state='new').where(InboundMessage.id == message.id).execute()
    [again] = inbound.process_pending()
    assert again.outcome == 'answer-applied'


def test_the_message_is_parsed_outside_any_transaction(net, window, monkeypatch):
    # Parsing (MIME, iCalendar; seconds for some HTML-only mail) holds no lock:
    # on SQLite a write transaction would lock the whole database meanwhile.
    import sqlite3

    import peewee

    from noc.core.db import database
    from noc.mail import reading
    parse, seen = reading.read, []

    def watched(raw):
        assert not database.in_transaction()
        if isinstance(database.obj, peewee.SqliteDatabase):
            other = sqlite3.connect(database.obj.database, timeout=0)
            try:        # another connection may write now
                other.execute('BEGIN IMMEDIATE')
                other.execute('ROLLBACK')
            finally:
                other.close()
        seen.append(raw)
        return parse(raw)
    monkeypatch.setattr(reading, 'read', watched)
    message, new = receive(mail.outlook_reply(**itip_args(window, carla(net)), dtstamp=utcnow()))
    assert new and seen and message.outcome == 'answer-applied'
    assert AttendeeAnswer.get().partstat == 'ACCEPTED'


def test_a_message_another_worker_handled_meanwhile_is_left_alone(net, window, monkeypatch):
    # Parsed while still 'new'; handled by someone else before the lock: not again.
    from noc.mail import reading
    parse = reading.read

    def meanwhile(raw):
        InboundMessage.update(state='handled', outcome='by-another').execute()
        return parse(raw)
    monkeypatch.setattr(reading, 'read', meanwhile)
    message, _ = receive(mail.outlook_reply(**itip_args(window, carla(net)), dtstamp=utcnow()))
    assert message.outcome == 'by-another' and not AttendeeAnswer.select().exists()
