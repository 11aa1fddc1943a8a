"""Raw inbound messages (RFC 5322 bytes, CRLF line ends) as real clients write them.

Janela sends maintenance notices as iMIP invitations (METHOD:REQUEST, UID like
``mw-2026-00042-1a2b3c4d@janela.example``, ORGANIZER ``mailto:noc@janela.example``).
Customers answer in many ways; these functions build what arrives back, for
the inbound handler's tests. Every function takes keyword arguments only, has
defaults, and sets From/To/Date/Message-ID (a fresh Message-ID per call unless
``message_id=`` is given, so tests can make duplicates) and In-Reply-To /
References when given. Nothing here is copied from other code; only formats
and facts, with their sources:

Standards
  * RFC 5546 (iTIP) §3.2.3 REPLY (one ATTENDEE, its PARTSTAT, ORGANIZER, UID,
    the organizer's SEQUENCE echoed), §3.2.7 COUNTER (the proposed DTSTART/DTEND,
    SEQUENCE echoed, never raised), §2.1.4 (only the organizer raises SEQUENCE).
  * RFC 6047 (iMIP) §2.4: ``Content-Type: text/calendar; method=...`` equal to
    METHOD inside.
  * RFC 5545 §3.1 content lines folded at 75 octets; §3.3.11 TEXT escaping.
  * RFC 3464 (DSN) §2.2/§2.3 per-message and per-recipient fields; RFC 6522
    multipart/report with report-type=delivery-status; the third part is
    text/rfc822-headers or message/rfc822.
  * RFC 3834 §3.1.5 In-Reply-To/References, §3.1.7 ``Auto-Submitted:
    auto-replied``, §3.3 empty envelope sender; RFC 5230 (Sieve vacation).

Outlook / Exchange  (outlook_reply, outlook_counter, out_of_office_outlook, bounce_exchange)
  * Exchange Online meeting messages: multipart/alternative of text/plain and
    text/html (quoted-printable) and ``text/calendar; charset="utf-8";
    method=...`` in base64; boundary ``_000_<message-id-local-part>_``;
    Thread-Topic, Thread-Index, Accept-Language, Content-Language,
    X-MS-Has-Attach, X-MS-TNEF-Correlator, x-ms-exchange-calendar-series-instance-id,
    ``x-ms-traffictypediagnostic: <server>:MeetingMessage``: seen in a meeting
    message from an Exchange Online tenant archived on the public list
    openbmc@lists.ozlabs.org (27 Aug 2019), kept in public repositories.
  * The Exchange REPLY calendar: ``PRODID:Microsoft Exchange Server 2010``,
    the comment in ``COMMENT;LANGUAGE=..`` (RFC 5545 escapes), SUMMARY carrying
    the response prefix ("Accepted: ..."), DTSTART/DTEND echoed with a Windows
    TZID, X-MICROSOFT-CDO-* properties: an anonymised real capture kept in a
    public test file (ics-reply.test.ts, "Real capture from a Microsoft
    Exchange-generated reply"); X-MICROSOFT-CDO-REPLYTIME, which Outlook uses
    instead of SEQUENCE to order replies (comment in Evolution's itip code).
  * COUNTER ("Propose New Time"): DTSTART/DTEND carry the proposal and
    X-MS-OLK-ORIGINALSTART / X-MS-OLK-ORIGINALEND the original times, only
    with METHOD:COUNTER: [MS-OXCICAL] 2.1.3.1.1.20.59
    https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcical/92ee1b7d-d1f6-4032-bdf4-a61075d6d0ef
    (and .58 ORIGINALSTART); the proposal is stored in UTC
    (PidLidAppointmentProposedStartWhole, [MS-OXOCAL] 2.2.7.3). Outlook sends it
    as "Tentative/Decline and Propose New Time", so PARTSTAT is TENTATIVE or
    DECLINED. Subject "New Time Proposed: ..." / "Nova Hora Proposta: ...".
  * Outlook desktop sending through an internet (SMTP) account (``via='smtp'``):
    ``PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN``,
    ``X-MS-OLK-FORCEINSPECTOROPEN:TRUE``, VTIMEZONE with a Windows name and
    ``DTSTART;TZID="..."``: an Outlook 16 calendar quoted in
    phw198/OutlookGoogleCalendarSync issue #806; ``Content-class:
    urn:content-classes:calendarmessage`` is the header Outlook-compatible
    senders add to meeting messages (Lightning's own Outlook compatibility mode
    writes it).
  * Automatic replies (OOF): sent with an empty return path (<>): Microsoft
    support, "Understand and troubleshoot Out of Office (OOF) replies"
    (MicrosoftDocs/SupportArticles-docs). Headers ``X-Auto-Response-Suppress:
    All``, ``X-MS-Exchange-Inbox-Rules-Loop: <mailbox>``, ``auto-submitted:
    auto-generated`` (not RFC 3834's auto-replied): an Exchange 2013
    auto-reply captured in the public tests of camilord/utilus. The values of
    X-Auto-Response-Suppress: [MS-OXCMAIL] 2.1.3.2.20
    https://learn.microsoft.com/en-us/openspecs/exchange_server_protocols/ms-oxcmail/ced68690-498a-4567-9d14-5c01f974d8b1
    (the header asks *other* servers not to answer; it does not by itself mark
    a message as an auto-reply: jitbit.com blog, "Detecting Outlook
    autoreply/out-of-office emails"). Subject "Automatic reply: ..." /
    "Resposta automática: ...".
  * Non-delivery reports: ``X-MS-Exchange-Message-Is-Ndr:`` and subject
    "Undeliverable: ..." (sisimai's Office365 decoder, which also lists the
    Portuguese form); sender ``MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@<domain>``
    (Exchange Online) or postmaster@ (on premises); Portuguese subject "Não é
    possível entregar: ..." (seen in public test data); layout
    multipart/report = [multipart/alternative, message/delivery-status,
    message/rfc822].
  * Quoted replies: "-----Original Message-----" / "-----Mensagem
    original-----" with From:/Sent:/To:/Subject: ("De:/Enviada em:/Para:/
    Assunto:") in plain text; in HTML the desktop's ``<div class=WordSection1>``
    with a top-bordered header block, and Outlook on the web's
    ``<div id="divRplyFwdMsg">`` with "De:/Enviado:/Para:/Assunto:".

Google Calendar / Gmail  (google_reply, google_counter, vacation_gmail, bounce_gmail)
  * REPLY calendar: ``PRODID:-//Google Inc//Google Calendar 70.9054//EN``,
    CALSCALE, DTSTART/DTEND echoed in UTC, ATTENDEE with CUTYPE, ROLE, PARTSTAT,
    CN, ``X-NUM-GUESTS=0`` and the attendee's note in the *parameter*
    ``X-RESPONSE-COMMENT="..."`` (not the COMMENT property), CREATED,
    LAST-MODIFIED, STATUS, TRANSP: anonymised real captures in the public
    ics-reply.test.ts above; apostrophes in the note written as ``&#39\\;``
    (a declined Google invitation archived on a public mailing list).
  * Message layout: multipart/mixed = [multipart/alternative(text/plain,
    text/html, ``text/calendar; charset="UTF-8"; method=REPLY``),
    ``application/ics; name="invite.ics"`` attachment]; From the attendee,
    ``Sender: Google Calendar <calendar-notification@google.com>``.
  * "Propose a new time": Google sends **METHOD:COUNTER**, not a REPLY. The
    proposed DTSTART/DTEND are in UTC, a VTIMEZONE of the proposer's zone is
    included anyway, SEQUENCE is echoed, and the ATTENDEE carries
    ``PARTSTAT=TENTATIVE`` plus the note in ``X-RESPONSE-COMMENT``: Google
    COUNTER calendars (PRODID Google Calendar 70.9054) used as fixtures in
    linagora/tmail-backend (CalendarEventCounter/accept, PR #1624, issue #1255);
    consistent with nextcloud/mail issue #10077 (a Gmail user's "propose a new
    time" arrives as an iMIP message read as "replied Maybe and proposed a new
    time"). The claim that Google answers with a REPLY carrying only
    X-RESPONSE-COMMENT describes its ordinary RSVP-with-note, not the proposal.
    The subject wording "New time proposed: ..." could not be confirmed from
    a primary source (third-party filters list both "New time proposed:" and
    "Proposed new time:"); handlers must not rely on it.
  * Vacation responder: ``Auto-Submitted: auto-replied`` (RFC 3834), In-Reply-To
    and References to the message answered; no ``Precedence`` header was found
    documented (Precedence: bulk is what *senders* add so that Gmail does not
    answer); the configured text is prepended to the subject
    (Gmail API VacationSettings.responseSubject,
    https://developers.google.com/gmail/api/reference/rest/v1/VacationSettings).
  * DSN: ``Mail Delivery Subsystem <mailer-daemon@googlemail.com>``, subject
    "Delivery Status Notification (Failure)", ``X-Failed-Recipients:``,
    "** Address not found **" text, Reporting-MTA dns; googlemail.com.
  * Gmail quoting: "On Tue, 8 Dec 2026 at 10:00, Janela NOC <...> wrote:" /
    "Em ter., 8 de dez. de 2026 às 10:00, Janela NOC <...> escreveu:", ``> ``
    quoted lines; HTML ``<div class="gmail_quote">`` with
    ``<blockquote class="gmail_quote">``.

Thunderbird  (thunderbird_reply, thunderbird_counter)
  * calItipEmailTransport.sys.mjs (comm-central): hand-written MIME with
    ``MIME-version: 1.0``, ``Content-type: multipart/mixed;
    boundary="Boundary_(ID_qyG4ZdjoAsiZ+Jo19dCbWQ)"`` around
    multipart/alternative ``Boundary_(ID_ryU4ZdJoASiZ+Jo21dCbwA)`` of text/plain
    and ``text/calendar; method=...; charset=UTF-8`` (8BIT), then
    ``application/ics; name=invite.ics`` attachment; header section from
    calInvitationUtils getHeaderSection (no In-Reply-To: Thunderbird does not
    thread iTIP replies). Subjects from calendar.ftl: en "Accepted: / Invitation
    Declined: / Tentative:", pt-BR "Aceito: / Convite recusado: / Tentativa:".
  * COUNTER: ``_prepareItems`` has no COUNTER case, so the subject and the
    text body of a Thunderbird counterproposal are empty; the calendar carries
    ``PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN`` and the new
    times in the user's Olson zone with its VTIMEZONE.

Postfix / generic MTAs  (bounce_postfix, delayed_dsn, autoreply_generic)
  * Postfix bounce(8) template: ``From: MAILER-DAEMON@host (Mail Delivery
    System)``, "Undelivered Mail Returned to Sender" / "Delayed Mail (still
    being retried)", parts Notification / Delivery report / Undelivered Message
    Headers (text/rfc822-headers), X-Postfix-Queue-ID, Will-Retry-Until for
    delays, ``Return-Path: <>``.
  * Sieve vacation (Pigeonhole): "Auto: <subject>", ``Auto-Submitted:
    auto-replied (vacation)``, ``Precedence: bulk``; helpdesk auto-acknowledgement
    with ``X-Autoreply: yes`` (osTicket) and no Auto-Submitted.

Details written from general knowledge, not confirmed against a source in
this research (a handler must not depend on them): Google's ``Sender:`` header
and the "@ <when> (<organizer>)" subject tail and its Portuguese prefixes;
Outlook's Portuguese "Provisório:" / "Nova Hora Proposta:" (from the brief);
``Auto-Submitted: auto-replied`` on Exchange NDRs; the exact human-readable
texts of the Exchange, Gmail and Postfix reports; Gmail's vacation subject
joining (the API says only "prepend").

Note for the handler: Janela's own notices carry ``Auto-Submitted:
auto-generated`` (noc/mail/compose.py), so RFC 3834 responders should stay
quiet; Exchange OOF does not look at that header (it honours
X-Auto-Response-Suppress and Precedence), so OOF replies will still arrive.
"""
import base64
import datetime
import email.utils
import hashlib
import html as html_lib
import quopri
import random
import textwrap
import uuid
from email.header import Header
from zoneinfo import ZoneInfo

UTC = datetime.timezone.utc
SAO_PAULO = ZoneInfo('America/Sao_Paulo')
CRLF = '\r\n'

ORGANIZER = 'noc@janela.example'
ORGANIZER_NAME = 'Janela NOC'
DEFAULT_UID = 'mw-2026-00042-1a2b3c4d@janela.example'
DEFAULT_REFERENCE = 'MW-2026-00042'
DEFAULT_SUMMARY = 'MW-2026-00042 Troca de placa'
DEFAULT_ATTENDEE = 'ana@acme.example.com'
DEFAULT_ATTENDEE_NAME = 'Ana Souza'
DEFAULT_STARTS = datetime.datetime(2026, 12, 10, 3, 0, tzinfo=UTC)     # 00:00 in São Paulo
DEFAULT_ENDS = datetime.datetime(2026, 12, 10, 7, 0, tzinfo=UTC)
NOTICE_SENT = datetime.datetime(2026, 12, 8, 13, 0, tzinfo=UTC)       # Tue 8 Dec, 10:00 BRT
NOTICE_MESSAGE_ID = '<176519880000.4242.8151047712853306781.janela@janela.example>'
WINDOWS_TZID = 'E. South America Standard Time'

