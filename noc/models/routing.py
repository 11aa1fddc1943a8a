"""Peewee models of prefix tracking, mirroring schema.sql (tests/test_schema.py)."""
import json

import peewee as pw
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from noc.core.choices import ChoiceSet
from noc.models.base import BaseModel, UTCDateTimeField, utcnow
from noc.models.inventory import Circuit, Customer


class PrefixState(ChoiceSet):
    """Where a requested prefix stands; labels in their own context, since the
    same English words are audit verbs and other objects' states elsewhere."""
    RECEIVED = 'received'
    CHECKED = 'checked'
    APPROVED = 'approved'
    CONFIGURED = 'configured'
    WITHDRAWN = 'withdrawn'
    REJECTED = 'rejected'
    CHOICES = ((RECEIVED, lazy_pgettext('prefix state', 'received')),
               (CHECKED, lazy_pgettext('prefix state', 'checked')),
               (APPROVED, lazy_pgettext('prefix state', 'approved')),
               (CONFIGURED, lazy_pgettext('prefix state', 'configured')),
               (WITHDRAWN, lazy_pgettext('prefix state', 'withdrawn')),
               (REJECTED, lazy_pgettext('prefix state', 'rejected')))
    # Accepted (or already configured): revalidated, claiming their space.
    LIVE = (APPROVED, CONFIGURED)
    # Waiting for the NOC's decision.
    OPEN = (RECEIVED, CHECKED)


class Verdict(ChoiceSet):
    """What the operator's policy draws from RPKI and the IRR; '' before any check."""
    ACCEPT = 'accept'
    ATTENTION = 'attention'
    REJECT = 'reject'
    CHOICES = ((ACCEPT, _l('accept')), (ATTENTION, _l('needs attention')),
               (REJECT, _l('reject')), ('', _l('not checked yet')))


class RpkiState(ChoiceSet):
    """Route origin validation's outcome (RFC 6811)."""
    VALID = 'valid'
    INVALID = 'invalid'
    NOT_FOUND = 'not-found'
    CHOICES = ((VALID, _l('valid')), (INVALID, _l('invalid')), (NOT_FOUND, _l('not found')),
               ('', _l('not checked yet')))


class IrrState(ChoiceSet):
    """What the IRR's route objects say about a prefix and its origin."""
    MATCH = 'match'
    OTHER = 'other'
    NONE = 'none'
    UNKNOWN = 'unknown'
    CHOICES = ((MATCH, _l('route object matches')), (OTHER, _l('other origins only')),
               (NONE, _l('no route object')), (UNKNOWN, _l('IRR unavailable')),
               ('', _l('not checked yet')))


class PrefixEvent(ChoiceSet):
    """What a line of a prefix's history records (most name the state it led to)."""
    SUBMITTED = 'submitted'
    CHECKED = PrefixState.CHECKED
    APPROVED = PrefixState.APPROVED
    CONFIGURED = PrefixState.CONFIGURED
    WITHDRAWN = PrefixState.WITHDRAWN
    REJECTED = PrefixState.REJECTED
    REOPENED = 'reopened'
    REVALIDATED = 'revalidated'
    HELD = 'held'
    CHOICES = ((SUBMITTED, _l('submitted')), (CHECKED, _l('checked')),
               (APPROVED, _l('approved')), (CONFIGURED, _l('configured')),
               (WITHDRAWN, _l('withdrawn')), (REJECTED, _l('rejected')),
               (REOPENED, _l('sent to be checked again')), (REVALIDATED, _l('revalidated')),
               (HELD, _l('held: overlaps another customer\'s space')))


class PrefixAction(ChoiceSet):
    """What an engineer (or the policy) does to a request's prefixes; labels are
    the buttons, NAMES the same words inside a sentence."""
    APPROVE = 'approve'
    CONFIGURE = 'configure'
    WITHDRAW = 'withdraw'
    REJECT = 'reject'
    RECHECK = 'recheck'
    CHOICES = ((APPROVE, _l('Approve')), (CONFIGURE, _l('Mark configured')),
               (WITHDRAW, _l('Withdraw')), (REJECT, _l('Reject')), (RECHECK, _l('Check again')))
    NAMES = ((APPROVE, _l('approve')), (CONFIGURE, _l('mark configured')),
             (WITHDRAW, _l('withdraw')), (REJECT, _l('reject')), (RECHECK, _l('check again')))

    @classmethod
    def name(cls, value):
        """The action as a sentence quotes it ('you cannot mark configured …')."""
        return dict(cls.NAMES).get(value, value)


