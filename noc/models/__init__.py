"""Peewee models mirroring schema.sql (tests/test_schema.py proves they agree).

One module per area; this package re-exports them so callers write
`from noc.models import Circuit` whatever module a model lives in.
"""
from noc.models.accounts import ApiToken, AuditLog, LoginAddress, Role, TokenKind, User
from noc.models.answers import (
    AttendeeAnswer,
    Partstat,
    RescheduleProposal,
    RescheduleRequest,
    RescheduleState,
    RescheduleVia,
)
from noc.models.base import UTC, BaseModel, IdSequence, TimestampedModel, UTCDateTimeField, utcnow
from noc.models.inventory import (
    ChangeFreeze,
    Circuit,
    CircuitSegment,
    CircuitStatus,
    Contact,
    ContactRole,
    Customer,
    CustomerAsn,
    CustomerKind,
    NoticeFormat,
    RedundancyGroup,
    Segment,
    SegmentKind,
    Service,
    Site,
    SiteKind,
)
from noc.models.mail import (
    InboundKind,
    InboundMessage,
    InboundOutcome,
    InboundState,
    InboundVia,
    MessageKind,
    MessageState,
    OutboxMessage,
)
from noc.models.maintenance import (
    IMPACTS,
    AcknowledgedVia,
    CalendarFeed,
    Impact,
    MaintenanceWindow,
    WindowCircuit,
    WindowCustomer,
    WindowStatus,
)
from noc.models.routing import (
    ROUTING_MODELS,
    BytesField,
    IrrAsSet,
    IrrLoad,
    IrrRoute,
    IrrState,
    JsonText,
    PrefixCheck,
    PrefixHistory,
    PrefixRequest,
    PrefixState,
    RoutingAlert,
    RpkiState,
    RpkiStateSample,
    TrackedPrefix,
    Verdict,
    VrpSnapshot,
)

# In the order of schema.sql: a table comes after those it refers to.
ALL_MODELS = [IdSequence, User, AuditLog, LoginAddress, Customer, CustomerAsn, ChangeFreeze,
    Contact, Site, Segment, RedundancyGroup, Circuit, CircuitSegment,
    MaintenanceWindow, WindowCircuit, OutboxMessage, CalendarFeed,
    InboundMessage, WindowCustomer, AttendeeAnswer, RescheduleRequest,
    RescheduleProposal, ApiToken, *ROUTING_MODELS]

__all__ = [
    'UTC', 'BaseModel', 'IdSequence', 'TimestampedModel', 'UTCDateTimeField', 'utcnow',
    'ChangeFreeze', 'Circuit', 'CircuitSegment', 'Contact', 'Customer', 'CustomerAsn',
    'RedundancyGroup', 'Segment', 'Site', 'ApiToken', 'AuditLog', 'LoginAddress', 'User',
    'IMPACTS',
    'CalendarFeed', 'Impact', 'MaintenanceWindow', 'WindowStatus', 'WindowCircuit',
    'WindowCustomer', 'InboundMessage',
    'OutboxMessage', 'AttendeeAnswer', 'RescheduleProposal', 'RescheduleRequest',
    'ROUTING_MODELS', 'BytesField', 'IrrAsSet', 'IrrLoad', 'IrrRoute', 'JsonText',
    'PrefixCheck', 'PrefixHistory', 'PrefixRequest', 'RoutingAlert', 'RpkiStateSample',
    'TrackedPrefix', 'VrpSnapshot', 'ALL_MODELS', 'PrefixState', 'Verdict', 'RpkiState',
    'IrrState', 'Role', 'TokenKind', 'CircuitStatus', 'ContactRole', 'CustomerKind',
    'NoticeFormat', 'SegmentKind', 'Service', 'SiteKind', 'AcknowledgedVia', 'Partstat',
    'RescheduleState', 'RescheduleVia', 'MessageState', 'MessageKind',
    'InboundVia', 'InboundState', 'InboundKind', 'InboundOutcome',
]