_DAYS = ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun')
_DAYS_FULL = ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday')
_MONTHS = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')
_MONTHS_FULL = ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                'September', 'October', 'November', 'December')
_PT_DAYS = ('seg.', 'ter.', 'qua.', 'qui.', 'sex.', 'sáb.', 'dom.')
_PT_DAYS_FULL = ('segunda-feira', 'terça-feira', 'quarta-feira', 'quinta-feira', 'sexta-feira',
                 'sábado', 'domingo')
_PT_MONTHS = ('jan.', 'fev.', 'mar.', 'abr.', 'mai.', 'jun.', 'jul.', 'ago.', 'set.', 'out.',
              'nov.', 'dez.')
_PT_MONTHS_FULL = ('janeiro', 'fevereiro', 'março', 'abril', 'maio', 'junho', 'julho', 'agosto',
                   'setembro', 'outubro', 'novembro', 'dezembro')

# Response subject prefixes per client and language.
_OUTLOOK_PREFIX = {
    'en': {'ACCEPTED': 'Accepted', 'DECLINED': 'Declined', 'TENTATIVE': 'Tentative',
           'COUNTER': 'New Time Proposed'},
    'pt': {'ACCEPTED': 'Aceito', 'DECLINED': 'Recusado', 'TENTATIVE': 'Provisório',
           'COUNTER': 'Nova Hora Proposta'},
}
_GOOGLE_PREFIX = {
    'en': {'ACCEPTED': 'Accepted', 'DECLINED': 'Declined',
           'TENTATIVE': 'Tentatively accepted', 'COUNTER': 'New time proposed'},
    'pt': {'ACCEPTED': 'Aceito', 'DECLINED': 'Recusado',
           'TENTATIVE': 'Aceito provisoriamente', 'COUNTER': 'Novo horário proposto'},
}
_THUNDERBIRD_PREFIX = {
    'en': {'ACCEPTED': 'Accepted', 'DECLINED': 'Invitation Declined', 'TENTATIVE': 'Tentative'},
    'pt': {'ACCEPTED': 'Aceito', 'DECLINED': 'Convite recusado', 'TENTATIVE': 'Tentativa'},
}


# ---------------------------------------------------------------- small helpers

def _lang(language):
    return 'pt' if str(language).lower().startswith('pt') else 'en'


def _now():
    return datetime.datetime.now(UTC).replace(microsecond=0)


def _as_utc(moment):
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _ical_utc(moment):
    return _as_utc(moment).strftime('%Y%m%dT%H%M%SZ')


def _ical_local(moment, zone=SAO_PAULO):
    return _as_utc(moment).astimezone(zone).strftime('%Y%m%dT%H%M%S')


def _ical_text(value):
    """RFC 5545 §3.3.11 TEXT escaping."""
    return (value.replace('\\', '\\\\').replace(';', '\\;').replace(',', '\\,')
            .replace('\r\n', '\\n').replace('\n', '\\n'))


