"""What customers answered about a window: acknowledgements, attendees'
iTIP answers, and addresses that bounce.

A customer has acknowledged a window when someone acknowledged it on the
customer page, or one of its contacts accepted (or tentatively accepted)
the invitation, since the window last moved: an answer about other times
is not an answer about these. Attendees' answers keep the SEQUENCE and
DTSTAMP of the reply on record, so a reply that arrives late and old never
overrides a newer one (RFC 5546 §2.1.5). An answer claiming a SEQUENCE
no notice carried, or a DTSTAMP not yet come, is never applied (`ahead`):
it would outrank every genuine answer after it.
"""
import datetime

import peewee as pw
from flask_babel import lazy_gettext as _l

from noc.core.db import database
from noc.core.limits import MAX_EMAIL, MAX_STAMP_AHEAD_MINUTES
from noc.maintenance import links, notices, windows
from noc.models import (
    AttendeeAnswer,
    Circuit,
    Contact,
    MaintenanceWindow,
    MessageKind,
    WindowCircuit,
    WindowCustomer,
    WindowStatus,
    audit,
    utcnow,
)


def acknowledged(row, window):
    return bool(row and row.acknowledged_at and
                row.acknowledged_sequence >= window.times_sequence)


def why_not_acknowledge(window, customer_id):
    """None when the customer can acknowledge the window; else 'not-affected' (its
    circuits left the window) or 'over' (cancelled or done: nothing to acknowledge)."""
    if customer_id not in customers_of(window):
        return 'not-affected'
    if window.status not in MaintenanceWindow.LIVE:
        return 'over'
    return None


def acknowledge(window, customer_id, by, via, now=None):
    """Record the customer's acknowledgement of the window as it is now (inside the
    caller's transaction: answer_commands.acknowledge and record_reply lock first)."""
    row = links.state(window, customer_id)
    (WindowCustomer.update(acknowledged_at=now or utcnow(), acknowledged_by=by[:254],
                           acknowledged_via=via, acknowledged_sequence=window.sequence)
     .where((WindowCustomer.window == window) & (WindowCustomer.customer == customer_id))
     .execute())
    return row


def contact_by_email(customer_id, email):
    """The customer's contact with this address (any case), or None; an address
    longer than any stored one names nobody."""
    if not email or len(email) > MAX_EMAIL:
        return None
    # Exact, case-insensitive: LIKE would read % and _ in an address as wildcards.
    return (Contact.select()
            .where((Contact.customer == customer_id)
                   & (pw.fn.LOWER(Contact.email) == email.lower()))
            .order_by(Contact.id).first())


def answer_of(window, contact):
    return AttendeeAnswer.get_or_none(window=window, contact=contact)


def _stamp_ahead(stamp, now):
    return stamp is not None and stamp > now + datetime.timedelta(minutes=MAX_STAMP_AHEAD_MINUTES)


def ahead(window, sequence, stamp, now):
    """Why an attendee's iTIP answer (REPLY, COUNTER) cannot be about what we
    sent, as {field: message}; {} when it can.

    A SEQUENCE above the window's: no notice carried it. A DTSTAMP later than
    `now` by more than MAX_STAMP_AHEAD_MINUTES: a moment that has not come.
    Applied, either would count as newer than every genuine answer after it.
    """
    if sequence is not None and sequence > window.sequence:
        return {'sequence': _l(
            'SEQUENCE %(sequence)d is above the window\'s (%(current)d): no notice we sent '
            'carried it', sequence=sequence, current=window.sequence)}
    if _stamp_ahead(stamp, now):
        return {'dtstamp': _l('DTSTAMP %(stamp)s is later than now', stamp=stamp.isoformat())}
    return {}


def newer(answer, sequence, stamp, *, window, now):
    """Whether a reply (SEQUENCE, DTSTAMP) supersedes the answer on record.

    The higher SEQUENCE wins; at equal SEQUENCE the later DTSTAMP. A reply
    without DTSTAMP (broken clients) counts only over one without either.
    An answer on record that is itself `ahead` of the window or of `now`
    (stored before such answers were held) outranks nothing.
    """
    if answer is None or answer.answered_at is None:
        return True
    if ahead(window, answer.sequence, answer.stamped_at, now):
        return True
    if sequence != answer.sequence:
        return sequence > answer.sequence
    if stamp is None:
        return answer.stamped_at is None
    return answer.stamped_at is None or stamp > answer.stamped_at


