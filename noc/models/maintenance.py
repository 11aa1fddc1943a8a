"""Maintenance windows, the circuits they take down and the customers they concern."""
import peewee as pw
from flask_babel import lazy_gettext as _l

from noc.core.choices import ChoiceSet
from noc.core.db import database
from noc.models.base import BaseModel, TimestampedModel, UTCDateTimeField, utcnow
from noc.models.inventory import Circuit, Customer


class WindowStatus(ChoiceSet):
    """A window's lifecycle; the values are MAINTNOTE's STATUS (iCalendar's, uppercase)."""
    TENTATIVE = 'TENTATIVE'
    CONFIRMED = 'CONFIRMED'
    IN_PROCESS = 'IN-PROCESS'
    COMPLETED = 'COMPLETED'
    CANCELLED = 'CANCELLED'
    CHOICES = ((TENTATIVE, _l('Tentative')), (CONFIRMED, _l('Confirmed')),
               (IN_PROCESS, _l('In progress')), (COMPLETED, _l('Completed')),
               (CANCELLED, _l('Cancelled')))
    # Windows that still hold their circuits (overlap and redundancy rules),
    # which are also the ones that can still be changed.
    LIVE = (TENTATIVE, CONFIRMED, IN_PROCESS)
    # Statuses that mean customers were told; a window cancelled while
    # TENTATIVE (SEQUENCE 0) never was.
    TOLD = (CONFIRMED, IN_PROCESS, COMPLETED)


class Impact(ChoiceSet):
    """MAINTNOTE's IMPACT, for a window and for each circuit in it."""
    NO_IMPACT = 'NO-IMPACT'
    REDUCED_REDUNDANCY = 'REDUCED-REDUNDANCY'
    DEGRADED = 'DEGRADED'
    OUTAGE = 'OUTAGE'
    CHOICES = ((NO_IMPACT, _l('No impact')), (REDUCED_REDUNDANCY, _l('Reduced redundancy')),
               (DEGRADED, _l('Degraded')), (OUTAGE, _l('Outage')))
    # Circuits that are down or nearly so: two of one redundancy group at once is a warning.
    DOWN = (DEGRADED, OUTAGE)
    # From the least to the most severe.
    SEVERITY = (NO_IMPACT, REDUCED_REDUNDANCY, DEGRADED, OUTAGE)

    @classmethod
    def worst(cls, impacts, default=OUTAGE):
        """The most severe of `impacts` (MAINTNOTE §3.7.1.1: a notice's impact is
        its worst circuit's); an unknown value counts as OUTAGE, as readers take it."""
        def rank(impact):
            return cls.SEVERITY.index(impact) if impact in cls.SEVERITY else len(cls.SEVERITY)
        return max(impacts, key=rank, default=default)


IMPACTS = Impact.values()


class AcknowledgedVia(ChoiceSet):
    """How a customer acknowledged a window: on its customer page, or by accepting
    the calendar invitation. Only the customer page shows it, so the labels are
    its words ("Acknowledged by … (on this page)")."""
    PAGE = 'page'
    CALENDAR = 'calendar'
    CHOICES = ((PAGE, _l('on this page')),
               (CALENDAR, _l('by answering the calendar invitation')))


class MaintenanceWindow(TimestampedModel):
    IMPACTS = IMPACTS
    STATUSES = WindowStatus.values()
    LIVE = WindowStatus.LIVE
    reference = pw.CharField(max_length=20, unique=True)
    uid = pw.CharField(max_length=200)
    title_pt = pw.CharField(max_length=200)
    title_en = pw.CharField(max_length=200)
    description_pt = pw.TextField(default='')
    description_en = pw.TextField(default='')
    internal_notes = pw.TextField(default='')
    starts_at = UTCDateTimeField(index=True)
    ends_at = UTCDateTimeField()
    outage_minutes = pw.IntegerField(default=0)
    impact = pw.CharField(max_length=24)
    status = pw.CharField(max_length=16, default=WindowStatus.TENTATIVE)
    emergency = pw.BooleanField(default=False)
    emergency_reason = pw.TextField(default='')
    cancel_reason = pw.TextField(default='')
    sequence = pw.IntegerField(default=0)
    acknowledged_json = pw.TextField(default='[]')
    reminder_queued_at = UTCDateTimeField(null=True)
    created_by = pw.CharField(max_length=64, default='')
    search_text = pw.TextField(default='')
    times_sequence = pw.IntegerField(default=0)

    class Meta:
        table_name = 'maintenance_window'
        indexes = ((('status', 'starts_at'), False),)

    def __str__(self):
        return self.reference

    def title(self, language):
        return self.title_en if language == 'en' else self.title_pt

    def description(self, language):
        return self.description_en if language == 'en' else self.description_pt

    @property
    def published(self):
        """Whether customers have been told about this window."""
        return self.status in WindowStatus.TOLD or self.sequence > 0

    @classmethod
    def is_published(cls):
        """`published` as a query condition (one rule for rows and queries)."""
        return cls.status.in_(WindowStatus.TOLD) | (cls.sequence > 0)


class WindowCircuit(pw.Model):
    window = pw.ForeignKeyField(MaintenanceWindow, on_delete='CASCADE',
                                backref='circuit_links', index=False)  # led by the key
    circuit = pw.ForeignKeyField(Circuit, on_delete='RESTRICT', backref='window_links')
    impact = pw.CharField(max_length=24, null=True)
    via = pw.CharField(max_length=80, default='')

    class Meta:
        database = database
        table_name = 'window_circuit'
        primary_key = pw.CompositeKey('window', 'circuit')


class CalendarFeed(BaseModel):
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='feeds')
    token = pw.CharField(max_length=64, unique=True)
    created_at = UTCDateTimeField(default=utcnow)
    revoked_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = 'calendar_feed'


class WindowCustomer(pw.Model):
    window = pw.ForeignKeyField(MaintenanceWindow, on_delete='CASCADE',
                                backref='customer_states', index=False)  # led by the key
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='+')
    link_nonce = pw.CharField(max_length=32)
    link_revoked_at = UTCDateTimeField(null=True)
    acknowledged_at = UTCDateTimeField(null=True)
    acknowledged_by = pw.CharField(max_length=254, default='')
    acknowledged_via = pw.CharField(max_length=16, default='')
    acknowledged_sequence = pw.IntegerField(default=0)
    ack_reminded_at = UTCDateTimeField(null=True)

    class Meta:
        database = database
        table_name = 'window_customer'
        primary_key = pw.CompositeKey('window', 'customer')