class PrefixVia(ChoiceSet):
    """Which door a prefix request came through."""
    WEB = 'web'
    API = 'api'
    MAIL = 'mail'
    CLI = 'cli'
    CHOICES = ((WEB, _l('web form')), (API, _l('API')), (MAIL, _l('e-mail')),
               (CLI, _l('command line')))


class CheckState(ChoiceSet):
    """An ad hoc check: waiting for its answer (the worker's, with an IRRd), or answered."""
    PENDING = 'pending'
    DONE = 'done'
    CHOICES = ((PENDING, lazy_pgettext('prefix check', 'pending')),
               (DONE, lazy_pgettext('prefix check', 'answered')))


class AlertKind(ChoiceSet):
    """What a routing alert is about: a tracked prefix, or a data source."""
    PREFIX = 'prefix'
    RPKI_SOURCE = 'rpki-source'
    IRR_SOURCE = 'irr-source'
    CHOICES = ((PREFIX, _l('prefix')), (RPKI_SOURCE, _l('RPKI source')),
               (IRR_SOURCE, _l('IRR source')))


class BytesField(pw.BlobField):
    """BYTEA in schema.sql: PostgreSQL's binary type; SQLite keeps the bytes as
    a BLOB whatever the declared name. psycopg2 hands back a memoryview."""
    field_type = 'BYTEA'

    def python_value(self, value):
        return bytes(value) if value is not None else None


class JsonText(pw.TextField):
    """JSON kept in a TEXT column (portable across both engines)."""

    def db_value(self, value):
        return json.dumps(value, sort_keys=True, separators=(',', ':'))

    def python_value(self, value):
        return json.loads(value) if value else None


class LoadStatus(ChoiceSet):
    """How loading a source's data went: a snapshot or load is kept either way, so
    the sources page can show what was refused and why; only good ones are used."""
    GOOD = 'good'
    REFUSED = 'refused'
    CHOICES = ((GOOD, lazy_pgettext('data load', 'loaded')),
               (REFUSED, lazy_pgettext('data load', 'refused')))


class VrpSnapshot(BaseModel):
    source = pw.CharField(max_length=64)
    location = pw.CharField(max_length=500)
    loaded_at = UTCDateTimeField(default=utcnow)
    status = pw.CharField(max_length=16)
    format = pw.CharField(max_length=32, default='')
    generated_at = UTCDateTimeField(null=True)
    vrp_count = pw.IntegerField(default=0)
    v4_count = pw.IntegerField(default=0)
    v6_count = pw.IntegerField(default=0)
    expired_count = pw.IntegerField(default=0)
    digest = pw.CharField(max_length=64, default='')
    error = pw.TextField(default='')
    vrps = BytesField(null=True)

    class Meta:
        table_name = 'vrp_snapshot'
        indexes = ((('source', 'loaded_at'), False),)


class IrrLoad(BaseModel):
    source = pw.CharField(max_length=32)
    location = pw.CharField(max_length=500)
    loaded_at = UTCDateTimeField(default=utcnow)
    status = pw.CharField(max_length=16)
    route_count = pw.IntegerField(default=0)
    as_set_count = pw.IntegerField(default=0)
    skipped = pw.IntegerField(default=0)
    digest = pw.CharField(max_length=64, default='')
    error = pw.TextField(default='')

    class Meta:
        table_name = 'irr_load'
        indexes = ((('source', 'loaded_at'), False),)


class IrrRoute(BaseModel):
    source = pw.CharField(max_length=32, index=True)
    prefix = pw.CharField(max_length=43, index=True)
    origin = pw.BigIntegerField()

    class Meta:
        table_name = 'irr_route'


class IrrAsSet(BaseModel):
    source = pw.CharField(max_length=32, index=True)
    name = pw.CharField(max_length=128, index=True)
    members = pw.TextField(default='')

    class Meta:
        table_name = 'irr_as_set'


class PrefixRequest(BaseModel):
    VIA = PrefixVia.values()
    customer = pw.ForeignKeyField(Customer, on_delete='RESTRICT', backref='+')
    circuit = pw.ForeignKeyField(Circuit, on_delete='RESTRICT', backref='+')
    as_set = pw.CharField(max_length=128, default='')
    via = pw.CharField(max_length=16)
    requested_by = pw.CharField(max_length=254, default='')
    note = pw.TextField(default='')
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        table_name = 'prefix_request'

    @property
    def prefixes(self):
        return list(TrackedPrefix.select().where(TrackedPrefix.request == self)
                    .order_by(TrackedPrefix.family, TrackedPrefix.prefix))