def _fold(line, limit=75):
    """RFC 5545 §3.1: lines of at most 75 octets, continuation lines start with a space.

    Never splits a UTF-8 sequence."""
    data = line.encode('utf-8')
    if len(data) <= limit:
        return line
    pieces, start, width = [], 0, limit
    while start < len(data):
        end = min(start + width, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        pieces.append(data[start:end].decode('utf-8'))
        start, width = end, limit - 1
    return '\r\n '.join(pieces)


def _ics(lines):
    return CRLF.join(_fold(line) for line in lines) + CRLF


def _crlf(text):
    return text.replace('\r\n', '\n').replace('\r', '\n').replace('\n', CRLF)


def _b64(data, width=76):
    encoded = base64.b64encode(data).decode('ascii')
    return CRLF.join(encoded[i:i + width] for i in range(0, len(encoded), width)) + CRLF


def _qp(text, charset):
    """Quoted-printable of `text` in `charset`, CRLF line ends, soft breaks at 76."""
    raw = text.replace('\r\n', '\n').encode(charset)
    return quopri.encodestring(raw).decode('ascii').replace('\n', CRLF)


def _best_charset(text, preferred='iso-8859-1'):
    try:
        text.encode(preferred)
        return preferred
    except UnicodeEncodeError:
        return 'utf-8'


def _header_text(value, charset='utf-8'):
    """A header value: as is when ASCII, else RFC 2047 encoded words (folded)."""
    if value.isascii():
        if len(value) <= 66:
            return value
        return Header(value, 'us-ascii', header_name='Subject').encode(linesep=CRLF)
    return Header(value, charset, header_name='Subject').encode(linesep=CRLF)


def _addr(name, address, charset='utf-8'):
    if not name:
        return address
    if name.isascii():
        return email.utils.formataddr((name, address))
    return f'{Header(name, charset).encode()} <{address}>'


def _date(moment, zone=UTC, *, pad_day=False, zone_comment=False):
    """RFC 5322 date as clients write it (Exchange in +0000, Gmail and Postfix local)."""
    local = _as_utc(moment).astimezone(zone)
    offset = int(local.utcoffset().total_seconds() // 60)
    sign = '-' if offset < 0 else '+'
    offset = abs(offset)
    day = f'{local.day:2d}' if pad_day else str(local.day)
    text = (f'{_DAYS[local.weekday()]}, {day} {_MONTHS[local.month - 1]} {local.year} '
            f'{local:%H:%M:%S} {sign}{offset // 60:02d}{offset % 60:02d}')
    if zone_comment:
        text += f' ({sign}{offset // 60:02d})'
    return text


def _token(n=16):
    return uuid.uuid4().hex[:n]


def _domain(address):
    return address.rpartition('@')[2] or 'localhost'


def _ids(value):
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    return list(value)


def _threading(in_reply_to, references):
    """In-Reply-To and References, the way clients write them: References ends
    with the message answered (RFC 5322 §3.6.4)."""
    headers = []
    refs = _ids(references)
    if in_reply_to and in_reply_to not in refs:
        refs.append(in_reply_to)
    if refs:
        headers.append(('References', ' '.join(refs)))
    if in_reply_to:
        headers.append(('In-Reply-To', in_reply_to))
    return headers


def _message(headers, body):
    """Headers (name, value) and a CRLF body to bytes; None values are left out.

    The body may carry 8-bit UTF-8 (Thunderbird's 8BIT parts)."""
    lines = [f'{name}: {value}' for name, value in headers if value is not None]
    text = CRLF.join(lines) + CRLF + CRLF + body
    return text.encode('utf-8')


def _part(headers, body):
    lines = [f'{name}: {value}' for name, value in headers if value is not None]
    return CRLF.join(lines) + CRLF + CRLF + body


def _multipart(boundary, parts, *, preamble='', between=''):
    out = preamble
    for part in parts:
        out += f'--{boundary}{CRLF}{part}'
        if not part.endswith(CRLF):
            out += CRLF
        out += between
    return out + f'--{boundary}--{CRLF}'


# ---------------------------------------------------------------- client identities

_EXCHANGE_HOSTS = ('CPUP152MB4567', 'CP4P152MB1093', 'RO2P152MB3321', 'CPVP152MB5610')


def _exchange_host(seed):
    return _EXCHANGE_HOSTS[int(hashlib.sha1(seed.encode()).hexdigest(), 16) % len(_EXCHANGE_HOSTS)]


def _exchange_message_id(host):
    return f'<{host}{uuid.uuid4().hex.upper()}@{host}.LAMP152.PROD.OUTLOOK.COM>'


def _exchange_boundary(message_id):
    local = message_id.strip('<>').split('@')[0]
    return f'_000_{local}LAMP_'


def _thread_index():
    """An Outlook Thread-Index: the 6 high-order bytes of the FILETIME (starting
    0x01) and a GUID, 22 bytes in base64 ("Ad..." for current dates)."""
    filetime = int((datetime.datetime.now(UTC).timestamp() + 11_644_473_600) * 10_000_000)
    return base64.b64encode(filetime.to_bytes(8, 'big')[:6] + uuid.uuid4().bytes).decode('ascii')


def _series_instance_id():
    return base64.b64encode(b'\x04\x00\x00\x00\x82\x00\xe0\x00t\xc5\xb7\x10\x1a\x82\xe0\x08'
                            + b'\x00' * 8 + uuid.uuid4().bytes[:8] + b'\x00' * 8
                            + b'\x10\x00\x00\x00' + uuid.uuid4().bytes).decode('ascii')


def _gmail_message_id():
    raw = base64.urlsafe_b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes).decode().rstrip('=')
    return f'<CA{raw[:40]}@mail.gmail.com>'


def _gcal_message_id():
    return f'<calendar-{uuid.uuid4()}@google.com>'


def _gmail_boundary():
    return '000000000000' + uuid.uuid4().hex[:16]


def _thunderbird_message_id(address):
    return f'<{uuid.uuid4()}@{_domain(address)}>'


def _postfix_queue_id():
    return uuid.uuid4().hex[:10].upper()


def _postfix_message_id(host, moment, queue_id):
    return f'<{_as_utc(moment):%Y%m%d%H%M%S}.{queue_id}@{host}>'


# ---------------------------------------------------------------- date texts

def _outlook_sent(moment, language):
    """Outlook's "Sent:" / "Enviada em:" value, in São Paulo time."""
    local = _as_utc(moment).astimezone(SAO_PAULO)
    if _lang(language) == 'pt':
        return (f'{_PT_DAYS_FULL[local.weekday()]}, {local.day} de '
                f'{_PT_MONTHS_FULL[local.month - 1]} de {local.year} {local:%H:%M}')
    hour = local.hour % 12 or 12
    return (f'{_DAYS_FULL[local.weekday()]}, {_MONTHS_FULL[local.month - 1]} {local.day}, '
            f'{local.year} {hour}:{local:%M} {"AM" if local.hour < 12 else "PM"}')


def _gmail_attribution(moment, language, name=ORGANIZER_NAME, address=ORGANIZER):
    local = _as_utc(moment).astimezone(SAO_PAULO)
    if _lang(language) == 'pt':
        return (f'Em {_PT_DAYS[local.weekday()]}, {local.day} de {_PT_MONTHS[local.month - 1]} '
                f'de {local.year} às {local:%H:%M}, {name} <{address}> escreveu:')
    return (f'On {_DAYS[local.weekday()]}, {local.day} {_MONTHS[local.month - 1]} {local.year} '
            f'at {local:%H:%M}, {name} <{address}> wrote:')


def _google_when(starts_at, ends_at, language):
    """Google's "@ Thu Dec 10, 2026 12am - 4am (BRT)" subject tail."""
    start = _as_utc(starts_at).astimezone(SAO_PAULO)
    end = _as_utc(ends_at).astimezone(SAO_PAULO)
    if _lang(language) == 'pt':
        return (f'{_PT_DAYS[start.weekday()].rstrip(".")} {start.day} de '
                f'{_PT_MONTHS[start.month - 1].rstrip(".")} de {start.year} '
                f'{start:%H:%M} - {end:%H:%M} (BRT)')

    def clock(moment):
        hour = moment.hour % 12 or 12
        suffix = 'am' if moment.hour < 12 else 'pm'
        return f'{hour}{suffix}' if moment.minute == 0 else f'{hour}:{moment:%M}{suffix}'

    return (f'{_DAYS[start.weekday()]} {_MONTHS[start.month - 1]} {start.day}, {start.year} '
            f'{clock(start)} - {clock(end)} (BRT)')


# ---------------------------------------------------------------- the notices answered

def notice_subject(*, reference=DEFAULT_REFERENCE, language='pt', title=None, day='2026-12-10'):
    """The subject of Janela's notice, as customers' replies quote it."""
    if _lang(language) == 'pt':
        return f'[{reference}] Nova manutenção programada: {title or "Troca de placa"} ({day})'
    return f'[{reference}] New scheduled maintenance: {title or "Fibre splice"} ({day})'


def notice_text(*, reference=DEFAULT_REFERENCE, language='pt'):
    """A short body of Janela's notice, for quoting."""
    if _lang(language) == 'pt':
        return (f'Prezado cliente,\n\nInformamos a manutenção programada {reference}.\n'
                'Início: 10/12/2026 00:00 (horário de Brasília)\n'
                'Fim: 10/12/2026 04:00 (horário de Brasília)\n'
                'Impacto: interrupção de até 30 minutos.\n'
                'Circuitos afetados: ACME-LINK-A\n\n'
                'Para reagendar, responda a este e-mail ou use o link do aviso.\n\n'
                'Janela NOC')
    return (f'Dear customer,\n\nThis is to inform you of scheduled maintenance {reference}.\n'
            'Start: 2026-12-10 03:00 UTC\nEnd: 2026-12-10 07:00 UTC\n'
            'Impact: outage of up to 30 minutes.\nAffected circuits: GX/CIRC/9\n\n'
            'To reschedule, reply to this email or use the link in the notice.\n\n'
            'Janela NOC')


def _notice_headers(*, message_id, recipient, subject, date):
    """The header section of Janela's notice, as bounces return it."""
    return [
        ('From', _addr(ORGANIZER_NAME, ORGANIZER)),
        ('To', recipient),
        ('Subject', _header_text(subject)),
        ('Date', _date(date)),
        ('Message-ID', message_id),
        ('Content-Language', 'pt-BR'),
        ('Auto-Submitted', 'auto-generated'),
        ('MIME-Version', '1.0'),
        ('Content-Type', 'multipart/mixed; boundary="=_3f9c2a1b7d4e6f8091a2b3c4"'),
    ]


def _notice_rfc822(*, message_id, recipient, subject, date, language='pt'):
    headers = _notice_headers(message_id=message_id, recipient=recipient, subject=subject,
                              date=date)
    headers[-1] = ('Content-Type', 'text/plain; charset="utf-8"')
    headers.append(('Content-Transfer-Encoding', 'quoted-printable'))
    return _part(headers, _qp(notice_text(language=language), 'utf-8'))


# ---------------------------------------------------------------- calendars

def _vtimezone_windows():
    # Brazil has had no daylight saving time since 2019; Outlook still writes
    # both blocks, with equal offsets.
    return ['BEGIN:VTIMEZONE', f'TZID:{WINDOWS_TZID}',
            'BEGIN:STANDARD', 'DTSTART:16010101T000000', 'TZOFFSETFROM:-0300',
            'TZOFFSETTO:-0300', 'END:STANDARD',
            'BEGIN:DAYLIGHT', 'DTSTART:16010101T000000', 'TZOFFSETFROM:-0300',
            'TZOFFSETTO:-0300', 'END:DAYLIGHT', 'END:VTIMEZONE']


def _vtimezone_olson(tzname='-03'):
    return ['BEGIN:VTIMEZONE', 'TZID:America/Sao_Paulo', 'BEGIN:STANDARD',
            'TZOFFSETFROM:-0300', 'TZOFFSETTO:-0300', f'TZNAME:{tzname}',
            'DTSTART:19700101T000000', 'END:STANDARD', 'END:VTIMEZONE']


def _exchange_calendar(*, method, uid, sequence, attendee, attendee_name, partstat, organizer,
                       summary, prefix, comment, dtstamp, starts_at, ends_at, tz, via,
                       language, original_starts_at=None, original_ends_at=None):
    lang_tag = 'pt-BR' if _lang(language) == 'pt' else 'en-US'
    windows = tz == 'windows'
    quote = '"' if via == 'smtp' else ''

    def when(name, moment):
        if windows:
            return f'{name};TZID={quote}{WINDOWS_TZID}{quote}:{_ical_local(moment)}'
        return f'{name}:{_ical_utc(moment)}'

    stamp = _ical_utc(dtstamp)
    busy = {'ACCEPTED': 'BUSY', 'TENTATIVE': 'TENTATIVE', 'DECLINED': 'FREE'}.get(partstat, 'BUSY')
    counter = method == 'COUNTER'
    if via == 'smtp':
        # Outlook desktop (internet account): its own PRODID, properties in
        # alphabetical order, LANGUAGE in lower case.
        lines = ['BEGIN:VCALENDAR', 'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
                 'VERSION:2.0', f'METHOD:{method}', 'X-MS-OLK-FORCEINSPECTOROPEN:TRUE']
        lines += _vtimezone_windows() if windows else []
        lines += ['BEGIN:VEVENT',
                  f'ATTENDEE;CN={attendee_name};PARTSTAT={partstat}:mailto:{attendee}',
                  'CLASS:PUBLIC']
        if comment:
            lines.append(f'COMMENT;LANGUAGE={lang_tag.lower()}:{_ical_text(comment)}')
        lines += [f'CREATED:{stamp}', when('DTEND', ends_at), f'DTSTAMP:{stamp}',
                  when('DTSTART', starts_at), f'LAST-MODIFIED:{stamp}',
                  f'ORGANIZER;CN="{ORGANIZER_NAME}":mailto:{organizer}', 'PRIORITY:5',
                  f'SEQUENCE:{sequence}',
                  f'SUMMARY;LANGUAGE={lang_tag.lower()}:{_ical_text(f"{prefix}: {summary}")}',
                  'TRANSP:OPAQUE', f'UID:{uid}',
                  f'X-MICROSOFT-CDO-BUSYSTATUS:{busy}', 'X-MICROSOFT-CDO-IMPORTANCE:1',
                  'X-MICROSOFT-DISALLOW-COUNTER:FALSE', 'X-MS-OLK-AUTOFILLLOCATION:FALSE',
                  'X-MS-OLK-CONFTYPE:0']
        if counter:
            lines += [when('X-MS-OLK-ORIGINALEND', original_ends_at),
                      when('X-MS-OLK-ORIGINALSTART', original_starts_at)]
        lines += ['END:VEVENT', 'END:VCALENDAR']
        return _ics(lines)

    lines = ['BEGIN:VCALENDAR', f'METHOD:{method}', 'PRODID:Microsoft Exchange Server 2010',
             'VERSION:2.0']
    lines += _vtimezone_windows() if windows else []
    lines += ['BEGIN:VEVENT',
              f'ORGANIZER;CN={ORGANIZER_NAME}:mailto:{organizer}',
              f'ATTENDEE;PARTSTAT={partstat};CN={attendee_name}:mailto:{attendee}']
    if comment:
        lines.append(f'COMMENT;LANGUAGE={lang_tag}:{_ical_text(comment)}')
    lines += [f'SUMMARY;LANGUAGE={lang_tag}:{_ical_text(f"{prefix}: {summary}")}',
              when('DTSTART', starts_at), when('DTEND', ends_at),
              f'UID:{uid}', 'CLASS:PUBLIC', 'PRIORITY:5', f'DTSTAMP:{stamp}', 'TRANSP:OPAQUE',
              'STATUS:CONFIRMED', f'SEQUENCE:{sequence}', f'LOCATION;LANGUAGE={lang_tag}:']
    if counter:
        lines += [when('X-MS-OLK-ORIGINALSTART', original_starts_at),
                  when('X-MS-OLK-ORIGINALEND', original_ends_at)]
    lines += [f'X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}',
              f'X-MICROSOFT-CDO-OWNERAPPTID:-{int(hashlib.sha1(uid.encode()).hexdigest()[:7], 16)}',
              f'X-MICROSOFT-CDO-BUSYSTATUS:{busy}', 'X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY',
              'X-MICROSOFT-CDO-ALLDAYEVENT:FALSE', 'X-MICROSOFT-CDO-IMPORTANCE:1',
              'X-MICROSOFT-CDO-INSTTYPE:0', f'X-MICROSOFT-CDO-REPLYTIME:{stamp}',
              'X-MICROSOFT-DONOTFORWARDMEETING:FALSE', 'X-MICROSOFT-DISALLOW-COUNTER:FALSE',
              'X-MICROSOFT-REQUESTEDATTENDANCEMODE:DEFAULT', 'X-MICROSOFT-LOCATIONS:[]',
              'END:VEVENT', 'END:VCALENDAR']
    return _ics(lines)


def _google_param(value):
    """A parameter value as Google writes X-RESPONSE-COMMENT: quoted, HTML
    entities for quotes and apostrophes, every ';' backslash-escaped
    (``it&#39\\;s``), line breaks as spaces."""
    value = ' '.join(value.split('\n'))
    value = html_lib.escape(value, quote=True).replace('&#x27;', '&#39;')
    return '"' + value.replace(';', '\\;') + '"'


def _google_calendar(*, method, uid, sequence, attendee, attendee_name, partstat, organizer,
                     summary, comment, dtstamp, starts_at, ends_at, created=None):
    stamp = _ical_utc(dtstamp)
    created = _ical_utc(created or (_as_utc(dtstamp) - datetime.timedelta(days=1)))
    attendee_line = (f'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};'
                     f'CN={attendee_name};X-NUM-GUESTS=0')
    if comment:
        attendee_line += f';X-RESPONSE-COMMENT={_google_param(comment)}'
    attendee_line += f':mailto:{attendee}'
    lines = ['BEGIN:VCALENDAR', 'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
             'VERSION:2.0', 'CALSCALE:GREGORIAN', f'METHOD:{method}']
    if method == 'COUNTER':
        # Google includes the proposer's zone even though the times are in UTC.
        lines += _vtimezone_olson('GMT-3')
    lines += ['BEGIN:VEVENT', f'DTSTART:{_ical_utc(starts_at)}', f'DTEND:{_ical_utc(ends_at)}',
              f'DTSTAMP:{stamp}', f'ORGANIZER;CN={ORGANIZER_NAME}:mailto:{organizer}',
              f'UID:{uid}', attendee_line, f'CREATED:{created}', 'DESCRIPTION:',
              f'LAST-MODIFIED:{stamp}', 'LOCATION:', f'SEQUENCE:{sequence}',
              'STATUS:CONFIRMED', f'SUMMARY:{_ical_text(summary)}', 'TRANSP:OPAQUE',
              'END:VEVENT', 'END:VCALENDAR']
    return _ics(lines)


def _thunderbird_calendar(*, method, uid, sequence, attendee, attendee_name, partstat, organizer,
                          summary, comment, dtstamp, starts_at, ends_at, local_zone):
    stamp = _ical_utc(dtstamp)
    lines = ['BEGIN:VCALENDAR', 'PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN',
             'VERSION:2.0', f'METHOD:{method}']
    if local_zone:
        lines += _vtimezone_olson()
    lines += ['BEGIN:VEVENT', f'CREATED:{stamp}', f'LAST-MODIFIED:{stamp}', f'DTSTAMP:{stamp}',
              f'UID:{uid}', f'SUMMARY:{_ical_text(summary)}',
              f'ORGANIZER;CN={ORGANIZER_NAME}:mailto:{organizer}',
              f'ATTENDEE;RSVP=TRUE;CN={attendee_name};PARTSTAT={partstat};'
              f'ROLE=REQ-PARTICIPANT:mailto:{attendee}']
    if local_zone:
        lines += [f'DTSTART;TZID=America/Sao_Paulo:{_ical_local(starts_at)}',
                  f'DTEND;TZID=America/Sao_Paulo:{_ical_local(ends_at)}']
    else:
        lines += [f'DTSTART:{_ical_utc(starts_at)}', f'DTEND:{_ical_utc(ends_at)}']
    if comment:
        lines.append(f'COMMENT:{_ical_text(comment)}')
    lines += [f'SEQUENCE:{sequence}', 'TRANSP:OPAQUE', 'END:VEVENT', 'END:VCALENDAR']
    return _ics(lines)


# ---------------------------------------------------------------- Outlook / Exchange iTIP

def _outlook_itip(*, method, uid, sequence, attendee, attendee_name, partstat, organizer,
                  summary, subject_title, comment, dtstamp, starts_at, ends_at, tz, via,
                  language, message_id, in_reply_to, references, date,
                  original_starts_at=None, original_ends_at=None):
    lang = _lang(language)
    dtstamp = _as_utc(dtstamp or _now())
    date = date or dtstamp
    key = 'COUNTER' if method == 'COUNTER' else partstat
    prefix = _OUTLOOK_PREFIX[lang][key]
    title = subject_title or summary
    ics = _exchange_calendar(
        method=method, uid=uid, sequence=sequence, attendee=attendee,
        attendee_name=attendee_name, partstat=partstat, organizer=organizer, summary=summary,
        prefix=prefix, comment=comment, dtstamp=dtstamp, starts_at=starts_at, ends_at=ends_at,
        tz=tz, via=via, language=language, original_starts_at=original_starts_at,
        original_ends_at=original_ends_at)
    text = comment or ''
    if method == 'COUNTER':
        until = _as_utc(ends_at).astimezone(SAO_PAULO)
        if lang == 'pt':
            text = (f'Novo horário proposto: {_outlook_sent(starts_at, lang)} - '
                    f'{until:%H:%M}\n\n' + text).strip()
        else:
            text = (f'New meeting time proposed: {_outlook_sent(starts_at, lang)} - '
                    f'{until.hour % 12 or 12}:{until:%M} {"AM" if until.hour < 12 else "PM"}'
                    '\n\n' + text).strip()
    charset = _best_charset(text)
    html_body = ''.join(f'<p class="MsoNormal">{html_lib.escape(line) or "&nbsp;"}<o:p></o:p></p>\n'
                        for line in (text.split('\n') if text else ['']))
    html_doc = (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:'
        'office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft'
        '.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n'
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n'
        '<meta name="Generator" content="Microsoft Word 15 (filtered medium)">\n'
        '<style><!--\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n'
        '\tfont-size:11.0pt;\n\tfont-family:"Calibri",sans-serif;}\n@page WordSection1\n'
        '\t{size:612.0pt 792.0pt;\n\tmargin:70.85pt 3.0cm 70.85pt 3.0cm;}\ndiv.WordSection1\n'
        '\t{page:WordSection1;}\n--></style>\n</head>\n'
        f'<body lang="{"PT-BR" if lang == "pt" else "EN-US"}" link="#0563C1" vlink="#954F72">\n'
        f'<div class="WordSection1">\n{html_body}</div>\n</body>\n</html>\n')
    subject = f'{prefix}: {title}'
    lang_tag = 'pt-BR' if lang == 'pt' else 'en-US'
    cal_part = _part([('Content-Type', f'text/calendar; charset="utf-8"; method={method}'),
                      ('Content-Transfer-Encoding', 'base64')], _b64(ics.encode('utf-8')))
    plain_part = _part([('Content-Type', f'text/plain; charset="{charset}"'),
                        ('Content-Transfer-Encoding', 'quoted-printable')],
                       _qp(text + '\n', charset))
    html_part = _part([('Content-Type', f'text/html; charset="{charset}"'),
                       ('Content-Transfer-Encoding', 'quoted-printable')], _qp(html_doc, charset))
    sender = _addr(attendee_name, attendee)
    to = _addr(ORGANIZER_NAME, organizer)
    subject_header = _header_text(subject, 'iso-8859-1' if _best_charset(subject) != 'utf-8'
                                  else 'utf-8')
    thread = _threading(in_reply_to, references)
    if via == 'smtp':
        message_id = message_id or (f'<000001db{_token(4)}${_token(8)}${_token(8)}$'
                                    f'@{_domain(attendee)}>')
        boundary = f'----=_NextPart_000_0001_01DB{_token(4).upper()}.{_token(8).upper()}'
        body = _multipart(boundary, [plain_part, html_part, cal_part],
                          preamble='This is a multipart message in MIME format.' + CRLF + CRLF)
        headers = [('From', sender), ('To', to), *thread, ('Subject', subject_header),
                   ('Date', _date(date, SAO_PAULO)), ('Message-ID', message_id),
                   ('MIME-Version', '1.0'),
                   ('Content-Type', f'multipart/alternative;{CRLF}\tboundary="{boundary}"'),
                   ('X-Mailer', 'Microsoft Outlook 16.0'), ('Thread-Index', _thread_index()),
                   ('Content-Language', lang_tag.lower()),
                   ('Content-class', 'urn:content-classes:calendarmessage')]
        return _message(headers, body)
    host = _exchange_host(attendee)
    message_id = message_id or _exchange_message_id(host)
    boundary = _exchange_boundary(message_id)
    body = _multipart(boundary, [plain_part, html_part, cal_part], between=CRLF)
    headers = [('From', sender), ('To', to), ('Subject', subject_header),
               ('Thread-Topic', _header_text(title)), ('Thread-Index', _thread_index()),
               ('Date', _date(date)), ('Message-ID', message_id), *thread,
               ('Accept-Language', f'{lang_tag}, en-US' if lang == 'pt' else 'en-US'),
               ('Content-Language', lang_tag), ('X-MS-Has-Attach', ''),
               ('X-MS-TNEF-Correlator', ''),
               ('x-ms-exchange-calendar-series-instance-id', _series_instance_id()),
               ('x-ms-publictraffictype', 'Email'),
               ('x-ms-traffictypediagnostic', f'{host}:EE_MeetingMessage'),
               ('Content-Type', f'multipart/alternative;{CRLF}\tboundary="{boundary}"'),
               ('MIME-Version', '1.0')]
    return _message(headers, body)


def outlook_reply(*, uid=DEFAULT_UID, sequence=1, attendee=DEFAULT_ATTENDEE, partstat='ACCEPTED',
                  organizer=ORGANIZER, subject_title=None, comment=None, dtstamp=None,
                  message_id=None, in_reply_to=None, language='en',
                  attendee_name=DEFAULT_ATTENDEE_NAME, summary=DEFAULT_SUMMARY,
                  starts_at=DEFAULT_STARTS, ends_at=DEFAULT_ENDS, tz='windows', via='exchange',
                  references=None, date=None):
    """An Outlook meeting response (METHOD:REPLY) as Exchange Online sends it.

    `partstat` ACCEPTED, DECLINED or TENTATIVE; subject "Accepted:/Declined:/
    Tentative: <subject_title>" or in Portuguese "Aceito:/Recusado:/Provisório:".
    `tz='windows'` echoes DTSTART/DTEND with TZID "E. South America Standard
    Time" and its VTIMEZONE, `tz='utc'` in UTC. `via='smtp'` is Outlook desktop
    on an internet account (Outlook 16.0 PRODID, Content-class header)."""
    return _outlook_itip(
        method='REPLY', uid=uid, sequence=sequence, attendee=attendee,
        attendee_name=attendee_name, partstat=partstat, organizer=organizer, summary=summary,
        subject_title=subject_title, comment=comment, dtstamp=dtstamp, starts_at=starts_at,
        ends_at=ends_at, tz=tz, via=via, language=language, message_id=message_id,
        in_reply_to=in_reply_to, references=references, date=date)


def outlook_counter(*, uid=DEFAULT_UID, sequence=1, attendee=DEFAULT_ATTENDEE,
                    starts_at=DEFAULT_STARTS + datetime.timedelta(days=2),
                    ends_at=DEFAULT_ENDS + datetime.timedelta(days=2), comment=None,
                    partstat='TENTATIVE', organizer=ORGANIZER, subject_title=None, dtstamp=None,
                    message_id=None, in_reply_to=None, language='en', tz='windows',
                    via='exchange', attendee_name=DEFAULT_ATTENDEE_NAME, summary=DEFAULT_SUMMARY,
                    original_starts_at=DEFAULT_STARTS, original_ends_at=DEFAULT_ENDS,
                    references=None, date=None):
    """Outlook's "Propose New Time": METHOD:COUNTER with the proposed DTSTART/DTEND.

    `starts_at`/`ends_at` are the proposal; `original_*` go to
    X-MS-OLK-ORIGINALSTART/END. `tz='windows'` writes TZID "E. South America
    Standard Time" with its VTIMEZONE (as Outlook does), `tz='utc'` writes UTC.
    `partstat` TENTATIVE ("Tentative and Propose New Time") or DECLINED.
    Subject "New Time Proposed: ..." / "Nova Hora Proposta: ..."."""
    return _outlook_itip(
        method='COUNTER', uid=uid, sequence=sequence, attendee=attendee,
        attendee_name=attendee_name, partstat=partstat, organizer=organizer, summary=summary,
        subject_title=subject_title, comment=comment, dtstamp=dtstamp, starts_at=starts_at,
        ends_at=ends_at, tz=tz, via=via, language=language, message_id=message_id,
        in_reply_to=in_reply_to, references=references, date=date,
        original_starts_at=original_starts_at, original_ends_at=original_ends_at)


# ---------------------------------------------------------------- Google Calendar iTIP

def _google_itip(*, method, uid, sequence, attendee, attendee_name, partstat, organizer,
                 summary, subject_title, comment, dtstamp, starts_at, ends_at, language,
                 message_id, in_reply_to, references, date, original_starts_at=None,
                 original_ends_at=None):
    lang = _lang(language)
    dtstamp = _as_utc(dtstamp or _now())
    date = date or dtstamp
    key = 'COUNTER' if method == 'COUNTER' else partstat
    prefix = _GOOGLE_PREFIX[lang][key]
    title = subject_title or summary
    when_start = original_starts_at if method == 'COUNTER' else starts_at
    when_end = original_ends_at if method == 'COUNTER' else ends_at
    subject = f'{prefix}: {title} @ {_google_when(when_start, when_end, lang)} ({organizer})'
    ics = _google_calendar(method=method, uid=uid, sequence=sequence, attendee=attendee,
                           attendee_name=attendee_name, partstat=partstat, organizer=organizer,
                           summary=summary, comment=comment, dtstamp=dtstamp,
                           starts_at=starts_at, ends_at=ends_at)
    verbs = {
        'en': {'ACCEPTED': 'has accepted this invitation',
               'DECLINED': 'has declined this invitation',
               'TENTATIVE': 'has replied "Maybe" to this invitation',
               'COUNTER': 'has proposed a new time for this event'},
        'pt': {'ACCEPTED': 'aceitou este convite', 'DECLINED': 'recusou este convite',
               'TENTATIVE': 'respondeu "Talvez" a este convite',
               'COUNTER': 'propôs um novo horário para este evento'},
    }[lang]
    line = f'{attendee_name} {verbs[key]}.'
    if comment:
        line += ('\n\nNote: ' if lang == 'en' else '\n\nObservação: ') + comment
    if method == 'COUNTER':
        label = 'Proposed time' if lang == 'en' else 'Horário proposto'
        line += f'\n\n{label}: {_google_when(starts_at, ends_at, lang)}'
    footer = ('Invitation from Google Calendar\n\nYou are receiving this email because you are '
              'the organizer of this event.' if lang == 'en' else
              'Convite do Google Agenda\n\nVocê está recebendo este e-mail porque é o '
              'organizador deste evento.')
    text = f'{line}\n\n{summary}\n{_google_when(when_start, when_end, lang)}\n\n{footer}\n'
    html_doc = ('<span itemscope itemtype="http://schema.org/InformAction">'
                f'<div style="font-family:Roboto,Helvetica,Arial,sans-serif">'
                f'<p>{html_lib.escape(line).replace(chr(10), "<br>")}</p>'
                f'<h2>{html_lib.escape(summary)}</h2>'
                f'<p>{html_lib.escape(_google_when(when_start, when_end, lang))}</p>'
                f'<p style="color:#70757a">{html_lib.escape(footer).replace(chr(10), "<br>")}</p>'
                '</div></span>\n')
    ics_bytes = ics.encode('utf-8')
    cal_cte = '7bit' if ics.isascii() else 'base64'
    cal_body = ics if ics.isascii() else _b64(ics_bytes)
    inner = _gmail_boundary()
    outer = _gmail_boundary()
    alternative = _multipart(inner, [
        _part([('Content-Type', 'text/plain; charset="UTF-8"; format=flowed; delsp=yes'),
               ('Content-Transfer-Encoding', 'base64')], _b64(text.replace('\n', CRLF).encode())),
        _part([('Content-Type', 'text/html; charset="UTF-8"'),
               ('Content-Transfer-Encoding', 'quoted-printable')], _qp(html_doc, 'utf-8')),
        _part([('Content-Type', f'text/calendar; charset="UTF-8"; method={method}'),
               ('Content-Transfer-Encoding', cal_cte)], cal_body),
    ], between=CRLF)
    body = _multipart(outer, [
        _part([('Content-Type', f'multipart/alternative; boundary="{inner}"')], alternative),
        _part([('Content-Type', 'application/ics; name="invite.ics"'),
               ('Content-Disposition', 'attachment; filename="invite.ics"'),
               ('Content-Transfer-Encoding', 'base64')], _b64(ics_bytes)),
    ], between=CRLF)
    headers = [('MIME-Version', '1.0'),
               ('Reply-To', _addr(attendee_name, attendee)),
               ('Sender', 'Google Calendar <calendar-notification@google.com>'),
               ('Message-ID', message_id or _gcal_message_id()),
               ('Date', _date(date)),
               ('Subject', _header_text(subject)),
               ('From', _addr(attendee_name, attendee)),
               ('To', organizer),
               *_threading(in_reply_to, references),
               ('Content-Type', f'multipart/mixed; boundary="{outer}"')]
    return _message(headers, body)


def google_reply(*, uid=DEFAULT_UID, sequence=1, attendee=DEFAULT_ATTENDEE, partstat='ACCEPTED',
                 organizer=ORGANIZER, subject_title=None, comment=None, dtstamp=None,
                 message_id=None, in_reply_to=None, language='en',
                 attendee_name=DEFAULT_ATTENDEE_NAME, summary=DEFAULT_SUMMARY,
                 starts_at=DEFAULT_STARTS, ends_at=DEFAULT_ENDS, references=None, date=None):
    """Google Calendar's RSVP (METHOD:REPLY), from a Gmail or Workspace user.

    The note goes in ATTENDEE;X-RESPONSE-COMMENT="..."; DTSTART/DTEND echoed
    in UTC; calendar both inline (text/calendar; method=REPLY) and as
    invite.ics (application/ics). Subject "Accepted: <title> @ <when> (<organizer>)"."""
    return _google_itip(
        method='REPLY', uid=uid, sequence=sequence, attendee=attendee,
        attendee_name=attendee_name, partstat=partstat, organizer=organizer, summary=summary,
        subject_title=subject_title, comment=comment, dtstamp=dtstamp, starts_at=starts_at,
        ends_at=ends_at, language=language, message_id=message_id, in_reply_to=in_reply_to,
        references=references, date=date)


def google_counter(*, uid=DEFAULT_UID, sequence=1, attendee=DEFAULT_ATTENDEE,
                   starts_at=DEFAULT_STARTS + datetime.timedelta(days=2),
                   ends_at=DEFAULT_ENDS + datetime.timedelta(days=2), comment=None,
                   organizer=ORGANIZER, subject_title=None, dtstamp=None, message_id=None,
                   in_reply_to=None, language='en', partstat='TENTATIVE',
                   attendee_name=DEFAULT_ATTENDEE_NAME, summary=DEFAULT_SUMMARY,
                   original_starts_at=DEFAULT_STARTS, original_ends_at=DEFAULT_ENDS,
                   references=None, date=None):
    """Google Calendar's "Propose a new time": METHOD:COUNTER (see the module docstring).

    Proposed DTSTART/DTEND in UTC, a VTIMEZONE for America/Sao_Paulo anyway,
    SEQUENCE echoed, ATTENDEE PARTSTAT=TENTATIVE with the note in
    X-RESPONSE-COMMENT. Same MIME layout as google_reply."""
    return _google_itip(
        method='COUNTER', uid=uid, sequence=sequence, attendee=attendee,
        attendee_name=attendee_name, partstat=partstat, organizer=organizer, summary=summary,
        subject_title=subject_title, comment=comment, dtstamp=dtstamp, starts_at=starts_at,
        ends_at=ends_at, language=language, message_id=message_id, in_reply_to=in_reply_to,
        references=references, date=date, original_starts_at=original_starts_at,
        original_ends_at=original_ends_at)


# ---------------------------------------------------------------- Thunderbird iTIP

_TB_OUTER = 'Boundary_(ID_qyG4ZdjoAsiZ+Jo19dCbWQ)'
_TB_INNER = 'Boundary_(ID_ryU4ZdJoASiZ+Jo21dCbwA)'


def _thunderbird_itip(*, method, uid, sequence, attendee, attendee_name, partstat, organizer,
                      summary, subject, text, comment, dtstamp, starts_at, ends_at, local_zone,
                      message_id, in_reply_to, references, date):
    dtstamp = _as_utc(dtstamp or _now())
    date = date or dtstamp
    ics = _thunderbird_calendar(method=method, uid=uid, sequence=sequence, attendee=attendee,
                                attendee_name=attendee_name, partstat=partstat,
                                organizer=organizer, summary=summary, comment=comment,
                                dtstamp=dtstamp, starts_at=starts_at, ends_at=ends_at,
                                local_zone=local_zone)
    body = (CRLF + CRLF
            + f'--{_TB_OUTER}{CRLF}'
            + f'Content-type: multipart/alternative;{CRLF} boundary="{_TB_INNER}"{CRLF}{CRLF}{CRLF}'
            + f'--{_TB_INNER}{CRLF}'
            + f'Content-type: text/plain; charset=UTF-8{CRLF}'
            + f'Content-transfer-encoding: 8BIT{CRLF}{CRLF}'
            + _crlf(text) + CRLF + CRLF + CRLF
            + f'--{_TB_INNER}{CRLF}'
            + f'Content-type: text/calendar; method={method}; charset=UTF-8{CRLF}'
            + f'Content-transfer-encoding: 8BIT{CRLF}{CRLF}'
            + ics + CRLF + CRLF
            + f'--{_TB_INNER}--{CRLF}{CRLF}'
            + f'--{_TB_OUTER}{CRLF}'
            + f'Content-type: application/ics; name=invite.ics{CRLF}'
            + f'Content-transfer-encoding: 8BIT{CRLF}'
            + f'Content-disposition: attachment; filename=invite.ics{CRLF}{CRLF}'
            + ics + CRLF + CRLF
            + f'--{_TB_OUTER}--{CRLF}')
    # Thunderbird's header section: no In-Reply-To of its own; kept only when a
    # test asks for it.
    headers = [('MIME-version', '1.0'),
               ('From', _addr(attendee_name, attendee)),
               ('Message-ID', message_id or _thunderbird_message_id(attendee)),
               ('To', organizer),
               ('Date', _date(date, SAO_PAULO)),
               ('Subject', _header_text(subject) if subject else ''),
               *_threading(in_reply_to, references),
               ('Content-type', f'multipart/mixed; boundary="{_TB_OUTER}"')]
    lines = [f'{name}: {value}' if value != '' else f'{name}: '
             for name, value in headers]
    return (CRLF.join(lines) + CRLF + body).encode('utf-8')


def thunderbird_reply(*, uid=DEFAULT_UID, sequence=1, attendee=DEFAULT_ATTENDEE,
                      partstat='ACCEPTED', organizer=ORGANIZER, subject_title=None, comment=None,
                      dtstamp=None, message_id=None, in_reply_to=None, language='en',
                      attendee_name=DEFAULT_ATTENDEE_NAME, summary=DEFAULT_SUMMARY,
                      starts_at=DEFAULT_STARTS, ends_at=DEFAULT_ENDS, references=None, date=None):
    """Thunderbird's iTIP reply (calItipEmailTransport): 8-bit parts, fixed
    boundaries, the calendar inline and as invite.ics, DTSTART echoed in the
    event's own zone (UTC, as Janela sent it). No In-Reply-To unless given."""
    lang = _lang(language)
    subject = f'{_THUNDERBIRD_PREFIX[lang][partstat]}: {subject_title or summary}'
    who = f'{attendee_name} <{attendee}>'
    if lang == 'pt':
        text = (f'{who} recusou seu convite para evento.' if partstat == 'DECLINED'
                else f'{who} aceitou seu convite para evento.')
    else:
        text = (f'{who} has declined your event invitation.' if partstat == 'DECLINED'
                else f'{who} has accepted your event invitation.')
    return _thunderbird_itip(
        method='REPLY', uid=uid, sequence=sequence, attendee=attendee,
        attendee_name=attendee_name, partstat=partstat, organizer=organizer, summary=summary,
        subject=subject, text=text, comment=comment, dtstamp=dtstamp, starts_at=starts_at,
        ends_at=ends_at, local_zone=False, message_id=message_id, in_reply_to=in_reply_to,
        references=references, date=date)


def thunderbird_counter(*, uid=DEFAULT_UID, sequence=1, attendee=DEFAULT_ATTENDEE,
                        starts_at=DEFAULT_STARTS + datetime.timedelta(days=2),
                        ends_at=DEFAULT_ENDS + datetime.timedelta(days=2), comment=None,
                        partstat='TENTATIVE', organizer=ORGANIZER, dtstamp=None,
                        message_id=None, in_reply_to=None, language='en',
                        attendee_name=DEFAULT_ATTENDEE_NAME, summary=DEFAULT_SUMMARY,
                        references=None, date=None):
    """Thunderbird's counterproposal (METHOD:COUNTER) when the attendee changes
    the time of a received invitation: times in TZID=America/Sao_Paulo with a
    VTIMEZONE; empty Subject and empty text part (its transport has no COUNTER
    case). `language` is accepted for symmetry and has no effect."""
    del language
    return _thunderbird_itip(
        method='COUNTER', uid=uid, sequence=sequence, attendee=attendee,
        attendee_name=attendee_name, partstat=partstat, organizer=organizer, summary=summary,
        subject='', text='', comment=comment, dtstamp=dtstamp, starts_at=starts_at,
        ends_at=ends_at, local_zone=True, message_id=message_id, in_reply_to=in_reply_to,
        references=references, date=date)


# ---------------------------------------------------------------- plain replies

def _default_reply_body(language):
    if _lang(language) == 'pt':
        return ('Bom dia,\n\nCiente da janela. Nossa equipe vai acompanhar pelo NOC.\n'
                'Favor avisar quando concluírem.\n\nAtt.,\nAna Souza\nAcme Provedor - Operações')
    return ('Hi,\n\nNoted, thanks. Our NOC will keep an eye on it during the window.\n'
            'Please let us know when the work is done.\n\nRegards,\nCarla Lima\nGlobex Corp')


def _outlook_plain_quote(*, quoted, language, original_subject, original_date, to):
    if _lang(language) == 'pt':
        head = ['-----Mensagem original-----', f'De: {ORGANIZER_NAME} <{ORGANIZER}>',
                f'Enviada em: {_outlook_sent(original_date, "pt")}', f'Para: {to}',
                f'Assunto: {original_subject}']
    else:
        head = ['-----Original Message-----', f'From: {ORGANIZER_NAME} <{ORGANIZER}>',
                f'Sent: {_outlook_sent(original_date, "en")}', f'To: {to}',
                f'Subject: {original_subject}']
    return '\n'.join(head) + '\n\n' + quoted


def _outlook_html(*, body, quoted, language, original_subject, original_date, to, flavor,
                  charset):
    esc = html_lib.escape
    pt = _lang(language) == 'pt'
    labels = (('De:', 'Enviada em:' if flavor == 'desktop' else 'Enviado:', 'Para:', 'Assunto:')
              if pt else ('From:', 'Sent:', 'To:', 'Subject:'))
    values = (f'{ORGANIZER_NAME} <{ORGANIZER}>', _outlook_sent(original_date, language), to,
              original_subject)
    quoted_html = '<br>\n'.join(esc(line) for line in quoted.split('\n'))
    if flavor == 'web':
        style = ('font-family: Aptos, Aptos_EmbeddedFont, Aptos_MSFontService, Calibri, '
                 'Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);')
        body_html = ''.join(f'<div class="elementToProof" style="{style}">'
                            f'{esc(line) or "<br>"}</div>\n' for line in body.split('\n'))
        head = '<br>'.join(f'<b>{label}</b> {esc(value)}' for label, value in zip(labels, values))
        return (f'<html><head>\n<meta http-equiv="Content-Type" content="text/html; '
                f'charset={charset}">\n<style type="text/css" style="display:none;"> P '
                '{margin-top:0;margin-bottom:0;} </style>\n</head>\n<body dir="ltr">\n'
                f'{body_html}<div id="appendonsend"></div>\n'
                '<hr style="display:inline-block;width:98%" tabindex="-1">\n'
                '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" '
                f'style="font-size:11pt" color="#000000">{head}</font>\n<div>&nbsp;</div>\n</div>\n'
                f'<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;'
                f'padding-left:1ex"><div>{quoted_html}</div></blockquote>\n</body>\n</html>\n')
    body_html = ''.join(f'<p class=MsoNormal>{esc(line) or "&nbsp;"}<o:p></o:p></p>\n'
                        for line in body.split('\n'))
    head = '<br>\n'.join(f'<b>{label}</b> {esc(value)}' for label, value in zip(labels, values))
    return ('<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:'
            'office:office" xmlns:w="urn:schemas-microsoft-com:office:word" '
            'xmlns="http://www.w3.org/TR/REC-html40"><head>'
            f'<meta http-equiv=Content-Type content="text/html; charset={charset}">'
            '<meta name=Generator content="Microsoft Word 15 (filtered medium)">'
            '<style><!--\ndiv.WordSection1\n\t{page:WordSection1;}\n--></style></head>'
            f'<body lang={"PT-BR" if pt else "EN-US"} link="#0563C1" vlink="#954F72">'
            f'<div class=WordSection1>\n{body_html}<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n'
            "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
            f'<p class=MsoNormal>{head}<o:p></o:p></p></div>\n'
            f'<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n<p class=MsoNormal>{quoted_html}'
            '<o:p></o:p></p>\n</div></body></html>\n')


def _gmail_html(*, body, quoted, attribution):
    esc = html_lib.escape
    body_html = ''.join(f'<div>{esc(line) or "<br>"}</div>' for line in body.split('\n'))
    quoted_html = '<br>'.join(esc(line) for line in quoted.split('\n'))
    attribution_html = esc(attribution).replace(
        esc(f'<{ORGANIZER}>'), f'&lt;<a href="mailto:{ORGANIZER}">{ORGANIZER}</a>&gt;')
    return (f'<div dir="ltr">{body_html}</div><br><div class="gmail_quote gmail_quote_container">'
            f'<div dir="ltr" class="gmail_attr">{attribution_html}<br></div>'
            '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px '
            f'solid rgb(204,204,204);padding-left:1ex">{quoted_html}</blockquote></div>\n')


def plain_reply(*, reference=DEFAULT_REFERENCE, subject_prefix=None, body=None,
                quoted_notice_text=None, language='pt', in_reply_to=None, references=None,
                sender=f'{DEFAULT_ATTENDEE_NAME} <{DEFAULT_ATTENDEE}>', html=False,
                html_only=False, client='outlook', outlook_html='desktop', original_subject=None,
                original_date=NOTICE_SENT, message_id=None, date=None, to=None):
    """A person's reply by email, no iCalendar, quoting the notice.

    `client='outlook'`: plain text quoted under "-----Original Message-----"
    (en) / "-----Mensagem original-----" with De:/Enviada em:/Para:/Assunto:
    (pt), lines not prefixed; HTML in Word's <div class=WordSection1>
    (`outlook_html='desktop'`) or Outlook on the web's divRplyFwdMsg
    (`'web'`). `client='gmail'`: "On ... wrote:" / "Em ... escreveu:" and "> "
    lines; HTML <div class="gmail_quote">. Subject prefix defaults to
    RE:/RES: (Outlook en/pt) or Re: (Gmail); any of 'RE:', 'Re:', 'RES:',
    'Res:' may be passed. `html=True` adds an HTML alternative (Gmail always
    has one), `html_only=True` sends only text/html."""
    lang = _lang(language)
    name, address = email.utils.parseaddr(sender)
    to = to or _addr(ORGANIZER_NAME, ORGANIZER)
    original_subject = original_subject or notice_subject(reference=reference, language=lang)
    quoted = quoted_notice_text if quoted_notice_text is not None else notice_text(
        reference=reference, language=lang)
    body = body if body is not None else _default_reply_body(lang)
    if subject_prefix is None:
        subject_prefix = ('RES:' if lang == 'pt' else 'RE:') if client == 'outlook' else 'Re:'
    subject = f'{subject_prefix} {original_subject}'
    date = date or _now()
    thread = _threading(in_reply_to, references)
    recipient_text = f'{name} <{address}>' if name else address
    if client == 'gmail':
        attribution = _gmail_attribution(original_date, lang)
        quoted_lines = '\n'.join(('> ' + line) if line else '>' for line in quoted.split('\n'))
        text = f'{body}\n\n{attribution}\n\n{quoted_lines}\n'
        html_doc = _gmail_html(body=body, quoted=quoted, attribution=attribution)
        boundary = _gmail_boundary()
        if html_only:
            content = [('Content-Type', 'text/html; charset="UTF-8"'),
                       ('Content-Transfer-Encoding', 'quoted-printable')]
            payload = _qp(html_doc, 'utf-8')
        else:
            content = [('Content-Type', f'multipart/alternative; boundary="{boundary}"')]
            payload = _multipart(boundary, [
                _part([('Content-Type', 'text/plain; charset="UTF-8"'),
                       ('Content-Transfer-Encoding', 'quoted-printable')], _qp(text, 'utf-8')),
                _part([('Content-Type', 'text/html; charset="UTF-8"'),
                       ('Content-Transfer-Encoding', 'quoted-printable')], _qp(html_doc, 'utf-8')),
            ], between=CRLF)
        headers = [('MIME-Version', '1.0'), ('Date', _date(date, SAO_PAULO)), *thread,
                   ('Message-ID', message_id or _gmail_message_id()),
                   ('Subject', _header_text(subject)), ('From', _addr(name, address)),
                   ('To', to), *content]
        return _message(headers, payload)

    # Outlook
    text = body + '\n\n' + _outlook_plain_quote(
        quoted=quoted, language=lang, original_subject=original_subject,
        original_date=original_date, to=recipient_text) + '\n'
    charset = _best_charset(text + original_subject)
    html_doc = _outlook_html(body=body, quoted=quoted, language=lang,
                             original_subject=original_subject, original_date=original_date,
                             to=recipient_text, flavor=outlook_html, charset=charset)
    host = _exchange_host(address)
    message_id = message_id or _exchange_message_id(host)
    boundary = _exchange_boundary(message_id)
    plain_part = [('Content-Type', f'text/plain; charset="{charset}"'),
                  ('Content-Transfer-Encoding', 'quoted-printable')]
    html_part = [('Content-Type', f'text/html; charset="{charset}"'),
                 ('Content-Transfer-Encoding', 'quoted-printable')]
    if html_only:
        content, payload = html_part, _qp(html_doc, charset)
    elif html:
        content = [('Content-Type', f'multipart/alternative;{CRLF}\tboundary="{boundary}"')]
        payload = _multipart(boundary, [_part(plain_part, _qp(text, charset)),
                                        _part(html_part, _qp(html_doc, charset))], between=CRLF)
    else:
        content, payload = plain_part, _qp(text, charset)
    lang_tag = 'pt-BR' if lang == 'pt' else 'en-US'
    headers = [('From', _addr(name, address)), ('To', to),
               ('Subject', _header_text(subject, 'iso-8859-1' if charset != 'utf-8' else 'utf-8')),
               ('Thread-Topic', _header_text(original_subject, 'iso-8859-1'
                                             if charset != 'utf-8' else 'utf-8')),
               ('Thread-Index', _thread_index()), ('Date', _date(date)),
               ('Message-ID', message_id), *thread,
               ('Accept-Language', f'{lang_tag}, en-US' if lang == 'pt' else 'en-US'),
               ('Content-Language', lang_tag), ('X-MS-Has-Attach', ''),
               ('X-MS-TNEF-Correlator', ''), *content, ('MIME-Version', '1.0')]
    return _message(headers, payload)


# ---------------------------------------------------------------- delivery reports

def _postfix_notification(host, diagnostic_line, failed, delayed=False):
    # Postfix wraps the per-recipient line at 80 columns, continuations indented.
    diagnostic_line = '\n    '.join(textwrap.wrap(f'<{failed}>: {diagnostic_line}', 79,
                                                    break_long_words=False,
                                                    break_on_hyphens=False))
    if delayed:
        return (f'This is the mail system at host {host}.\n\n'
                '####################################################################\n'
                '# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n'
                '####################################################################\n\n'
                'Your message could not be delivered for more than 4 hour(s).\n'
                'It will be retried until it is 5 day(s) old.\n\n'
                'For further assistance, please send mail to postmaster.\n\n'
                'If you do so, please include this problem report. You can\n'
                'delete your own text from the attached returned message.\n\n'
                '                   The mail system\n\n'
                f'{diagnostic_line}\n')
    return (f'This is the mail system at host {host}.\n\n'
            "I'm sorry to have to inform you that your message could not\n"
            "be delivered to one or more recipients. It's attached below.\n\n"
            'For further assistance, please send mail to postmaster.\n\n'
            'If you do so, please include this problem report. You can\n'
            'delete your own text from the attached returned message.\n\n'
            '                   The mail system\n\n'
            f'{diagnostic_line}\n')


def _postfix_report(*, original_message_id, failed_recipient, status, diagnostic, original_subject,
                    original_from, reporting_mta, remote_mta, message_id, date, delayed,
                    in_reply_to, references):
    date = date or _now()
    queue_id = _postfix_queue_id()
    arrival = _as_utc(date) - (datetime.timedelta(hours=4, minutes=2) if delayed
                               else datetime.timedelta(seconds=4))
    boundary = f'{queue_id}.{int(_as_utc(date).timestamp())}/{reporting_mta}'
    if delayed:
        said = diagnostic
        dsn_diag = f'X-Postfix; {diagnostic}'
    else:
        said = (f'host {remote_mta}[203.0.113.25] said: {diagnostic} (in reply to RCPT TO '
                'command)')
        dsn_diag = f'smtp; {diagnostic}'
    notification = _postfix_notification(reporting_mta, said, failed_recipient, delayed)
    recipient_fields = [f'Final-Recipient: rfc822; {failed_recipient}',
                        f'Original-Recipient: rfc822;{failed_recipient}',
                        f'Action: {"delayed" if delayed else "failed"}',
                        f'Status: {status}']
    if not delayed:
        recipient_fields.append(f'Remote-MTA: dns; {remote_mta}')
    recipient_fields.append(f'Diagnostic-Code: {dsn_diag}')
    if delayed:
        retry_until = _date(arrival + datetime.timedelta(days=5), SAO_PAULO, pad_day=True,
                            zone_comment=True)
        recipient_fields.append(f'Will-Retry-Until: {retry_until}')
    report = (f'Reporting-MTA: dns; {reporting_mta}\nX-Postfix-Queue-ID: {queue_id}\n'
              f'X-Postfix-Sender: rfc822; {original_from}\n'
              f'Arrival-Date: {_date(arrival, SAO_PAULO, pad_day=True, zone_comment=True)}\n\n'
              + '\n'.join(recipient_fields) + '\n')
    original = _notice_headers(message_id=original_message_id, recipient=failed_recipient,
                               subject=original_subject, date=arrival)
    original = ([('Return-Path', f'<{original_from}>'),
                 ('Received', f'from janela-app.janela.example (janela-app.janela.example '
                              f'[198.51.100.10]){CRLF}\tby {reporting_mta} (Postfix) with ESMTPS '
                              f'id {queue_id}{CRLF}\tfor <{failed_recipient}>; '
                              f'{_date(arrival, SAO_PAULO, pad_day=True, zone_comment=True)}')]
                + original)
    parts = [
        _part([('Content-Description', 'Notification'),
               ('Content-Type', 'text/plain; charset=us-ascii')], _crlf(notification)),
        _part([('Content-Description', 'Delivery report'),
               ('Content-Type', 'message/delivery-status')], _crlf(report)),
        _part([('Content-Description', 'Undelivered Message Headers'),
               ('Content-Type', 'text/rfc822-headers'),
               ('Content-Transfer-Encoding', '7bit')],
              CRLF.join(f'{name}: {value}' for name, value in original) + CRLF),
    ]
    body = _multipart(boundary, parts, preamble='This is a MIME-encapsulated message.'
                      + CRLF + CRLF, between=CRLF)
    subject = ('Delayed Mail (still being retried)' if delayed
               else 'Undelivered Mail Returned to Sender')
    headers = [('Return-Path', '<>'),
               ('Received', f'by {reporting_mta} (Postfix){CRLF}\tid {queue_id}; '
                            f'{_date(date, SAO_PAULO, pad_day=True, zone_comment=True)}'),
               ('Date', _date(date, SAO_PAULO, pad_day=True, zone_comment=True)),
               ('From', f'MAILER-DAEMON@{reporting_mta} (Mail Delivery System)'),
               ('Subject', subject), ('To', original_from),
               *_threading(in_reply_to, references),
               ('Auto-Submitted', 'auto-replied'), ('MIME-Version', '1.0'),
               ('Content-Type', f'multipart/report; report-type=delivery-status;{CRLF}'
                                f'\tboundary="{boundary}"'),
               ('Content-Transfer-Encoding', '8bit'),
               ('Message-Id', message_id or _postfix_message_id(reporting_mta, date, queue_id))]
    return _message(headers, body)


def bounce_postfix(*, original_message_id=NOTICE_MESSAGE_ID,
                   failed_recipient='x@acme.example.com', status='5.1.1', diagnostic=None,
                   original_subject=None, original_from=ORGANIZER,
                   reporting_mta='mail.janela.example', remote_mta='mx.acme.example.com',
                   message_id=None, date=None, in_reply_to=None, references=None):
    """Postfix's bounce (RFC 3464): multipart/report; report-type=delivery-status
    with the notification, message/delivery-status and the original header
    section (text/rfc822-headers, with the original Message-ID). From
    MAILER-DAEMON, Return-Path <>. `diagnostic` defaults to "550 5.1.1 <rcpt>:
    Recipient address rejected: User unknown"."""
    diagnostic = diagnostic or (f'550 5.1.1 <{failed_recipient}>: Recipient address rejected: '
                                'User unknown in virtual mailbox table')
    return _postfix_report(
        original_message_id=original_message_id, failed_recipient=failed_recipient,
        status=status, diagnostic=diagnostic,
        original_subject=original_subject or notice_subject(), original_from=original_from,
        reporting_mta=reporting_mta, remote_mta=remote_mta, message_id=message_id, date=date,
        delayed=False, in_reply_to=in_reply_to, references=references)


def delayed_dsn(*, original_message_id=NOTICE_MESSAGE_ID, failed_recipient='noc@globex.example.com',
                status='4.4.1', diagnostic=None, original_subject=None, original_from=ORGANIZER,
                reporting_mta='mail.janela.example', message_id=None, date=None,
                in_reply_to=None, references=None):
    """Postfix's delay warning: Action: delayed, Status 4.x, Will-Retry-Until.
    Not a failure: the message is still queued."""
    diagnostic = diagnostic or ('connect to mx.globex.example.com[203.0.113.40]:25: '
                                'Connection timed out')
    return _postfix_report(
        original_message_id=original_message_id, failed_recipient=failed_recipient,
        status=status, diagnostic=diagnostic,
        original_subject=original_subject or notice_subject(language='en'),
        original_from=original_from, reporting_mta=reporting_mta, remote_mta=None,
        message_id=message_id, date=date, delayed=True, in_reply_to=in_reply_to,
        references=references)


def bounce_exchange(*, original_message_id=NOTICE_MESSAGE_ID,
                    failed_recipient='x@acme.example.com', status='5.1.10', diagnostic=None,
                    original_subject=None, original_from=ORGANIZER, language='en',
                    sender=None, message_id=None, date=None, in_reply_to=None, references=None):
    """An Exchange Online / Office 365 non-delivery report.

    multipart/report (delivery-status) = [multipart/alternative (text, html),
    message/delivery-status, message/rfc822 (the original)];
    X-MS-Exchange-Message-Is-Ndr; subject "Undeliverable: ..." or "Não é
    possível entregar: ..."; From postmaster@<recipient domain> unless `sender`
    is given (Exchange Online uses MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@)."""
    lang = _lang(language)
    date = _as_utc(date or _now())
    domain = _domain(failed_recipient)
    sender = sender or f'postmaster@{domain}'
    original_subject = original_subject or notice_subject(language=lang)
    diagnostic = diagnostic or ('smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient '
                                f'{failed_recipient} not found by SMTP address lookup')
    host = _exchange_host(failed_recipient)
    message_id = message_id or f'<{uuid.uuid4()}@{host}.LAMP152.PROD.OUTLOOK.COM>'
    boundary = str(uuid.uuid4())
    inner = str(uuid.uuid4())
    if lang == 'pt':
        subject = f'Não é possível entregar: {original_subject}'
        text = (f'Sua mensagem para {failed_recipient} não pôde ser entregue.\n\n'
                f'{failed_recipient} não foi encontrado em {domain}.\n\n'
                f'{original_from}\nRemetente\n\nAção necessária\n\n'
                'Endereço de email desconhecido\n\nComo corrigir\n\n'
                'O endereço pode estar incorreto ou não existir mais.\n\n'
                f'Mais informações para administradores de email\n\nStatus code: {status}\n')
    else:
        subject = f'Undeliverable: {original_subject}'
        text = (f"Your message to {failed_recipient} couldn't be delivered.\n\n"
                f"{failed_recipient} wasn't found at {domain}.\n\n"
                f'{original_from}\nSender\n\nAction Required\n\nUnknown To address\n\n'
                'How to Fix It\n\nThe address may be misspelled or may not exist.\n\n'
                f'More Info for Email Admins\n\nStatus code: {status}\n')
    html_doc = ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
                'charset=utf-8">\n</head>\n<body>\n'
                + ''.join(f'<p>{html_lib.escape(block).replace(chr(10), "<br>")}</p>\n'
                          for block in text.strip().split('\n\n'))
                + '</body>\n</html>\n')
    alternative = _multipart(inner, [
        _part([('Content-Type', 'text/plain; charset="utf-8"'),
               ('Content-Transfer-Encoding', 'quoted-printable')], _qp(text, 'utf-8')),
        _part([('Content-Type', 'text/html; charset="utf-8"'),
               ('Content-Transfer-Encoding', 'quoted-printable')], _qp(html_doc, 'utf-8')),
    ], between=CRLF)
    arrival = date - datetime.timedelta(seconds=3)
    report = (f'Reporting-MTA: dns;{host}.LAMP152.PROD.OUTLOOK.COM\n'
              'Received-From-MTA: dns;mail.janela.example\n'
              f'Arrival-Date: {_date(arrival)}\n\n'
              f'Final-Recipient: rfc822;{failed_recipient}\nAction: failed\nStatus: {status}\n'
              f'Diagnostic-Code: {diagnostic}\n')
    original = _notice_rfc822(message_id=original_message_id, recipient=failed_recipient,
                              subject=original_subject, date=arrival, language=lang)
    body = _multipart(boundary, [
        _part([('Content-Type', f'multipart/alternative; differences=Content-Type;{CRLF}'
                                f'\tboundary="{inner}"')], alternative),
        _part([('Content-Type', 'message/delivery-status')], _crlf(report)),
        _part([('Content-Type', 'message/rfc822')], original),
    ], between=CRLF)
    headers = [('From', sender), ('To', original_from), ('Date', _date(date)),
               ('Content-Type', f'multipart/report; report-type=delivery-status;{CRLF}'
                                f'\tboundary="{boundary}"'),
               ('X-MS-Exchange-Message-Is-Ndr', ''), ('Content-Language', 'pt-BR' if lang == 'pt'
                                                      else 'en-US'),
               ('Message-ID', message_id),
               *_threading(in_reply_to if in_reply_to is not None else original_message_id,
                           references),
               ('Thread-Topic', _header_text(original_subject)),
               ('Thread-Index', _thread_index()), ('Subject', _header_text(subject)),
               ('Auto-Submitted', 'auto-replied'), ('X-MS-PublicTrafficType', 'Email'),
               ('MIME-Version', '1.0')]
    return _message(headers, body)


