"""Telling a customer that the NOC declined their request to move a window.

A move or a split is told by the windows' own notices (an update to
everyone, or a cancellation and a new invitation). A refusal is told here:
to the attendee of a calendar COUNTER as an iTIP DECLINECOUNTER with the
reason, so the calendar drops the proposal; otherwise as a message to the
contact who asked, or, for a request made on the customer page, to the
customer's maintenance contacts. Written to the outbox in the decision's
transaction.
"""
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from noc.mail import compose, outbox
from noc.maintenance import ical, links, notices
from noc.models import Contact, Customer, MessageKind, RescheduleVia


def _recipients(request):
    if request.contact_id:
        contact = Contact.get_or_none(Contact.id == request.contact_id)
        if contact:
            return [contact]
    return notices.recipients([request.customer_id]).get(request.customer_id, [])


def _message(request, contact, now, settings):
    window = request.window
    customer = Customer.get_by_id(request.customer_id)
    sender = tuple(settings.sender)
    language = contact.language
    row = links.state(window, customer.id)
    with force_locale(language):
        context = dict(request=request, window=window, customer=customer,
                       proposals=request.proposals, language=language,
                       zone=contact.time_zone, when=notices.when,
                       operator=settings.operator_name, from_address=sender[1],
                       greeting=_('Hello, %(name)s,', name=contact.name),
                       page_url=(links.url(row, settings.secret_key, settings.base_url)
                                 if not row.link_revoked_at else None))
        label = _('Request to move declined')
        subject = f'[{window.reference}] {label}: {window.title(language)}'
        text = render_template('email/declined.txt', **context)
        html = render_template('email/declined.html', **context)
    counter = request.via == RescheduleVia.CALENDAR and request.attendee
    method = 'DECLINECOUNTER' if counter else ''
    ics = ''
    if counter:
        ics = ical.decline_counter(window, sender, (contact.name, request.attendee),
                                   request.sequence, now, request.decision_reason)
    msgid = compose.message_id(settings.provider)
    raw = compose.build(sender=sender, recipient=(contact.name, request.attendee if counter
                                                  else contact.email),
                        subject=subject, text=text, html=html, ics=ics, method=method,
                        stamp=now, msgid=msgid, filename=f'{window.reference}.ics',
                        language='pt-BR' if language == 'pt_BR' else 'en',
                        headers={'X-Janela-Maintenance': window.reference})
    return dict(window=window.id, customer=customer.id, contact=contact.id,
                recipient=request.attendee if counter else contact.email,
                kind=MessageKind.DECLINED, method=method, sequence=request.sequence,
                subject=subject[:400], message_id=msgid, raw=raw, ics=ics,
                next_attempt_at=now, created_at=now)


def preview_declined(request):
    """(customers, contacts) queue_declined would mail; writes nothing."""
    contacts = len(_recipients(request))
    return (1 if contacts else 0), contacts


def queue_declined(request, now, settings):
    """Queue the refusal's letters; `settings` the maintenance settings (sender,
    operator, provider, the page link's key and address)."""
    rows = [_message(request, contact, now, settings) for contact in _recipients(request)]
    outbox.enqueue_many(rows)
    return len(rows)
