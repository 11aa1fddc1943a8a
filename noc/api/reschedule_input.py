"""What clients send about reschedule requests, read into typed values: a
window they may name, aware times, the proposed periods, a reason, a contact.
Each reader adds what it cannot read to `errors` by the client's field names;
the rules are the commands' (maintenance.reschedule_commands)."""
import datetime
import re

from noc.api.windows import PUBLISHED
from noc.core.limits import MAX_ID, MAX_PROPOSALS, MAX_REFERENCE, MAX_TIME_TEXT
from noc.core.text import clean_text
from noc.maintenance import answers, windows
from noc.models import MaintenanceWindow, WindowCustomer

UTC = datetime.timezone.utc
TIME_HINT = 'an ISO 8601 date and time with its UTC offset, e.g. 2026-12-10T02:00:00Z'


def storable_text(value):
    """A string that can be stored (PostgreSQL refuses lone surrogates), or None."""
    if not isinstance(value, str):
        return None
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return None
    return clean_text(value)


def _window_id(value):
    """The id a client names: an integer or its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    if isinstance(value, str) and re.fullmatch(r'[0-9]{1,19}', value.strip()):
        number = int(value.strip())
        return number if 1 <= number <= MAX_ID else None
    return None


def window_where(value):
    """A condition matching the window named by reference (any case) or id, or None."""
    number = _window_id(value)
    if number is not None:
        return MaintenanceWindow.id == number
    text = storable_text(value)
    if not text or len(text) > MAX_REFERENCE:
        return None
    return MaintenanceWindow.reference == text.upper()


def _told(window, customer_id):
    return WindowCustomer.select().where((WindowCustomer.window == window.id)
                                         & (WindowCustomer.customer == customer_id)).exists()


def visible_window(value, customer_id):
    """The window a provider names, if it is theirs: published (not TENTATIVE, nor
    cancelled while TENTATIVE) and about their circuits, now or when they were told."""
    where = window_where(value)
    # Never one nobody outside the NOC saw (the window endpoints' rule).
    window = (MaintenanceWindow.select().where(where & PUBLISHED).first()
              if where is not None else None)
    if window is None:
        return None
    if _told(window, customer_id) or customer_id in windows.by_customer(window):
        return window
    return None


def _moment(value):
    """An aware ISO 8601 time -> UTC; ValueError(message) otherwise."""
    text = storable_text(value)
    if not text or len(text) > MAX_TIME_TEXT:
        raise ValueError(f'expected {TIME_HINT}')
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f'not a date and time; expected {TIME_HINT}') from None
    if moment.tzinfo is None:
        raise ValueError('give the UTC offset (…Z or …-03:00): a time without one is '
                         'ambiguous')
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or moment.year > 9998:
        raise ValueError('out of range; expected a time before the year 9999')
    return moment

def read_periods(value, errors):
    """proposals -> [(index, start, end)] of the readable ones; errors by field."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_PROPOSALS:
        errors['proposals'] = f'a list of 1 to {MAX_PROPOSALS} periods {{"start": …, "end": …}}'
        return []
    periods = []
    for index, item in enumerate(value):
        name = f'proposals[{index}]'
        if not isinstance(item, dict):
            errors[name] = 'an object {"start": …, "end": …}'
            continue
        moments = {}
        for side in ('start', 'end'):
            try:
                moments[side] = _moment(item.get(side))
            except ValueError as exc:
                errors[f'{name}.{side}'] = exc.args[0]
        if len(moments) == 2:
            periods.append((index, moments['start'], moments['end']))
    return periods


def read_reason(value, errors):
    """The reason as a string (the command says whether it is one it takes)."""
    if value is None:
        return ''
    text = storable_text(value)
    if text is None:
        errors['reason'] = 'a non-empty string: say why'
    return text or ''


def read_contact(value, customer, errors):
    """The customer's contact named by e-mail (any case), or None when none is given."""
    if value is None or value == '':
        return None
    contact = answers.contact_by_email(customer.id, storable_text(value))
    if contact is None:
        errors['contact'] = 'the e-mail address of one of your registered contacts'
    return contact
