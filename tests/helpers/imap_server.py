"""A real IMAP server on loopback for tests (Debian's dovecot as a subprocess).

Tests of mailbox reading talk IMAP over TCP to a private dovecot instance
instead of mocking imaplib, so what they prove also holds against the servers
the NOC really polls. Each ``ImapServer`` writes its own configuration into a
temporary directory and runs ``dovecot -F -c CONFIG``: it listens only on
127.0.0.1 on a free port and shares nothing with a system-wide dovecot
(own base_dir, state_dir and log file), which need not run at all.

- one user, ``janela`` / ``imap-secret``, plaintext LOGIN and AUTHENTICATE PLAIN
- maildir storage under the temporary directory, ``/`` as hierarchy
  separator, so ``Janela/Processed`` is a subfolder of ``Janela``
- ``ImapServer(tls=True)`` serves IMAPS (implicit TLS) on the port with a
  self-signed certificate whose path is ``.cert_path``

``append()``, ``folders()``, ``messages()`` and ``clear()`` look at the
mailbox over IMAP themselves, as a second client would. dovecot comes from
the dovecot-imapd package; scripts/test-services.sh installs it.
"""
import grp
import imaplib
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from helpers.smtp_server import free_port, make_self_signed_cert

HOST = '127.0.0.1'
USERNAME = 'janela'
PASSWORD = 'imap-secret'
SEPARATOR = '/'
READY_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0

# One LIST reply: (flags) "delimiter" name; the name may be quoted, or
# sent as a literal (imaplib then splits the line into a tuple).
_LIST_LINE = re.compile(rb'\((?P<flags>[^)]*)\) (?:NIL|"(?:[^"\\]|\\.)*") (?P<name>.*)$')
# Hierarchy levels that only exist because a subfolder does: no mail in them.
_PLACEHOLDER_FLAGS = {'\\noselect', '\\nonexistent'}
_APPENDUID = re.compile(rb'\[APPENDUID \d+ (\d+)\]')


def dovecot_binary():
    """Path of the dovecot master; /usr/sbin is not on a normal user's PATH."""
    found = shutil.which('dovecot') or shutil.which('dovecot', path='/usr/sbin:/usr/local/sbin')
    if not found:
        raise RuntimeError('dovecot is not installed; run scripts/test-services.sh '
                           '(Debian package dovecot-imapd)')
    return found


def _accounts():
    """(internal user, internal group, login user, mail uid, mail gid).

    As root, dovecot drops privileges: its helper processes run as the
    Debian users 'dovecot' and 'dovenull', and it refuses to open mail as
    uid 0, so the mailbox belongs to 'dovecot' too (only tests read it, and
    always over IMAP). Unprivileged, dovecot cannot switch users at all:
    every process, mail access included, runs as the current user.
    """
    if os.geteuid() == 0:
        internal = pwd.getpwnam('dovecot')
        return ('dovecot', grp.getgrgid(internal.pw_gid).gr_name, 'dovenull',
                internal.pw_uid, internal.pw_gid)
    me = pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(os.getegid()).gr_name
    return me.pw_name, group, me.pw_name, os.geteuid(), os.getegid()


def _unquote(name):
    """A mailbox name from LIST, without IMAP quoting."""
    if name.startswith(b'"') and name.endswith(b'"'):
        name = re.sub(rb'\\(.)', rb'\1', name[1:-1])
    return name.decode()


def _check(reply, what):
    typ, data = reply
    if typ != 'OK':
        raise imaplib.IMAP4.error(f'{what}: {typ} {data!r}')
    return data


