"""Text from outside (forms, files, URLs) made safe to store and compare."""
import re
import unicodedata

_CONTROL = re.compile(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


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
