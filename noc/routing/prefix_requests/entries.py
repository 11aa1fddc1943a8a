"""The prefixes of a request or a check, however they came in: read from pasted
text (input.parse_lines: the browser's paste box, CSV, RPSL, mail) or given
as typed items (the API's JSON: read_items), so that the commands judge both
the same way.

A line that cannot be read is a LineError: its line and column as
core.errors.Refused counts them, the message, and the text of the line
beside them for the pages that show it. Typed items are numbered from 1 in
the same place; the commands name a bad item by its index (`prefixes[3]`).
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from noc.routing.prefix_requests.numbers import parse_asn, parse_prefix

ECHO_LIMIT = 200   # characters of a bad line repeated back in its error


@dataclass(frozen=True)
class Entry:
    line: int
    prefix: str     # canonical: network address, lower case, compressed IPv6
    origin: int
    raw: str        # the line's text (stripped), or the item as given
    # Where the prefix starts on its line (1-based): not part of what is asked.
    column: int = field(default=1, compare=False)


@dataclass(frozen=True)
class LineError:
    line: int
    text: str        # the line's text (stripped), as people recognise it
    message: object  # lazy string: translated when shown
    column: int = 1  # where the fault (or the line's text) starts, 1-based


@dataclass
class ParsedInput:
    entries: list = field(default_factory=list)
    errors: list = field(default_factory=list)

    def lines(self):
        """The errors as Refused.lines: [(line, column, message)]."""
        return [(e.line, e.column, e.message) for e in self.errors]

    def texts(self):
        """{line: its text}, of the entries and of the errors."""
        return {**{e.line: e.raw for e in self.entries}, **{e.line: e.text for e in self.errors}}


def column_of(raw, word=None):
    """Where `word` starts in the line `raw` (1-based); without it, or when it
    is not there as written, where the line's text starts."""
    at = raw.find(word) if word else -1
    return at + 1 if at >= 0 else len(raw) - len(raw.lstrip()) + 1


@dataclass(frozen=True)
class PrefixItem:
    """One prefix of a typed request or check: what the API's JSON gives."""
    prefix: str
    origin: object = None   # an int, a text such as 'AS64500', or None: the default origin


def _origin(value, default, net):
    if value is None:
        if default is None:
            raise ValueError(_l('No origin AS for %(prefix)s: write it after the prefix '
                                '(%(prefix)s AS64500) or choose a default origin.',
                                prefix=str(net)))
        return default
    try:
        return parse_asn(value)
    except ValueError as exc:
        raise ValueError(_l('The origin is not valid: %(problem)s', problem=exc.args[0])) from exc


def item_errors(lines):
    """Problems of typed items [(number, column, message)] as field errors
    {'prefixes[index]': message}; an item's several problems in one message."""
    errors = {}
    for number, _, message in sorted(lines, key=lambda p: p[0]):
        name = f'prefixes[{number - 1}]'
        errors[name] = f'{errors[name]}; {message}' if name in errors else str(message)
    return errors


def read_items(items, default_origin=None):
    """Typed PrefixItems -> ParsedInput, each entry or error numbered by its
    item (index + 1), with the messages a pasted line gets. An item given
    twice is kept once, at its first place."""
    if default_origin is not None:
        default_origin = parse_asn(default_origin)
    result, seen = ParsedInput(), set()
    for number, item in enumerate(items, start=1):
        given = ' '.join(str(v) for v in (item.prefix, item.origin) if v is not None)
        try:
            net = parse_prefix(item.prefix)
            origin = _origin(item.origin, default_origin, net)
        except ValueError as exc:
            result.errors.append(LineError(number, given[:ECHO_LIMIT], exc.args[0]))
            continue
        if (str(net), origin) not in seen:
            seen.add((str(net), origin))
            result.entries.append(Entry(number, str(net), origin, given[:ECHO_LIMIT]))
    return result
