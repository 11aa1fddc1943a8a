"""The prefixes of a request or a check as read from pasted text
(input.parse_lines: the browser's paste box, CSV, RPSL, the API's text).

A line that cannot be read is a LineError: its line and column as
core.errors.Refused counts them, the message, and the text of the line
beside them for the pages that show it.
"""
from dataclasses import dataclass, field

ECHO_LIMIT = 200   # characters of a bad line repeated back in its error


@dataclass(frozen=True)
class Entry:
    line: int
    prefix: str     # canonical: network address, lower case, compressed IPv6
    origin: int
    raw: str        # the line's text (stripped)
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
