"""A message's HTML and calendar parts on the mail pages (outbox, capture, inbox).

The HTML never enters the page: the page frames a route of its own that
answers with the part alone, under a policy that runs no script, loads
nothing from anywhere (inline styles and data: images only) and, through
CSP's sandbox, gives the part an origin of its own, so it reaches neither
this site nor its cookies. The frame carries sandbox="" as well, for a
browser that ignores the header. That route alone may be framed, and only
by this site's pages.
"""
import datetime
from types import SimpleNamespace

from flask import Response
from flask_babel import get_locale, get_timezone, lazy_pgettext
from flask_babel import lazy_gettext as _l

from noc.core.i18n import time_text
from noc.mail import calendar_summary, parts
from noc.models import Impact, Partstat, WindowStatus

PART_POLICY = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
               "frame-ancestors 'self'")
PART_HEADERS = {
    'Content-Security-Policy': PART_POLICY,
    'X-Content-Type-Options': 'nosniff',
    # The app's DENY would keep its own pages from framing the part.
    'X-Frame-Options': 'SAMEORIGIN',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'private, no-store',
}

# iTIP's methods (RFC 5546 §1.4) and PARTSTAT (RFC 5545 §3.2.12) in the reader's words.
METHODS = {'REQUEST': _l('invitation or update'), 'CANCEL': _l('cancellation'),
           'REPLY': _l('answer to an invitation'), 'PUBLISH': _l('published event'),
           'COUNTER': _l('counter-proposal'), 'REFRESH': _l('request for the latest version')}
PARTSTATS = {Partstat.NEEDS_ACTION: lazy_pgettext('attendee', 'has not answered'),
             Partstat.ACCEPTED: lazy_pgettext('attendee', 'accepted'),
             Partstat.DECLINED: lazy_pgettext('attendee', 'declined'),
             Partstat.TENTATIVE: lazy_pgettext('attendee', 'tentatively accepted'),
             Partstat.DELEGATED: lazy_pgettext('attendee', 'delegated')}


def word(table, code):
    """A code in the reader's words with the code beside it; an unknown code as itself."""
    return f'{table[code]} ({code})' if code in table else code


def moment(value):
    """A calendar time in the one format of the app (the reader's zone); a
    whole day (DATE) as its date; nothing as an em dash."""
    if isinstance(value, datetime.datetime):
        return time_text(value, str(get_timezone()), str(get_locale()))
    return value.isoformat() if isinstance(value, datetime.date) else '—'


def words():
    """What the calendar summary's template uses to put codes and times in words."""
    return SimpleNamespace(method=lambda c: word(METHODS, c),
                           partstat=lambda c: word(PARTSTATS, c),
                           status=lambda c: word(WindowStatus.labels(), c),
                           impact=lambda c: word(Impact.labels(), c), time=moment)


def html_response(message):
    """The HTML part of `message` alone, for the sandboxed frame; 404 text when none."""
    html = parts.html(message)
    if not html:
        return Response('', status=404, mimetype='text/plain', headers=PART_HEADERS)
    return Response(html, mimetype='text/html', headers=PART_HEADERS)


def context(message, html_url):
    """The template's values for a message: the frame's address when there is an
    HTML part, the calendar's summary (None if unreadable) and its raw text."""
    raw = parts.calendar(message)
    return dict(html_url=html_url if parts.html(message) else '',
                calendar=calendar_summary.summarize(raw) if raw else None,
                calendar_raw=raw, calendar_words=words())
