"""Mail: the outbox of messages to send and every message received."""
import base64

import peewee as pw
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from noc.core.choices import ChoiceSet
from noc.models.base import BaseModel, UTCDateTimeField, utcnow
from noc.models.inventory import Contact, Customer
from noc.models.maintenance import MaintenanceWindow


class MessageState(ChoiceSet):
    """Where an outbox message stands: waiting, taken by a worker, accepted by
    the server, or given up on."""
    QUEUED = 'queued'
    SENDING = 'sending'
    SENT = 'sent'
    FAILED = 'failed'
    CHOICES = ((QUEUED, _l('queued')), (SENDING, _l('sending')), (SENT, _l('sent')),
               (FAILED, _l('failed')))
    # Neither sent nor in a worker's hands: a resend puts the same row back in
    # the queue, and the dashboard counts them for a person to watch.
    NOT_SENT = (QUEUED, FAILED)


class MessageKind(ChoiceSet):
    """What an outbox message is; labels in the 'notice kind' context, since
    'completed' here is not the audit log's verb."""
    NEW = 'new'
    UPDATED = 'updated'
    RESCHEDULED = 'rescheduled'
    REMINDER = 'reminder'
    STARTING = 'starting'
    COMPLETED = 'completed'
    CANCELLED = 'cancelled'
    # Asks the customers that have not acknowledged to do so; nothing changed.
    ACK_REQUEST = 'ack_request'
    # The NOC declined a customer's request to move a window.
    DECLINED = 'declined'
    # A prefix request's state told to the customer's BGP contacts.
    PREFIX = 'prefix'
    # The BGP mailbox's answer to a customer, and its short reply to an unknown sender.
    BGP_ANSWER = 'bgp-answer'
    BGP_UNKNOWN = 'bgp-unknown'
    CHOICES = ((NEW, lazy_pgettext('notice kind', 'new')),
               (UPDATED, lazy_pgettext('notice kind', 'updated')),
               (RESCHEDULED, lazy_pgettext('notice kind', 'rescheduled')),
               (REMINDER, lazy_pgettext('notice kind', 'reminder')),
               (STARTING, lazy_pgettext('notice kind', 'starting')),
               (COMPLETED, lazy_pgettext('notice kind', 'completed')),
               (CANCELLED, lazy_pgettext('notice kind', 'cancelled')),
               (ACK_REQUEST, lazy_pgettext('notice kind', 'acknowledgement request')),
               (DECLINED, lazy_pgettext('notice kind', 'request declined')),
               (PREFIX, lazy_pgettext('notice kind', 'prefix request')),
               (BGP_ANSWER, lazy_pgettext('notice kind', 'BGP mailbox answer')),
               (BGP_UNKNOWN, lazy_pgettext('notice kind', 'BGP mailbox: unknown sender')))
    # A maintenance window's notices (maintenance.notices.KINDS, in its order).
    NOTICES = (NEW, UPDATED, RESCHEDULED, REMINDER, STARTING, COMPLETED, CANCELLED,
               ACK_REQUEST)
    # The BGP mailbox's automatic replies.
    BGP = (BGP_ANSWER, BGP_UNKNOWN)


class InboundVia(ChoiceSet):
    """How a received message reached Janela."""
    STDIN = 'stdin'
    IMAP = 'imap'
    CHOICES = ((STDIN, _l('delivered by the mail server')), (IMAP, _l('fetched by IMAP')))


class InboundState(ChoiceSet):
    """A received message: stored and not handled yet; handled; unmatched (no
    window, or a sender who is not a contact of the window's customers); error."""
    NEW = 'new'
    HANDLED = 'handled'
    UNMATCHED = 'unmatched'
    ERROR = 'error'
    CHOICES = ((NEW, lazy_pgettext('received message', 'not handled yet')),
               (HANDLED, lazy_pgettext('received message', 'handled')),
               (UNMATCHED, lazy_pgettext('received message', 'unmatched')),
               (ERROR, lazy_pgettext('received message', 'error')))
    # What the NOC may have handled again (after a fix, or a contact added).
    RETRYABLE = (ERROR, UNMATCHED)


