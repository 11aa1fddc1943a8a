"""Maintenance windows, the circuits they take down and the customers they concern."""
import peewee as pw

from noc.core.db import database
from noc.models.base import BaseModel, TimestampedModel, UTCDateTimeField, utcnow
from noc.models.inventory import Circuit, Customer

IMPACTS = ('NO-IMPACT', 'REDUCED-REDUNDANCY', 'DEGRADED', 'OUTAGE')


class MaintenanceWindow(TimestampedModel):
    IMPACTS = IMPACTS
    STATUSES = ('TENTATIVE', 'CONFIRMED', 'IN-PROCESS', 'COMPLETED', 'CANCELLED')
    # Windows that still hold their circuits (overlap and redundancy rules).
    LIVE = ('TENTATIVE', 'CONFIRMED', 'IN-PROCESS')
    # Statuses that mean customers were told; a window cancelled while
    # TENTATIVE (SEQUENCE 0) never was.
    TOLD = ('CONFIRMED', 'IN-PROCESS', 'COMPLETED')
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
    status = pw.CharField(max_length=16, default='TENTATIVE')
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
        return self.status in self.TOLD or self.sequence > 0

    @classmethod
    def is_published(cls):
        """`published` as a query condition (one rule for rows and queries)."""
        return cls.status.in_(cls.TOLD) | (cls.sequence > 0)


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
