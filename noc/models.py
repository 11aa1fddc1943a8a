"""Peewee models mirroring schema.sql (tests/test_schema.py proves they agree)."""
import base64
import datetime

import peewee as pw

from .db import database, next_ids

UTC = datetime.timezone.utc


def utcnow():
    return datetime.datetime.now(UTC)


class UTCDateTimeField(pw.DateTimeField):
    """TIMESTAMP holding UTC without a zone; Python sees aware datetimes."""
    field_type = 'TIMESTAMP'

    def db_value(self, value):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class BaseModel(pw.Model):
    id = pw.BigIntegerField(primary_key=True)

    class Meta:
        database = database
        legacy_table_names = False

    def save(self, force_insert=False, only=None):
        if self.id is None:
            self.id = next_ids(self._meta.table_name)
            force_insert = True
        return super().save(force_insert=force_insert, only=only)


class TimestampedModel(BaseModel):
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    def save(self, *args, **kwargs):
        self.updated_at = utcnow()
        return super().save(*args, **kwargs)


class IdSequence(pw.Model):
    table_name = pw.CharField(max_length=64, primary_key=True)
    last_id = pw.BigIntegerField(default=0)

    class Meta:
        database = database
        table_name = 'id_sequence'


class User(BaseModel):
    ROLES = ('viewer', 'engineer', 'admin')
    username = pw.CharField(max_length=64, unique=True)
    full_name = pw.CharField(max_length=200, default='')
    email = pw.CharField(max_length=254, default='')
    password_hash = pw.CharField(max_length=255)
    role = pw.CharField(max_length=16, default='viewer')
    language = pw.CharField(max_length=8, default='pt_BR')
    time_zone = pw.CharField(max_length=64, default='America/Sao_Paulo')
    active = pw.BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)
    last_login_at = UTCDateTimeField(null=True)
    failed_logins = pw.IntegerField(default=0)
    locked_until = UTCDateTimeField(null=True)
    session_token = pw.CharField(max_length=64, default='')

    class Meta:
        table_name = 'app_user'

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        # Flask-Login keeps this in the session; web/auth.load_user checks the token.
        return f'{self.id}:{self.session_token}'

    def can(self, role):
        """True when this user's role is `role` or above."""
        return self.ROLES.index(self.role) >= self.ROLES.index(role)


class AuditLog(BaseModel):
    at = UTCDateTimeField(default=utcnow, index=True)
    user = pw.ForeignKeyField(User, null=True, on_delete='SET NULL', backref='audit')
    username = pw.CharField(max_length=64)
    action = pw.CharField(max_length=32)
    entity = pw.CharField(max_length=32)
    entity_id = pw.BigIntegerField(null=True)
    entity_key = pw.CharField(max_length=200, default='')
    before_json = pw.TextField(null=True)
    after_json = pw.TextField(null=True)

    class Meta:
        indexes = ((('entity', 'entity_id'), False),)


class Customer(TimestampedModel):
    KINDS = ('isp', 'enterprise', 'carrier')
    account_id = pw.CharField(max_length=32, unique=True)
    name = pw.CharField(max_length=200, index=True)
    kind = pw.CharField(max_length=16)
    notice_language = pw.CharField(max_length=8, default='pt_BR')
    time_zone = pw.CharField(max_length=64, default='America/Sao_Paulo')
    notes = pw.TextField(default='')
    search_text = pw.TextField(default='')

    def __str__(self):
        return f'{self.name} ({self.account_id})'


class CustomerAsn(BaseModel):
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='asns')
    asn = pw.BigIntegerField(unique=True)


class ChangeFreeze(BaseModel):
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='freezes')
    starts_on = pw.DateField()
    ends_on = pw.DateField()
    reason = pw.CharField(max_length=200, default='')


class Contact(TimestampedModel):
    ROLES = ('maintenance', 'bgp', 'technical', 'commercial')
    FORMATS = ('invitation', 'plain')
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='contacts',
                                  index=False)  # led by contact_customer_email
    name = pw.CharField(max_length=200)
    email = pw.CharField(max_length=254, index=True)
    phone = pw.CharField(max_length=40, default='')
    role_maintenance = pw.BooleanField(default=False)
    role_bgp = pw.BooleanField(default=False)
    role_technical = pw.BooleanField(default=False)
    role_commercial = pw.BooleanField(default=False)
    language = pw.CharField(max_length=8, default='pt_BR')
    time_zone = pw.CharField(max_length=64, default='America/Sao_Paulo')
    notice_format = pw.CharField(max_length=16, default='invitation')
    search_text = pw.TextField(default='')
    bounced_at = UTCDateTimeField(null=True)
    bounce_reason = pw.TextField(default='')

    class Meta:
        indexes = ((('customer', 'email'), True),)

    def __str__(self):
        return f'{self.name} <{self.email}>'

    @property
    def roles(self):
        return [r for r in self.ROLES if getattr(self, 'role_' + r)]


