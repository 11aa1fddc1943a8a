"""Commands on customers' answers about a window: an acknowledgement from the
customer page, an attendee's calendar answer (iTIP REPLY), the NOC's
reminder to those that have not acknowledged, and the customer page link
(revoke it, issue a new one).

Each finds its rows (NotFound for an id that names none, or a customer the
window is not about), locks what it changes inside one write transaction,
applies the limits and the rules, and writes the change with its audit and
outbox rows; a refusal is one AnswerRefused.
"""
from flask_babel import lazy_gettext as _l

from noc.core.db import lock_rows, write_transaction
from noc.core.errors import CONFLICT, INVALID, NotFound, Refused
from noc.core.limits import MAX_COMMENT, MAX_ID
from noc.core.text import clean_text
from noc.maintenance import answers, links
from noc.models import (
    AcknowledgedVia,
    AttendeeAnswer,
    Contact,
    Customer,
    MaintenanceWindow,
    Partstat,
    WindowCustomer,
    WindowStatus,
    utcnow,
)


class AnswerRefused(Refused):
    """An answer or a link change refused. `reason` says why in one word for
    pages that explain it their own way: 'not-affected' (the customer's
    circuits left the window), 'over' (cancelled or done), 'changed' (the
    window changed since the customer read it), 'ahead' (a calendar answer
    claims a SEQUENCE or a DTSTAMP no notice of ours had: answers.ahead), or ''
    (a field is wrong)."""

    def __init__(self, errors=None, reason='', kind=INVALID):
        self.reason = reason
        super().__init__(errors, kind=kind)


def _find(model, row_id, what, lock=False):
    if isinstance(row_id, bool) or not isinstance(row_id, int) or not 1 <= row_id <= MAX_ID:
        raise NotFound(what)
    query = model.select().where(model.id == row_id)
    row = (lock_rows(query) if lock else query).first()
    if row is None:
        raise NotFound(what)
    return row


def _about(window, customer_id):
    """Whether the window is about the customer: its circuits are in it now, or it
    was told about it (then removed)."""
    return customer_id in answers.customers_of(window) or WindowCustomer.select().where(
        (WindowCustomer.window == window.id) & (WindowCustomer.customer == customer_id)).exists()


def _locked_state(window, customer_id):
    """The customer's WindowCustomer row of the window (made if missing), locked."""
    links.state(window, customer_id)
    return lock_rows(WindowCustomer.select().where(
        (WindowCustomer.window == window.id) & (WindowCustomer.customer == customer_id))).get()


def acknowledge(window_id, customer_id, *, seen_sequence=None, contact_id=None,
                via=AcknowledgedVia.PAGE, now=None):
    """The customer acknowledges the window as it is now; True when recorded,
    False when it had already acknowledged these times.

    `seen_sequence` the SEQUENCE of the window the customer read (None: not
    checked): a window that changed since is refused, as what was read is not
    it. `contact_id` the customer's contact who acknowledged; without one, who
    did is recorded as AcknowledgedVia.PAGE (someone using the page).
    """
    now = now or utcnow()
    with write_transaction():
        # The window locked: a NOC move in between would change what is acknowledged.
        window = _find(MaintenanceWindow, window_id, 'maintenance window', lock=True)
        contact = None
        if contact_id is not None:
            contact = _find(Contact, contact_id, 'contact')
            if contact.customer_id != customer_id:
                raise NotFound('contact')
        why = answers.why_not_acknowledge(window, customer_id)
        if why == 'not-affected':
            raise AnswerRefused({'acknowledge': _l(
                'Your circuits are no longer in this maintenance; there is nothing to '
                'acknowledge.')}, why, 'conflict')
        if why == 'over':
            raise AnswerRefused({'acknowledge': _l(
                'There is nothing to acknowledge: this maintenance is %(status)s.',
                status=str(WindowStatus.label(window.status)).lower())}, why, 'conflict')
        row = _locked_state(window, customer_id)
        if answers.acknowledged(row, window):
            return False
        if seen_sequence is not None and seen_sequence != window.sequence:
            raise AnswerRefused({'acknowledge': _l(
                'This maintenance changed while the page was open; read it again, then '
                'acknowledge.')}, 'changed', 'conflict')
        by = contact.email if contact else AcknowledgedVia.PAGE
        answers.acknowledge(window, customer_id, by, via, now)
    return True


