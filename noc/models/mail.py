"""Mail: the outbox of messages to send and every message received."""
import base64

import peewee as pw

from noc.models.base import BaseModel, UTCDateTimeField, utcnow
from noc.models.inventory import Contact, Customer
from noc.models.maintenance import MaintenanceWindow


class OutboxMessage(BaseModel):
    STATES = ('queued', 'sending', 'sent', 'failed')
    window = pw.ForeignKeyField(MaintenanceWindow, null=True, on_delete='SET NULL',
                                backref='messages')
    customer = pw.ForeignKeyField(Customer, null=True, on_delete='SET NULL', backref='+',
                                  index=False)
    contact = pw.ForeignKeyField(Contact, null=True, on_delete='SET NULL', backref='+')
    recipient = pw.CharField(max_length=254)
    kind = pw.CharField(max_length=16)
    method = pw.CharField(max_length=16, default='')
    sequence = pw.IntegerField(default=0)
    subject = pw.CharField(max_length=400)
    message_id = pw.CharField(max_length=200)
    raw = pw.TextField()
    ics = pw.TextField(default='')
    state = pw.CharField(max_length=16, default='queued')
    attempts = pw.IntegerField(default=0)
    next_attempt_at = UTCDateTimeField(default=utcnow)
    claimed_at = UTCDateTimeField(null=True)
    claimed_by = pw.CharField(max_length=100, default='')
    last_error = pw.TextField(default='')
    server_reply = pw.TextField(default='')
    created_at = UTCDateTimeField(default=utcnow)
    sent_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = 'outbox_message'
        indexes = ((('state', 'next_attempt_at'), False),)


class InboundMessage(BaseModel):
    STATES = ('new', 'handled', 'unmatched', 'error')
    message_key = pw.CharField(max_length=300, unique=True)
    received_at = UTCDateTimeField(default=utcnow)
    via = pw.CharField(max_length=16)
    mailbox = pw.CharField(max_length=254, default='')
    sender = pw.CharField(max_length=254, default='')
    sender_name = pw.CharField(max_length=200, default='')
    subject = pw.CharField(max_length=400, default='')
    raw_encoding = pw.CharField(max_length=8, default='utf-8')
    raw = pw.TextField()
    kind = pw.CharField(max_length=16, default='')
    state = pw.CharField(max_length=16, default='new')
    verified = pw.BooleanField(default=False)
    window = pw.ForeignKeyField(MaintenanceWindow, null=True, on_delete='SET NULL',
                                backref='inbound_messages')
    customer = pw.ForeignKeyField(Customer, null=True, on_delete='SET NULL', backref='+',
                                  index=False)
    contact = pw.ForeignKeyField(Contact, null=True, on_delete='SET NULL', backref='+',
                                 index=False)
    body_text = pw.TextField(default='')
    partstat = pw.CharField(max_length=16, default='')
    outcome = pw.CharField(max_length=32, default='')
    error = pw.TextField(default='')
    reviewed_at = UTCDateTimeField(null=True)
    reviewed_by = pw.CharField(max_length=64, default='')

    class Meta:
        table_name = 'inbound_message'
        indexes = ((('state', 'received_at'), False),)

    @property
    def raw_bytes(self):
        return (base64.b64decode(self.raw) if self.raw_encoding == 'base64'
                else self.raw.encode('utf-8'))
