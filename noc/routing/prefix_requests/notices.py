"""Telling an ISP's BGP contacts what happened to the prefixes they asked for.

One message per request and event (checked, approved, configured, withdrawn,
rejected, changed by revalidation) to every contact with the BGP role, in
that contact's language, written to the outbox in the transaction of the
change. A customer without BGP contacts gets nothing (the NOC sees it on the
request page). Who the mail comes from is a routing.settings.Sender, passed in.
"""
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from noc.mail import compose, outbox
from noc.models import Contact, Customer, MessageKind
from noc.models.routing import PrefixState
from noc.routing.labels import reference
from noc.routing.policy import verdict
from noc.routing.prefix_requests import wording


def contacts(customer_id):
    return list(Contact.select().where((Contact.customer == customer_id)
                                       & (Contact.role_bgp == True))
                .order_by(Contact.name))


def _subject(event):
    # Literal msgids so the catalogue carries them.
    return {PrefixState.CHECKED: _('Prefix request checked'),
            PrefixState.APPROVED: _('Prefixes approved'),
            PrefixState.CONFIGURED: _('Prefixes configured on our routers'),
            PrefixState.WITHDRAWN: _('Prefixes withdrawn'),
            PrefixState.REJECTED: _('Prefixes rejected'),
            'changed': _('Validation of your prefixes changed')}[event]


def _headers(ref, sender):
    headers = {'X-Janela-Prefix-Request': ref}
    if sender.reply_to:
        # A reply ("what is the state now?") reaches the BGP mailbox, which answers it.
        headers['Reply-To'] = sender.reply_to
    return headers


def _message(request, rows, event, contact, customer, now, sender, reason, changes):
    language = contact.language
    ref = reference(request.id)
    with force_locale(language):
        context = dict(request=request, reference=ref, rows=rows, event=event,
                       customer=customer, reason=reason, changes=changes or {},
                       circuit=request.circuit, message=verdict.message,
                       **wording.helpers(),
                       language=language, operator=sender.operator,
                       from_address=sender.address,
                       greeting=_('Hello, %(name)s,', name=contact.name))
        subject = f'[{ref}] {_subject(event)}'
        text = render_template('email/prefixes.txt', **context)
        html = render_template('email/prefixes.html', **context)
    msgid = compose.message_id(sender.provider)
    raw = compose.build(sender=(sender.name, sender.address),
                        recipient=(contact.name, contact.email), subject=subject,
                        text=text, html=html, ics='', method='', stamp=now, msgid=msgid,
                        filename='', language='pt-BR' if language == 'pt_BR' else 'en',
                        headers=_headers(ref, sender))
    return dict(window=None, customer=customer.id, contact=contact.id, recipient=contact.email,
                kind=MessageKind.PREFIX, method='', sequence=0, subject=subject[:400], message_id=msgid,
                raw=raw, ics='', next_attempt_at=now, created_at=now)


def queue(request, rows, event, now, sender, reason='', changes=None):
    """Write the message about `rows` (TrackedPrefix of `request`) from
    `sender` (routing.settings.Sender) -> count."""
    customer = Customer.get_by_id(request.customer_id)
    messages = [_message(request, rows, event, contact, customer, now, sender, reason, changes)
                for contact in contacts(customer.id)]
    outbox.enqueue_many(messages)
    return len(messages)
