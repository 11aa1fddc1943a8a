"""Hands stored messages to an SMTP server, or to files for the local capture.

SMTP goes through Flask-Mail's connection (one per batch). Its connection
opens sockets without a timeout and starts TLS without checking the
server's certificate, so `_Connection` opens them with both; the SMTP
transaction itself (MAIL, RCPT, DATA) is driven here to keep the server's
reply for the record.
"""
import os
import re
import smtplib
import ssl
from dataclasses import dataclass

from flask_mail import Connection

from noc.core.config import project_path
from noc.models import MessageState

# A temporary failure: the message stays queued and is tried again later.
RETRY = 'retry'


@dataclass
class Result:
    state: str          # MessageState.SENT, RETRY (temporary), MessageState.FAILED (permanent)
    detail: str


class _Connection(Connection):
    def __init__(self, mail, timeout, cafile=None):
        super().__init__(mail)
        self.timeout, self.cafile = timeout, cafile

    def configure_host(self):
        context = ssl.create_default_context(cafile=self.cafile)
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=self.timeout,
                                    context=context)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=self.timeout)
        if self.mail.use_tls:
            host.starttls(context=context)
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def configure(app):
    """Flask-Mail's settings from [mail]."""
    conf = app.config['NOC']['mail']
    app.config.update(
        MAIL_SERVER=conf['server'], MAIL_PORT=conf['port'],
        MAIL_USE_TLS=conf['security'] == 'starttls', MAIL_USE_SSL=conf['security'] == 'ssl',
        MAIL_USERNAME=conf['username'] or None, MAIL_PASSWORD=conf['password'] or None,
        MAIL_DEFAULT_SENDER=(conf['from_name'], conf['from_address']),
        # Flask-Mail would silently drop mail when app.testing; tests use a real server.
        MAIL_SUPPRESS_SEND=False)


def _reply(code, text):
    return f'{code} {text.decode("utf-8", "replace") if isinstance(text, bytes) else text}'


def _classify(exc):
    """An SMTP failure as retry (4xx, connection trouble) or failed (5xx)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return Result(MessageState.FAILED if code >= 500 else RETRY, _reply(code, text))
    if isinstance(exc, smtplib.SMTPResponseException):
        return Result(MessageState.FAILED if exc.smtp_code >= 500 else RETRY,
                      _reply(exc.smtp_code, exc.smtp_error))
    return Result(RETRY, f'{type(exc).__name__}: {exc}')


# What a stored message must hold to be sent: each once, in its header block.
REQUIRED = ('from', 'to', 'subject', 'date', 'message-id')
_FIELD = re.compile(r'[!-9;-~]+:')                  # a field name (RFC 5322 §2.2) and colon
_CONTROL = re.compile(r'[\x00-\x08\x0a-\x1f\x7f]')  # in a header line: any but HTAB


def unsendable(message):
    """Why `message` must never go to the server as stored ('' if it may).

    A row written before names were cleaned, or by hand, may carry a CR or
    LF that broke its header block (a header injected, or the block ended
    early so that Subject, Date and Message-ID fell into the body), or an
    envelope address SMTP cannot carry. Such a message is failed with this
    reason instead of being sent; the rest of the outbox goes on.
    """
    if _CONTROL.search(message.recipient) or not message.recipient.strip():
        return 'unsendable: the recipient address holds a control character or is empty'
    head, blank, _ = message.raw.partition('\r\n\r\n')
    if not blank:
        return 'unsendable: the message has no header block'
    seen = []
    for line in head.split('\r\n'):
        if _CONTROL.search(line) or '\r' in line:
            return 'unsendable: a bare CR or LF or a control character in the header block'
        if line[:1] in (' ', '\t'):
            if not seen:
                return 'unsendable: the header block starts with a continuation line'
            continue
        field = _FIELD.match(line)
        if not field:
            return f'unsendable: a header line that is no header field: {line[:60]!r}'
        seen.append(field.group()[:-1].lower())
    for name in REQUIRED:
        if seen.count(name) != 1:
            return f'unsendable: the header block holds {seen.count(name)} {name} fields, not 1'
    return ''


def _send_one(host, envelope_from, message):
    host.ehlo_or_helo_if_needed()
    code, text = host.mail(envelope_from)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, text, envelope_from)
    code, text = host.rcpt(message.recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({message.recipient: (code, text)})
    code, text = host.data(message.raw.encode('ascii', 'replace'))
    if code != 250:
        raise smtplib.SMTPDataError(code, text)
    return _reply(code, text)


def deliver_smtp(app, messages, on_result, cafile=None, take=None):
    """Send `messages` over one connection; `on_result(message, Result)` after each.

    `take(message)` is asked right before a message goes to the server: False
    (the worker no longer holds its claim) skips it without a result. A
    message that cannot be sent as stored fails alone (`unsendable`). A
    broken connection makes the rest of the batch 'retry' without trying
    them: the server is gone, and they go again in the next pass.
    """
    conf = app.config['NOC']['mail']
    pending = list(messages)
    try:
        with _Connection(app.extensions['mail'], conf['timeout_seconds'], cafile) as conn:
            while pending:
                message = pending[0]
                if take is not None and not take(message):
                    pending.pop(0)
                    continue
                problem = unsendable(message)
                if problem:
                    pending.pop(0)
                    on_result(message, Result(MessageState.FAILED, problem))
                    continue
                try:
                    reply = _send_one(conn.host, conf['from_address'], message)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                        smtplib.SMTPDataError) as exc:
                    pending.pop(0)
                    on_result(message, _classify(exc))
                    conn.host.rset()
                    continue
                pending.pop(0)
                on_result(message, Result(MessageState.SENT, reply))
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        result = _classify(exc)
        for message in pending:
            on_result(message, result)


def deliver_capture(app, messages, on_result, take=None):
    """Write each message as an .eml file; the NOC reads them under Mail capture."""
    directory = project_path(app.config['NOC']['mail']['capture_dir'])
    os.makedirs(directory, exist_ok=True)
    for message in messages:
        if take is not None and not take(message):
            continue
        problem = unsendable(message)
        if problem:
            on_result(message, Result(MessageState.FAILED, problem))
            continue
        name = f'{message.created_at:%Y%m%dT%H%M%S}-{message.id}.eml'
        path = os.path.join(directory, name)
        with open(path + '.tmp', 'w', encoding='ascii', errors='replace', newline='') as fh:
            fh.write(message.raw)
        os.replace(path + '.tmp', path)     # a reader never sees half a message
        on_result(message, Result(MessageState.SENT, f'captured as {name}'))


def deliver(app, messages, on_result, take=None):
    """Hand `messages` to the configured backend; `take` as in deliver_smtp."""
    if app.config['NOC']['mail']['backend'] == 'capture':
        deliver_capture(app, messages, on_result, take)
    else:
        cafile = app.config['NOC']['mail']['ca_file']
        deliver_smtp(app, messages, on_result, project_path(cafile) if cafile else None, take)
