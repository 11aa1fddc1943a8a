"""Who is told what about a window, and the notices written to the outbox.

Each affected customer's maintenance contacts get one message each, listing
only that customer's circuits, in the contact's language and time zone.
Contacts who chose invitations get an iTIP REQUEST/CANCEL naming them as
attendee, with the answer they gave about the window's current times kept,
and asked to answer (RSVP) only when theirs is still wanted; the others the
same VEVENT without METHOD, for their parsers. A customer's impact is the
worst of its own circuits' (MAINTNOTE §3.7.1.1), in the body as in the VEVENT.
"""
import zoneinfo
from collections import defaultdict

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from noc.core.i18n import time_text
from noc.mail import compose, outbox
from noc.maintenance import links
from noc.models import AttendeeAnswer, Contact, Customer, Impact, OutboxMessage, Partstat, Site
from noc.models import MessageKind as K
from noc.models import WindowStatus as S

# Stands for the personal greeting in a body rendered once for many contacts.
GREETING = '\x00greeting\x00'

# kind -> (iTIP method for invitations, MAINTNOTE status or None for the window's),
# in the order of MessageKind.NOTICES
KINDS = {
    K.NEW: ('REQUEST', None),
    K.UPDATED: ('REQUEST', None),
    K.RESCHEDULED: ('REQUEST', None),
    K.REMINDER: ('REQUEST', None),
    K.STARTING: ('REQUEST', S.IN_PROCESS),
    K.COMPLETED: ('REQUEST', S.COMPLETED),
    K.CANCELLED: ('CANCEL', S.CANCELLED),
    # Asks the customers that have not acknowledged to do so; nothing changed.
    K.ACK_REQUEST: ('REQUEST', None),
}
# Notices that carry the customer page link (acknowledge, ask for another date).
WITH_LINK = (K.NEW, K.UPDATED, K.RESCHEDULED, K.REMINDER, K.ACK_REQUEST)
# Notices that ask an invitee to answer (RSVP=TRUE) when no answer about the
# window's current times is on record; starting, completed and cancelled
# ones never ask.
ASK_ANSWER = (K.NEW, K.UPDATED, K.RESCHEDULED, K.REMINDER, K.ACK_REQUEST)


def recipients(customer_ids):
    """{customer id: [maintenance contacts]}; a customer without any gets nobody."""
    found = defaultdict(list)
    if customer_ids:
        for contact in (Contact.select()
                        .where(Contact.customer.in_(list(customer_ids))
                               & (Contact.role_maintenance == True))
                        .order_by(Contact.name)):
            found[contact.customer_id].append(contact)
    return found


def audience(window_circuits):
    """For the confirmation page: [(Customer, [(Circuit, impact)], [contacts])] by name."""
    customers = {c.id: c for c in Customer.select()
                 .where(Customer.id.in_(list(window_circuits) or [-1]))}
    contacts = recipients(window_circuits)
    return sorted(((customers[cid], circuits, contacts.get(cid, []))
                   for cid, circuits in window_circuits.items()),
                  key=lambda row: row[0].name.casefold())


def preview(window, by_customer, settings):
    """(customers, contacts) that queue() would mail about `window`, written nowhere:
    what a confirmation page tells before the action."""
    if not by_customer or not should_notify(window, settings):
        return 0, 0
    contacts = recipients(by_customer)
    return (sum(1 for cid in by_customer if contacts.get(cid)),
            sum(len(contacts.get(cid, ())) for cid in by_customer))


def should_notify(window, settings):
    return window.impact != Impact.NO_IMPACT or settings.notify_no_impact


def when(moment, zone_name, language):
    """'qua. 2026-12-10 23:00 UTC-03:00' in the reader's zone, the weekday in their
    language (i18n.time_text: in UTC when the zone cannot hold it)."""
    return time_text(moment, zone_name, language, weekday=True)


def local_date(moment, zone_name):
    """'2026-12-10': the day in the reader's zone (UTC's if it is past the calendar's end)."""
    try:
        moment = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    except OverflowError:
        pass
    return moment.strftime('%Y-%m-%d')


