"""A window as typed by a person (form, CLI, API) turned into plain values.

Times arrive in the engineer's time zone and leave in UTC. A local time that
does not exist (the hour skipped when clocks go forward) is refused rather
than guessed; a repeated one (clocks going back) means its first occurrence.
"""
import datetime
import re
import zoneinfo

from flask_babel import lazy_gettext as _l

from noc.core.text import clean_text
from noc.maintenance import scope
from noc.models import IMPACTS, Circuit, WindowCircuit

UTC = datetime.timezone.utc
TIME_FORMATS = ('%Y-%m-%dT%H:%M', '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S',
                '%d/%m/%Y %H:%M', '%d/%m/%Y %Hh%M')
TRUE = ('1', 'true', 'on', 'yes', 'sim', 'y', 's')


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


def _text(raw, name, errors, required=False, max_length=None):
    value = clean_text(raw.get(name))
    if required and not value:
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


def parse(raw, zone_name):
    """{field: text} -> (values, errors by field). `values['scope']` maps circuit pk
    to (impact override or None, how it was picked)."""
    errors = {}
    values = {
        'title_pt': _text(raw, 'title_pt', errors, required=True, max_length=200),
        'title_en': _text(raw, 'title_en', errors, max_length=200),
        'description_pt': _text(raw, 'description_pt', errors, max_length=20000),
        'description_en': _text(raw, 'description_en', errors, max_length=20000),
        'internal_notes': _text(raw, 'internal_notes', errors, max_length=20000),
        'emergency': _flag(raw, 'emergency'),
        'emergency_reason': _text(raw, 'emergency_reason', errors, max_length=2000),
    }
    values['title_en'] = values['title_en'] or values['title_pt']
    values['description_en'] = values['description_en'] or values['description_pt']
    if values['emergency'] and not values['emergency_reason']:
        errors['emergency_reason'] = _l('an emergency window needs its reason')
    for name in ('starts_at', 'ends_at'):
        try:
            values[name] = parse_local_time(raw.get(name), zone_name)
        except ValueError as exc:
            errors[name] = exc.args[0]
    impact = clean_text(raw.get('impact')).upper()
    if impact not in IMPACTS:
        errors['impact'] = _l('"%(value)s" is not accepted; expected one of: %(choices)s',
                              value=impact, choices=', '.join(IMPACTS))
    values['impact'] = impact
    outage = clean_text(raw.get('outage_minutes')) or '0'
    if not outage.isdigit() or int(outage) > 60 * 24 * 30:
        errors['outage_minutes'] = _l('"%(value)s" is not accepted; expected minutes, '
                                      'a whole number from 0', value=outage)
    else:
        values['outage_minutes'] = int(outage)
    picked, scope_errors = scope.expand(raw.get('circuits') or '', _codes(raw, 'sites'),
                                        _codes(raw, 'segments'))
    errors.update(scope_errors)
    if not scope_errors and not picked:
        errors['circuits'] = _l('pick at least one circuit, site or segment')
    values['scope'] = picked
    length = (values['ends_at'] - values['starts_at']).total_seconds() / 60 \
        if not errors else 0
    if length > 0 and values['outage_minutes'] > length:
        errors['outage_minutes'] = _l('the expected outage is longer than the window')
    return values, errors


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
        starts_at=window.starts_at.astimezone(zone).strftime('%Y-%m-%dT%H:%M'),
        ends_at=window.ends_at.astimezone(zone).strftime('%Y-%m-%dT%H:%M'),
        outage_minutes=str(window.outage_minutes), emergency=window.emergency,
        circuits='\n'.join(circuits), sites='\n'.join(sorted(sites)),
        segments='\n'.join(sorted(segments)))
    return form

