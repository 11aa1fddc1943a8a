"""The parts of one message a person reads on a mail page: text, HTML, calendar.

The message may be ours (the outbox, the capture) or anybody's (a received
reply), so nothing here trusts it: an unknown or broken charset is read as
Latin-1, a part past its limit is cut, and a message that does not parse
still gives whatever parts were found.
"""
from noc.core.limits import MAX_SHOWN_HTML, MAX_SUMMARY_CALENDAR
from noc.mail import reading

CALENDAR_TYPES = reading.CALENDAR_TYPES


def message_of(raw):
    """The message of `raw` (bytes, or text as the outbox and capture store it)."""
    if isinstance(raw, str):
        raw = raw.encode('utf-8', 'replace')
    return reading.parse(raw or b'')


def decoded(part):
    payload = part.get_payload(decode=True) or b''
    try:
        return payload.decode(part.get_content_charset() or 'utf-8', 'replace')
    except (LookupError, UnicodeError):     # an unknown charset, or one like idna
        return payload.decode('latin-1')


def _first(message, wanted, limit):
    """The first part `wanted(part)` accepts, decoded and cut at `limit`; '' if none."""
    for part in message.walk():
        if not part.is_multipart() and wanted(part):
            return decoded(part)[:limit]
    return ''


def _body_of(content_type):
    return lambda part: (part.get_content_type() == content_type
                         and part.get_content_disposition() != 'attachment')


def _calendar(part):
    return (part.get_content_type() in CALENDAR_TYPES
            or (part.get_filename() or '').lower().endswith('.ics'))


def text(message, limit=MAX_SHOWN_HTML):
    return _first(message, _body_of('text/plain'), limit)


def html(message):
    return _first(message, _body_of('text/html'), MAX_SHOWN_HTML)


def calendar(message):
    """The calendar part, cut one character past the summary's limit (so the
    summary can tell it was too long)."""
    return _first(message, _calendar, MAX_SUMMARY_CALENDAR + 1)