def attendee_answer(answer, window, kind):
    """(PARTSTAT, RSVP) of an invitee's ATTENDEE line: the answer on record while
    it is about the window's current times (times_sequence, as for
    acknowledgements), else NEEDS-ACTION; an answer asked only when none stands."""
    current = bool(answer and answer.answered_at and answer.partstat in Partstat.ANSWERS
                   and answer.sequence >= window.times_sequence)
    return (answer.partstat if current else Partstat.NEEDS_ACTION,
            kind in ASK_ANSWER and not current)


def _subject(kind, window, language, zone):
    labels = {
        K.NEW: _('New scheduled maintenance'), K.UPDATED: _('Maintenance updated'),
        K.RESCHEDULED: _('Maintenance rescheduled'), K.REMINDER: _('Reminder'),
        K.STARTING: _('Maintenance starting'), K.COMPLETED: _('Maintenance completed'),
        K.CANCELLED: _('Maintenance cancelled'),
        K.ACK_REQUEST: _('Please acknowledge'),
    }
    prefix = _('EMERGENCY') + ' ' if window.emergency else ''
    stamp = local_date(window.starts_at, zone)       # the day the body shows
    return f'[{window.reference}] {prefix}{labels[kind]}: {window.title(language)} ({stamp})'


def _intro(kind, operator, customer):
    if kind == K.NEW:
        return _('%(operator)s will carry out the maintenance below on circuits of '
                 '%(customer)s.', operator=operator, customer=customer.name)
    return {
        K.UPDATED: _('The maintenance below has changed. Please see the details that follow.'),
        K.RESCHEDULED: _('The maintenance below has been moved to a new date and time.'),
        K.REMINDER: _('Reminder: the maintenance below starts soon.'),
        K.STARTING: _('The maintenance below has started.'),
        K.COMPLETED: _('The maintenance below has been completed.'),
        K.CANCELLED: _('The maintenance below has been cancelled for your circuits; no work '
                         'will be done on them.'),
        K.ACK_REQUEST: _('We have not yet had your acknowledgement of the maintenance below, '
                           'which starts soon. Please acknowledge it, or tell us if the date '
                           'does not suit you.'),
    }[kind]


def _sites(circuits):
    ids = {c.a_site_id for c, _ in circuits} | {c.z_site_id for c, _ in circuits if c.z_site_id}
    return {s.id: s for s in Site.select(Site.id, Site.code, Site.city)
            .where(Site.id.in_(list(ids) or [-1]))}


