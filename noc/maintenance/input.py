"""A window as typed (form, CLI, API) turned into the values windows.py takes.

Two steps: text -> typed values (from_text: what a form or the CLI needs;
the API builds typed values from JSON itself), then typed values -> checked
values (check: the limits and the rules of a window's own fields, which every
entry point gets from the command). Times arrive in the engineer's time zone
and leave in UTC. A local time that
does not exist (the hour skipped when clocks go forward) is refused rather
than guessed; a repeated one (clocks going back) means its first occurrence.
"""
import datetime
import re
import zoneinfo

from flask_babel import lazy_gettext as _l

from noc.core import limits
from noc.core.i18n import in_zone
from noc.core.text import clean_text, multi_line_problem, single_line_problem
from noc.maintenance import scope
from noc.models import IMPACTS, Circuit, WindowCircuit

UTC = datetime.timezone.utc
TIME_FORMATS = ('%Y-%m-%dT%H:%M', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S',
                '%d/%m/%Y %H:%M', '%d/%m/%Y %Hh%M')
TRUE = ('1', 'true', 'on', 'yes', 'sim', 'y', 's')
# What a window is typed as, whichever way it comes in.
TEXTS = ('title_pt', 'title_en', 'description_pt', 'description_en', 'internal_notes',
         'emergency_reason')
SCOPE = ('circuits', 'sites', 'segments')
FIELDS = TEXTS + ('starts_at', 'ends_at', 'impact', 'outage_minutes', 'emergency') + SCOPE


def parse_local_time(text, zone_name):
    """'2026-12-10 23:00' in `zone_name` -> aware UTC datetime; raises ValueError(message)."""
    text = clean_text(text)
    if not text:
        raise ValueError(_l('is required'))
    for fmt in TIME_FORMATS:
        try:
            naive = datetime.datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    else:
        raise ValueError(_l('"%(value)s" is not a date and time; use YYYY-MM-DD HH:MM',
                            value=text))
    zone = zoneinfo.ZoneInfo(zone_name)
    local = naive.replace(tzinfo=zone, fold=0)
    try:
        moment = local.astimezone(UTC)
    except OverflowError:       # year 9999 west of UTC: past the last representable instant
        raise ValueError(_l('"%(value)s" is not a date and time; use YYYY-MM-DD HH:MM',
                            value=text)) from None
    if moment.astimezone(zone).replace(tzinfo=None) != naive:
        raise ValueError(_l('%(value)s does not exist in %(zone)s (the clocks skip that hour)',
                            value=text, zone=zone_name))
    return moment


# The titles are a mail's subject: one line. The other texts keep their lines.
SINGLE_LINE = ('title_pt', 'title_en')


def _text(typed, name, errors, required=False, max_length=None):
    value = typed.get(name)
    problem = (single_line_problem if name in SINGLE_LINE else multi_line_problem)(value)
    value = clean_text(value) if isinstance(value, str) else ''
    if problem is not None:         # refused, not cleaned away
        errors[name] = problem
    elif required and not value:
        errors[name] = _l('is required')
    elif max_length and len(value) > max_length:
        errors[name] = _l('is too long (%(length)d characters; at most %(max)d)',
                          length=len(value), max=max_length)
    # Keep the lines of multi-line texts: clean_text trims only the ends.
    return value


def _flag(raw, name):
    value = raw.get(name)
    if isinstance(value, bool):
        return value
    return clean_text(value).lower() in TRUE


def _codes(raw, name):
    value = raw.get(name) or ''
    if isinstance(value, (list, tuple)):
        value = '\n'.join(str(v) for v in value)
    return [c for c in re.split(r'[\s,;]+', value) if c]


def _outage_text(text):
    """Minutes as typed: a whole number from 0, or the text itself for check() to name."""
    text = clean_text(text) or '0'
    return int(text) if text.isascii() and text.isdigit() else text


def from_text(raw, zone_name):
    """{field: text} as a form or the CLI sends it -> (typed values, errors by field).

    Only what text needs: times read in `zone_name`, minutes, the emergency box,
    codes split and circuit lines read. check() applies the rules to the result.
    """
    errors = {}
    typed = {name: raw.get(name) or '' for name in TEXTS}
    typed.update(emergency=_flag(raw, 'emergency'), impact=clean_text(raw.get('impact')),
                 outage_minutes=_outage_text(raw.get('outage_minutes')),
                 sites=_codes(raw, 'sites'), segments=_codes(raw, 'segments'))
    for name in ('starts_at', 'ends_at'):
        try:
            typed[name] = parse_local_time(raw.get(name), zone_name)
        except ValueError as exc:
            typed[name] = None
            errors[name] = exc.args[0]
    typed['circuits'], error = scope.parse_circuit_lines(raw.get('circuits') or '')
    if error:
        errors['circuits'] = error
    return typed, errors


def _outage(typed, errors):
    value = typed.get('outage_minutes', 0)
    if isinstance(value, bool) or not isinstance(value, int) or \
            not 0 <= value <= limits.MAX_OUTAGE_MINUTES:
        errors['outage_minutes'] = _l('"%(value)s" is not accepted; expected minutes, '
                                      'a whole number from 0', value=value)
        return None
    return value


