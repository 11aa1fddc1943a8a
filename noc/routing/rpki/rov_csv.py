"""The core of `noc rov`: validate 'PREFIX ORIGIN' lines, write prefix,origin,state,reason CSV.

Input: one route a line, the prefix and the origin separated by spaces, a
tab or a comma; the origin as 64500, AS64500 or as64500, or an AS_SET
written as origins joined by '_' (64500_64501, as in RouteViews' pfx2as
files), which matches nothing. Blank lines and '#' comments are skipped.

Output: a header, then one CSV row per route in input order: the prefix,
the origin as a number (AS_SET members joined by '_'), the state and the
reason. The state is valid, invalid, not-found, or error for a line that is
not a route: then the whole line (blanks squeezed) is in the prefix
column, the origin is empty and the reason says what is wrong; the run
goes on. Reasons:
- valid: 'a VRP matches' (the VRP is not named: naming it for every valid
  route would cost more than the whole validation);
- not-found: 'no covering VRP';
- invalid: the reason of RovIndex.validate, naming the VRPs to look at
  ('origin AS65003 not authorised: 203.0.113.0/24-24 AS65002').

Lines are read in chunks and each chunk goes through the vectorised path;
only invalid routes are explained one by one.
"""
import csv
import io
import re
from dataclasses import dataclass
from itertools import islice

import numpy as np
from flask_babel import lazy_gettext as _l

from noc.core.limits import MAX_ASN
from noc.routing.rpki.prefix_columns import parse_prefixes
from noc.routing.rpki.rov import (
    AS_SET,
    CODE_ERROR,
    CODE_INVALID,
    CODE_NOT_FOUND,
    CODE_VALID,
    MATCHED,
    NO_VRP,
    REASONS,
    STATES,
)

HEADER = ('prefix', 'origin', 'state', 'reason')
ERROR = 'error'
CHUNK = 1 << 16                      # lines per vectorised step
VALID_REASON = _l('a VRP matches')


@dataclass
class Counts:
    valid: int = 0
    invalid: int = 0
    not_found: int = 0
    error: int = 0

    @property
    def total(self):
        return self.valid + self.invalid + self.not_found + self.error


def run(index, lines, out):
    """Validate every route of `lines` against `index` (a RovIndex), CSV to `out`."""
    csv.writer(out, lineterminator='\n').writerow(HEADER)
    texts = {code: str(text) for code, text in REASONS.items()}   # once: the current language
    texts[MATCHED] = str(VALID_REASON)
    counts = Counts()
    lines = iter(lines)
    while chunk := list(islice(lines, CHUNK)):
        out.write(_validate_chunk(index, chunk, texts, counts))
    return counts


def _validate_chunk(index, chunk, texts, counts):
    """The CSV text of one chunk of input lines."""
    lines, prefixes, origins_text, errors = _records(chunk)
    origins, origins_shown, bad_origins = _origins(origins_text)
    errors = {**bad_origins, **errors}
    parsed = parse_prefixes(prefixes)
    for row, message in parsed.errors.items():
        errors.setdefault(row, message)
    parsed.family[list(errors)] = 0
    states, reasons = index.validate_column(parsed, origins)
    _count(states, counts)
    special = _explain(index, parsed, np.flatnonzero(states == CODE_INVALID), origins, reasons, texts)
    for row, message in errors.items():
        prefixes[row], origins_shown[row], special[row] = ' '.join(lines[row].split()), '', message
    return _csv_text(prefixes, origins_shown, states, reasons, texts, special)


def _records(chunk):
    """(lines, prefix texts, origin texts, {row: message}) of the non-blank
    lines; the message says a line is not two fields."""
    fast = _two_fields_each(chunk)
    if fast:
        return chunk, fast[0], fast[1], {}
    records = [(line, fields) for line, fields in zip(chunk, map(_fields, chunk)) if fields]
    errors = {row: str(_l('expected PREFIX ORIGIN, found %(count)s fields', count=len(fields)))
              for row, (_, fields) in enumerate(records) if len(fields) != 2}
    return ([line for line, _ in records], [fields[0] for _, fields in records],
            [fields[1] if len(fields) > 1 else '' for _, fields in records], errors)


def _two_fields_each(chunk):
    """(prefixes, origins) when every line is exactly 'PREFIX ORIGIN' separated by
    blanks, else None. One split of the whole chunk, with a marker token
    standing for each line end, is three times faster than a split per line."""
    joined = ''.join(chunk)
    if joined.count('\n') != len(chunk) or not joined.endswith('\n') or \
            any(char in joined for char in ',#\x00'):
        return None
    tokens = joined.replace('\n', ' \x00 ').split()
    if len(tokens) != 3 * len(chunk) or tokens[2::3].count('\x00') != len(chunk):
        return None
    return tokens[0::3], tokens[1::3]


def _fields(line):
    """A line's fields: split on whitespace, a comma also separates, '#' starts a comment."""
    return line.partition('#')[0].replace(',', ' ').split()


