"""Fetch a VRP export's bytes from an http(s) URL, a file:// URL or a path.

Nothing here understands the content (vrp_formats does); this module only
gets the bytes safely: a timeout on every wait and on the whole download,
a size cap (a validator gone wrong must not fill the memory), HTTP status
other than 200 refused, and gzip unpacked when the bytes say so (rpki-client
output is often published as vrps.json.gz), with the cap applied to the
unpacked size too.
"""
import time
import zlib
from urllib.parse import unquote, urlsplit

import requests
from flask_babel import lazy_gettext as _l

from noc.core.errors import JanelaError

GZIP_MAGIC = b'\x1f\x8b'
CHUNK = 1 << 20


class VrpFetchError(JanelaError):
    """The location could not be read; the message names it and the cause."""


def fetch(location, timeout=30, ca_file=None, max_bytes=512 * 1024 * 1024):
    """The bytes at `location` (gzip unpacked), or VrpFetchError."""
    scheme = urlsplit(location).scheme.lower() if '://' in location else ''
    if scheme in ('http', 'https'):
        data = _http(location, timeout, ca_file, max_bytes)
    elif scheme in ('file', ''):
        data = _file(location, max_bytes)
    else:
        raise _error(location, _l('unsupported scheme %(scheme)s (use http, https, file or a path)',
                                  scheme=scheme))
    return _gunzip(location, data, max_bytes) if data.startswith(GZIP_MAGIC) else data


def _error(location, cause):
    return VrpFetchError(str(_l('cannot read VRPs from %(location)s: %(cause)s',
                                location=location, cause=cause)))


def _too_big(location, max_bytes):
    return _error(location, _l('larger than the limit of %(limit)s bytes', limit=max_bytes))


def _file(location, max_bytes):
    path = unquote(urlsplit(location).path) if location.lower().startswith('file://') else location
    try:
        with open(path, 'rb') as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise _error(location, exc.strerror or str(exc)) from None
    if len(data) > max_bytes:
        raise _too_big(location, max_bytes)
    return data


def _http(url, timeout, ca_file, max_bytes):
    """GET with a timeout per wait and a deadline for the whole body."""
    deadline = time.monotonic() + timeout
    try:
        with requests.get(url, timeout=timeout, verify=ca_file or True, stream=True) as response:
            if response.status_code != 200:
                raise _error(url, _l('HTTP status %(status)s %(text)s',
                                     status=response.status_code, text=response.reason or ''))
            declared = response.headers.get('Content-Length', '')
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_big(url, max_bytes)
            return _body(url, response, deadline, timeout, max_bytes)
    except requests.exceptions.Timeout:
        raise _error(url, _l('no answer within %(seconds)s seconds', seconds=timeout)) from None
    except requests.exceptions.SSLError as exc:
        raise _error(url, _l('TLS failed: %(error)s', error=_innermost(exc))) from None
    except requests.exceptions.ConnectionError as exc:
        if isinstance(_root(exc), TimeoutError) or 'timed out' in str(exc):   # stalled mid-body
            raise _error(url, _l('no answer within %(seconds)s seconds', seconds=timeout)) from None
        raise _error(url, _l('connection failed: %(error)s', error=_innermost(exc))) from None
    except requests.exceptions.RequestException as exc:
        raise _error(url, str(exc)) from None


def _body(url, response, deadline, timeout, max_bytes):
    parts, size = [], 0
    for part in response.iter_content(CHUNK):
        size += len(part)
        if size > max_bytes:
            raise _too_big(url, max_bytes)
        if time.monotonic() > deadline:
            raise _error(url, _l('no answer within %(seconds)s seconds', seconds=timeout))
        parts.append(part)
    return b''.join(parts)


def _root(exc):
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__
    return exc


def _innermost(exc):
    """The root cause's text ('Connection refused'), not urllib3's long chain."""
    text = str(_root(exc))
    return text.rsplit('] ', 1)[-1] if text.startswith('[') else text


def _gunzip(location, data, max_bytes):
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unpacker.decompress(data, max_bytes + 1)
        if len(out) > max_bytes or unpacker.unconsumed_tail:
            raise _too_big(location, max_bytes)
        if not unpacker.eof:
            raise _error(location, _l('the gzip data is truncated'))
    except zlib.error as exc:
        raise _error(location, _l('the gzip data is damaged: %(error)s', error=exc)) from None
    return out

