"""The outbox's and received mail's vocabularies: declared once, agreeing with
the code that uses them and with schema.sql's CHECK constraints."""
import re
from pathlib import Path

from noc.maintenance import notices
from noc.models import (
    InboundMessage,
    InboundOutcome,
    InboundState,
    InboundVia,
    MessageKind,
    MessageState,
    OutboxMessage,
)

SCHEMA = (Path(__file__).resolve().parent.parent / 'schema.sql').read_text()


def _checked(table, column):
    body = re.search(rf'CREATE TABLE IF NOT EXISTS {table} \((.*?)\n\);', SCHEMA, re.S).group(1)
    found = re.search(rf'\b{column}\b[^,]*?CHECK \({column} IN \(([^)]*)\)\)', body, re.S)
    return tuple(re.findall(r"'([^']*)'", found.group(1)))


def test_the_stored_values_are_the_ones_schema_sql_allows():
    assert MessageState.values() == OutboxMessage.STATES == _checked('outbox_message', 'state')
    assert InboundState.values() == InboundMessage.STATES == _checked('inbound_message', 'state')
    assert InboundVia.values() == _checked('inbound_message', 'via')


def test_every_value_fits_its_column():
    for vocabulary, column in ((MessageState, OutboxMessage.state), (MessageKind, OutboxMessage.kind),
                               (InboundState, InboundMessage.state),
                               (InboundOutcome, InboundMessage.outcome),
                               (InboundVia, InboundMessage.via)):
        assert all(len(value) <= column.max_length for value in vocabulary.values()), vocabulary


def test_window_notices_are_the_notice_kinds_in_their_order():
    assert tuple(notices.KINDS) == MessageKind.NOTICES
    assert set(notices.WITH_LINK) <= set(MessageKind.NOTICES)
    assert set(MessageKind.NOTICES) | set(MessageKind.BGP) <= set(MessageKind.values())


def test_an_itip_method_nothing_is_done_with_reads_as_a_calendar_message():
    assert InboundOutcome.itip('PUBLISH') == InboundOutcome.ITIP_PUBLISH
    assert InboundOutcome.itip('DECLINECOUNTER') == InboundOutcome.ITIP_DECLINECOUNTER
    assert InboundOutcome.label(InboundOutcome.ITIP_CANCEL) == 'calendar cancellation; nothing done'
    assert str(InboundOutcome.label(InboundOutcome.itip('X-ODD'))) == (
        'calendar message (X-ODD); nothing done')
    assert InboundOutcome.label('something-else') == 'something-else'
    assert InboundOutcome.label('') == ''