class Composer:
    """Builds the notices of one event (one kind, one moment) for many contacts."""

    def __init__(self, window, kind, now, previous=None, page_urls=None, answers=None, *,
                 settings):
        self.window, self.kind, self.now, self.previous = window, kind, now, previous
        self.page_urls = page_urls or {}
        self.answers = answers or {}            # {contact id: AttendeeAnswer}
        self.method, status = KINDS[kind]
        self.status = status or window.status
        self.sender = tuple(settings.sender)
        self.provider = settings.provider
        self.operator = settings.operator_name
        self._cache, self._calendars = {}, {}

    def _bodies(self, customer, contact, circuits, sites):
        """Subject, text and HTML for a customer in one language and zone.

        Rendered once per (customer, language, zone) and shared by its
        contacts: only the greeting differs, and it is put in afterwards.
        At 2,000 contacts rendering is most of the cost of confirming.
        """
        key = (customer.id, contact.language, contact.time_zone)
        if key not in self._cache:
            language = contact.language
            with force_locale(language):
                operator = self.operator
                context = dict(window=self.window, kind=self.kind, customer=customer,
                               circuits=circuits, sites=sites, status=self.status,
                               previous=self.previous, language=language, when=when,
                               zone=contact.time_zone, operator=operator,
                               customer_impact=Impact.worst(
                                   (impact for _, impact in circuits), self.window.impact),
                               intro=_intro(self.kind, operator, customer),
                               greeting=GREETING, from_address=self.sender[1],
                               page_url=self.page_urls.get(customer.id))
                self._cache[key] = (_subject(self.kind, self.window, language,
                                             contact.time_zone),
                                    render_template('email/notice.txt', **context),
                                    render_template('email/notice.html', **context),
                                    _('Hello, %(name)s,'))
        return self._cache[key]

    def _calendar(self, customer, contact, circuits, method):
        """The VCALENDAR for a customer, language and method, without attendee."""
        from noc.maintenance import ical
        key = (customer.id, contact.language, contact.time_zone)
        if key not in self._calendars:
            language = contact.language
            text = self._bodies(customer, contact, circuits, None)[1]
            objects = [(c.customer_ref or c.circuit_id, impact) for c, impact in circuits]
            event = ical.vevent(
                self.window, self.provider, customer.account_id, self.sender, objects,
                status=self.status, sequence=self.window.sequence, stamp=self.now,
                summary=f'{self.window.reference} {self.window.title(language)}',
                description=text.replace(GREETING, '').lstrip())
            self._calendars[key] = ical.calendar(event)
        return ical.with_method(self._calendars[key], method)

    def notice(self, customer, contact, circuits, sites):
        """(subject, raw message, ics, method, message id) for one contact."""
        from noc.maintenance import ical
        language = contact.language
        subject, text, html, hello = self._bodies(customer, contact, circuits, sites)
        greeting = hello % {'name': contact.name}
        text = text.replace(GREETING, greeting)
        html = html.replace(GREETING, str(escape(greeting)))
        method = self.method if contact.notice_format == 'invitation' else ''
        ics = self._calendar(customer, contact, circuits, method)
        if method:
            partstat, rsvp = attendee_answer(self.answers.get(contact.id), self.window,
                                             self.kind)
            ics = ical.invite(ics, contact.name, contact.email, partstat, rsvp)
        msgid = compose.message_id(self.provider)
        raw = compose.build(
            sender=self.sender, recipient=(contact.name, contact.email), subject=subject,
            text=text, html=html, ics=ics, method=method, stamp=self.now, msgid=msgid,
            filename=f'{self.window.reference}.ics',
            language='pt-BR' if language == 'pt_BR' else 'en',
            headers={'X-Janela-Maintenance': self.window.reference})
        return subject, raw, ics, method, msgid


def reads_change(before, window, language):
    """Whether the title or description a reader of `language` gets has changed."""
    return ((before.title(language), before.description(language))
            != (window.title(language), window.description(language)))


def queue(window, kind, by_customer, now, previous=None, *, settings, text_before=None):
    """Write the notices of `kind` for the customers in `by_customer` to the outbox.

    Called inside the transaction of the change; returns how many were queued.
    `settings` the maintenance settings (maintenance.settings.Settings).
    `text_before`, the window before a change to its texts alone: only the
    contacts whose language's text changed are told.
    """
    if not by_customer or not should_notify(window, settings):
        return 0
    page_urls = {}
    if kind in WITH_LINK:
        page_urls = {cid: links.url(row, settings.secret_key, settings.base_url)
                     for cid, row in links.states(window, list(by_customer)).items()}
    answers = {a.contact_id: a for a in
               AttendeeAnswer.select().where(AttendeeAnswer.window == window.id)}
    composer = Composer(window, kind, now, previous, page_urls, answers, settings=settings)
    customers = {c.id: c for c in Customer.select()
                 .where(Customer.id.in_(list(by_customer)))}
    contacts = recipients(by_customer)
    sites = _sites([pair for circuits in by_customer.values() for pair in circuits])
    rows = []
    for customer_id, circuits in by_customer.items():
        for contact in contacts.get(customer_id, []):
            if text_before is not None and not reads_change(text_before, window,
                                                            contact.language):
                continue
            subject, raw, ics, method, msgid = composer.notice(
                customers[customer_id], contact, circuits, sites)
            rows.append(dict(window=window.id, customer=customer_id, contact=contact.id,
                             recipient=contact.email, kind=kind, method=method,
                             sequence=window.sequence, subject=subject[:400],
                             message_id=msgid, raw=raw, ics=ics, next_attempt_at=now,
                             created_at=now))
    outbox.enqueue_many(rows)
    return len(rows)


def messages_of(window):
    return (OutboxMessage.select().where(OutboxMessage.window == window)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))


