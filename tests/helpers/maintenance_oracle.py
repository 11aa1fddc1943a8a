"""Oracles for maintenance notices: read them as their receivers do.

Tests judge Janela's notices by independent readers, not by Janela's own
code: Network to Code's circuit-maintenance-parser (what NetBox/Nautobot
shops run on their inbox) and vobject (a second iCalendar implementation).

circuit-maintenance-parser pins icalendar<6, so it lives in .venv-cmp and
runs as a subprocess (tests/helpers/cmp_parse.py); make it with
scripts/setup-cmp-venv.sh.
"""
import datetime
import email
import email.policy
import email.utils
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import vobject

ROOT = Path(__file__).resolve().parents[2]        # tests/helpers/ -> the project
CMP_VENV = ROOT / '.venv-cmp'
CMP_SCRIPT = Path(__file__).resolve().parent / 'cmp_parse.py'
CALENDAR_TYPES = ('text/calendar', 'application/ics')
# The parser reads floating (zone-less) times in its local zone. Run it in a
# zone that is not UTC (fixed UTC-3, no tz database needed) so a floating
# time shows up as a wrong start/end instead of passing by luck on a UTC box.
CMP_TZ = '<-03>3'


class OracleMissing(RuntimeError):
    """The oracle's venv is absent: a setup step was skipped (not a reason to skip tests)."""


def cmp_python():
    """Path of .venv-cmp's python; raises OracleMissing with the fix if absent."""
    python = CMP_VENV / 'bin' / 'python'
    if not python.exists():
        raise OracleMissing(
            f'{python} is missing: the circuit-maintenance-parser oracle needs its own '
            'venv (it pins icalendar<6). Run: bash scripts/setup-cmp-venv.sh')
    return str(python)


def parse_with_cmp(raw_messages, timeout=120):
    """Parse RFC 5322 messages with circuit-maintenance-parser.

    Returns one list per message of maintenance dicts and {'error': ...}
    dicts; see tests/helpers/cmp_parse.py for the fields.
    """
    python = cmp_python()
    env = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'PYTHONHOME')}
    # A fixed hash seed: the library keeps e-mail parts in a set, so which of
    # two differing text/calendar parts it reads would otherwise vary by run.
    env.update(TZ=CMP_TZ, PYTHONHASHSEED='0')
    with tempfile.TemporaryDirectory(prefix='janela-cmp-') as tmp:
        paths = []
        for n, raw in enumerate(raw_messages):
            path = Path(tmp) / f'{n}.eml'
            path.write_bytes(raw)
            paths.append(str(path))
        done = subprocess.run([python, str(CMP_SCRIPT), *paths], capture_output=True,
                              env=env, timeout=timeout, cwd=tmp)
    if done.returncode != 0:
        raise RuntimeError(f'cmp_parse.py failed ({done.returncode}):\n'
                           + done.stderr.decode(errors='replace'))
    return json.loads(done.stdout)


def cmp_errors(parsed_message):
    """The error entries of one message's result (tests assert it is empty)."""
    return [entry for entry in parsed_message if 'error' in entry]


def calendar_parts(raw):
    """(params, ics_text) for every calendar part, inline or attached.

    params holds the Content-Type parameters with lower-case names (method,
    charset, name, ...) plus 'content_type' (text/calendar or
    application/ics) and 'disposition' (None, 'inline' or 'attachment').
    """
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    found = []
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type not in CALENDAR_TYPES:
            continue
        params = {key.lower(): email.utils.collapse_rfc2231_value(value)
                  for key, value in (part.get_params() or [])[1:]}
        params['content_type'] = content_type
        params['disposition'] = part.get_content_disposition()
        payload = part.get_payload(decode=True) or b''
        found.append((params, payload.decode(params.get('charset') or 'utf-8')))
    return found


def _utc(value):
    """Aware datetimes in UTC; floating datetimes and all-day dates stay as they
    are, so a test expecting an aware UTC value fails on them."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.timezone.utc)
    return value


def _line(line):
    return {'value': line.value, 'params': {k.upper(): v[0] if len(v) == 1 else v
                                            for k, v in line.params.items()}}


def parse_with_vobject(ics_text, index=0):
    """A small dict describing VEVENT number index, read by vobject."""
    calendar = vobject.readOne(ics_text)
    events = list(calendar.vevent_list) if 'vevent' in calendar.contents else []
    event = events[index]

    def value(name):
        lines = event.contents.get(name)
        return lines[0].value if lines else None

    maintnote, maintnote_params = {}, {}
    for name, lines in event.contents.items():
        if name.startswith('x-maintnote-'):
            maintnote[name.upper()] = [line.value for line in lines]
            maintnote_params[name.upper()] = [_line(line)['params'] for line in lines]
    organizer = event.contents.get('organizer')
    sequence = value('sequence')
    return {
        'method': calendar.method.value if 'method' in calendar.contents else None,
        'vevent_count': len(events),
        'uid': value('uid'),
        'sequence': None if sequence is None else int(sequence),
        'dtstamp': _utc(value('dtstamp')),
        'dtstart': _utc(value('dtstart')),
        'dtend': _utc(value('dtend')),
        'status': value('status'),
        'summary': value('summary'),
        'organizer': _line(organizer[0]) if organizer else None,
        'attendees': [_line(line) for line in event.contents.get('attendee', [])],
        'x_maintnote': maintnote,
        'x_maintnote_params': maintnote_params,
    }


if __name__ == '__main__':
    # Handy by hand: .venv/bin/python tests/helpers/maintenance_oracle.py notice.eml
    print(json.dumps(parse_with_cmp([Path(p).read_bytes() for p in sys.argv[1:]]), indent=1))
