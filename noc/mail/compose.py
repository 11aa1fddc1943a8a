"""MIME for a notice, laid out the way iMIP and real clients need it.

multipart/mixed
  multipart/alternative
    text/plain, text/html
    text/calendar; method=REQUEST|CANCEL; charset=UTF-8  (method= equals METHOD inside,
                                                          absent when the VEVENT has none)
  application/ics attachment: the same calendar, for people who save it

Flask-Mail's `alts` cannot set `method=` on the calendar part (Exchange
rejects the mismatch), so the message is built here with the standard
library and handed to the transport whole. Every part is transfer-encoded,
so the message is 7-bit and can be stored as text.
"""
import email.charset
import email.encoders
import email.policy
import functools
import re
import secrets
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr, make_msgid

# Header lines of at most 76 characters: a continuation line is a space and
# what follows, so an encoded word is never longer than 75 (RFC 2047 §2), and
# lines stay under RFC 5322's 78.
MAX_HEADER_LINE = 76


class _Folded(str):
    """A header value already folded (CRLF and a space between its lines)."""


class _Policy(email.policy.Compat32):
    """compat32 that writes a short plain-ASCII header, or one folded already, as it is.

    Re-folding every header through email.header.Header costs more than
    building the whole message; the output is the same for such headers.
    """

    def fold(self, name, value):
        if isinstance(value, _Folded):
            return f'{name}: {value}{self.linesep}'
        if (isinstance(value, str) and value.isascii() and '\r' not in value
                and '\n' not in value and len(name) + len(value) + 2 <= self.max_line_length):
            return f'{name}: {value}{self.linesep}'
        return super().fold(name, value)


CRLF = _Policy(linesep='\r\n', max_line_length=MAX_HEADER_LINE)
UTF8_QP = email.charset.Charset('utf-8')
UTF8_QP.header_encoding = email.charset.QP
UTF8_QP.body_encoding = email.charset.QP
# HTML and calendar parts in base64: its encoder is C, quoted-printable's is
# Python, and at thousands of messages per confirmation that matters.
UTF8_B64 = email.charset.Charset('utf-8')
UTF8_B64.header_encoding = email.charset.QP
UTF8_B64.body_encoding = email.charset.BASE64


def _fold(header):
    return _Folded(header.encode(linesep='\r\n', maxlinelen=MAX_HEADER_LINE))


def _plain(text):
    """Printable ASCII that no reader would take for an encoded word: written as it is."""
    return text.isascii() and text.isprintable() and '=?' not in text


@functools.lru_cache(maxsize=256)
def _encoded_subject(subject):
    """The Subject folded, in RFC 2047 encoded words when it is not ASCII.

    email.header.Header, told the header's name so the first line counts it:
    Python 3.11's email.policy folder drops the space between two encoded
    words it splits a phrase into ("programada:Substituição"), so it is not
    used. The encoder is slow, and one confirmation sends the same subject to
    hundreds of contacts.
    """
    # Plain text stays readable; anything else is encoded (a control
    # character inside an encoded word, never a line of its own).
    charset = 'us-ascii' if _plain(subject) else 'utf-8'
    return _fold(Header(subject, charset, header_name='Subject'))


@functools.lru_cache(maxsize=4096)
def _address(name, pair):
    """'Name <address>' for From or To: an ASCII name quoted as RFC 5322 needs,
    any other (or one that reads as an encoded word) in encoded words of a
    phrase's safe characters, folded. Control characters are cleaned first
    (_clean): a stored name can never end the header or add one."""
    pair = _clean(pair)
    display, address = pair
    if _plain(display):
        return formataddr(pair)
    header = Header(header_name=name)
    header.append(display, UTF8_QP)
    header.append(f'<{address}>', 'us-ascii')
    return _fold(header)


# C0 and C1 control characters and DEL, and the Unicode line and paragraph
# separators: in a header, a CR or LF ends it and starts another (injection).
_CONTROLS = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029]+')


def _clean(pair):
    """(name, address) with control characters turned into a space in the name
    and dropped from the address."""
    name, address = pair
    return (' '.join(_CONTROLS.sub(' ', name or '').split()), _CONTROLS.sub('', address))


def _boundary():
    # Set explicitly: the generator would otherwise search each part for a
    # boundary-like line with a fresh regular expression, per part.
    return '=_' + secrets.token_hex(12)


def message_id(domain):
    return make_msgid(idstring='janela', domain=domain)


def _text_part(body, subtype):
    part = MIMENonMultipart('text', subtype)
    part.set_payload(body, UTF8_QP if subtype == 'plain' else UTF8_B64)
    return part


def _calendar_part(ics, method):
    part = MIMENonMultipart('text', 'calendar')
    part.set_payload(ics, UTF8_B64)
    if method:
        part.set_param('method', method)
    # set_payload wrote charset="utf-8"; iMIP examples and Outlook use UTF-8.
    part.set_param('charset', 'UTF-8')
    return part


def _attachment(ics, filename):
    part = MIMEBase('application', 'ics', name=filename)
    part.set_payload(ics.encode('utf-8'))
    email.encoders.encode_base64(part)
    part.add_header('Content-Disposition', 'attachment', filename=filename)
    return part


def build(*, sender, recipient, subject, text, html, ics, method, stamp, msgid,
          filename, language='pt-BR', headers=None, auto_submitted='auto-generated'):
    """The whole message as a string with CRLF line ends (RFC 5322); without
    `ics`, just the text and HTML alternatives."""
    alternative = MIMEMultipart('alternative', boundary=_boundary())
    alternative.attach(_text_part(text, 'plain'))
    alternative.attach(_text_part(html, 'html'))
    if ics:
        alternative.attach(_calendar_part(ics, method))
        root = MIMEMultipart('mixed', boundary=_boundary())
        root.attach(alternative)
        root.attach(_attachment(ics, filename))
    else:                                   # a message with nothing for calendars
        root = alternative
    root['From'] = _address('From', tuple(sender))
    root['To'] = _address('To', tuple(recipient))
    root['Subject'] = _encoded_subject(subject)
    root['Date'] = format_datetime(stamp)
    root['Message-ID'] = msgid
    root['Content-Language'] = language
    # RFC 3834: a notice is sent by a program, so autoresponders stay quiet;
    # an automatic answer to someone's mail says auto-replied.
    root['Auto-Submitted'] = auto_submitted
    for name, value in (headers or {}).items():
        root[name] = value
    # compat32 with CRLF: the same bytes on the wire as policy.SMTP, without its
    # header parsing, which costs milliseconds per message at 2,000 contacts.
    return root.as_string(policy=CRLF)

