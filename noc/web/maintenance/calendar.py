"""The calendar's days: a month grid or a week, in the reader's time zone.

A window is placed on every local day it touches, so work from 23:30 to
02:00 shows on both days; one that ends exactly at midnight does not spill
onto the next day.
"""
import datetime
import zoneinfo
from dataclasses import dataclass, field

from noc.core.i18n import in_zone
from noc.models import MaintenanceWindow

UTC = datetime.timezone.utc
ONE_DAY = datetime.timedelta(days=1)
# A month grid shows at most six weeks; past this many windows the page
# would say nothing a person could read, so the rest are counted, not drawn.
SHOWN_WINDOWS = 3000


HOURS = 24


@dataclass
class Entry:
    window: MaintenanceWindow
    starts: str         # local 'HH:MM' on this day, or '' when it began before
    ends: str           # local 'HH:MM' on this day, or '' when it goes on after

    # The week view draws a day as 24 hour rows; an entry covers the hours it
    # touches (a stylesheet class per first hour and per length: no inline style,
    # which the console's Content-Security-Policy refuses, and no script).
    @property
    def first_hour(self):
        return int(self.starts[:2]) if self.starts else 0

    @property
    def hours(self):
        if not self.ends:
            return HOURS - self.first_hour
        hour, minute = int(self.ends[:2]), int(self.ends[3:5])
        return max(1, hour + (minute > 0) - self.first_hour)


@dataclass
class Day:
    date: datetime.date
    in_range: bool      # in the month shown (grid days of the months around are not)
    entries: list = field(default_factory=list)


def parse_day(text, zone):
    """The ?date= day, or today in the reader's zone (also for nonsense)."""
    try:
        day = datetime.date.fromisoformat(text or '')
    except ValueError:
        day = None
    if day is None or not 1971 <= day.year <= 2999:    # room for prev/next links
        day = datetime.datetime.now(zoneinfo.ZoneInfo(zone)).date()
    return day


def month_span(day):
    """(first grid day, last grid day, previous, next, (first, last) day shown).

    The grid runs Monday to Sunday; previous/next are the days the links go to."""
    first = day.replace(day=1)
    following = (first + 32 * ONE_DAY).replace(day=1)
    last = following - ONE_DAY
    grid_first = first - first.weekday() * ONE_DAY
    grid_last = last + (6 - last.weekday()) * ONE_DAY
    previous = (first - ONE_DAY).replace(day=1)
    return grid_first, grid_last, previous, following, (first, last)


def week_span(day):
    """As month_span, for the Monday-to-Sunday week holding `day`."""
    first = day - day.weekday() * ONE_DAY
    return first, first + 6 * ONE_DAY, first - 7 * ONE_DAY, first + 7 * ONE_DAY, \
        (first, first + 6 * ONE_DAY)


def bounds(first, last, zone):
    """The UTC moments from local midnight of `first` to the midnight after `last`."""
    tz = zoneinfo.ZoneInfo(zone)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.datetime.combine(last + ONE_DAY, datetime.time.min,
                                    tzinfo=tz).astimezone(UTC)
    return start, end


def overlapping(query, start, end):
    """Windows of `query` overlapping [start, end), at most SHOWN_WINDOWS, and how many."""
    query = query.where((MaintenanceWindow.starts_at < end) & (MaintenanceWindow.ends_at > start))
    rows = list(query.order_by(MaintenanceWindow.starts_at, MaintenanceWindow.id)
                .limit(SHOWN_WINDOWS + 1))
    return rows[:SHOWN_WINDOWS], len(rows) > SHOWN_WINDOWS


def days(windows, first, last, shown, zone):
    """[Day] from `first` to `last`, each with the windows touching it."""
    tz = zoneinfo.ZoneInfo(zone)
    by_date = {}
    current = first
    while current <= last:
        by_date[current] = Day(current, shown[0] <= current <= shown[1])
        current += ONE_DAY
    for window in windows:
        # in_zone: a time the zone cannot hold (year 9999 in Tokyo) stays in UTC.
        local_start = in_zone(window.starts_at, tz)
        local_end = in_zone(window.ends_at, tz)
        # The last instant inside the window decides its last day.
        last_day = in_zone(window.ends_at - datetime.timedelta(microseconds=1), tz).date()
        current = max(local_start.date(), first)
        while current <= min(last_day, last):
            starts = local_start.strftime('%H:%M') if current == local_start.date() else ''
            ends = local_end.strftime('%H:%M') if current == local_end.date() else ''
            by_date[current].entries.append(Entry(window, starts, ends))
            current += ONE_DAY
    return list(by_date.values())


def weeks(day_list):
    return [day_list[i:i + 7] for i in range(0, len(day_list), 7)]
