"""A real SMTP server on loopback for tests (aiosmtpd in a background thread).

Tests of the mailer talk SMTP over TCP to this server instead of mocking
smtplib, so what they prove also holds against a real relay. The server can
be switched at runtime between behaviours a relay really shows:

- 'ok'        accept: ``250 Ok queued as <n>``
- 'tempfail'  ``451 4.3.0`` to DATA (greylisting, full queue)
- 'permfail'  ``550 5.1.1`` to RCPT (default) or to DATA (``permfail_on``)
- 'die_after' accept ``die_after`` messages per connection, then drop the
              TCP connection (RST) instead of answering the next DATA, as a
              relay that crashes mid-batch

``stop()`` then ``start()`` simulates "SMTP down, then back" on the same
port. ``delay`` (seconds) makes every DATA slow to answer, as a busy relay.
``SmtpServer(tls=True, auth=(user, password))`` requires STARTTLS and
AUTH (LOGIN/PLAIN) with a self-signed certificate whose path is ``.cafile``.
"""
import asyncio
import shutil
import socket
import ssl
import struct
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

MODES = ('ok', 'tempfail', 'permfail', 'die_after')
HOST = '127.0.0.1'


@dataclass
class ReceivedMessage:
    """One message the server accepted (refused ones are not recorded)."""
    mail_from: str
    rcpt_tos: list
    raw: bytes
    reply: str  # the exact reply line the client got, e.g. '250 Ok queued as 3'


def free_port(host=HOST):
    """A port nobody listens on now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def make_self_signed_cert(directory):
    """Write cert.pem and key.pem for localhost/127.0.0.1 into directory.

    The openssl CLI is used when present (no Python dependency); otherwise
    the cryptography package, if installed.
    """
    directory = Path(directory)
    cert, key = directory / 'cert.pem', directory / 'key.pem'
    if shutil.which('openssl'):
        subprocess.run(
            ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
             '-keyout', str(key), '-out', str(cert), '-subj', '/CN=localhost',
             '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
            check=True, capture_output=True)
        return cert, key
    try:
        return _cert_with_cryptography(cert, key)
    except ImportError:
        raise RuntimeError('TLS test server needs the openssl CLI or the '
                           'cryptography package') from None


def _cert_with_cryptography(cert, key):
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID
    from time_machine import escape_hatch

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'localhost')])
    # OpenSSL checks the dates against the machine's clock, which the tests'
    # clock (helpers/clock.py) does not move (the openssl CLI above reads it too).
    now = escape_hatch.datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(private.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([
            x509.DNSName('localhost'), x509.IPAddress(ipaddress.ip_address(HOST))]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    return cert, key


class _Handler:
    """aiosmtpd hooks; they read the server's mode on every command."""

    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        srv = self.server
        if address in srv.refused_rcpts or (srv.mode == 'permfail' and srv.permfail_on == 'rcpt'):
            return '550 5.1.1 Recipient address rejected: user unknown'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, smtp, session, envelope):
        srv = self.server
        mode = srv.mode
        if srv.delay:
            await asyncio.sleep(srv.delay)
        if mode == 'tempfail':
            return '451 4.3.0 Temporary failure, try again later'
        if mode == 'permfail':
            return '550 5.1.1 Message rejected: user unknown'
        if mode == 'die_after':
            # Counted on the aiosmtpd session, i.e. per TCP connection.
            accepted = getattr(session, 'janela_accepted', 0)
            if accepted >= srv.die_after:
                _drop_connection(smtp.transport)
                return '421 never seen by the client'  # written to a closed transport
            session.janela_accepted = accepted + 1
        with srv._lock:
            srv._queued += 1
            reply = f'250 Ok queued as {srv._queued}'
            srv.messages.append(ReceivedMessage(
                mail_from=envelope.mail_from, rcpt_tos=list(envelope.rcpt_tos),
                raw=envelope.original_content, reply=reply))
        return reply


def _drop_connection(transport):
    """Close with RST (SO_LINGER 0), as when the relay process dies."""
    sock = transport.get_extra_info('socket')
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    except OSError:
        pass  # a plain close still drops the connection
    transport.abort()


class SmtpServer:
    """Real SMTP server on 127.0.0.1, a free port, in a background thread."""

    def __init__(self, mode='ok', die_after=1, tls=False, auth=None,
                 permfail_on='rcpt', port=None, start=True):
        self.host = HOST
        self.port = port or free_port()
        self.mode = mode
        self.die_after = die_after
        self.delay = 0.0
        self.permfail_on = permfail_on  # 'rcpt' or 'data'
        self.refused_rcpts = set()  # always refused with 550 5.1.1, whatever the mode
        self.messages = []
        self.tls = tls
        self.auth = auth
        self.cafile = None
        self._tls_context = None
        self._tempdir = None
        self._controller = None
        self._lock = threading.Lock()
        self._queued = 0
        if tls:
            self._tempdir = tempfile.TemporaryDirectory(prefix='janela-smtp-')
            cert, key = make_self_signed_cert(self._tempdir.name)
            self.cafile = str(cert)
            self._tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self._tls_context.load_cert_chain(cert, key)
        if start:
            self.start()

    @property
    def mode(self):
        return self._mode

    @mode.setter
    def mode(self, value):
        if value not in MODES:
            raise ValueError(f'unknown SMTP server mode {value!r}; one of {MODES}')
        self._mode = value

    @property
    def running(self):
        return self._controller is not None

    def start(self):
        """Listen (again) on the same port; a stopped controller cannot restart."""
        if self._controller is not None:
            return
        # Without TLS, AUTH must be allowed in clear text or it could never work.
        kwargs = {'auth_require_tls': self.tls}
        if self.tls:
            kwargs.update(tls_context=self._tls_context, require_starttls=True)
        if self.auth:
            kwargs.update(auth_required=True, authenticator=self._authenticate)
        # Right after stop() the port may linger briefly; retry for a moment.
        deadline = time.monotonic() + 5
        while True:
            controller = Controller(_Handler(self), hostname=self.host, port=self.port,
                                    server_hostname='janela-test-smtp', **kwargs)
            try:
                controller.start()
                break
            except OSError:
                controller.loop.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self._controller = controller

    def stop(self):
        """Stop listening and cut open connections: clients get refused."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def close(self):
        """stop() and remove the certificate directory."""
        self.stop()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def clear(self):
        with self._lock:
            self.messages.clear()

    def wait_for(self, count, timeout=5.0):
        """Wait until at least count messages arrived (for asynchronous senders)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f'{len(self.messages)} of {count} messages after {timeout}s')
            time.sleep(0.01)
        return self.messages

    def _authenticate(self, smtp, session, envelope, mechanism, auth_data):
        ok = (mechanism in ('LOGIN', 'PLAIN') and isinstance(auth_data, LoginPassword)
              and (auth_data.login.decode(), auth_data.password.decode()) == tuple(self.auth))
        # handled=False lets aiosmtpd answer 535 itself on a failure.
        return AuthResult(success=ok, handled=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture
def smtp_server():
    """A fresh server in mode 'ok' for one test, stopped afterwards."""
    server = SmtpServer()
    try:
        yield server
    finally:
        server.close()
