"""Read one received message: who, about what, what it says, and what kind.

Lenient on purpose: mail from the outside is often broken, and a message
that cannot be read fully is still kept and shown (`errors`). Nothing here
touches the database; `inbound` decides what to do with a `Letter`.
"""
import base64
import binascii
import datetime
import email
import email.parser
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass, field

import icalendar

from noc.core.limits import MAX_HTML_TEXT
from noc.mail import quotes

UTC = datetime.timezone.utc
PARTSTATS = ('NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED')
CALENDAR_TYPES = ('text/calendar', 'application/ics', 'text/x-vcalendar')
# Subjects of out-of-office replies from clients that send no RFC 3834 header:
# the whole phrase those clients write at the start, then a colon or nothing
# more. Only a guess ("Ausência do prefixo …" and "Férias – PR-1" are
# questions), so a handler may treat it more carefully than a header.
AUTO_SUBJECT = re.compile(
    r'^\s*(?:automatic reply|auto[- ]?reply|out of (?:the )?office(?: auto[- ]?reply)?|'
    r'resposta autom[aá]tica|ausente do escrit[oó]rio|fora do escrit[oó]rio|'
    r'respuesta autom[aá]tica|fuera de (?:la )?oficina|ausente de (?:la )?oficina)\s*(?::|$)',
    re.IGNORECASE)
SUBJECT_GUESS = 'subject'           # Letter.auto when only the subject says automatic
BOUNCE_SENDER = re.compile(r'^(mailer-daemon|postmaster)@', re.IGNORECASE)
BOUNCE_SUBJECT = re.compile(
    r'(undeliver|delivery (status notification|failure|has failed)|returned mail|'
    r'mail delivery failed|falha na entrega|n[aã]o (foi poss[ií]vel|pode ser) entreg)',
    re.IGNORECASE)
MESSAGE_ID = re.compile(r'<[^<>\s]+@[^<>\s]+>')


@dataclass
class ItipEvent:
    """The first VEVENT of an iTIP message, as the handler needs it."""
    method: str
    uid: str
    sequence: int
    stamped_at: datetime.datetime | None
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    attendees: list        # [(address, PARTSTAT, name)]
    comment: str


@dataclass
class Recipient:
    """One recipient block of a delivery status notification (RFC 3464)."""
    address: str
    action: str
    status: str
    diagnostic: str


@dataclass
class Letter:
    message_key: str
    message_id: str = ''
    sender: str = ''
    sender_name: str = ''
    recipients: list = field(default_factory=list)     # To and Cc
    envelope: list = field(default_factory=list)       # X-Original-To, Delivered-To
    subject: str = ''
    date: datetime.datetime | None = None
    in_reply_to: list = field(default_factory=list)
    text: str = ''
    reply_text: str = ''
    events: list = field(default_factory=list)
    auto: str = ''                          # why it is an automatic message, or ''
    bounce: list | None = None              # [Recipient] of a delivery report
    original_ids: list = field(default_factory=list)   # Message-IDs a report is about
    errors: list = field(default_factory=list)

    @property
    def failed(self):
        return [r for r in self.bounce or [] if r.action == 'failed']


class _Policy(email.policy.Compat32):
    """compat32, except that raw 8-bit header bytes (RFC 6532) read as UTF-8,
    or as Latin-1 when they are not UTF-8, instead of as unknown bytes."""

    def header_fetch_parse(self, name, value):
        try:
            value.encode('utf-8')
        except UnicodeEncodeError:          # the parser's surrogate escapes
            raw = value.encode('utf-8', 'surrogateescape')
            try:
                value = raw.decode('utf-8')
            except UnicodeDecodeError:
                value = raw.decode('latin-1')
        return super().header_fetch_parse(name, value)


POLICY = _Policy()
# RFC 2047: =?charset?B|Q?text?= (an RFC 2231 language may follow the charset).
ENCODED_WORD = re.compile(r'=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=')


def parse(raw):
    """The message of `raw` bytes, headers decoded as `header` expects."""
    return email.message_from_bytes(raw, policy=POLICY)


def parse_headers(raw):
    return email.parser.BytesHeaderParser(policy=POLICY).parsebytes(raw)


