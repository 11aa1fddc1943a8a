"""Language and time zone of whoever is looking, and the filters that use them."""
import datetime
import functools
import zoneinfo

from babel.dates import format_date as babel_format_date
from flask import current_app, request, session
from flask_babel import format_date, format_decimal, get_locale, get_timezone
from flask_login import current_user

from noc.core.config import valid_time_zone  # noqa: F401 (forms and users import it from here)

LANGUAGES = {'pt_BR': 'Português (Brasil)', 'en': 'English'}


def select_locale():
    if current_user and current_user.is_authenticated:
        return current_user.language
    chosen = session.get('language') if request else None
    if chosen in LANGUAGES:
        return chosen
    if request:
        best = request.accept_languages.best_match(['pt-BR', 'pt', 'en'])
        if best:
            return 'en' if best == 'en' else 'pt_BR'
    return current_app.config['NOC']['app']['language']


def select_time_zone():
    if current_user and current_user.is_authenticated:
        return current_user.time_zone
    return current_app.config['NOC']['app']['time_zone']


@functools.lru_cache(maxsize=1)
def common_time_zones():
    """Zones offered in forms: Brazil's first, then the rest of the world."""
    brazil = sorted(z for z in zoneinfo.available_timezones()
                    if z.startswith(('America/Sao_Paulo', 'America/Manaus', 'America/Belem',
                                     'America/Fortaleza', 'America/Recife', 'America/Bahia',
                                     'America/Cuiaba', 'America/Campo_Grande',
                                     'America/Porto_Velho', 'America/Boa_Vista',
                                     'America/Rio_Branco', 'America/Noronha',
                                     'America/Araguaina', 'America/Maceio')))
    rest = sorted(z for z in zoneinfo.available_timezones()
                  if '/' in z and not z.startswith(('Etc/', 'SystemV/', 'US/'))
                  and z not in brazil)
    return tuple(brazil + ['UTC'] + rest)


def _digits(moment):
    """'2026-12-09 02:00', four-digit years too for the year 1 (strftime drops the zeros)."""
    return (f'{moment.year:04d}-{moment.month:02d}-{moment.day:02d} '
            f'{moment.hour:02d}:{moment.minute:02d}')


def utc_text(moment):
    """A moment as UTC text ('9999-12-31 23:59 UTC'): what is shown of a time the
    viewer's zone cannot hold (near the first or last instant Python represents)."""
    if moment.tzinfo is not None and moment.utcoffset():
        moment = moment.astimezone(datetime.timezone.utc)
    return _digits(moment) + ' UTC'


def in_zone(moment, zone):
    """`moment` in `zone` (a ZoneInfo or its name); the moment as it is (UTC) when
    the zone's reading of it lies past the year 9999 or before the year 1."""
    if isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone)
    try:
        return moment.astimezone(zone)
    except (OverflowError, ValueError):
        return moment


def zone_label(moment):
    """'UTC-03:00' for an aware moment's offset, 'UTC' for none."""
    offset = moment.utcoffset() or datetime.timedelta(0)
    if not offset:
        return 'UTC'
    minutes = int(offset.total_seconds()) // 60
    sign, minutes = ('-', -minutes) if minutes < 0 else ('+', minutes)
    return f'UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}'


def time_text(moment, zone, language='en', weekday=False):
    """The one way Janela writes a time, in every language, page and mail:
    '2026-12-09 02:00 UTC-03:00' (24-hour, with the zone's offset), led by the
    day of the week in `language` when `weekday` ('qua. 2026-12-09 02:00
    UTC-03:00'). In UTC when `zone` cannot hold the moment (the year 9999 in Tokyo);
    a naive moment is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    moment = in_zone(moment, zone)
    text = f'{_digits(moment)} {zone_label(moment)}'
    if weekday:
        day = babel_format_date(moment.date(), 'EEE',
                                locale='pt_BR' if str(language) == 'pt_BR' else 'en')
        text = f'{day} {text}'
    return text


def localtime(value, fmt='short'):
    """A time for whoever is looking (their zone and language); 'full' adds the weekday."""
    if not isinstance(value, datetime.datetime):
        return ''
    return time_text(value, get_timezone(), get_locale(), weekday=fmt == 'full')


def _localdate(value, fmt='medium'):
    if not value:
        return ''
    try:
        return format_date(value, fmt)
    except (OverflowError, ValueError):
        return utc_text(value) if isinstance(value, datetime.datetime) else value.isoformat()


def _bandwidth(mbps):
    """10000 -> '10 Gbit/s': how engineers say it."""
    if not mbps:
        return ''
    for unit, size in (('Tbit/s', 1_000_000), ('Gbit/s', 1000)):
        if mbps >= size and mbps % (size // 10) == 0:
            return f'{format_decimal(mbps / size)} {unit}'
    return f'{format_decimal(mbps)} Mbit/s'


def register_filters(app):
    app.jinja_env.filters['localtime'] = localtime
    app.jinja_env.filters['localdate'] = _localdate
    app.jinja_env.filters['bandwidth'] = lambda v: _bandwidth(int(v)) if str(v).isdigit() else v
    app.jinja_env.globals['LANGUAGES'] = LANGUAGES
    app.jinja_env.globals['get_locale'] = get_locale
    from noc.core.paging import page_url
    app.jinja_env.globals['page_url'] = page_url
