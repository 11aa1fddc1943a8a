"""The test IMAP server is a real dovecot that behaves as one (plain imaplib)."""
import imaplib
import os
import ssl
import time
from email.message import EmailMessage

import pytest
from helpers.imap_server import ImapServer

pytestmark = pytest.mark.external    # a real dovecot

PROCESSED = 'Janela/Processed'


def message(n=1):
    """A notice as bytes with CRLF line ends, the form IMAP hands back."""
    msg = EmailMessage()
    msg['From'], msg['To'] = 'noc@carrier.test', 'noc@janela.test'
    msg['Subject'] = f'Planned maintenance {n}'
    msg.set_content(f'Window {n}: 02:00-04:00 UTC\n')
    return msg.as_bytes(policy=msg.policy.clone(linesep='\r\n'))


def test_append_then_fetch_returns_the_same_bytes(imap_server):
    first, second = message(1), message(2)
    uids = [imap_server.append(first), imap_server.append(second)]
    assert imap_server.messages() == [first, second]
    assert uids[1] > uids[0] > 0
    # A second client sees them too, with the byte-exact size.
    with imap_server.connect() as client:
        client.select('INBOX', readonly=True)
        typ, data = client.uid('FETCH', str(uids[0]), '(RFC822.SIZE)')
    assert typ == 'OK' and f'RFC822.SIZE {len(first)}'.encode() in data[0]


def test_wrong_password_is_refused(imap_server):
    client = imap_server.connect(login=False)
    try:
        with pytest.raises(imaplib.IMAP4.error, match='AUTHENTICATIONFAILED'):
            client.login(imap_server.username, 'not-the-secret')
    finally:
        client.shutdown()
    # The next login is not held back by dovecot's per-IP auth penalty
    # (2 s and more), which the fixture turns off for the later tests.
    started = time.monotonic()
    with imap_server.connect(login=False) as client:
        typ, _ = client.login(imap_server.username, imap_server.password)
    assert typ == 'OK' and time.monotonic() - started < 1.5


def test_uid_move_into_a_subfolder(imap_server):
    imap_server.append(message())
    with imap_server.connect() as client:
        # imaplib keeps the pre-login list; dovecot announces MOVE after login.
        capabilities = client.capability()[1][0].split()
        assert b'MOVE' in capabilities and b'UIDPLUS' in capabilities
        assert client.create(PROCESSED)[0] == 'OK'
        typ, listed = client.list('""', PROCESSED)
        assert typ == 'OK' and listed == [b'(\\HasNoChildren) "/" Janela/Processed']
        client.select('INBOX')
        (uid,) = client.uid('SEARCH', 'ALL')[1][0].split()
        typ, _ = client.uid('MOVE', uid.decode(), PROCESSED)
    assert typ == 'OK'
    assert imap_server.messages() == []
    assert imap_server.messages(PROCESSED) == [message()]
    assert imap_server.folders() == ['INBOX', PROCESSED]


def test_clear_empties_every_folder(imap_server):
    imap_server.append(message(1))
    imap_server.append(message(2), folder=PROCESSED)
    imap_server.append(message(3), folder='Janela')
    assert imap_server.folders() == ['INBOX', 'Janela', PROCESSED]
    imap_server.clear()
    assert imap_server.folders() == ['INBOX']
    assert imap_server.messages() == []


def test_each_test_starts_empty(imap_server):
    # Runs after the tests above left mail and folders on the same server.
    assert imap_server.folders() == ['INBOX'] and imap_server.messages() == []


def test_tls_server_speaks_imaps_and_leaves_no_process():
    with ImapServer(tls=True) as server:
        assert server.tls and server.cert_path
        server.append(message())
        context = ssl.create_default_context(cafile=server.cert_path)
        with imaplib.IMAP4_SSL(server.host, server.port, ssl_context=context,
                               timeout=5) as client:
            client.login(server.username, server.password)
            client.select('INBOX', readonly=True)
            assert client.uid('SEARCH', 'ALL')[1][0] != b''
        group = server._process.pid  # dovecot and its children share its group
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)
    assert not server.directory.exists()
