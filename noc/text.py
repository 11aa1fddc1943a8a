"""Text from outside (forms, files, URLs) made safe to store and compare."""
import re

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
