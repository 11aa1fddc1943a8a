"""Commands on received mail, for the NOC's inbox pages: mark a message read,
handle one again. Each finds the message (NotFound), writes in one
transaction and refuses with a Refused."""
from noc.core.db import lock_rows, write_transaction
from noc.core.errors import CONFLICT, NotFound, Refused
from noc.core.limits import MAX_ID
from noc.inbound import receive
from noc.models import InboundMessage, InboundState, audit, utcnow


def find(message_id):
    """The received message `message_id`, or NotFound."""
    found = (InboundMessage.get_or_none(InboundMessage.id == message_id)
             if 0 < message_id <= MAX_ID else None)
    if found is None:
        raise NotFound('inbound message')
    return found


def review(message_id, actor, now=None):
    """Mark the message read by `actor` -> the message."""
    message = find(message_id)
    actor_name = audit.actor_name(actor)
    with write_transaction():
        # Only these columns and no lock: the handler may be writing the others
        # right now, and reading it is no reason to wait for it.
        InboundMessage.update(reviewed_at=now or utcnow(), reviewed_by=actor_name).where(
            InboundMessage.id == message.id).execute()
        audit.record(actor, audit.Action.REVIEW, audit.Entity.INBOUND_MESSAGE, message.id,
                     message.subject[:200])
    return message


def retry(message_id):
    """Handle a message again (after its error was fixed, or a contact added)
    -> the message as handled. Only one in error or unmatched: Refused
    (kind 'conflict') for the others, which were handled already."""
    with write_transaction():
        message = None
        if 0 < message_id <= MAX_ID:
            message = lock_rows(InboundMessage.select()
                                .where(InboundMessage.id == message_id)).first()
        if message is None:
            raise NotFound('inbound message')
        if message.state not in InboundState.RETRYABLE:
            # Not shown to anyone: the page answers 409 (no translation needed).
            raise Refused(kind=CONFLICT, message='the message was handled; only one in '
                                                   'error or unmatched is handled again')
        InboundMessage.update(state=InboundState.NEW, error='', outcome='').where(
            InboundMessage.id == message.id).execute()
    # Outside the transaction: handling writes in transactions of its own.
    return receive.process(InboundMessage.get_by_id(message.id))
