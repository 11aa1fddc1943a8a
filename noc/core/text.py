"""Text from outside (forms, files, URLs) made safe to store and compare."""
import re
import unicodedata

from flask_babel import lazy_gettext as _l

_CONTROL = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')
# What a one-line value (a name, an address, a title, a code: anything that can
# reach a mail header) never holds: C0 controls (CR, LF, NUL, TAB...), DEL, the
# C1 controls (U+0085 is a line break to some readers) and the Unicode line and
# paragraph separators.
_NOT_IN_A_LINE = re.compile('[\x00-\x1f\x7f-\x9f\u2028\u2029]')


def _strings(value):
    """Every string in a value as a caller sends it (text, a list, an object)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _first(pattern, value):
    for text in _strings(value):
        found = pattern.search(text)
        if found:
            return f'U+{ord(found.group()):04X}'
    return None


def single_line_problem(value):
    """None, or why `value` (text, or the texts in a list or object) is no single
    line: a line break or control character, named by its code point. The check
    of every field that can reach a mail header, wherever it comes from."""
    char = _first(_NOT_IN_A_LINE, value)
    if char is None:
        return None
    return _l('contains a line break or control character (%(char)s); expected one line '
              'of printable text', char=char)


def multi_line_problem(value):
    """None, or why a multi-line text (a description, a note) is refused: a
    control character other than a line break or a tab (NUL, ESC, DEL...)."""
    char = _first(_CONTROL, value)
    if char is None:
        return None
    return _l('contains a control character (%(char)s); expected text, where line breaks '
              'and tabs are accepted', char=char)


def clean_text(raw):
    """Trimmed text without control characters; lists are joined.

    Control characters have no place in NOC data, and PostgreSQL refuses NUL
    outright, which would turn a stray byte into a server error.
    """
    if raw is None:
        return ''
    if isinstance(raw, (list, tuple)):
        raw = ' '.join(str(r) for r in raw)
    return _CONTROL.sub('', str(raw)).strip()


def search_key(*parts):
    """Text folded for searching: lower case, accents off ('São Paulo' -> 'sao paulo').

    Stored beside each searchable row so that 'araxa' finds 'ARAXÁ' on both
    engines alike (SQLite folds only ASCII case, and neither folds accents).
    """
    text = ' '.join(str(p) for p in parts if p not in (None, ''))
    decomposed = unicodedata.normalize('NFKD', text)
    return ''.join(c for c in decomposed if not unicodedata.combining(c)).casefold()