def _word(charset, encoding, text):
    try:
        if encoding in 'bB':
            data = base64.b64decode(text + '=' * (-len(text) % 4))
        else:
            data = binascii.a2b_qp(text.encode('ascii', 'replace'), header=True)
        return data.decode(charset, 'replace')
    except (ValueError, LookupError, binascii.Error):   # bad base64; an unknown charset
        return f'=?{charset}?{encoding}?{text}?='


def _words(value):
    """Text with RFC 2047 encoded words decoded, in one pass (the standard
    library's header parser takes quadratic time on a long header). Space
    between two encoded words is dropped (§6.2); unknown charsets stay as written."""
    value = re.sub(r'\r?\n(?=[ \t])', '', value)
    parts, end = [], 0
    for match in ENCODED_WORD.finditer(value):
        between = value[end:match.start()]
        if not (end and not between.strip()):
            parts.append(between)
        parts.append(_word(*match.groups()))
        end = match.end()
    parts.append(value[end:])
    return ''.join(parts)


def header(message, name):
    """A header as text, encoded words decoded; '' when absent."""
    value = message.get(name)
    return '' if value is None else _words(str(value))


def addresses(message, *names):
    """[(display name, address)] of every address in the headers `names`.

    The address is read as written, before any decoding: an RFC 2047 encoded
    word may spell anything ("=?utf-8?q?=3Cbgp=40acme…?= <eve@…>"), and is
    never an address (RFC 2047 §5). The standard library's modern parser
    would decode one into the local part, so it is not used here; only the
    display names are decoded.
    """
    values = [str(v) for name in names for v in message.get_all(name) or []]
    try:
        found = email.utils.getaddresses(values)
    except (RecursionError, ValueError, IndexError):   # comments nested thousands deep
        return []
    return [(clean(_words(name).strip()), clean(address.strip().lower()))
            for name, address in found if address.strip()]


def clean(text):
    """Text that every database can store: no NUL (PostgreSQL refuses it)."""
    return (text or '').replace('\x00', '')


def key_of(message_id, raw):
    """The dedupe key: the Message-ID, or a digest of the message without one."""
    message_id = ''.join(ch for ch in message_id or '' if ch.isprintable())
    if message_id and len(message_id) <= 300:
        return message_id
    return 'sha256:' + hashlib.sha256(message_id.encode() if message_id else raw).hexdigest()


def _decode(part):
    payload = part.get_payload(decode=True) or b''
    charset = part.get_content_charset() or 'utf-8'
    try:
        return clean(payload.decode(charset, errors='replace'))
    except (LookupError, UnicodeError):     # an unknown charset, or one like idna
        return clean(payload.decode('latin-1'))


