"""Parse maintenance e-mails with circuit-maintenance-parser; print JSON.

Runs in .venv-cmp (scripts/setup-cmp-venv.sh), never in the project venv:
the library pins icalendar<6. So this file imports nothing from the project.

    .venv-cmp/bin/python tests/helpers/cmp_parse.py a.eml b.eml   # or one message on stdin

Output: a JSON list with one entry per message, itself a list of
maintenances and errors. Each calendar part (text/calendar, and
application/ics attachments) is fed alone to the library's GenericProvider
(the generic iCal parser plus its pydantic Maintenance model), and yields
one dict per VEVENT, tagged with "part" (its index among the message's
calendar parts), "content_type" and the MIME "method" parameter. Anything
the library refuses becomes {"error": "...", "part": ...}.

The whole message is also fed the way NetBox/Nautobot users do
(NotificationData.init_from_email_bytes): its failure is reported as an
error with "part": "email", and its result must equal one part's result,
since the library reads only one text/calendar part of an e-mail.
"""
import email
import email.policy
import json
import logging
import sys

from circuit_maintenance_parser import NotificationData, ProviderError, init_provider
from icalendar import Calendar

CALENDAR_TYPES = ('text/calendar', 'application/ics')


class _Captured(logging.Handler):
    """Keeps the library's logged exceptions: some entry points only log and return None."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def _error_text(exc):
    # ProviderError carries the pydantic/parser details in its message already.
    return f'{type(exc).__name__}: {exc}'


def _maintenance_dict(maintenance):
    # mode='json' turns the Status/Impact enums into their string values.
    return maintenance.model_dump(mode='json')


def _event_impacts(content):
    """X-MAINTNOTE-IMPACT per VEVENT, in the order the parser walks them.

    The Maintenance model keeps impact per circuit only; the event-level value
    is read here with the same icalendar the library uses.
    """
    try:
        calendar = Calendar.from_ical(content)
    except ValueError:
        return []
    return [None if e.get('X-MAINTNOTE-IMPACT') is None else str(e.get('X-MAINTNOTE-IMPACT'))
            for e in calendar.walk('VEVENT')]


def parse_part(index, part):
    content_type = part.get_content_type()
    content = part.get_payload(decode=True) or b''
    tags = {'part': index, 'content_type': content_type, 'method': part.get_param('method')}
    provider = init_provider()  # GenericProvider: the generic iCal parser
    try:
        # Typed text/calendar whatever the MIME type, so attachments are checked too.
        found = provider.get_maintenances(NotificationData.init_from_raw('text/calendar', content))
    except ProviderError as exc:
        return [{'error': _error_text(exc), **tags}]
    impacts = _event_impacts(content)
    result = []
    for n, maintenance in enumerate(found):
        item = _maintenance_dict(maintenance)
        item['impact'] = impacts[n] if n < len(impacts) else None
        result.append({**item, **tags})
    return result


def parse_whole_email(raw, captured):
    """The library's own e-mail entry point; returns (maintenances, error)."""
    captured.records.clear()
    data = NotificationData.init_from_email_bytes(raw)
    if data is None:
        reasons = [str(r.exc_info[1]) for r in captured.records if r.exc_info]
        return None, ('NotificationData.init_from_email_bytes refused the message '
                      '(it needs UTF-8, a Subject and a Date header): ' + '; '.join(reasons))
    try:
        return [_maintenance_dict(m) for m in init_provider().get_maintenances(data)], None
    except ProviderError as exc:
        return None, _error_text(exc)


def parse_message(raw, captured):
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    parts = [p for p in message.walk() if p.get_content_type() in CALENDAR_TYPES]
    entries = []
    for index, part in enumerate(parts):
        entries.extend(parse_part(index, part))

    whole, error = parse_whole_email(raw, captured)
    if error:
        entries.append({'error': error, 'part': 'email'})
    else:
        strip = ('part', 'content_type', 'method', 'impact')
        by_part = {}
        for e in entries:
            if 'error' not in e:
                by_part.setdefault(e['part'], []).append({k: v for k, v in e.items() if k not in strip})
        if whole not in by_part.values():
            entries.append({'error': 'the e-mail as a whole parsed differently from every '
                                     f'calendar part: {whole!r}', 'part': 'email'})
    return entries


def main(argv):
    captured = _Captured()
    logging.getLogger('circuit_maintenance_parser').addHandler(captured)
    logging.getLogger('circuit_maintenance_parser').propagate = False  # keep stderr clean
    raws = []
    for path in argv[1:]:
        with open(path, 'rb') as handle:
            raws.append(handle.read())
    if not argv[1:]:
        raws.append(sys.stdin.buffer.read())
    json.dump([parse_message(raw, captured) for raw in raws], sys.stdout, indent=1)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main(sys.argv)
