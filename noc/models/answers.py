"""What customers answered about a window: calendar replies and requests to move it."""
import peewee as pw
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from noc.core.choices import ChoiceSet
from noc.core.db import database
from noc.models.base import BaseModel, UTCDateTimeField, utcnow
from noc.models.inventory import Contact, Customer
from noc.models.mail import InboundMessage
from noc.models.maintenance import MaintenanceWindow


class Partstat(ChoiceSet):
    """An attendee's participation status (iCalendar PARTSTAT, RFC 5545 §3.2.12):
    what the invitation asks for, and what a calendar's REPLY answers. Pages show
    the label; engineers' pages keep the iCalendar word beside it."""
    NEEDS_ACTION = 'NEEDS-ACTION'
    ACCEPTED = 'ACCEPTED'
    DECLINED = 'DECLINED'
    TENTATIVE = 'TENTATIVE'
    DELEGATED = 'DELEGATED'
    CHOICES = ((NEEDS_ACTION, _l('no answer yet')), (ACCEPTED, _l('accepted')),
               (DECLINED, _l('declined')), (TENTATIVE, _l('tentatively accepted')),
               (DELEGATED, _l('delegated')))
    # iTIP answers to an invitation (the rest are not answers to record).
    ANSWERS = (ACCEPTED, DECLINED, TENTATIVE, DELEGATED)
    # Answers that acknowledge the window, when they are about its current times.
    ACKNOWLEDGING = (ACCEPTED, TENTATIVE)


class RescheduleState(ChoiceSet):
    """Where a customer's request to move a window stands: open until the NOC
    moves the whole window, moves the customer's circuits into a new window
    (split) or declines, the customer withdraws it (or replaces it with a newer
    one), or the window is over (closed). CHOICES are the NOC's words,
    CUSTOMER_LABELS the customer page's."""
    OPEN = 'open'
    MOVED = 'moved'
    SPLIT = 'split'
    DECLINED = 'declined'
    WITHDRAWN = 'withdrawn'
    CLOSED = 'closed'
    CHOICES = ((OPEN, _l('open')), (MOVED, _l('window moved')),
               (SPLIT, _l('customer moved to a new window')), (DECLINED, _l('declined')),
               (WITHDRAWN, _l('withdrawn')), (CLOSED, _l('closed')))
    # The customer page's wording; a split names its new window there, in its own sentence.
    CUSTOMER_LABELS = ((OPEN, _l('waiting for the NOC')),
                       (MOVED, _l('accepted: the window was moved')),
                       (DECLINED, lazy_pgettext('customer request', 'declined')),
                       (WITHDRAWN, lazy_pgettext('customer request', 'withdrawn')),
                       (CLOSED, lazy_pgettext('customer request', 'closed')))
    # A request's outcome, once it is no longer open.
    DECIDED = (MOVED, SPLIT, DECLINED, WITHDRAWN, CLOSED)

    @classmethod
    def customer_label(cls, value):
        """The state as the customer page says it; the NOC's word when it has none."""
        return dict(cls.CUSTOMER_LABELS).get(value) or cls.label(value)


class RescheduleVia(ChoiceSet):
    """Which door a request to move a window came through (migration 0010 lists them)."""
    PAGE = 'page'
    CALENDAR = 'calendar'
    MAIL = 'mail'
    API = 'api'
    CHOICES = ((PAGE, _l('customer page')), (CALENDAR, _l('calendar (COUNTER)')),
               (MAIL, _l('e-mail')), (API, _l('API')))


class AttendeeAnswer(pw.Model):
    PARTSTATS = Partstat.values()
    window = pw.ForeignKeyField(MaintenanceWindow, on_delete='CASCADE',
                                backref='answers', index=False)  # led by the key
    contact = pw.ForeignKeyField(Contact, on_delete='CASCADE', backref='answers')
    partstat = pw.CharField(max_length=16, default=Partstat.NEEDS_ACTION)
    comment = pw.TextField(default='')
    sequence = pw.IntegerField(default=0)
    stamped_at = UTCDateTimeField(null=True)
    answered_at = UTCDateTimeField(null=True)
    inbound = pw.ForeignKeyField(InboundMessage, null=True, on_delete='SET NULL',
                                 backref='+', index=False, column_name='inbound_id')
    bounced_at = UTCDateTimeField(null=True)
    bounce_reason = pw.TextField(default='')

    class Meta:
        database = database
        table_name = 'attendee_answer'
        primary_key = pw.CompositeKey('window', 'contact')


class RescheduleRequest(BaseModel):
    STATES = RescheduleState.values()
    window = pw.ForeignKeyField(MaintenanceWindow, on_delete='CASCADE',
                                backref='reschedule_requests')
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='+', index=False)
    contact = pw.ForeignKeyField(Contact, null=True, on_delete='SET NULL', backref='+',
                                 index=False)
    requested_by = pw.CharField(max_length=254, default='')
    via = pw.CharField(max_length=16)
    reason = pw.TextField(default='')
    state = pw.CharField(max_length=16, default=RescheduleState.OPEN)
    sequence = pw.IntegerField(default=0)
    attendee = pw.CharField(max_length=254, default='')
    inbound = pw.ForeignKeyField(InboundMessage, null=True, on_delete='SET NULL',
                                 backref='+', index=False, column_name='inbound_id')
    created_at = UTCDateTimeField(default=utcnow)
    decided_at = UTCDateTimeField(null=True)
    decided_by = pw.CharField(max_length=64, default='')
    decision_reason = pw.TextField(default='')
    new_window = pw.ForeignKeyField(MaintenanceWindow, null=True, on_delete='SET NULL',
                                    backref='+', index=False)

    class Meta:
        table_name = 'reschedule_request'
        indexes = ((('state', 'created_at'), False),)

    @property
    def proposals(self):
        return list(RescheduleProposal.select().where(RescheduleProposal.request == self)
                    .order_by(RescheduleProposal.position))


class RescheduleProposal(BaseModel):
    request = pw.ForeignKeyField(RescheduleRequest, on_delete='CASCADE', backref='+')
    position = pw.IntegerField()
    starts_at = UTCDateTimeField()
    ends_at = UTCDateTimeField()
    chosen = pw.BooleanField(default=False)

    class Meta:
        table_name = 'reschedule_proposal'
