"""What customers answered about a window: calendar replies and requests to move it."""
import peewee as pw

from noc.core.db import database
from noc.models.base import BaseModel, UTCDateTimeField, utcnow
from noc.models.inventory import Contact, Customer
from noc.models.mail import InboundMessage
from noc.models.maintenance import MaintenanceWindow


class AttendeeAnswer(pw.Model):
    PARTSTATS = ('NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED')
    window = pw.ForeignKeyField(MaintenanceWindow, on_delete='CASCADE',
                                backref='answers', index=False)  # led by the key
    contact = pw.ForeignKeyField(Contact, on_delete='CASCADE', backref='answers')
    partstat = pw.CharField(max_length=16, default='NEEDS-ACTION')
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
    STATES = ('open', 'moved', 'split', 'declined', 'withdrawn', 'closed')
    window = pw.ForeignKeyField(MaintenanceWindow, on_delete='CASCADE',
                                backref='reschedule_requests')
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='+', index=False)
    contact = pw.ForeignKeyField(Contact, null=True, on_delete='SET NULL', backref='+',
                                 index=False)
    requested_by = pw.CharField(max_length=254, default='')
    via = pw.CharField(max_length=16)
    reason = pw.TextField(default='')
    state = pw.CharField(max_length=16, default='open')
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