def bounce_gmail(*, original_message_id=NOTICE_MESSAGE_ID,
                 failed_recipient='x@acme.example.com', status='5.1.1', diagnostic=None,
                 original_subject=None, original_from=ORGANIZER,
                 remote_mta='mx.acme.example.com', message_id=None, date=None,
                 in_reply_to=None, references=None):
    """Gmail's / Google Workspace's "Delivery Status Notification (Failure)"
    from mailer-daemon@googlemail.com, with X-Failed-Recipients, the
    "** Address not found **" text, message/delivery-status and the original."""
    date = _as_utc(date or _now())
    pacific = datetime.timezone(datetime.timedelta(hours=-8))
    original_subject = original_subject or notice_subject()
    diagnostic = diagnostic or (f"smtp; 550-5.1.1 The email account that you tried to reach does "
                                f"not exist. 550 5.1.1 <{failed_recipient}>... User unknown")
    boundary = _gmail_boundary()
    inner = _gmail_boundary()
    remote_said = diagnostic.split(';', 1)[-1].strip()
    text = ('\n** Address not found **\n\n'
            f"Your message wasn't delivered to {failed_recipient} because the address couldn't be "
            'found, or is unable to receive mail.\n\n'
            'Learn more here: https://support.google.com/mail/?p=NoSuchUser\n\n'
            f'The response from the remote server was:\n{remote_said}\n')
    html_doc = ('<html>\n<head>\n<style>\n* {\nfont-family:Roboto, "Helvetica Neue", Helvetica, '
                'Arial, sans-serif;\n}\n</style>\n</head>\n<body>\n<table cellpadding="0" '
                'cellspacing="0" class="email-wrapper" style="padding-top:32px;background-color:'
                '#ffffff;"><tbody><tr><td><h1 style="font-size:24px">Address not found</h1>'
                '<p>Your message wasn\'t delivered to <a style="color:#212121;'
                f'text-decoration:none"><b>{failed_recipient}</b></a> because the address '
                'couldn\'t be found, or is unable to receive mail.</p><p>The response was:</p>'
                '<p style="font-family:monospace">'
                f'{html_lib.escape(remote_said)}</p></td></tr></tbody></table>\n</body>\n</html>\n')
    arrival = date - datetime.timedelta(seconds=2)
    report = ('Reporting-MTA: dns; googlemail.com\n'
              f'Received-From-MTA: dns; {original_from}\n'
              f'Arrival-Date: {_date(arrival, pacific)} (PST)\n'
              f'X-Original-Message-ID: {original_message_id}\n\n'
              f'Final-Recipient: rfc822; {failed_recipient}\nAction: failed\nStatus: {status}\n'
              f'Remote-MTA: dns; {remote_mta}. (203.0.113.25, the server for the domain '
              f'{_domain(failed_recipient)}.)\nDiagnostic-Code: {diagnostic}\n'
              f'Last-Attempt-Date: {_date(date, pacific)} (PST)\n')
    original = _notice_rfc822(message_id=original_message_id, recipient=failed_recipient,
                              subject=original_subject, date=arrival)
    body = _multipart(boundary, [
        _part([('Content-Type', f'multipart/related; boundary="{inner}"')],
              _multipart(inner, [
                  _part([('Content-Type', 'text/plain; charset="UTF-8"')], _crlf(text)),
                  _part([('Content-Type', 'text/html; charset="UTF-8"')], _crlf(html_doc)),
              ], between=CRLF)),
        _part([('Content-Type', 'message/delivery-status')], _crlf(report)),
        _part([('Content-Type', 'message/rfc822')], original),
    ], between=CRLF)
    gmr = f'{uuid.uuid4().hex[:8]}.{uuid.uuid4().hex[:8]}.{random.randrange(10**5, 10**6)}'
    headers = [('Return-Path', '<>'),
               ('Received', f'by 2002:a05:6a20:{uuid.uuid4().hex[:4]} with SMTP id '
                            f'{uuid.uuid4().hex[:12]};{CRLF}        '
                            f'{_date(date, pacific)} (PST)'),
               ('Content-Type', f'multipart/report; boundary="{boundary}"; '
                                'report-type=delivery-status'),
               ('From', 'Mail Delivery Subsystem <mailer-daemon@googlemail.com>'),
               ('To', original_from), ('Auto-Submitted', 'auto-replied'),
               ('Message-ID', message_id or f'<{gmr}GMR@mx.google.com>'),
               ('Date', _date(date, pacific)
                + ' (PST)'),
               ('Subject', 'Delivery Status Notification (Failure)'),
               *_threading(in_reply_to if in_reply_to is not None else original_message_id,
                           references),
               ('X-Failed-Recipients', failed_recipient), ('MIME-Version', '1.0')]
    return _message(headers, body)


