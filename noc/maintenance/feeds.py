"""A customer's secret calendar feed: every published window on their circuits.

The token in the address is the only key (calendar apps cannot log in), so
it is long and random, one customer has at most one that works, and
re-issuing or revoking it ends the old address at once. The feed shows a
customer what their notices told them: their own circuits and ids, in their
notice language; never a TENTATIVE window, which nobody outside the NOC saw.
"""
import datetime
import re
import secrets

from noc.core.db import lock_rows, write_transaction
from noc.maintenance import ical
from noc.models import CalendarFeed, Circuit, Customer, MaintenanceWindow, WindowCircuit, audit, utcnow
from noc.models import WindowStatus as S

# How long finished and cancelled windows stay in the feed.
KEEP_DAYS = 90
# What token_urlsafe makes (43 characters for 32 bytes); anything else is not a token.
TOKEN = re.compile(r'^[A-Za-z0-9_-]{20,64}$')
PATH = '/feeds/{token}.ics'


def active(customer):
    """The customer's working feed, or None."""
    return (CalendarFeed.select()
            .where((CalendarFeed.customer == customer) & CalendarFeed.revoked_at.is_null())
            .order_by(CalendarFeed.id.desc()).first())


def find(token):
    """The working feed of a token, or None (unknown, malformed or revoked)."""
    if not isinstance(token, str) or not TOKEN.match(token):
        return None
    return (CalendarFeed.select()
            .where((CalendarFeed.token == token) & CalendarFeed.revoked_at.is_null())
            .first())


def _revoke_all(customer, now):
    """Revoke every working feed of the customer; returns their ids.

    The customer's row is locked first (PostgreSQL), so two engineers issuing
    at once take turns and leave one working feed, not two.
    """
    lock_rows(Customer.select(Customer.id).where(Customer.id == customer.id)).first()
    ids = [f.id for f in CalendarFeed.select(CalendarFeed.id).where(
        (CalendarFeed.customer == customer) & CalendarFeed.revoked_at.is_null())]
    if ids:
        (CalendarFeed.update(revoked_at=now)
         .where(CalendarFeed.id.in_(ids)).execute())
    return ids


def issue(customer, actor, now=None):
    """A new feed for the customer; the old address (if any) stops working."""
    now = now or utcnow()
    with write_transaction():
        revoked = _revoke_all(customer, now)
        feed = CalendarFeed.create(customer=customer, token=secrets.token_urlsafe(32),
                                   created_at=now)
        # The token is a password: the log keeps which feed, never the token.
        audit.record(actor, audit.Action.ISSUE, audit.Entity.CALENDAR_FEED, feed.id, customer.account_id,
                     {'feeds': revoked} if revoked else None, {'feed': feed.id})
    return feed


def revoke(customer, actor, now=None):
    """End the customer's feed; returns how many addresses stopped working (0 or 1)."""
    now = now or utcnow()
    with write_transaction():
        revoked = _revoke_all(customer, now)
        if revoked:
            audit.record(actor, audit.Action.REVOKE, audit.Entity.CALENDAR_FEED, revoked[-1],
                         customer.account_id, {'feeds': revoked}, None)
    return len(revoked)


def windows_of(customer, now):
    """[(window, [(circuit, effective impact)])] the customer's feed shows, by start."""
    since = now - datetime.timedelta(days=KEEP_DAYS)
    W = MaintenanceWindow
    shown = (W.status.in_((S.CONFIRMED, S.IN_PROCESS))
             | ((W.status == S.COMPLETED) & (W.ends_at >= since))
             # A window cancelled while TENTATIVE (SEQUENCE 0) was never published.
             | ((W.status == S.CANCELLED) & (W.ends_at >= since) & (W.sequence > 0)))
    links = (WindowCircuit.select(WindowCircuit, W, Circuit)
             .join(W).switch(WindowCircuit).join(Circuit)
             .where((Circuit.customer == customer) & shown)
             .order_by(W.starts_at, W.id, Circuit.circuit_id))
    found = {}
    for link in links:
        window = link.window
        found.setdefault(window.id, (window, []))[1].append(
            (link.circuit, link.impact or window.impact))
    return list(found.values())


def feed_ics(customer, now=None, *, settings):
    """The customer's feed as text/calendar."""
    now = now or utcnow()
    organizer = tuple(settings.sender)
    language = customer.notice_language
    events = []
    for window, circuits in windows_of(customer, now):
        objects = [(c.customer_ref or c.circuit_id, impact) for c, impact in circuits]
        events.append(ical.vevent(
            window, settings.provider, customer.account_id, organizer, objects,
            status=window.status, sequence=window.sequence, stamp=now,
            summary=f'{window.reference} {window.title(language)}',
            description=window.description(language)))
    return ical.feed(events, f'{settings.operator_name} · {customer.name}')


def url(token, base_url):
    """(http(s) address, webcal address) of a feed under Janela's public address."""
    address = base_url.rstrip('/') + PATH.format(token=token)
    return address, re.sub(r'^https?://', 'webcal://', address)