def record_bounce(window, contact, reason, now=None):
    """Mail to the contact bounced: flag it on the window and on the contact."""
    now = now or utcnow()
    reason = (reason or '')[:2000]
    with database.atomic():
        if window is not None:
            if answer_of(window, contact) is None:
                AttendeeAnswer.insert(window=window.id, contact=contact.id,
                                      bounced_at=now, bounce_reason=reason).execute()
            else:
                (AttendeeAnswer.update(bounced_at=now, bounce_reason=reason)
                 .where((AttendeeAnswer.window == window)
                        & (AttendeeAnswer.contact == contact)).execute())
        Contact.update(bounced_at=now, bounce_reason=reason).where(
            Contact.id == contact.id).execute()


def customer_states(window, customer_ids):
    """{customer id: WindowCustomer or None} without creating rows."""
    rows = {row.customer_id: row for row in WindowCustomer.select().where(
        (WindowCustomer.window == window)
        & WindowCustomer.customer.in_(list(customer_ids) or [-1]))}
    return {cid: rows.get(cid) for cid in customer_ids}


def answers(window):
    """{contact id: AttendeeAnswer} of the window."""
    return {a.contact_id: a for a in
            AttendeeAnswer.select().where(AttendeeAnswer.window == window)}


def customers_of(window):
    """Ids of the customers whose circuits the window holds."""
    return sorted({cid for (cid,) in Circuit.select(Circuit.customer)
                   .join(WindowCircuit, on=(WindowCircuit.circuit == Circuit.id))
                   .where(WindowCircuit.window == window).tuples()})


def unacknowledged(window, customer_ids):
    """The customers among `customer_ids` that have not acknowledged the window."""
    states = customer_states(window, customer_ids)
    return [cid for cid in customer_ids if not acknowledged(states[cid], window)]


def starting_soon_unacknowledged(now, hours=72):
    """[(window, [customer ids not acknowledged])] of published windows starting
    within `hours`, soonest first; windows where everyone acknowledged are left out."""
    found = []
    for window in (MaintenanceWindow.select()
                   .where((MaintenanceWindow.status == WindowStatus.CONFIRMED)
                          & (MaintenanceWindow.starts_at > now)
                          & (MaintenanceWindow.starts_at <= now + datetime.timedelta(hours=hours)))
                   .order_by(MaintenanceWindow.starts_at)):
        missing = unacknowledged(window, customers_of(window))
        if missing:
            found.append((window, missing))
    return found


def preview_reminder(window, *, settings):
    """(customers, contacts) remind_unacknowledged would mail now; writes nothing."""
    grouped = windows.by_customer(window)
    return notices.preview(window, {cid: grouped[cid]
                                    for cid in unacknowledged(window, list(grouped))}, settings)


def remind_unacknowledged(window, actor, now=None, *, settings):
    """Ask the customers that have not acknowledged, and only them, to do so.

    Returns how many notices were queued (0 when everyone acknowledged)."""
    now = now or utcnow()
    grouped = windows.by_customer(window)
    missing = unacknowledged(window, list(grouped))
    with database.atomic():
        queued = notices.queue(window, MessageKind.ACK_REQUEST,
                               {cid: grouped[cid] for cid in missing}, now, settings=settings)
        if missing:
            (WindowCustomer.update(ack_reminded_at=now)
             .where((WindowCustomer.window == window)
                    & WindowCustomer.customer.in_(missing)).execute())
        audit.record(actor, audit.Action.REMIND, audit.Entity.MAINTENANCE_WINDOW, window.id, window.reference,
                     None, {'customers': len(missing), 'notices': queued})
    return queued


def overview(window):
    """Per affected customer, for the window page: (Customer, circuits, WindowCustomer
    or None, acknowledged?, [(Contact, AttendeeAnswer or None)]), by name."""
    grouped = windows.by_customer(window)
    states = customer_states(window, list(grouped))
    given = answers(window)
    rows = []
    for customer, circuits, contacts in notices.audience(grouped):
        rows.append((customer, circuits, states[customer.id],
                     acknowledged(states[customer.id], window),
                     [(contact, given.get(contact.id)) for contact in contacts]))
    return rows