# ---------------------------------------------------------------- automatic replies

def out_of_office_outlook(*, original_message_id=NOTICE_MESSAGE_ID, original_subject=None,
                          sender=f'{DEFAULT_ATTENDEE_NAME} <{DEFAULT_ATTENDEE}>', language='pt',
                          body=None, auto_submitted='auto-generated', message_id=None,
                          date=None, in_reply_to=None, references=None, to=None):
    """An Exchange automatic reply (OOF): "Automatic reply:" / "Resposta
    automática:" + the subject answered, Return-Path <>, X-Auto-Response-Suppress:
    All, X-MS-Exchange-Inbox-Rules-Loop, Auto-Submitted (Exchange writes
    auto-generated; pass auto_submitted=None to leave it out)."""
    lang = _lang(language)
    name, address = email.utils.parseaddr(sender)
    original_subject = original_subject or notice_subject(language=lang)
    date = _as_utc(date or _now())
    if lang == 'pt':
        subject = f'Resposta automática: {original_subject}'
        body = body or ('Estou fora do escritório até 14/12/2026, com acesso limitado ao e-mail.\n'
                        'Para assuntos urgentes, contate noc@acme.example.com '
                        'ou (11) 4002-8922.\n\n'
                        'Att.,\nAna Souza')
    else:
        subject = f'Automatic reply: {original_subject}'
        body = body or ('I am out of the office until 14 December 2026 with limited access to '
                        'email.\nFor urgent matters please contact noc@globex.example.com.\n\n'
                        'Regards,\nCarla Lima')
    charset = _best_charset(body + subject)
    html_doc = ('<html>\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
                f'charset={charset}">\n</head>\n<body>\n<div style="font-family: Calibri, Arial, '
                'Helvetica, sans-serif; font-size: 12pt; color: rgb(0, 0, 0);">\n'
                + ''.join(f'{html_lib.escape(line)}<br>\n' for line in body.split('\n'))
                + '</div>\n</body>\n</html>\n')
    host = _exchange_host(address)
    message_id = message_id or _exchange_message_id(host)
    boundary = _exchange_boundary(message_id)
    payload = _multipart(boundary, [
        _part([('Content-Type', f'text/plain; charset="{charset}"'),
               ('Content-Transfer-Encoding', 'quoted-printable')], _qp(body + '\n', charset)),
        _part([('Content-Type', f'text/html; charset="{charset}"'),
               ('Content-Transfer-Encoding', 'quoted-printable')], _qp(html_doc, charset)),
    ], between=CRLF)
    header_charset = 'iso-8859-1' if charset != 'utf-8' else 'utf-8'
    lang_tag = 'pt-BR' if lang == 'pt' else 'en-US'
    headers = [('Return-Path', '<>'), ('From', _addr(name, address)),
               ('To', to or _addr(ORGANIZER_NAME, ORGANIZER)),
               ('Subject', _header_text(subject, header_charset)),
               ('Thread-Topic', _header_text(original_subject, header_charset)),
               ('Thread-Index', _thread_index()),
               ('X-MS-Exchange-MessageSentRepresentingType', '1'), ('Date', _date(date)),
               ('Message-ID', message_id),
               *_threading(in_reply_to if in_reply_to is not None else original_message_id,
                           references),
               ('Content-Language', lang_tag), ('X-MS-Has-Attach', ''),
               ('X-Auto-Response-Suppress', 'All'),
               ('X-MS-Exchange-Inbox-Rules-Loop', address), ('X-MS-TNEF-Correlator', ''),
               ('auto-submitted', auto_submitted),
               ('Content-Type', f'multipart/alternative;{CRLF}\tboundary="{boundary}"'),
               ('MIME-Version', '1.0')]
    return _message(headers, payload)


