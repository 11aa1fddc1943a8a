"""Read a VRP export (rpki-client, Routinator, StayRTR JSON or validator CSV) into a VrpTable.

The layout is told from the content, not from a file name or a content
type: an object with a 'roas' list is JSON (the ASN as a number is
rpki-client's and StayRTR's /rpki.json, as "AS13335" Routinator's json, a
'source' list instead of 'ta' Routinator's jsonext); anything else must be
CSV with the header 'ASN,IP Prefix,Max Length[,Trust Anchor]'. Keys this
module does not use (bgpsec_keys, aspas, provider_authorizations, new
metadata) are ignored. VRPs whose 'expires' has passed are dropped and
counted. Every problem raises VrpFormatError saying what and where.
"""
import csv
import gc
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import compress
from operator import itemgetter

import numpy as np
import orjson
from flask_babel import lazy_gettext as _l

from noc.routing.rpki.prefix_columns import shown
from noc.routing.rpki.vrps import VrpFormatError, VrpTable

_LEADING_SPACE = re.compile(rb'\s*(.?)', re.DOTALL)

RPKI_CLIENT, ROUTINATOR_JSON, ROUTINATOR_JSONEXT, CSV = (
    'rpki-client', 'routinator-json', 'routinator-jsonext', 'csv')


@dataclass(frozen=True)
class ParsedVrps:
    table: VrpTable
    format: str                 # one of the four names above
    expired: int                # VRPs dropped because their 'expires' had passed
    generated: datetime | None  # when the validator made the export (UTC), if it says
    declared: int | None        # the VRP count the export's metadata states, if any


def parse(data, now=None):
    """Parse VRP export bytes; `now` (default: the current time) decides expiry."""
    data = bytes(data)
    if data.startswith(b'\xef\xbb\xbf'):
        data = data[3:]
    head = _LEADING_SPACE.match(data).group(1)
    if not head:
        raise VrpFormatError(str(_l('the VRP data is empty')))
    now = now or datetime.now(timezone.utc)
    if head == b'{':
        return _parse_json(data, now)
    if head == b'[':
        raise VrpFormatError(str(_l("the VRP data is a JSON list; expected an object with a 'roas' list")))
    return _parse_csv(data)


# -- JSON -----------------------------------------------------------------------

@contextmanager
def _collector_paused():
    """A full export becomes about a million small objects with no cycles among
    them; letting the cyclic collector walk them again and again while they are
    built costs a third of the load time for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parse_json(data, now):
    with _collector_paused():
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise VrpFormatError(str(_l('the VRP data is not valid JSON: %(error)s', error=exc))) from None
        if not isinstance(document, dict) or not isinstance(document.get('roas'), list):
            raise VrpFormatError(str(_l("the VRP data is JSON but has no 'roas' list")))
        metadata = document.get('metadata')
        metadata = metadata if isinstance(metadata, dict) else {}
        roas = document['roas']
        del document
        columns = _json_columns(roas)
        del roas
        return _finish(columns, now, metadata)


def _record(row):
    return _l('record %(number)s', number=row + 1)


def _fail(row, problem):
    raise VrpFormatError(str(_l('%(where)s: %(problem)s', where=_record(row), problem=problem)))


def _json_columns(roas):
    """(format, prefixes, max_lengths, asns, tas, expires) as lists, one item per record."""
    try:
        prefixes = list(map(itemgetter('prefix'), roas))
        asns = list(map(itemgetter('asn'), roas))
    except (KeyError, TypeError):
        _name_bad_record(roas)
        raise
    max_lengths, tas, expires = (_optional(roas, key) for key in ('maxLength', 'ta', 'expires'))
    extended = bool(roas) and 'source' in roas[0] and 'ta' not in roas[0]
    if None in tas:
        tas = [ta if ta is not None else _source_tal(roa) for ta, roa in zip(tas, roas)]
    textual = set(map(type, asns)) - {int}
    if textual:
        asns = [_asn_text(asn, row) if type(asn) is not int else asn for row, asn in enumerate(asns)]
    layout = ROUTINATOR_JSONEXT if extended else ROUTINATOR_JSON if textual else RPKI_CLIENT
    return layout, prefixes, max_lengths, asns, tas, expires


def _optional(roas, key):
    """Each record's value for a key it may lack (None then)."""
    try:
        return list(map(itemgetter(key), roas))     # the usual case, twice as fast as .get
    except KeyError:
        return [roa.get(key) for roa in roas]


def _name_bad_record(roas):
    for row, roa in enumerate(roas):
        if not isinstance(roa, dict):
            _fail(row, _l('expected an object, found %(value)s', value=shown(roa)))
        for key in ('prefix', 'asn'):
            if key not in roa:
                _fail(row, _l("'%(key)s' is missing", key=key))


def _source_tal(roa):
    """Routinator's jsonext names the trust anchor in its first source."""
    source = roa.get('source')
    if isinstance(source, list) and source and isinstance(source[0], dict):
        tal = source[0].get('tal')
        return tal if isinstance(tal, str) else None
    return None