class ImapServer:
    """Real IMAP server (dovecot) on 127.0.0.1, a free port, in a subprocess."""

    def __init__(self, tls=False, start=True):
        self.host = HOST
        self.port = free_port()
        self.username = USERNAME
        self.password = PASSWORD
        self.tls = tls
        self.cert_path = None
        self._key_path = None
        self._process = None
        # dovecot's unix sockets live under base_dir in here: a $TMPDIR
        # longer than ~60 bytes would break the 108-byte socket path limit.
        self.directory = Path(tempfile.mkdtemp(prefix='janela-imap-'))
        self.log_path = self.directory / 'dovecot.log'
        self.config_path = self.directory / 'dovecot.conf'
        try:
            self._prepare()
            if start:
                self.start()
        except BaseException:
            self.close()
            raise

    # -- setup -------------------------------------------------------------

    def _prepare(self):
        """Write the certificate, password file, mail home and configuration."""
        internal_user, internal_group, login_user, mail_uid, mail_gid = _accounts()
        # The auth process (internal user) reads the password file and the
        # login processes (login user) reach sockets under base_dir: both
        # need to traverse the directory when dovecot runs as root.
        self.directory.chmod(0o755)
        if self.tls:
            cert, self._key_path = make_self_signed_cert(self.directory)
            self.cert_path = str(cert)
        passwd = self.directory / 'passwd'
        passwd.write_text(f'{self.username}:{{PLAIN}}{self.password}\n')
        passwd.chmod(0o640)
        os.chown(passwd, -1, grp.getgrnam(internal_group).gr_gid)
        home = self.directory / 'home'
        home.mkdir()
        os.chown(home, mail_uid, mail_gid)
        self.config_path.write_text(self._config(
            internal_user, internal_group, login_user, mail_uid, mail_gid, passwd, home))

    def _config(self, internal_user, internal_group, login_user, mail_uid, mail_gid,
                passwd, home):
        tmp = self.directory
        # Exactly one listener on our port; the other gets port 0 so dovecot
        # never binds 143/993, which a system-wide instance may hold.
        imap_port, imaps_port = (0, self.port) if self.tls else (self.port, 0)
        if self.tls:
            ssl_settings = (f'ssl = required\nssl_cert = <{self.cert_path}\n'
                            f'ssl_key = <{self._key_path}\n')
        else:
            ssl_settings = 'ssl = no\n'
        # Chrooting needs root; unprivileged, dovecot must not try it.
        chroot = '' if os.geteuid() == 0 else self._no_chroot()
        return f"""\
# Written by tests/helpers/imap_server.py for one test server; not a production setup.
protocols = imap
listen = {HOST}
base_dir = {tmp}/run
state_dir = {tmp}/state
instance_name = janela-test-imap-{self.port}
log_path = {self.log_path}
auth_verbose = yes

default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
# Mail uids below first_valid_uid (500) are refused; 'dovecot' (as root) is one.
first_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}

{ssl_settings}disable_plaintext_auth = no
auth_mechanisms = plain login
# Answer a wrong password at once, not after 2 s: tests fail logins on purpose.
auth_failure_delay = 0

passdb {{
  driver = passwd-file
  args = scheme=PLAIN {passwd}
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={home}/%u
}}

mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = {SEPARATOR}
}}

protocol imap {{
  # Tests and the code under test may hold several sessions at once.
  mail_max_userip_connections = 100
}}

# Tests fail logins on purpose; dovecot's per-IP auth penalty would then
# delay every later login from 127.0.0.1 by 2 to 15 s for half a minute.
# The auth process keeps penalties in anvil through this socket and skips
# them, silently, when the socket does not exist: so move it elsewhere.
service anvil {{
  unix_listener anvil-auth-penalty {{
    path = anvil-auth-penalty-disabled
  }}
}}

service imap-login {{
  inet_listener imap {{
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = {imaps_port}
    ssl = {'yes' if self.tls else 'no'}
  }}
}}
{chroot}"""

    @staticmethod
    def _no_chroot():
        return ''.join(f'service {name} {{\n  chroot =\n}}\n'
                       for name in ('imap-login', 'anvil', 'ipc', 'old-stats'))

    # -- process -----------------------------------------------------------

    @property
    def running(self):
        return self._process is not None and self._process.poll() is None

    def start(self):
        """Run dovecot in the foreground in its own process group; wait for it."""
        if self.running:
            return
        with open(self.directory / 'dovecot.stderr', 'ab') as log:
            # A new session makes dovecot and every child it forks one
            # process group, which stop() can signal as a whole.
            self._process = subprocess.Popen(
                [dovecot_binary(), '-F', '-c', str(self.config_path)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self):
        """Return once a client gets the ``* OK`` greeting."""
        deadline = time.monotonic() + READY_TIMEOUT
        last_error = None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f'dovecot exited with {self._process.returncode}\n'
                                   + self.log_tail())
            try:
                if self._greeting().startswith(b'* OK'):
                    return
            except (OSError, ssl.SSLError) as err:
                last_error = err
            time.sleep(0.05)
        raise RuntimeError(f'dovecot not ready on {self.host}:{self.port} after '
                           f'{READY_TIMEOUT:.0f}s ({last_error})\n' + self.log_tail())

    def _greeting(self):
        with socket.create_connection((self.host, self.port), timeout=2) as sock:
            if self.tls:
                with self._ssl_context().wrap_socket(sock, server_hostname='localhost') as tls:
                    return tls.recv(1024)
            return sock.recv(1024)

    def log_tail(self, lines=30):
        """The end of dovecot's log and stderr, for error messages."""
        text = []
        for path in (self.log_path, self.directory / 'dovecot.stderr'):
            if path.exists():
                text += path.read_text(errors='replace').splitlines()[-lines:]
        return '\n'.join(text) or '(dovecot wrote no log)'

    def stop(self):
        """Stop dovecot and every process it started."""
        if self._process is None:
            return
        group = self._process.pid  # the session leader's pid is the group id
        self._signal_group(group, signal.SIGTERM)
        try:
            self._process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._signal_group(group, signal.SIGKILL)
            self._process.wait(STOP_TIMEOUT)
        # The master stops its children on SIGTERM; anything left over (a
        # child that did not react in time) is killed rather than leaked.
        deadline = time.monotonic() + 2
        while self._signal_group(group, 0) and time.monotonic() < deadline:
            time.sleep(0.05)
        self._signal_group(group, signal.SIGKILL)
        self._process = None

    @staticmethod
    def _signal_group(group, signum):
        """Send signum to the group; False when no process is left in it."""
        try:
            os.killpg(group, signum)
            return True
        except ProcessLookupError:
            return False

    def close(self):
        """stop() and remove the temporary directory (mail, log, config)."""
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- IMAP client helpers -----------------------------------------------

    def _ssl_context(self):
        return ssl.create_default_context(cafile=self.cert_path)

    def connect(self, login=True, timeout=5):
        """An imaplib client for this server, logged in as janela by default."""
        if self.tls:
            client = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=self._ssl_context(),
                                       timeout=timeout)
        else:
            client = imaplib.IMAP4(self.host, self.port, timeout=timeout)
        if login:
            client.login(self.username, self.password)
        return client

    def _list(self, client):
        """[(flags, name)] of every folder, flags as lowercase strings."""
        found = []
        for line in _check(client.list('""', '*'), 'LIST'):
            if not line:
                continue
            head, literal = line if isinstance(line, tuple) else (line, None)
            match = _LIST_LINE.match(head)
            name = literal.decode() if literal is not None else _unquote(match.group('name'))
            found.append((set(match.group('flags').decode().lower().split()), name))
        return found

    def _folders(self, client):
        """Folders that can hold mail, without the placeholders."""
        return [name for flags, name in self._list(client) if not flags & _PLACEHOLDER_FLAGS]

    def folders(self):
        """Names of the folders that can hold mail: INBOX first, then sorted.

        With only 'Janela/Processed' created, the listed placeholder
        'Janela' (\\Noselect) is left out: it is not a folder of its own.
        """
        with self.connect() as client:
            names = [name for name in self._folders(client) if name.upper() != 'INBOX']
        return ['INBOX'] + sorted(names)

    def append(self, raw, folder='INBOX'):
        """Store raw (bytes) in folder, created if missing; return its UID."""
        with self.connect() as client:
            if folder.upper() != 'INBOX' and folder not in self._folders(client):
                _check(client.create(folder), f'CREATE {folder}')
            data = _check(client.append(folder, None, None, raw), f'APPEND {folder}')
        match = _APPENDUID.search(data[0] or b'')
        return int(match.group(1)) if match else None

    def messages(self, folder='INBOX'):
        """Raw bytes of each message in folder, in UID order.

        IMAP delivers messages with CRLF line ends: a message appended with
        bare LF comes back with CRLF.
        """
        with self.connect() as client:
            _check(client.select(folder, readonly=True), f'SELECT {folder}')
            data = _check(client.uid('FETCH', '1:*', '(BODY.PEEK[])'), 'FETCH')
        return [part[1] for part in data if isinstance(part, tuple)]

    def clear(self):
        """Delete every message and every folder but INBOX (INBOX is emptied)."""
        with self.connect() as client:
            folders = self._folders(client)
            for name in folders:
                self._expunge_all(client, name)
            if client.state == 'SELECTED':
                client.close()  # leave no folder open that is about to be deleted
            # Children before parents: dovecot "deletes" a parent that still
            # has children but keeps listing it. Placeholders vanish by
            # themselves with their last child.
            for name in sorted(folders, key=lambda name: name.count(SEPARATOR), reverse=True):
                if name.upper() != 'INBOX':
                    _check(client.delete(name), f'DELETE {name}')

    @staticmethod
    def _expunge_all(client, folder):
        count = int(_check(client.select(folder), f'SELECT {folder}')[0])
        if count:
            _check(client.store('1:*', '+FLAGS.SILENT', '(\\Deleted)'), 'STORE')
            _check(client.expunge(), 'EXPUNGE')

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.fixture(scope='session')
def _imap_server_session():
    """One dovecot for the whole session, stopped (process group killed) at its end."""
    server = ImapServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def imap_server(_imap_server_session):
    """The session's server, emptied (no messages, only INBOX) for this test."""
    _imap_server_session.clear()
    return _imap_server_session