def _csv_text(prefixes, origins_text, states, reasons, texts, special):
    """CSV lines of a chunk, glued from pieces in one join. Rows whose reason
    is in `special` (invalid and error rows) are written apart: by hand when
    only the reason can need quoting and holds no quote or line break, else
    by the csv module; both give what the csv module writes."""
    ends = np.array([f',{STATES[code]},{texts[reason]}\n' for code, reason in _FIXED], object)
    pieces = [','] * (4 * len(prefixes))
    pieces[0::4], pieces[2::4] = prefixes, origins_text
    fixed = np.where(states == CODE_ERROR, 0, states).astype(np.intp) * len(REASONS) + reasons
    pieces[3::4] = ends[fixed % len(ends)].tolist()     # error rows are replaced below
    plain = _plain(prefixes, origins_text, texts)
    if not plain:
        special = {row: special.get(row, texts.get(int(reasons[row]), '')) for row in range(len(prefixes))}
    by_hand = [row for row, reason in special.items() if plain and not _QUOTING.search(reason)]
    for row in by_hand:
        state = _STATE_TEXT[int(states[row])]
        reason = special.pop(row)
        pieces[4 * row + 3] = f',{state},"{reason}"\n' if ',' in reason else f',{state},{reason}\n'
    rows = list(special)
    lines = _quoted([(prefixes[row], origins_text[row], _STATE_TEXT[int(states[row])], special[row])
                     for row in rows])
    for row, line in zip(rows, lines):
        pieces[4 * row:4 * row + 4] = (line, '', '', '')
    return ''.join(pieces)


_QUOTING = re.compile('["\r\n]')


def _plain(prefixes, origins_text, texts):
    """Whether no field of a valid or not-found row can need CSV quoting (so
    joining them with commas is exactly what the csv module would write)."""
    joined = ''.join(prefixes) + ''.join(origins_text) + texts[MATCHED] + texts[NO_VRP]
    return not any(char in joined for char in ',"\r\n')


def _quoted(rows):
    """Each row as a CSV line written by the csv module."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator='\n').writerows(rows)
    lines = buffer.getvalue().split('\n')[:-1]
    if len(lines) == len(rows):
        return [line + '\n' for line in lines]
    return [_one_line(row) for row in rows]                 # a field held a line break


def _one_line(row):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator='\n').writerow(row)
    return buffer.getvalue()


# (state code, reason code) of every row a chunk may hold, in the order
# state * len(REASONS) + reason, the index _csv_text computes per row.
_FIXED = [(code, reason) for code in range(3) for reason in range(len(REASONS))]
_STATE_TEXT = {CODE_VALID: STATES[CODE_VALID], CODE_NOT_FOUND: STATES[CODE_NOT_FOUND],
               CODE_INVALID: STATES[CODE_INVALID], CODE_ERROR: ERROR}


def _origins(texts):
    """(int64 origins with AS_SET for an AS_SET, their texts as numbers,
    {row: message} for the bad ones)."""
    joined = ''.join(texts)
    if joined.isascii() and joined.isdigit() and all(texts) and max(map(len, texts)) <= 10:
        origins = np.array(list(map(int, texts)), np.int64)       # the usual case, in bulk
        if not (origins > MAX_ASN).any():
            leading_zero = _LEADING_ZERO.search(' ' + ' '.join(texts))
            return origins, list(map(str, origins.tolist())) if leading_zero else list(texts), {}
    values, shown, errors = [], [], {}
    for row, text in enumerate(texts):
        try:
            numbers = _origin(text)
        except ValueError as exc:
            numbers = []
            errors[row] = str(exc)
        values.append(numbers[0] if len(numbers) == 1 else AS_SET)
        shown.append('_'.join(map(str, numbers)))
    return np.array(values, np.int64), shown, errors


_LEADING_ZERO = re.compile(' 0[0-9]')


def _origin(text):
    """The AS numbers of an origin: 64500, AS64500, as64500, or an AS_SET as 64500_64501."""
    parts = text.split('_')
    numbers = [part[2:] if part[:2].upper() == 'AS' else part for part in parts]
    if not text or not all(n.isascii() and n.isdigit() and len(n) <= 10 and int(n) <= MAX_ASN
                            for n in numbers):
        raise ValueError(str(_l('origin %(value)s is not an AS number (64500 or AS64500)',
                                value=repr(text)[:40])))
    return [int(number) for number in numbers]


def _explain(index, parsed, rows, origins, reasons, texts):
    """{row: reason naming the VRPs} for the given rows (the invalid ones)."""
    explained = {}
    for family in (4, 6):
        picked = rows[parsed.family[rows] == family]
        if len(picked):
            words = index.reasons_many(family, parsed.hi[picked], parsed.lo[picked],
                                       parsed.length[picked].astype(np.int64), origins[picked],
                                       reasons[picked], texts)
            explained.update(zip(picked.tolist(), words))
    return explained


def _count(states, counts):
    tally = np.bincount(states, minlength=256)
    counts.valid += int(tally[CODE_VALID])
    counts.invalid += int(tally[CODE_INVALID])
    counts.not_found += int(tally[CODE_NOT_FOUND])
    counts.error += int(tally[CODE_ERROR])