class Site(TimestampedModel):
    KINDS = ('pop', 'datacenter', 'tower', 'customer')
    code = pw.CharField(max_length=32, unique=True)
    name = pw.CharField(max_length=200)
    kind = pw.CharField(max_length=16, default='pop')
    city = pw.CharField(max_length=100, index=True)
    state = pw.CharField(max_length=2)
    address = pw.CharField(max_length=300, default='')
    search_text = pw.TextField(default='')

    def __str__(self):
        return self.code


class Segment(TimestampedModel):
    KINDS = ('span', 'ring', 'device')
    code = pw.CharField(max_length=48, unique=True)
    name = pw.CharField(max_length=200)
    kind = pw.CharField(max_length=16)
    a_site = pw.ForeignKeyField(Site, null=True, on_delete='RESTRICT', backref='+')
    z_site = pw.ForeignKeyField(Site, null=True, on_delete='RESTRICT', backref='+')
    parent = pw.ForeignKeyField('self', null=True, on_delete='SET NULL', backref='children')
    length_km = pw.DecimalField(max_digits=8, decimal_places=2, null=True)
    description = pw.TextField(default='')
    search_text = pw.TextField(default='')

    def __str__(self):
        return self.code


class RedundancyGroup(BaseModel):
    name = pw.CharField(max_length=64, unique=True)
    description = pw.CharField(max_length=200, default='')

    def __str__(self):
        return self.name


class Circuit(TimestampedModel):
    SERVICES = ('ip-transit', 'l2-transport', 'l3vpn', 'dark-fibre',
                'wavelength', 'colocation')
    STATUSES = ('planned', 'active', 'decommissioned')
    circuit_id = pw.CharField(max_length=48, unique=True)
    customer = pw.ForeignKeyField(Customer, on_delete='RESTRICT', backref='circuits')
    customer_ref = pw.CharField(max_length=100, default='', index=True)
    service = pw.CharField(max_length=24, index=True)
    bandwidth_mbps = pw.BigIntegerField(null=True)
    status = pw.CharField(max_length=16, default='active')
    a_site = pw.ForeignKeyField(Site, on_delete='RESTRICT', backref='+')
    z_site = pw.ForeignKeyField(Site, null=True, on_delete='RESTRICT', backref='+')
    redundancy_group = pw.ForeignKeyField(RedundancyGroup, null=True,
                                          on_delete='SET NULL', backref='circuits')
    bgp_asn = pw.BigIntegerField(null=True)
    bgp_as_set = pw.CharField(max_length=128, default='')
    notes = pw.TextField(default='')
    search_text = pw.TextField(default='')

    def __str__(self):
        return self.circuit_id


class CircuitSegment(pw.Model):
    circuit = pw.ForeignKeyField(Circuit, on_delete='CASCADE', backref='segment_links',
                                 index=False)  # led by the primary key
    segment = pw.ForeignKeyField(Segment, on_delete='RESTRICT', backref='circuit_links')

    class Meta:
        database = database
        table_name = 'circuit_segment'
        primary_key = pw.CompositeKey('circuit', 'segment')


IMPACTS = ('NO-IMPACT', 'REDUCED-REDUNDANCY', 'DEGRADED', 'OUTAGE')


class MaintenanceWindow(TimestampedModel):
    IMPACTS = IMPACTS
    STATUSES = ('TENTATIVE', 'CONFIRMED', 'IN-PROCESS', 'COMPLETED', 'CANCELLED')
    # Windows that still hold their circuits (overlap and redundancy rules).
    LIVE = ('TENTATIVE', 'CONFIRMED', 'IN-PROCESS')
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
        return self.status != 'TENTATIVE' or self.sequence > 0


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


class CalendarFeed(BaseModel):
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='feeds')
    token = pw.CharField(max_length=64, unique=True)
    created_at = UTCDateTimeField(default=utcnow)
    revoked_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = 'calendar_feed'


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


ALL_MODELS = [IdSequence, User, AuditLog, Customer, CustomerAsn, ChangeFreeze,
              Contact, Site, Segment, RedundancyGroup, Circuit, CircuitSegment,
              MaintenanceWindow, WindowCircuit, OutboxMessage, CalendarFeed,
              InboundMessage, WindowCustomer, AttendeeAnswer, RescheduleRequest,
              RescheduleProposal]

class ApiToken(BaseModel):
    KINDS = ('provider', 'noc')
    name = pw.CharField(max_length=100)
    kind = pw.CharField(max_length=16)
    customer = pw.ForeignKeyField(Customer, null=True, on_delete='CASCADE', backref='+')
    role = pw.CharField(max_length=16, default='')
    prefix = pw.CharField(max_length=16)
    secret_hash = pw.CharField(max_length=64, unique=True)
    created_at = UTCDateTimeField(default=utcnow)
    created_by = pw.CharField(max_length=64, default='')
    expires_at = UTCDateTimeField(null=True)
    last_used_at = UTCDateTimeField(null=True)
    revoked_at = UTCDateTimeField(null=True)
    revoked_by = pw.CharField(max_length=64, default='')

    class Meta:
        table_name = 'api_token'


ALL_MODELS.append(ApiToken)

# Prefix tracking's models live in their own module (this one is big enough);
# imported last because they build on the classes above.
from .routing.models import ROUTING_MODELS  # noqa: E402
ALL_MODELS += ROUTING_MODELS
