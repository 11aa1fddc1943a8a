"""A calendar part as a person reads it: what it asks, when, who, and MAINTNOTE's words.

Only the first VEVENT is summarised (iTIP sends one per message). The
calendar may come from anyone, so the text is read only below a size limit,
every property is read defensively (icalendar raises many kinds on
garbage), and anything unreadable gives None: the page then shows the raw
part alone. Values stay codes here (PARTSTAT, STATUS, IMPACT); the page puts
them in the reader's words.
"""
import datetime
import re
from dataclasses import dataclass, field

import icalendar

from noc.core.limits import MAX_SUMMARY_ATTENDEES, MAX_SUMMARY_CALENDAR

UTC = datetime.timezone.utc
MAILTO = re.compile(r'^mailto:', re.IGNORECASE)
# MAINTNOTE's single-valued properties (draft-gunter-calext-maintenance-notifications).
MAINTNOTE = ('provider', 'account', 'maintenance-id', 'impact', 'status')


@dataclass
class Attendee:
    name: str
    address: str
    partstat: str


@dataclass
class Summary:
    method: str = ''
    uid: str = ''
    summary: str = ''
    start: object = None            # an aware datetime in UTC, or a date (all day)
    end: object = None
    sequence: str = ''
    status: str = ''
    organizer: Attendee = None
    attendees: list = field(default_factory=list)
    more_attendees: int = 0
    maintnote: dict = field(default_factory=dict)     # provider, account, … -> text
    objects: list = field(default_factory=list)       # [(object id, impact)]


def _text(value):
    """A property's text, one line, control characters out."""
    return ' '.join(str(value if not isinstance(value, list) else value[0]).split())[:500]


def _moment(event, name):
    try:
        value = event.decoded(name, None)
    except Exception:    # a broken DTSTART is a missing one
        return None
    if isinstance(value, datetime.datetime):
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value).astimezone(UTC)
    return value if isinstance(value, datetime.date) else None


def _person(value):
    params = getattr(value, 'params', {})
    return Attendee(_text(params.get('CN', '')), MAILTO.sub('', _text(value)),
                    _text(params.get('PARTSTAT', '')).upper())


def _listed(event, name):
    value = event.get(name, [])
    return value if isinstance(value, list) else [value]


def _event_summary(method, event):
    attendees = _listed(event, 'attendee')
    found = Summary(
        method=method, uid=_text(event.get('uid', '')), summary=_text(event.get('summary', '')),
        start=_moment(event, 'dtstart'), end=_moment(event, 'dtend'),
        sequence=_text(event.get('sequence', '')), status=_text(event.get('status', '')).upper(),
        organizer=_person(event['organizer']) if 'organizer' in event else None,
        attendees=[_person(a) for a in attendees[:MAX_SUMMARY_ATTENDEES]],
        more_attendees=max(0, len(attendees) - MAX_SUMMARY_ATTENDEES))
    for name in MAINTNOTE:
        if f'x-maintnote-{name}' in event:
            found.maintnote[name] = _text(event[f'x-maintnote-{name}'])
    for value in _listed(event, 'x-maintnote-object-id')[:MAX_SUMMARY_ATTENDEES]:
        impact = getattr(value, 'params', {}).get('X-MAINTNOTE-OBJECT-IMPACT', '')
        found.objects.append((_text(value), _text(impact).upper()))
    return found


def summarize(text):
    """The Summary of a calendar's first event, or None (too long, unreadable, no event)."""
    if not text or len(text) > MAX_SUMMARY_CALENDAR:
        return None
    try:
        calendar = icalendar.Calendar.from_ical(text)
        method = _text(calendar.get('method', '')).upper()
        for event in calendar.walk('VEVENT'):
            return _event_summary(method, event)
    except Exception:    # icalendar raises many kinds on garbage
        return None
    return None
