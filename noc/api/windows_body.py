"""A window's JSON body as the typed values the window commands take.

Only the JSON types are checked here (a string where a string goes, a list of
codes, a time with its offset), each wrong field named; the limits and the
rules (a title given, known circuits, an outage no longer than the window)
are the command's, the same for every entry point. Times travel as ISO 8601
with an offset; naive times are refused rather than guessed, since nobody can
tell which zone was meant.
"""
import datetime

from noc.api.problems import ApiProblem, field_errors
from noc.core.text import clean_text
from noc.maintenance import scope
from noc.maintenance.input import FIELDS, TEXTS
from noc.models import Impact

UTC = datetime.timezone.utc
ACCEPTED = FIELDS + ('acknowledge',)
TIME_HINT = 'an ISO 8601 date and time with its offset, e.g. 2026-12-10T23:00:00-03:00 or ' \
            '2026-12-11T02:00:00Z'
SHAPES = {
    'circuits': 'a list of circuit ids, each optionally followed by its impact '
                '("JAN-IPT-001 DEGRADED"), or of objects {"circuit", "impact"}',
    'sites': 'a list of site codes', 'segments': 'a list of segment codes',
    'acknowledge': 'a list of warning keys (strings)',
    'outage_minutes': 'a whole number of minutes from 0',
    'emergency': 'true or false',
}
# What a new window is when the body leaves a field out.
NEW = {**dict.fromkeys(TEXTS, ''), 'starts_at': None, 'ends_at': None, 'impact': Impact.OUTAGE,
       'outage_minutes': 0, 'emergency': False, 'circuits': [], 'sites': [], 'segments': []}


def moment(value):
    """An aware UTC datetime (whole seconds) from ISO 8601 text; ValueError(message)."""
    if not isinstance(value, str):
        raise ValueError(TIME_HINT)
    try:
        parsed = datetime.datetime.fromisoformat(clean_text(value))
    except ValueError:
        raise ValueError(TIME_HINT) from None
    if parsed.tzinfo is None:
        raise ValueError('has no offset; add Z (UTC) or ±HH:MM: ' + TIME_HINT)
    try:
        return parsed.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise ValueError('is outside the years 1 to 9999 in UTC') from None


def _strings(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError
    return value


def _circuit(item):
    """[(code, impact or None)] of one item: "CODE [IMPACT]" text or an object."""
    if isinstance(item, str):
        picked, error = scope.parse_circuit_lines(clean_text(item))
        if error:
            raise ValueError(error)
        return picked
    if isinstance(item, dict) and set(item) <= {'circuit', 'impact'} and \
            isinstance(item.get('circuit'), str) and \
            isinstance(item.get('impact'), (str, type(None))):
        return [(item['circuit'], item.get('impact'))]
    raise ValueError


def _circuits(value):
    if not isinstance(value, list):
        raise ValueError
    return [pair for item in value for pair in _circuit(item)]


def _field(name, value):
    """One body field as a typed value; ValueError(message) when its type is wrong."""
    if name in TEXTS or name == 'impact':
        if not isinstance(value, str):
            raise ValueError('a string')
        return value
    if name in ('starts_at', 'ends_at'):
        return moment(value)
    if name == 'outage_minutes':
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(SHAPES[name])
        return value
    if name == 'emergency':
        if not isinstance(value, bool):
            raise ValueError(SHAPES[name])
        return value
    try:
        return _circuits(value) if name == 'circuits' else _strings(value)
    except ValueError as exc:
        raise ValueError(exc.args[0] if exc.args else SHAPES[name]) from None


def acknowledged(body):
    """The warning keys the caller accepts (a list of strings); 422 otherwise."""
    try:
        return _strings(body.get('acknowledge', []))
    except ValueError:
        raise ApiProblem(422, 'the request body is not right',
                         field_errors({'acknowledge': SHAPES['acknowledge']})) from None


def changes(body):
    """{field: typed value} of the fields the body gives; 422 naming each field
    of the wrong type, or not a field of a window at all."""
    errors, typed = {}, {}
    for name in sorted(set(body) - set(ACCEPTED)):
        errors[name[:100]] = 'is not a field of a window; accepted: ' + ', '.join(ACCEPTED)
    for name in FIELDS:
        if name in body:
            try:
                typed[name] = _field(name, body[name])
            except ValueError as exc:
                errors[name] = exc.args[0] if exc.args else SHAPES.get(name, 'not accepted')
    acknowledged(body)
    if errors:
        raise ApiProblem(422, 'the window was not saved; nothing was', field_errors(errors))
    return typed


def new_window(body):
    """A new window's typed values: the body over NEW."""
    return {**NEW, **changes(body)}
