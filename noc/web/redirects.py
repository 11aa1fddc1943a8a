"""Where the browser may be sent back to: one check for every redirect target
read from the request (`next=` of a form or link, the Referer of a resend).

Only a path on this site is accepted: it starts with one '/', and neither it
nor what it decodes to (percent-decoding, repeated, and Unicode compatibility
folding such as '／' to '/') holds a control character (C0, DEL, C1, or any
other format or separator character but the plain space), a backslash, or a
second '/' right after the first. Browsers drop tabs and new lines and read
'\\' as '/', so '/\\t/evil.example' and '/\\evil.example' would leave the site;
a CR or LF would break the Location header. Anything else falls back to a
page of this site that the caller names.
"""
import unicodedata
from urllib.parse import unquote, urlsplit, urlunsplit

from noc.core.limits import MAX_REDIRECT_TARGET

_DECODING_ROUNDS = 4       # '%252F' is '%2F' is '/': more layers than this are refused


def _decodings(value):
    """`value` and what it decodes to, round after round; None when it keeps
    changing after _DECODING_ROUNDS."""
    forms = [value]
    for _round in range(_DECODING_ROUNDS):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            return forms
        forms.append(decoded)
    return None


def _clean(form):
    """Whether one form of the target is a single-slash path with no hostile character."""
    if not form.startswith('/') or form.startswith('//') or '\\' in form:
        return False
    for char in form:
        category = unicodedata.category(char)
        if char != ' ' and category[0] in 'CZ':     # Cc (C0, DEL, C1), Cf, Zs, Zl, Zp…
            return False
    parts = urlsplit(form)
    return not parts.scheme and not parts.netloc


def is_local_path(value):
    """True when `value` is a path of this site that is safe to redirect to."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_REDIRECT_TARGET:
        return False
    if not value.isascii():             # our own links are percent-encoded
        return False
    forms = _decodings(value)
    if forms is None:
        return False
    forms += [unicodedata.normalize('NFKC', form) for form in forms]
    return all(_clean(form) for form in forms)


def safe_next(value, fallback):
    """`value` when it is a path of this site (is_local_path), else `fallback`."""
    return value if is_local_path(value) else fallback


def same_site_path(url, host):
    """The path, query and fragment of an absolute http(s) `url` on `host`
    (e.g. a Referer), or None; check the result with safe_next."""
    if not isinstance(url, str) or not url.isascii() or \
            any(ord(char) < 0x21 or ord(char) == 0x7f for char in url):
        return None         # urlsplit would silently drop tabs and new lines
    parts = urlsplit(url)
    if parts.scheme not in ('http', 'https') or parts.netloc != host:
        return None
    return urlunsplit(('', '', parts.path or '/', parts.query, parts.fragment))
