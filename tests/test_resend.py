"""Sending a notice again: a sent one as a new, re-stamped copy; a waiting one in place.

The helpers at the top build a small inventory and real windows through the
domain (input.parse, windows.create, windows.confirm); test_feeds and
test_outbox_web use them too.
"""
import datetime
import email
import email.utils
import json
import re

import icalendar
import pytest
from helpers.maintenance_fixtures import settings as area_settings

from noc.mail import outbox, resend
from noc.maintenance import input as window_input
from noc.maintenance import windows
from noc.models import (
    AuditLog,
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    MessageState,
    OutboxMessage,
    Segment,
    Site,
    utcnow,
)

UTC = datetime.timezone.utc
ZONE = 'America/Sao_Paulo'
ACTOR = 'test-engineer'
PROVIDER = 'janela.example.net'
CALENDAR_TYPES = ('text/calendar', 'application/ics')


def claimed(message):
    """`message` as a worker holds it: only the claim's holder may mark it."""
    (OutboxMessage.update(state=MessageState.SENDING, claimed_by='test-worker',
                          claimed_at=utcnow(), claim_token='test-claim')
     .where(OutboxMessage.id == message.id).execute())
    return OutboxMessage.get_by_id(message.id)


def build_inventory():
    """Two customers, their maintenance contacts, two sites, a span and three circuits.

    ACME (notices in English): Alice wants invitations, Bob plain notices (in
    Portuguese). OUTRA (Portuguese): Carla, plain.
    """
    pop_a = Site.create(code='POP-A', name='PoP A', city='Belo Horizonte', state='MG')
    pop_b = Site.create(code='POP-B', name='PoP B', city='Contagem', state='MG')
    span = Segment.create(code='SPAN-AB', name='Span A-B', kind='span', a_site=pop_a,
                          z_site=pop_b)
    acme = Customer.create(account_id='ACME-1', name='ACME Telecom', kind='isp',
                           notice_language='en')
    outra = Customer.create(account_id='OUT-2', name='Outra Rede', kind='isp',
                            notice_language='pt_BR')
    Contact.create(customer=acme, name='Alice', email='alice@acme.example',
                   role_maintenance=True, language='en', notice_format='invitation')
    Contact.create(customer=acme, name='Bob', email='bob@acme.example',
                   role_maintenance=True, language='pt_BR', notice_format='plain')
    Contact.create(customer=outra, name='Carla', email='carla@outra.example',
                   role_maintenance=True, language='pt_BR', notice_format='plain')
    circuits = {}
    for code, customer, ref in (('ACME-C1', acme, 'ACME-REF-1'), ('ACME-C2', acme, ''),
                                ('OUT-C1', outra, 'OUT-REF-9')):
        circuits[code] = Circuit.create(circuit_id=code, customer=customer, customer_ref=ref,
                                        service='ip-transit', a_site=pop_a, z_site=pop_b)
        CircuitSegment.create(circuit=circuits[code], segment=span)
    return {'acme': acme, 'outra': outra, 'circuits': circuits}


def make_window(circuits, days=12, title='Troca de fibra óptica', now=None, confirm=True,
                hours=2, **extra):
    """A window `days` ahead of `now` (local 01:00), created and (by default) confirmed."""
    now = now or utcnow()
    start = (now + datetime.timedelta(days=days)).astimezone(
        datetime.timezone(datetime.timedelta(hours=-3))).replace(hour=1, minute=0)
    end = start + datetime.timedelta(hours=hours)
    raw = {'title_pt': title, 'title_en': 'Fibre replacement ' + title[-3:],
           'description_pt': 'Substituição do cabo óptico entre POP-A e POP-B.',
           'description_en': 'Replacing the optical cable between POP-A and POP-B.',
           'starts_at': start.strftime('%Y-%m-%d %H:%M'),
           'ends_at': end.strftime('%Y-%m-%d %H:%M'), 'impact': 'OUTAGE',
           'outage_minutes': '30', 'circuits': '\n'.join(circuits)}
    raw.update(extra)
    values, errors = window_input.parse(raw, ZONE)
    assert not errors, errors
    window = windows.create(values, ACTOR, now=now, settings=area_settings())
    if confirm:
        windows.confirm(window, ACTOR, now=now, settings=area_settings())
    return window


def messages(window):
    return {m.recipient: m for m in OutboxMessage.select()
            .where(OutboxMessage.window == window).order_by(OutboxMessage.id)}


def calendar_parts(raw):
    """{content type: decoded calendar text} of a raw message."""
    msg = email.message_from_string(raw)
    return {part.get_content_type(): part.get_payload(decode=True).decode('utf-8')
            for part in msg.walk() if part.get_content_type() in CALENDAR_TYPES}


def dtstamp(ics):
    return re.search(r'^DTSTAMP:(\S+)\r$', ics, re.M).group(1)


def without_dtstamp(ics):
    return re.sub(r'^DTSTAMP:\S+\r\n', '', ics, flags=re.M)


@pytest.fixture
def sent(ctx):
    """A confirmed window whose three notices the server accepted yesterday."""
    inventory = build_inventory()
    created = utcnow() - datetime.timedelta(days=1)
    window = make_window(['ACME-C1', 'ACME-C2', 'OUT-C1'], now=created)
    found = messages(window)
    assert set(found) == {'alice@acme.example', 'bob@acme.example', 'carla@outra.example'}
    for message in found.values():
        outbox.mark_sent(claimed(message), '250 ok', now=created)
    return inventory, window, messages(window)


@pytest.mark.parametrize('recipient, method', [('alice@acme.example', 'REQUEST'),
                                               ('bob@acme.example', '')])