def _asn_text(value, row, fail=_fail):
    """'AS13335', 'as13335' or '13335' as an int; anything else fails naming the record."""
    if isinstance(value, str):
        digits = value[2:] if value[:2].upper() == 'AS' else value
        if digits.isascii() and digits.isdigit() and len(digits) <= 10:
            return int(digits)
    fail(row, _l('ASN %(value)s is not an AS number', value=shown(value)))


def _finish(columns, now, metadata):
    layout, prefixes, max_lengths, asns, tas, expires = columns
    keep = _unexpired(expires, now)
    expired = 0 if keep is None else len(keep) - int(keep.sum())
    where = _record
    if expired:
        kept_rows = np.flatnonzero(keep)
        prefixes, max_lengths, asns, tas, expires = (
            list(compress(column, keep)) for column in (prefixes, max_lengths, asns, tas, expires))

        def where(row):                             # record numbers as in the input
            return _record(int(kept_rows[row]))
    table = VrpTable.from_columns(prefixes, max_lengths, asns, tas, where=where,
                                  expires=expires if keep is not None else None)
    return ParsedVrps(table, layout, expired, _generated(metadata), _declared(metadata))


def _unexpired(expires, now):
    """Which records have not expired (None when none says when it expires)."""
    kinds = set(map(type, expires))
    if kinds == {type(None)} or not expires:
        return None
    if not kinds <= {int, type(None)}:
        row = next(row for row, value in enumerate(expires)
                   if value is not None and type(value) is not int)
        _fail(row, _l('expires %(value)s is not a Unix time', value=shown(expires[row])))
    if type(None) in kinds:
        expires = [np.nan if value is None else value for value in expires]
    moments = np.array(expires, dtype=np.float64)   # floats: a far-future time beyond int64 still compares
    return ~(moments < now.timestamp())


def _generated(metadata):
    """When the export was made: rpki-client's buildtime, Routinator's generated."""
    for key in ('buildtime', 'generatedTime', 'generated', 'buildTime'):
        moment = _moment(metadata.get(key))
        if moment is not None:
            return moment
    return None


def _moment(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().isdigit()):
            return datetime.fromtimestamp(float(value), timezone.utc)
        if isinstance(value, str):
            moment = datetime.fromisoformat(value.strip())
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=timezone.utc)
            return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def _declared(metadata):
    """The VRP count the metadata states ('vrps' in rpki-client, 'counts' in older StayRTR)."""
    for key in ('vrps', 'counts'):
        value = metadata.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
    return None


# -- CSV ------------------------------------------------------------------------

def _line(number):
    return _l('line %(number)s', number=number)


def _parse_csv(data):
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise VrpFormatError(str(_l('the VRP data is neither JSON nor UTF-8 CSV (bad byte at %(at)s)',
                                    at=exc.start))) from None
    reader = csv.reader(io.StringIO(text, newline=''))
    lines, rows = _csv_rows(reader)
    if not rows:
        return ParsedVrps(VrpTable.empty(), CSV, 0, None, None)
    prefixes, max_lengths, asns, tas = zip(*rows)
    table = VrpTable.from_columns(prefixes, max_lengths, asns, tas,
                                  where=lambda row: _line(lines[row]))
    return ParsedVrps(table, CSV, 0, None, None)


def _csv_rows(reader):
    """Line numbers and (prefix, max_length, asn, ta) of each data row, after the header."""
    header_seen, lines, rows = False, [], []
    try:
        for fields in reader:
            if not any(field.strip() for field in fields):
                continue
            if not header_seen:
                _check_header(fields, reader.line_num)
                header_seen = True
                continue
            rows.append(_csv_row(fields, reader.line_num))
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise VrpFormatError(str(_l('%(where)s: %(problem)s', where=_line(reader.line_num),
                                    problem=exc))) from None
    return lines, rows


def _check_header(fields, number):
    if fields[0].strip().lower() != 'asn':
        raise VrpFormatError(str(_l(
            "%(where)s: expected JSON or a CSV header 'ASN,IP Prefix,Max Length[,Trust Anchor]', "
            "found %(value)s", where=_line(number), value=shown(','.join(fields)))))


def _csv_fail(number, problem):
    raise VrpFormatError(str(_l('%(where)s: %(problem)s', where=_line(number), problem=problem)))


def _csv_row(fields, number):
    if len(fields) not in (3, 4):
        _csv_fail(number, _l('expected 3 or 4 fields (ASN, prefix, max length[, trust anchor]), '
                             'found %(count)s', count=len(fields)))
    asn = _asn_text(fields[0].strip(), number, fail=_csv_fail)
    text = fields[2].strip()
    if text and not (text.isascii() and text.isdigit()):
        _csv_fail(number, _l('max length %(value)s is not a number', value=shown(fields[2])))
    ta = fields[3].strip() if len(fields) == 4 else None
    return fields[1].strip(), int(text) if text else None, asn, ta or None