def vacation_gmail(*, original_message_id=NOTICE_MESSAGE_ID, original_subject=None,
                   sender='Bruno Lopes <bruno.lopes@gmail.com>', response_subject='Férias',
                   body=None, language='pt', message_id=None, date=None, in_reply_to=None,
                   references=None, to=ORGANIZER):
    """Gmail's vacation responder: Auto-Submitted: auto-replied, In-Reply-To and
    References to the notice, the configured subject text prepended to the
    subject answered, no Precedence header."""
    lang = _lang(language)
    name, address = email.utils.parseaddr(sender)
    original_subject = original_subject or notice_subject(language=lang)
    subject = f'{response_subject} {original_subject}' if response_subject else original_subject
    if body is None:
        body = ('Olá! Estou de férias até 05/01/2027 e sem acesso ao e-mail.\n'
                'Em caso de urgência, ligue para a central: 0800 000 0000.\n\nBruno'
                if lang == 'pt' else
                "Hi! I'm on vacation until 5 January 2027 without access to email.\n"
                'For anything urgent please call our NOC.\n\nBruno')
    boundary = _gmail_boundary()
    html_doc = '<div dir="ltr">' + ''.join(f'<div>{html_lib.escape(line) or "<br>"}</div>'
                                           for line in body.split('\n')) + '</div>\n'
    payload = _multipart(boundary, [
        _part([('Content-Type', 'text/plain; charset="UTF-8"'),
               ('Content-Transfer-Encoding', 'quoted-printable')], _qp(body + '\n', 'utf-8')),
        _part([('Content-Type', 'text/html; charset="UTF-8"'),
               ('Content-Transfer-Encoding', 'quoted-printable')], _qp(html_doc, 'utf-8')),
    ], between=CRLF)
    headers = [('MIME-Version', '1.0'), ('Date', _date(date or _now(), SAO_PAULO)),
               ('Message-ID', message_id or _gmail_message_id()),
               *_threading(in_reply_to if in_reply_to is not None else original_message_id,
                           references),
               ('Subject', _header_text(subject)), ('From', _addr(name, address)),
               ('To', to), ('Auto-Submitted', 'auto-replied'),
               ('Content-Type', f'multipart/alternative; boundary="{boundary}"')]
    return _message(headers, payload)