def _scope(typed, errors):
    lists = {name: list(typed.get(name) or ()) for name in SCOPE}
    for name, items in lists.items():
        if len(items) > limits.MAX_ITEMS:
            errors[name] = _l('at most %(max)d items', max=limits.MAX_ITEMS)
    if errors.keys() & set(SCOPE):
        return {}
    circuits = [(clean_text(code).upper(), clean_text(impact).upper() or None)
                for code, impact in lists['circuits']]
    picked, scope_errors = scope.resolve(
        circuits, [clean_text(c) for c in lists['sites']],
        [clean_text(c) for c in lists['segments']])
    errors.update(scope_errors)
    if not scope_errors and not picked:
        errors['circuits'] = _l('pick at least one circuit, site or segment')
    return picked


def check(typed, stored_scope=None):
    """Typed values (from any entry point) -> (values for windows, errors by field).

    The limits and the rules a window's fields keep on their own; the rules
    against other windows and the clock are maintenance.rules'. With
    `stored_scope` (a change that leaves the circuits alone) the scope is kept.
    """
    errors = {}
    values = {
        'title_pt': _text(typed, 'title_pt', errors, required=True,
                          max_length=limits.MAX_TITLE),
        'title_en': _text(typed, 'title_en', errors, max_length=limits.MAX_TITLE),
        'description_pt': _text(typed, 'description_pt', errors,
                                max_length=limits.MAX_DESCRIPTION),
        'description_en': _text(typed, 'description_en', errors,
                                max_length=limits.MAX_DESCRIPTION),
        'internal_notes': _text(typed, 'internal_notes', errors,
                                max_length=limits.MAX_DESCRIPTION),
        'emergency': typed.get('emergency') is True,
        'emergency_reason': _text(typed, 'emergency_reason', errors,
                                  max_length=limits.MAX_REASON),
    }
    values['title_en'] = values['title_en'] or values['title_pt']
    values['description_en'] = values['description_en'] or values['description_pt']
    if values['emergency'] and not values['emergency_reason']:
        errors['emergency_reason'] = _l('an emergency window needs its reason')
    for name in ('starts_at', 'ends_at'):
        values[name] = typed.get(name)
        if values[name] is None:
            errors.setdefault(name, _l('is required'))
    impact = typed.get('impact')
    impact = clean_text(impact).upper() if isinstance(impact, str) else ''
    if impact not in IMPACTS:
        errors['impact'] = _l('"%(value)s" is not accepted; expected one of: %(choices)s',
                              value=impact, choices=', '.join(IMPACTS))
    values['impact'] = impact
    values['outage_minutes'] = _outage(typed, errors)
    values['scope'] = stored_scope if stored_scope is not None else _scope(typed, errors)
    length = (values['ends_at'] - values['starts_at']).total_seconds() / 60 \
        if not errors else 0
    if length > 0 and values['outage_minutes'] > length:
        errors['outage_minutes'] = _l('the expected outage is longer than the window')
    return values, errors


def parse(raw, zone_name):
    """{field: text} -> (values, errors by field): from_text, then check.
    `values['scope']` maps circuit pk to (impact override or None, how it was picked)."""
    typed, errors = from_text(raw, zone_name)
    values, checked = check(typed)
    # What text could not be read is named as read, not as check() saw its absence.
    return values, {**checked, **errors}


def typed_of(window):
    """A stored window as typed values (what a change starts from)."""
    typed = {name: getattr(window, name) for name in TEXTS + ('starts_at', 'ends_at',
                                                              'impact', 'outage_minutes',
                                                              'emergency')}
    typed.update(circuits=[], sites=[], segments=[])
    return typed


def as_form(window, zone_name):
    """A stored window as the form shows it (for editing)."""
    zone = zoneinfo.ZoneInfo(zone_name)
    circuits, sites, segments = [], set(), set()
    for link in (WindowCircuit.select(WindowCircuit, Circuit.circuit_id)
                 .join(Circuit).where(WindowCircuit.window == window)
                 .order_by(Circuit.circuit_id)):
        kind, _, code = link.via.partition(':')
        if kind == 'site':
            sites.add(code)
        elif kind == 'segment':
            segments.add(code)
        if not link.via or link.impact:
            circuits.append(link.circuit.circuit_id + (f' {link.impact}' if link.impact else ''))
    fields = ('title_pt', 'title_en', 'description_pt', 'description_en', 'internal_notes',
              'impact', 'emergency_reason')
    form = {name: getattr(window, name) for name in fields}
    form.update(
        # in_zone: a time the zone cannot hold (year 9999 in Tokyo) is shown in UTC.
        starts_at=in_zone(window.starts_at, zone).strftime('%Y-%m-%dT%H:%M'),
        ends_at=in_zone(window.ends_at, zone).strftime('%Y-%m-%dT%H:%M'),
        outage_minutes=str(window.outage_minutes), emergency=window.emergency,
        circuits='\n'.join(circuits), sites='\n'.join(sorted(sites)),
        segments='\n'.join(sorted(segments)))
    return form

