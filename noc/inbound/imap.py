"""Fetch the maintenance mailbox over IMAP (the worker's way in for mail).

Each message is stored (committed) before it is moved to the processed
folder, and moved before it is handled: a crash between the steps leaves
either a message still in the inbox that the next pass stores again (the
Message-ID makes that a no-op) or a stored message waiting to be handled.
UID MOVE (RFC 6851) where the server has it; COPY, \\Deleted, EXPUNGE else.
"""
import imaplib
import logging
import re
import ssl

from noc.core.errors import JanelaError
from noc.inbound import receive as inbound
from noc.models import InboundVia

log = logging.getLogger('janela.imap')


class ImapError(JanelaError):
    """The server could not be reached or refused us; try again next pass."""


def _quote(name):
    return '"' + name.replace('\\', '\\\\').replace('"', '\\"') + '"'


def _context(conf):
    return ssl.create_default_context(cafile=conf['ca_file'] or None)


def connect(conf):
    host, port, timeout = conf['imap_host'], conf['imap_port'], conf['imap_timeout_seconds']
    try:
        if conf['imap_security'] == 'ssl':
            client = imaplib.IMAP4_SSL(host, port, ssl_context=_context(conf), timeout=timeout)
        else:
            client = imaplib.IMAP4(host, port, timeout=timeout)
            if conf['imap_security'] == 'starttls':
                client.starttls(ssl_context=_context(conf))
        client.login(conf['imap_username'], conf['imap_password'])
        return client
    except (OSError, imaplib.IMAP4.error, ssl.SSLError) as exc:
        raise ImapError(f'{host}:{port}: {exc}') from exc


def _check(result, what):
    response, data = result             # imaplib's typ: 'OK', 'NO' or 'BAD'
    if response != 'OK':
        raise ImapError(f'{what}: {response} {data!r}')
    return data


def _move(client, uid, folder):
    if 'MOVE' in client.capabilities:
        _check(client.uid('MOVE', uid, _quote(folder)), 'UID MOVE')
        return
    _check(client.uid('COPY', uid, _quote(folder)), 'UID COPY')
    _check(client.uid('STORE', uid, '+FLAGS.SILENT', r'(\Deleted)'), 'UID STORE')
    _check(client.expunge(), 'EXPUNGE')


def _raw_of(data):
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and re.search(rb'BODY\[\]', item[0]):
            return item[1]
    return None


def poll(conf, now=None):
    """One pass over the inbox; returns counts. Raises ImapError when unreachable."""
    done = {'fetched': 0, 'new': 0, 'duplicates': 0}
    client = connect(conf)
    try:
        client.create(_quote(conf['imap_processed_folder']))     # NO when it exists
        _check(client.select(_quote(conf['imap_folder'])), 'SELECT')
        uids = _check(client.uid('SEARCH', None, 'ALL'), 'UID SEARCH')[0].split()
        for uid in uids[:conf['imap_batch_size']]:
            raw = _raw_of(_check(client.uid('FETCH', uid, '(BODY.PEEK[])'), 'UID FETCH'))
            if raw is None:
                continue
            try:
                message, new = inbound.store(raw, InboundVia.IMAP, now)
            except Exception:
                log.exception('IMAP message %s could not be stored; left in %s', uid,
                              conf['imap_folder'])
                done['unstored'] = done.get('unstored', 0) + 1
                continue
            _move(client, uid, conf['imap_processed_folder'])
            done['fetched'] += 1
            done['new' if new else 'duplicates'] += 1
            if new:
                inbound.process(message, now)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise ImapError(str(exc)) from exc
    finally:
        try:
            client.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return done