def autoreply_generic(*, original_message_id=NOTICE_MESSAGE_ID, original_subject=None,
                      sender='operacoes@initech.example.com', kind='vacation', language='pt',
                      body=None, message_id=None, date=None, in_reply_to=None, references=None,
                      to=ORGANIZER):
    """Other automatic answers.

    `kind='vacation'`: a Sieve vacation (RFC 5230, Pigeonhole) "Auto: <subject>",
    Auto-Submitted: auto-replied (vacation), Precedence: bulk, Return-Path <>.
    `kind='ticket'`: a helpdesk acknowledgement ("[Chamado #48213] ..."),
    X-Autoreply: yes, no Auto-Submitted, no In-Reply-To: only the subject and
    body point back to the notice."""
    lang = _lang(language)
    original_subject = original_subject or notice_subject(language=lang)
    date = _as_utc(date or _now())
    domain = _domain(email.utils.parseaddr(sender)[1])
    if kind == 'ticket':
        subject = (f'[Chamado #48213] Recebemos sua mensagem: {original_subject}' if lang == 'pt'
                   else f'[Ticket #48213] We received your message: {original_subject}')
        body = body or ('Sua mensagem foi registrada no chamado #48213.\n'
                        'Nossa equipe responderá em até 4 horas úteis.\n\n'
                        f'Assunto: {original_subject}\n\n-- Central de Serviços Initech'
                        if lang == 'pt' else
                        'Your message was logged as ticket #48213.\n'
                        'We will answer within 4 business hours.\n\n'
                        f'Subject: {original_subject}\n\n-- Initech Service Desk')
        headers = [('Date', _date(date, SAO_PAULO)),
                   ('From', f'Central de Servicos <{sender}>'), ('To', to),
                   ('Subject', _header_text(subject)),
                   ('Message-ID', message_id or f'<{_token(32)}@{domain}>'),
                   *_threading(in_reply_to, references),
                   ('X-Mailer', 'osTicket Mailer'), ('X-Autoreply', 'yes'),
                   ('X-Auto-Response-Suppress', 'ALL, AutoReply'),
                   ('MIME-Version', '1.0'),
                   ('Content-Type', 'text/plain; charset=utf-8'),
                   ('Content-Transfer-Encoding', 'quoted-printable')]
        return _message(headers, _qp(body + '\n', 'utf-8'))
    subject = f'Auto: {original_subject}'
    body = body or ('Estou ausente até 14/12. Sua mensagem será lida no retorno.'
                    if lang == 'pt' else 'I am away until 14 December and will read your '
                    'message when I am back.')
    message_id = message_id or f'<dovecot-sieve-{int(date.timestamp())}-{_token(8)}@{domain}>'
    headers = [('Return-Path', '<>'), ('Message-ID', message_id),
               ('Date', _date(date, SAO_PAULO)), ('X-Sieve', 'Pigeonhole Sieve 0.5.21'),
               ('Precedence', 'bulk'), ('From', sender), ('To', f'<{to}>'),
               ('Subject', _header_text(subject)),
               *_threading(in_reply_to if in_reply_to is not None else original_message_id,
                           references),
               ('Auto-Submitted', 'auto-replied (vacation)'),
               ('MIME-Version', '1.0'), ('Content-Type', 'text/plain; charset=utf-8'),
               ('Content-Transfer-Encoding', '8bit')]
    return _message(headers, _crlf(body) + CRLF)