def _utc(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(UTC)
    return datetime.datetime.combine(value, datetime.time(), UTC)   # a DATE


def _itip(calendar):
    method = str(calendar.get('method', '')).upper()
    for event in calendar.walk('VEVENT'):
        start = _utc(event.decoded('dtstart', None))
        end = _utc(event.decoded('dtend', None))
        if end is None and start is not None and event.get('duration') is not None:
            end = start + event.decoded('duration')
        attendees, notes = [], []
        raw_attendees = event.get('attendee', [])
        for attendee in raw_attendees if isinstance(raw_attendees, list) else [raw_attendees]:
            address = re.sub(r'^mailto:', '', str(attendee), flags=re.IGNORECASE).strip()
            partstat = str(attendee.params.get('PARTSTAT', '')).upper()
            attendees.append((clean(address.lower()), partstat if partstat in PARTSTATS else '',
                              clean(str(attendee.params.get('CN', '')))))
            # Google Calendar puts the attendee's note in a parameter, not COMMENT.
            notes.append(str(attendee.params.get('X-RESPONSE-COMMENT', '')))
        comments = event.get('comment', [])
        comments = comments if isinstance(comments, list) else [comments]
        comment = clean('\n'.join(str(c) for c in comments + notes if str(c).strip()))
        try:
            # Clamped to the INTEGER columns; a silly value must not block later replies.
            sequence = min(max(int(event.get('sequence', 0)), 0), 100000)
        except (TypeError, ValueError):
            sequence = 0
        return ItipEvent(method, clean(str(event.get('uid', ''))), sequence,
                         _utc(event.decoded('dtstamp', None)), start, end, attendees,
                         comment)
    return None


def _calendars(message, letter):
    seen = set()
    for part in message.walk():
        filename = (part.get_filename() or '').lower()
        if part.get_content_type() not in CALENDAR_TYPES and not filename.endswith('.ics'):
            continue
        text = _decode(part)
        if text in seen:        # Google sends the same calendar inline and attached
            continue
        seen.add(text)
        try:
            event = _itip(icalendar.Calendar.from_ical(text))
        except Exception as exc:    # icalendar raises many kinds on garbage
            letter.errors.append(f'iCalendar: {type(exc).__name__}: {exc}'[:500])
            continue
        if event is None:
            letter.errors.append('iCalendar: no VEVENT')
        elif event.method:
            letter.events.append(event)


def _bodies(message):
    text, html = '', ''
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == 'attachment':
            continue
        kind = part.get_content_type()
        if kind == 'text/plain' and not text:
            text = _decode(part)
        elif kind == 'text/html' and not html:
            html = _decode(part)
    return text, html


def _delivery_status(message, letter):
    """RFC 3464: the recipient blocks and the Message-ID of the original."""
    for part in message.walk():
        kind = part.get_content_type()
        if kind == 'message/delivery-status':
            blocks = part.get_payload()
            for block in blocks[1:] if isinstance(blocks, list) else []:
                address = header(block, 'Final-Recipient') or header(block, 'Original-Recipient')
                letter.bounce.append(Recipient(
                    clean(address.split(';', 1)[-1].strip().strip('<>').lower()),
                    clean(header(block, 'Action').strip().lower()),
                    clean(header(block, 'Status').strip())[:32],
                    clean(' '.join(header(block, 'Diagnostic-Code').split()))[:1000]))
        elif kind in ('text/rfc822-headers', 'message/rfc822', 'message/rfc822-headers'):
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                letter.original_ids.append(header(inner[0], 'Message-ID').strip())
            else:
                letter.original_ids += MESSAGE_ID.findall(_decode(part))


def _classify_automatic(message, letter):
    auto_submitted = header(message, 'Auto-Submitted').strip().lower()
    precedence = header(message, 'Precedence').strip().lower()
    if auto_submitted and auto_submitted != 'no':
        letter.auto = f'Auto-Submitted: {auto_submitted}'
    elif precedence in ('bulk', 'junk', 'list', 'auto_reply'):
        letter.auto = f'Precedence: {precedence}'
    elif any(name.lower().startswith('list-') for name in message.keys()):
        letter.auto = 'mailing list'        # List-Id, List-Post, List-Unsubscribe (RFC 2369)
    elif message.get('X-Autoreply') or message.get('X-Autorespond'):
        letter.auto = 'X-Autoreply'
    elif AUTO_SUBJECT.match(letter.subject):
        letter.auto = SUBJECT_GUESS


def read(raw):
    """A Letter from the bytes of one message (RFC 5322)."""
    message = parse(raw)
    message_id = header(message, 'Message-ID').strip()
    letter = Letter(key_of(message_id, raw), message_id=message_id)
    letter.errors += [type(d).__name__ for d in message.defects]
    letter.sender_name, letter.sender = (addresses(message, 'From') or [('', '')])[0]
    letter.recipients = [a for _, a in addresses(message, 'To', 'Cc')]
    letter.envelope = [a for _, a in addresses(message, 'X-Original-To', 'Delivered-To')]
    letter.subject = clean(' '.join(header(message, 'Subject').split()))
    try:
        letter.date = _utc(email.utils.parsedate_to_datetime(header(message, 'Date')))
    except (TypeError, ValueError, IndexError, OverflowError):
        letter.date = None
    letter.in_reply_to = MESSAGE_ID.findall(
        header(message, 'In-Reply-To') + ' ' + header(message, 'References'))
    text, html = _bodies(message)
    if not text and len(html) > MAX_HTML_TEXT:
        letter.errors.append(f'HTML body cut at {MAX_HTML_TEXT} characters')
    text = text or quotes.html_text(html[:MAX_HTML_TEXT])
    letter.text, letter.reply_text = clean(text), clean(quotes.strip(text))
    report = message.get_content_type() == 'multipart/report'
    if report or (BOUNCE_SENDER.match(letter.sender) and BOUNCE_SUBJECT.search(letter.subject)):
        letter.bounce = []
        _delivery_status(message, letter)
        if not letter.original_ids:
            letter.original_ids = MESSAGE_ID.findall(letter.text)
        if not report:
            letter.errors.append('no delivery status: read from the text')
    else:
        _classify_automatic(message, letter)
    _calendars(message, letter)
    return letter
