"""Answering a received message: a mailto: link to its sender with "Re:" and the thread.

The engineer answers from their own mail client, which holds their
signature, their sent folder and the thread. An in-app form would queue an
outbox message through a command and a confirmation page, and a free-text
mail from the NOC to one person changes nothing Janela tracks, so it would
add a second mail client rather than a guard. The sender comes from outside:
only a plain address is linked, percent-encoded, never raw text.
"""
import re
from urllib.parse import quote

from noc.mail import reading

REPLY_PREFIX = re.compile(r'^\s*(re|res|aw|sv|enc)\s*:', re.IGNORECASE)
ADDRESS = re.compile(r'^[^@\s<>"(),;:\\\[\]]{1,64}@[A-Za-z0-9.-]{1,253}$')


def subject(original):
    """The answer's subject: 'Re: ' once, the original on one line."""
    text = ' '.join((original or '').split())[:300]
    return text if REPLY_PREFIX.match(text) else f'Re: {text}'.rstrip()


def mailto(address, original_subject, message_id=''):
    """The link, or '' when the sender is no plain address to write to."""
    if not ADDRESS.match(address or ''):
        return ''
    fields = [('subject', subject(original_subject))]
    if reading.MESSAGE_ID.fullmatch(message_id or ''):
        fields.append(('In-Reply-To', message_id))     # RFC 6068 §2: any header field
    query = '&'.join(f'{name}={quote(value, safe="")}' for name, value in fields)
    return f'mailto:{quote(address, safe="@")}?{query}'
