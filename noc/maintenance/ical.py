"""The calendar object of a notice: one VEVENT, MAINTNOTE properties, iTIP rules.

What real readers need (../shared/reference/maintenance-notices.md): UTC
times; UID and X-MAINTNOTE-MAINTENANCE-ID stable for the life of the window;
SEQUENCE from the window; a fresh DTSTAMP per message; ORGANIZER always (an
event without one makes Outlook and Google duplicate instead of update);
upper-case MAINTNOTE values exactly as the draft lists them.
"""
import datetime

import icalendar

from noc.models import Impact, Partstat
from noc.models import WindowStatus as S

PRODID = '-//Janela//Maintenance notices//EN'
UTC = datetime.timezone.utc


def _utc(moment):
    return moment.astimezone(UTC)


def _event(window, organizer, sequence, stamp):
    """UID, times, SEQUENCE and ORGANIZER: what every message about the window has."""
    event = icalendar.Event()
    event.add('uid', window.uid)
    event.add('dtstamp', _utc(stamp))
    event.add('dtstart', _utc(window.starts_at))
    event.add('dtend', _utc(window.ends_at))
    event.add('sequence', sequence)
    organizer_address = icalendar.vCalAddress(f'mailto:{organizer[1]}')
    organizer_address.params['cn'] = icalendar.vText(organizer[0])
    event.add('organizer', organizer_address)
    return event


def vevent(window, provider, account, organizer, circuits, *, status, sequence, stamp,
           summary, description):
    """`circuits` is [(object id the customer knows, impact)]; `status` the MAINTNOTE one.
    X-MAINTNOTE-IMPACT is the worst of these circuits' impacts (MAINTNOTE §3.7.1.1),
    the window's when there are none."""
    event = _event(window, organizer, sequence, stamp)
    event.add('summary', summary)
    event.add('description', description)
    # iCalendar's own STATUS has no IN-PROCESS or COMPLETED: the event stays
    # CONFIRMED in calendars until it is cancelled.
    event.add('status', S.CANCELLED if status == S.CANCELLED else
              S.TENTATIVE if status == S.TENTATIVE else S.CONFIRMED)
    event.add('transp', 'TRANSPARENT')
    event.add('x-maintnote-provider', provider)
    event.add('x-maintnote-account', account)
    mid = icalendar.vText(window.reference)
    mid.params['x-maintnote-precedence'] = 'PRIMARY'
    event.add('x-maintnote-maintenance-id', mid)
    for object_id, impact in circuits:
        value = icalendar.vText(object_id)
        value.params['x-maintnote-object-impact'] = impact
        event.add('x-maintnote-object-id', value)
    event.add('x-maintnote-impact', Impact.worst((i for _, i in circuits), window.impact))
    event.add('x-maintnote-status', status)
    return event


def attendee_line(name, email, partstat=Partstat.NEEDS_ACTION, rsvp=True):
    """The ATTENDEE content line (folded, CRLF) of an invitation to `email`: the
    PARTSTAT the attendee last answered (RFC 5546 keeps it across updates), and
    RSVP=TRUE only when an answer is wanted (RSVP is FALSE when absent)."""
    address = icalendar.vCalAddress(f'mailto:{email}')
    address.params['cn'] = icalendar.vText(name)
    address.params['role'] = icalendar.vText('REQ-PARTICIPANT')
    address.params['partstat'] = icalendar.vText(partstat)
    if rsvp:
        address.params['rsvp'] = icalendar.vText('TRUE')
    holder = icalendar.Event()
    holder.add('attendee', address)
    lines = holder.to_ical().decode('utf-8').split('\r\n')
    return '\r\n'.join(lines[1:-2]) + '\r\n'      # between BEGIN and END:VEVENT


def invite(ics, name, email, partstat=Partstat.NEEDS_ACTION, rsvp=True):
    """A calendar serialised once per customer, addressed to one attendee.

    Serialising (folding the long DESCRIPTION) is the dearest step per
    message, so the event is built once and only this line differs.
    """
    at = ics.rindex('END:VEVENT')
    return ics[:at] + attendee_line(name, email, partstat, rsvp) + ics[at:]


def with_method(ics, method):
    """The same calendar as an iTIP message: METHOD among the calendar's own
    properties, which come before its components."""
    if not method:
        return ics
    at = ics.index('BEGIN:VEVENT')
    return f'{ics[:at]}METHOD:{method}\r\n{ics[at:]}'


def calendar(event, method=''):
    """VCALENDAR around one VEVENT; METHOD only for invitations (REQUEST, CANCEL)."""
    cal = icalendar.Calendar()
    cal.add('prodid', PRODID)
    cal.add('version', '2.0')
    if method:
        cal.add('method', method)
    cal.add_component(event)
    return cal.to_ical().decode('utf-8')


def feed(events, name):
    """A subscription calendar (webcal): every event, no METHOD."""
    cal = icalendar.Calendar()
    cal.add('prodid', PRODID)
    cal.add('version', '2.0')
    cal.add('x-wr-calname', name)
    cal.add('refresh-interval', datetime.timedelta(hours=1),
            parameters={'VALUE': 'DURATION'})     # RFC 7986 requires the VALUE
    cal.add('x-published-ttl', 'PT1H')
    for event in events:
        cal.add_component(event)
    return cal.to_ical().decode('utf-8')


def decline_counter(window, organizer, attendee, sequence, stamp, comment):
    """iTIP DECLINECOUNTER (RFC 5546 §3.2.8): the organizer refuses an attendee's
    COUNTER. It echoes the SEQUENCE the COUNTER was made against and keeps the
    event's own times, which stand."""
    event = _event(window, organizer, sequence, stamp)
    event.add('summary', window.reference)
    address = icalendar.vCalAddress(f'mailto:{attendee[1]}')
    address.params['cn'] = icalendar.vText(attendee[0])
    event.add('attendee', address)
    event.add('comment', comment)
    return calendar(event, 'DECLINECOUNTER')