def record_reply(window_id, contact_id, partstat, sequence, stamp, comment='', inbound_id=None,
                 now=None):
    """An attendee's iTIP answer (SEQUENCE, DTSTAMP as the reply has them); False when
    the answer on record is newer (RFC 5546 §2.1.5). An acceptance of the window's
    current times acknowledges it for the attendee's customer. An answer
    `answers.ahead` of the window or of `now` is refused (reason 'ahead',
    errors on 'sequence' or 'dtstamp'): it is held for the NOC, never applied."""
    now = now or utcnow()
    errors = {}
    if '\x00' in (comment or ''):
        errors['comment'] = _l('contains a NUL character; send plain text')
    comment = clean_text(comment).replace('\r\n', '\n')
    if partstat not in Partstat.ANSWERS:
        errors['partstat'] = _l('one of %(values)s', values=', '.join(Partstat.ANSWERS))
    if len(comment) > MAX_COMMENT:
        errors['comment'] = _l('is too long (%(length)d characters; at most %(max)d)',
                               length=len(comment), max=MAX_COMMENT)
    if errors:
        raise AnswerRefused(errors)
    with write_transaction():
        # The window's lock makes two replies about it take turns (the newer wins),
        # and only them: a reply about another window does not wait behind these.
        window = _find(MaintenanceWindow, window_id, 'maintenance window', lock=True)
        contact = _find(Contact, contact_id, 'contact')
        if not _about(window, contact.customer_id):
            raise NotFound('contact')       # never an answer, or a link row, for a stranger
        # Never applied, whoever sent it: an answer to no notice we sent.
        unverified = answers.ahead(window, sequence, stamp, now)
        if unverified:
            raise AnswerRefused(unverified, 'ahead', CONFLICT)
        answer = answers.answer_of(window, contact)
        if not answers.newer(answer, sequence, stamp, window=window, now=now):
            return False
        values = dict(partstat=partstat, sequence=sequence, stamped_at=stamp, comment=comment,
                      answered_at=now, inbound=inbound_id)
        if answer is None:
            AttendeeAnswer.insert(window=window.id, contact=contact.id, **values).execute()
        else:
            (AttendeeAnswer.update(**values)
             .where((AttendeeAnswer.window == window) & (AttendeeAnswer.contact == contact))
             .execute())
        if partstat in Partstat.ACKNOWLEDGING and sequence >= window.times_sequence:
            _locked_state(window, contact.customer_id)
            answers.acknowledge(window, contact.customer_id, contact.email,
                                AcknowledgedVia.CALENDAR, now)
    return True


def remind(window_id, actor, *, settings, now=None):
    """Ask the customers that have not acknowledged the window, and only them, to
    do so; returns how many notices were queued (0 when everyone had).
    `settings` the maintenance settings the notices need."""
    now = now or utcnow()
    with write_transaction():
        window = _find(MaintenanceWindow, window_id, 'maintenance window', lock=True)
        if window.status != WindowStatus.CONFIRMED:
            raise AnswerRefused({'window': _l(
                'Only a confirmed window that has not started asks for acknowledgements.')},
                kind=CONFLICT)
        return answers.remind_unacknowledged(window, actor, now, settings=settings)


def _customer_link(window_id, customer_id):
    """(window, customer, its link row locked) for a customer the window is or was
    about; any other customer reads as missing."""
    window = _find(MaintenanceWindow, window_id, 'maintenance window')
    if isinstance(customer_id, bool) or not isinstance(customer_id, int) \
            or customer_id not in answers.customers_of(window):
        raise NotFound('customer')
    customer = Customer.get_by_id(customer_id)
    _locked_state(window, customer_id)
    return window, customer


def revoke_link(window_id, customer_id, actor, now=None):
    """Kill the customer's page link to the window; `issue_link` makes a new one.
    Returns the customer."""
    with write_transaction():
        window, customer = _customer_link(window_id, customer_id)
        links.revoke(window, customer, actor, now or utcnow())
    return customer


def issue_link(window_id, customer_id, actor):
    """A new page link for the customer (the next notice carries it); earlier ones
    stop working. Returns the customer."""
    with write_transaction():
        window, customer = _customer_link(window_id, customer_id)
        links.reissue(window, customer, actor)
    return customer