# ---------------------------------------------------------------- malformed messages

def garbage_no_headers():
    """No header section at all: the first line is text, not a field."""
    return _crlf('oi, recebi o aviso da janela MW-2026-00042 e está tudo certo do nosso lado\n'
                 'obrigado\nAna\n').encode('utf-8')


def garbage_binary(*, size=4096, seed=42):
    """Binary junk (NUL bytes, bare LF, high bytes): e.g. a misrouted attachment."""
    return b'\x00\xff\xfe' + random.Random(seed).randbytes(size) + b'\n\x00'


def garbage_missing_boundary(*, message_id=None, date=None):
    """multipart/mixed without its boundary parameter: the parts cannot be found."""
    ics = _ics(['BEGIN:VCALENDAR', 'METHOD:REPLY', 'VERSION:2.0', 'BEGIN:VEVENT',
                f'UID:{DEFAULT_UID}', 'SEQUENCE:1',
                f'ATTENDEE;PARTSTAT=ACCEPTED:mailto:{DEFAULT_ATTENDEE}', 'END:VEVENT',
                'END:VCALENDAR'])
    body = ('--frontier' + CRLF + 'Content-Type: text/plain' + CRLF + CRLF + 'Accepted' + CRLF
            + '--frontier' + CRLF + 'Content-Type: text/calendar; method=REPLY' + CRLF + CRLF
            + ics + '--frontier--' + CRLF)
    headers = [('From', _addr(DEFAULT_ATTENDEE_NAME, DEFAULT_ATTENDEE)), ('To', ORGANIZER),
               ('Subject', f'Accepted: {DEFAULT_SUMMARY}'), ('Date', _date(date or _now())),
               ('Message-ID', message_id or f'<{_token(24)}@acme.example.com>'),
               ('MIME-Version', '1.0'), ('Content-Type', 'multipart/mixed')]
    return _message(headers, body)


def garbage_truncated_base64(*, message_id=None, date=None, keep=0.5):
    """An Outlook reply cut off in the middle of its base64 calendar: no
    closing boundary, a base64 tail of the wrong length, no END:VCALENDAR."""
    raw = outlook_reply(message_id=message_id, date=date, dtstamp=date)
    head, _, tail = raw.partition(b'Content-Transfer-Encoding: base64\r\n\r\n')
    encoded = tail.split(b'\r\n--', 1)[0]
    cut = int(len(encoded) * keep)
    chunk = encoded[:cut].rstrip(b'\r\n')
    if len(chunk.replace(b'\r\n', b'')) % 4 == 0:
        chunk = chunk[:-1]
    return head + b'Content-Transfer-Encoding: base64\r\n\r\n' + chunk + b'\r\n'


def garbage_invalid_ical(*, kind='unterminated', message_id=None, date=None):
    """A text/calendar; method=REPLY part that is not valid iCalendar.

    `kind='unterminated'`: BEGIN:VCALENDAR without END:VCALENDAR.
    `kind='bad_dtstart'`: DTSTART "2026-12-10 25:00" (neither DATE nor DATE-TIME)."""
    lines = ['BEGIN:VCALENDAR', 'PRODID:-//Acme//Handmade//PT', 'VERSION:2.0', 'METHOD:REPLY',
             'BEGIN:VEVENT', f'UID:{DEFAULT_UID}', 'SEQUENCE:1', f'DTSTAMP:{_ical_utc(_now())}',
             f'ORGANIZER:mailto:{ORGANIZER}',
             f'ATTENDEE;PARTSTAT=ACCEPTED:mailto:{DEFAULT_ATTENDEE}']
    if kind == 'bad_dtstart':
        lines += ['DTSTART:2026-12-10 25:00', 'END:VEVENT', 'END:VCALENDAR']
    elif kind == 'unterminated':
        lines += [f'DTSTART:{_ical_utc(DEFAULT_STARTS)}', 'END:VEVENT']
    else:
        raise ValueError(kind)
    ics = _ics(lines)
    headers = [('From', _addr(DEFAULT_ATTENDEE_NAME, DEFAULT_ATTENDEE)), ('To', ORGANIZER),
               ('Subject', f'Accepted: {DEFAULT_SUMMARY}'), ('Date', _date(date or _now())),
               ('Message-ID', message_id or f'<{_token(24)}@acme.example.com>'),
               ('MIME-Version', '1.0'),
               ('Content-Type', 'text/calendar; method=REPLY; charset=UTF-8'),
               ('Content-Transfer-Encoding', '7bit')]
    return _message(headers, ics)


def garbage_no_message_id(*, date=None, in_reply_to=NOTICE_MESSAGE_ID):
    """A plain reply whose sender (a script or an old appliance) wrote no Message-ID."""
    headers = [('From', 'monitor@initech.example.com'), ('To', ORGANIZER),
               ('Subject', f'RE: [{DEFAULT_REFERENCE}] New scheduled maintenance'),
               ('Date', _date(date or _now())), *_threading(in_reply_to, None),
               ('Content-Type', 'text/plain; charset=us-ascii')]
    return _message(headers, _crlf(f'ack {DEFAULT_REFERENCE}\n'))


def garbage_huge_header(*, length=200_000, header='References', message_id=None, date=None):
    """One header line far beyond RFC 5322's 998 characters, never folded."""
    if header.lower() == 'references':
        value, n = [], 0
        while sum(len(v) + 1 for v in value) < length:
            value.append(f'<{n:08d}.{_token(12)}@mail.acme.example.com>')
            n += 1
        value = ' '.join(value)
    else:
        value = ('A' * length)
    headers = [('From', _addr(DEFAULT_ATTENDEE_NAME, DEFAULT_ATTENDEE)), ('To', ORGANIZER),
               ('Subject', f'RE: [{DEFAULT_REFERENCE}] Nova manutencao programada'),
               ('Date', _date(date or _now())),
               ('Message-ID', message_id or f'<{_token(24)}@acme.example.com>'),
               (header, value), ('Content-Type', 'text/plain; charset=us-ascii')]
    return _message(headers, _crlf(f'ok {DEFAULT_REFERENCE}\n'))


_LATIN_TEXT = ('Bom dia,\n\nNão poderemos acompanhar a manutenção {ref} na quinta-feira; '
               'favor reagendar para sábado às 02h.\n\nObrigado,\nJoão Conceição\n'
               'Operações - Acme Provedor\n')
_CP1252_EXTRA = '“Janela” confirmada só após aprovação – custo estimado € 0,00.\n'


def garbage_latin1(*, charset='iso-8859-1', declared=True, message_id=None, date=None,
                   reference=DEFAULT_REFERENCE):
    """Portuguese text with accents in a legacy 8-bit charset.

    `charset` 'iso-8859-1' or 'windows-1252' (the latter adds “ ” – € from
    0x80-0x9F). `declared=True`: Content-Type carries the charset and the
    subject is RFC 2047 encoded; `declared=False`: no charset anywhere and the
    raw 8-bit bytes sit in the Subject header and the body (not valid UTF-8)."""
    text = _LATIN_TEXT.format(ref=reference)
    if charset.lower() in ('windows-1252', 'cp1252'):
        text += _CP1252_EXTRA
    subject = f'RES: [{reference}] Nova manutenção programada: Troca de placa (2026-12-10)'
    body = _crlf(text).encode(charset)
    if declared:
        subject_value = Header(subject, charset).encode(linesep=CRLF).encode('ascii')
        content = f'text/plain; charset="{charset}"'.encode('ascii')
    else:
        subject_value = subject.encode(charset)
        content = b'text/plain'
    head = [b'From: ' + _addr('Joao Conceicao', 'joao@acme.example.com').encode('ascii'),
            b'To: ' + ORGANIZER.encode('ascii'),
            b'Subject: ' + subject_value,
            b'Date: ' + _date(date or _now()).encode('ascii'),
            b'Message-ID: ' + (message_id or f'<{_token(24)}@acme.example.com>').encode('ascii'),
            b'In-Reply-To: ' + NOTICE_MESSAGE_ID.encode('ascii'),
            b'MIME-Version: 1.0',
            b'Content-Type: ' + content,
            b'Content-Transfer-Encoding: 8bit']
    return b'\r\n'.join(head) + b'\r\n\r\n' + body
