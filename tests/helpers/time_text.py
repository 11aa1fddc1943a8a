"""The moments a text states in the one time format ('2026-12-09 02:00 UTC-03:00')."""
import datetime
import re

PATTERN = re.compile(r'(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC(?:([+-])(\d{2}):(\d{2}))?')


def minute(moment):
    """`moment` (naive UTC or aware) as naive UTC to the minute, as texts state it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment.replace(second=0, microsecond=0)


def moments(text):
    """Every moment `text` states, as naive UTC to the minute (see minute())."""
    found = []
    for match in PATTERN.finditer(str(text)):
        local = datetime.datetime.strptime(match.group(1), '%Y-%m-%d %H:%M')
        offset = datetime.timedelta(0)
        if match.group(2):
            offset = datetime.timedelta(hours=int(match.group(3)), minutes=int(match.group(4)))
            offset = offset if match.group(2) == '+' else -offset
        found.append(local - offset)
    return found