class InboundKind(ChoiceSet):
    """What a received message is; '' until it is handled."""
    REPLY = 'reply'
    COUNTER = 'counter'
    ITIP = 'itip'
    MESSAGE = 'message'
    BOUNCE = 'bounce'
    DELAY = 'delay'
    AUTO_REPLY = 'auto-reply'
    BGP_QUERY = 'bgp-query'
    CHOICES = ((REPLY, _l('calendar answer')), (COUNTER, _l('new time proposed')),
               (ITIP, _l('calendar')), (MESSAGE, _l('message')), (BOUNCE, _l('bounce')),
               (DELAY, _l('delivery delayed')), (AUTO_REPLY, _l('automatic reply')),
               (BGP_QUERY, _l('question to the BGP mailbox')))


class InboundOutcome(ChoiceSet):
    """What the handler did with a received message: a code the pages translate.

    iTIP messages other than a REPLY or a COUNTER are kept as 'itip-' and
    their method (`itip(method)`); the methods of RFC 5546 are declared, and
    any other reads as a calendar message naming its method."""
    # The BGP mailbox.
    ANSWERED = 'answered'
    NOTHING_ASKED = 'nothing-asked'
    NO_BGP_CONTACT = 'no-bgp-contact'
    RATE_LIMITED = 'rate-limited'
    UNKNOWN_SENDER_TOLD = 'unknown-sender-told'
    AUTO_IGNORED = 'auto-ignored'
    AUTO_SUSPECTED = 'auto-suspected'
    REPLY_NOTHING_ASKED = 'reply-nothing-asked'
    # The maintenance mailbox.
    ANSWER_APPLIED = 'answer-applied'
    ANSWER_OLDER = 'answer-older'
    ANSWER_REFUSED = 'answer-refused'
    # An answer claiming a SEQUENCE no notice of the window carried, or a
    # DTSTAMP past now: kept unverified for the NOC, never applied.
    SEQUENCE_AHEAD = 'sequence-ahead'
    STAMP_AHEAD = 'stamp-ahead'
    REPLY_WITHOUT_ANSWER = 'reply-without-answer'
    REQUEST_OPENED = 'request-opened'
    COUNTER_REFUSED = 'counter-refused'
    COUNTER_WITHOUT_PERIOD = 'counter-without-period'
    MESSAGE_ATTACHED = 'message-attached'
    BOUNCE_RECORDED = 'bounce-recorded'
    BOUNCE_UNKNOWN_ADDRESS = 'bounce-unknown-address'
    DELIVERY_DELAYED = 'delivery-delayed'
    AUTO_REPLY = 'auto-reply'
    UNKNOWN_EVENT = 'unknown-event'
    NO_WINDOW = 'no-window'
    # Both.
    UNKNOWN_SENDER = 'unknown-sender'
    HANDLER_ERROR = 'handler-error'
    # Other iTIP methods (RFC 5546 §1.4): nothing is done with them.
    ITIP_PREFIX = 'itip-'
    ITIP_PUBLISH = 'itip-publish'
    ITIP_REQUEST = 'itip-request'
    ITIP_ADD = 'itip-add'
    ITIP_CANCEL = 'itip-cancel'
    ITIP_REFRESH = 'itip-refresh'
    ITIP_DECLINECOUNTER = 'itip-declinecounter'
    CHOICES = (
        (ANSWERED, _l("answered with the prefixes' state")),
        (NOTHING_ASKED, _l('named no request or prefix; told how to ask')),
        (NO_BGP_CONTACT, _l('the customer has no BGP contact; nothing sent')),
        (RATE_LIMITED, _l('too many questions this hour; not answered')),
        (UNKNOWN_SENDER_TOLD, _l('sender is no registered contact; told so, without data')),
        (AUTO_IGNORED, _l('automatic message; not answered')),
        (AUTO_SUSPECTED, _l('the subject looks automatic; not answered, left to read')),
        (REPLY_NOTHING_ASKED, _l('reply to our mail naming no request or prefix; not answered')),
        (ANSWER_APPLIED, _l('answer recorded')),
        (ANSWER_OLDER, _l('older than the answer on record; not applied')),
        (ANSWER_REFUSED, _l('answer not accepted')),
        (SEQUENCE_AHEAD, _l('newer than any notice we sent; held unverified, not applied')),
        (STAMP_AHEAD, _l('dated in the future; held unverified, not applied')),
        (REPLY_WITHOUT_ANSWER, _l('calendar reply without an answer')),
        (REQUEST_OPENED, _l('reschedule request opened')),
        (COUNTER_REFUSED, _l('proposal not accepted as a request')),
        (COUNTER_WITHOUT_PERIOD, _l('proposal without a period')),
        (MESSAGE_ATTACHED, _l('attached to the window')),
        (BOUNCE_RECORDED, _l('address marked as failing')),
        (BOUNCE_UNKNOWN_ADDRESS, _l('bounce for an unknown address')),
        (DELIVERY_DELAYED, _l('delivery delayed; nothing to do')),
        (AUTO_REPLY, _l('automatic reply; not answered')),
        (UNKNOWN_EVENT, _l('calendar answer about no known window')),
        (NO_WINDOW, _l('names no known window')),
        (UNKNOWN_SENDER, _l('sender is not a contact of the affected customers')),
        (HANDLER_ERROR, _l('could not be handled')),
        (ITIP_PUBLISH, _l('calendar publication; nothing done')),
        (ITIP_REQUEST, _l('calendar invitation; nothing done')),
        (ITIP_ADD, _l('calendar occurrences added; nothing done')),
        (ITIP_CANCEL, _l('calendar cancellation; nothing done')),
        (ITIP_REFRESH, _l('calendar update asked for; nothing done')),
        (ITIP_DECLINECOUNTER, _l('calendar proposal declined; nothing done')),
    )

    # A customer's answer or proposal not applied: the message says why.
    NOT_APPLIED = (ANSWER_REFUSED, COUNTER_REFUSED, COUNTER_WITHOUT_PERIOD, SEQUENCE_AHEAD,
                   STAMP_AHEAD)

    @classmethod
    def itip(cls, method):
        """The outcome of an iTIP message of `method` that nothing is done with."""
        return f'{cls.ITIP_PREFIX}{method.lower()}'[:32]

    @classmethod
    def label(cls, value):
        """The label of `value`; an undeclared iTIP method reads as a calendar
        message naming it, any other undeclared value as itself."""
        found = dict(cls.CHOICES).get(value)
        if found is not None:
            return found
        if value and value.startswith(cls.ITIP_PREFIX) and len(value) > len(cls.ITIP_PREFIX):
            return _l('calendar message (%(method)s); nothing done',
                      method=value[len(cls.ITIP_PREFIX):].upper())
        return value


class OutboxMessage(BaseModel):
    STATES = MessageState.values()
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
    state = pw.CharField(max_length=16, default=MessageState.QUEUED)
    attempts = pw.IntegerField(default=0)
    next_attempt_at = UTCDateTimeField(default=utcnow)
    claimed_at = UTCDateTimeField(null=True)
    claimed_by = pw.CharField(max_length=100, default='')
    claim_token = pw.CharField(max_length=32, default='')
    last_error = pw.TextField(default='')
    server_reply = pw.TextField(default='')
    created_at = UTCDateTimeField(default=utcnow)
    sent_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = 'outbox_message'
        indexes = ((('state', 'next_attempt_at'), False),)


class InboundMessage(BaseModel):
    STATES = InboundState.values()
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
    state = pw.CharField(max_length=16, default=InboundState.NEW)
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