def test_sent_message_goes_again_as_a_new_restamped_copy(sent, recipient, method):
    _, window, found = sent
    old = found[recipient]
    assert old.method == method and old.state == 'sent'
    now = utcnow().replace(microsecond=0) + datetime.timedelta(minutes=3)
    before_count = OutboxMessage.select().count()

    new = resend.resend(old.id, ACTOR, PROVIDER, now=now)

    assert new.id != old.id and OutboxMessage.select().count() == before_count + 1
    assert OutboxMessage.get_by_id(old.id).state == 'sent'          # the original is kept
    assert new.state == 'queued' and new.next_attempt_at == now and new.attempts == 0
    for name in ('window_id', 'customer_id', 'contact_id', 'recipient', 'kind', 'method',
                 'sequence', 'subject'):
        assert getattr(new, name) == getattr(old, name), name
    old_msg, new_msg = email.message_from_string(old.raw), email.message_from_string(new.raw)
    assert new.message_id != old.message_id
    assert new_msg['Message-ID'] == new.message_id != old_msg['Message-ID']
    assert email.utils.parsedate_to_datetime(new_msg['Date']) == now
    assert new_msg['Date'] != old_msg['Date']
    for header in ('From', 'To', 'Subject', 'X-Janela-Maintenance', 'Auto-Submitted'):
        assert new_msg[header] == old_msg[header], header
    # The text is untouched.
    old_text = [p.get_payload(decode=True) for p in old_msg.walk()
                if p.get_content_type() in ('text/plain', 'text/html')]
    assert old_text == [p.get_payload(decode=True) for p in new_msg.walk()
                        if p.get_content_type() in ('text/plain', 'text/html')]
    # Both calendar parts: the same new calendar, only its DTSTAMP fresh.
    old_parts, new_parts = calendar_parts(old.raw), calendar_parts(new.raw)
    assert set(new_parts) == set(CALENDAR_TYPES)
    assert new_parts['text/calendar'] == new_parts['application/ics'] == new.ics
    assert dtstamp(new.ics) == now.strftime('%Y%m%dT%H%M%SZ') != dtstamp(old.ics)
    assert without_dtstamp(new.ics) == without_dtstamp(old_parts['text/calendar'])
    event = icalendar.Calendar.from_ical(new.ics).walk('VEVENT')[0]
    assert str(event['UID']) == window.uid and int(event['SEQUENCE']) == old.sequence == 0
    assert event.decoded('DTSTAMP') == now
    # The inline part still declares the method it carries (or none).
    inline = next(p for p in new_msg.walk() if p.get_content_type() == 'text/calendar')
    assert inline.get_param('method') == (method or None)
    # The audit log says who sent what again.
    entry = AuditLog.get((AuditLog.action == 'resend') & (AuditLog.entity_id == old.id))
    assert (entry.entity, entry.username) == ('outbox_message', ACTOR)
    assert json.loads(entry.after_json)['resent_as'] == new.id


def test_failed_message_is_requeued_in_place(sent):
    _, _, found = sent
    message = found['carla@outra.example']
    (OutboxMessage.update(state=MessageState.FAILED, last_error='550 5.1.1 no such user')
     .where(OutboxMessage.id == message.id).execute())
    now = utcnow().replace(microsecond=0)
    count = OutboxMessage.select().count()

    again = resend.resend(message.id, ACTOR, PROVIDER, now=now)

    assert again.id == message.id and OutboxMessage.select().count() == count
    assert (again.state, again.last_error, again.next_attempt_at) == ('queued', '', now)
    assert again.raw == message.raw and again.message_id == message.message_id
    entry = AuditLog.get((AuditLog.action == 'resend') & (AuditLog.entity_id == message.id))
    assert json.loads(entry.before_json)['state'] == 'failed'
    assert json.loads(entry.after_json)['state'] == 'queued'


def test_waiting_message_goes_now(ctx):
    build_inventory()
    window = make_window(['OUT-C1'])
    message = messages(window)['carla@outra.example']
    later = utcnow() + datetime.timedelta(minutes=20)
    outbox.mark_retry(claimed(message), '451 try later', 72, 30, now=later - datetime.timedelta(
        minutes=1))
    assert OutboxMessage.get_by_id(message.id).next_attempt_at > utcnow()
    now = utcnow().replace(microsecond=0)
    again = resend.resend(message.id, ACTOR, PROVIDER, now=now)
    assert again.id == message.id and again.next_attempt_at == now
    assert AuditLog.select().where(AuditLog.action == 'resend').count() == 1


def test_message_being_sent_is_refused(ctx):
    build_inventory()
    window = make_window(['OUT-C1'])
    [claimed] = outbox.claim('worker-1', 10, 300)
    with pytest.raises(resend.ResendRefused):
        resend.resend(claimed.id, ACTOR, PROVIDER)
    assert OutboxMessage.get_by_id(claimed.id).state == 'sending'
    assert AuditLog.select().where(AuditLog.action == 'resend').count() == 0
    assert messages(window)['carla@outra.example'].id == claimed.id


def test_superseded_notice_is_not_sent_again(sent):
    _, window, found = sent
    windows.cancel(window, ACTOR, reason='weather', settings=area_settings())
    latest = OutboxMessage.get((OutboxMessage.recipient == 'bob@acme.example')
                               & (OutboxMessage.kind == 'cancelled'))
    assert latest.sequence == 1
    outbox.mark_sent(claimed(latest), '250 ok')
    with pytest.raises(resend.ResendRefused):
        resend.resend(found['bob@acme.example'].id, ACTOR, PROVIDER)
    copy = resend.resend(latest.id, ACTOR, PROVIDER)
    assert copy.id != latest.id and copy.kind == 'cancelled' and copy.sequence == 1
    assert 'STATUS:CANCELLED' in copy.ics