class TrackedPrefix(BaseModel):
    STATES = PrefixState.values()
    # The prefixes the operator has agreed to accept (or already does): these
    # are revalidated, claim their space, and go into prefix-lists (configured).
    LIVE = PrefixState.LIVE
    OPEN = PrefixState.OPEN
    request = pw.ForeignKeyField(PrefixRequest, on_delete='CASCADE', backref='+')
    customer = pw.ForeignKeyField(Customer, on_delete='RESTRICT', backref='+', index=False)
    circuit = pw.ForeignKeyField(Circuit, on_delete='RESTRICT', backref='+')
    prefix = pw.CharField(max_length=43, index=True)
    family = pw.IntegerField()
    origin = pw.BigIntegerField()
    state = pw.CharField(max_length=16, default=PrefixState.RECEIVED)
    verdict = pw.CharField(max_length=16, default='')
    rpki_state = pw.CharField(max_length=16, default='')
    irr_state = pw.CharField(max_length=16, default='')
    findings = JsonText(default=list)
    evidence = JsonText(default=dict)
    length_override = pw.BooleanField(default=False)
    checked_at = UTCDateTimeField(null=True)
    state_changed_at = UTCDateTimeField(default=utcnow)
    decided_by = pw.CharField(max_length=64, default='')
    decision_reason = pw.TextField(default='')

    class Meta:
        table_name = 'tracked_prefix'
        indexes = ((('customer', 'state'), False), (('state', 'verdict'), False))


class PrefixHistory(BaseModel):
    prefix = pw.ForeignKeyField(TrackedPrefix, on_delete='CASCADE', backref='+',
                                index=False, column_name='prefix_id')
    at = UTCDateTimeField(default=utcnow)
    event = pw.CharField(max_length=16)
    state = pw.CharField(max_length=16)
    verdict = pw.CharField(max_length=16, default='')
    rpki_state = pw.CharField(max_length=16, default='')
    irr_state = pw.CharField(max_length=16, default='')
    findings = JsonText(default=list)
    actor = pw.CharField(max_length=64, default='')
    note = pw.TextField(default='')

    class Meta:
        table_name = 'prefix_history'
        indexes = ((('prefix', 'at'), False),)


class RoutingAlert(BaseModel):
    created_at = UTCDateTimeField(default=utcnow)
    kind = pw.CharField(max_length=16)
    severity = pw.CharField(max_length=16)
    prefix = pw.ForeignKeyField(TrackedPrefix, null=True, on_delete='CASCADE', backref='+',
                                index=False, column_name='prefix_id')
    source = pw.CharField(max_length=64, default='')
    code = pw.CharField(max_length=32)
    params = JsonText(default=dict)
    closed_at = UTCDateTimeField(null=True)
    closed_by = pw.CharField(max_length=64, default='')

    class Meta:
        table_name = 'routing_alert'
        indexes = ((('closed_at', 'created_at'), False),)


class RpkiStateSample(BaseModel):
    at = UTCDateTimeField(default=utcnow, index=True)
    valid = pw.IntegerField(default=0)
    invalid = pw.IntegerField(default=0)
    not_found = pw.IntegerField(default=0)
    vrp_snapshot_id = pw.BigIntegerField(default=0)
    irr_load_id = pw.BigIntegerField(default=0)

    class Meta:
        table_name = 'rpki_state_sample'


class PrefixCheck(BaseModel):
    """An ad hoc check (API): items [{prefix, origin, as_set}], results in order."""
    customer = pw.ForeignKeyField(Customer, null=True, on_delete='CASCADE', backref='+')
    token = pw.BigIntegerField(null=True, column_name='token_id')
    state = pw.CharField(max_length=16, default=CheckState.PENDING)
    items = JsonText()
    results = JsonText(default=list)
    created_at = UTCDateTimeField(default=utcnow)
    done_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = 'prefix_check'
        indexes = ((('state', 'created_at'), False),)


ROUTING_MODELS = [VrpSnapshot, IrrLoad, IrrRoute, IrrAsSet, PrefixRequest, TrackedPrefix,
                  PrefixHistory, RoutingAlert, RpkiStateSample, PrefixCheck]
