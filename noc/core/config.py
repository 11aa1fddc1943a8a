"""Load Janela's settings: config.toml, the site file, the environment.

Every setting is declared here with its type and what it accepts, so a typo
or a bad value stops start-up with a message naming the key, instead of
surfacing later as a confusing failure.
"""
import json
import os
import re
import socket
import tomllib
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from noc.core.errors import JanelaError

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULTS_FILE = os.path.join(PROJECT_DIR, 'config.toml')
SITE_FILE = os.path.join(PROJECT_DIR, 'instance', 'config.toml')
ENV_PREFIX = 'NOC_'


class ConfigError(JanelaError):
    """A setting is missing or wrong; the message names the key."""


@dataclass(frozen=True)
class Setting:
    kind: type
    accepts: str
    check: Callable[[Any], bool] = field(default=lambda value: True)


def _one_of(*choices):
    return Setting(str, ' or '.join(repr(c) for c in choices),
                   lambda value: value in choices)


def valid_time_zone(name):
    """Whether `name` is an IANA zone; shared by settings, forms and users."""
    # 'America' names a directory of zone files: OSError, not ZoneInfoNotFoundError.
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return bool(name)


def _between(low, high):
    return Setting(int, f'a whole number from {low} to {high}',
                   lambda value: low <= value <= high)


_TEXT = Setting(str, 'text')
_FLAG = Setting(bool, 'true or false')
_NAME = r'[A-Za-z0-9][A-Za-z0-9_.-]{0,31}'
_OUTCOME = _one_of('accept', 'attention', 'reject')


def _named_locations(value):
    return all(isinstance(k, str) and re.fullmatch(_NAME, k) and isinstance(v, str) and v
               for k, v in value.items())


def _host_ports(value):
    return all(isinstance(v, str) and re.fullmatch(r'[A-Za-z0-9.:\[\]-]+(:\d{1,5})?', v)
               for v in value)


def _source_names(value):
    return all(isinstance(v, str) and re.fullmatch(r'[A-Za-z0-9_-]{1,32}', v) for v in value)


def _addresses(value):
    return all(isinstance(v, str) and re.fullmatch(r'[^@\s]+@[^@\s]+\.[^@\s]+', v)
               for v in value)


def _registry_map(value):
    return all(k in ('AFRINIC', 'APNIC', 'ARIN', 'LACNIC', 'RIPE') and isinstance(v, list)
               and _source_names(v) for k, v in value.items())

SETTINGS = {
    'app': {
        'secret_key': Setting(str, 'a random string of at least 32 characters',
                              lambda v: len(v) >= 32),
        'language': _one_of('pt_BR', 'en'),
        'time_zone': Setting(str, 'an IANA time zone such as America/Sao_Paulo',
                             valid_time_zone),
        'base_url': Setting(str, 'an http:// or https:// address, or "" for the address '
                            'Janela serves on (web.host and web.port)',
                            lambda v: v == '' or v.startswith(('http://', 'https://'))),
        'operator_name': Setting(str, 'a non-empty name', bool),
    },
    'database': {
        'url': Setting(str, 'sqlite:///PATH or postgresql://USER@HOST:PORT/NAME',
                       lambda v: v.startswith(('sqlite:///', 'postgresql://',
                                               'postgres://'))),
    },
    'web': {
        'host': Setting(str, 'an address to listen on', bool),
        'port': _between(1, 65535),
        'session_cookie_secure': _FLAG,
        'session_lifetime_minutes': _between(5, 60 * 24 * 30),
        'login_rate_limit': Setting(str, 'a Flask-Limiter rate such as "10 per minute"',
                                    lambda v: ' per ' in v or '/' in v),
        'lockout_attempts': _between(3, 1000),
        'lockout_minutes': _between(1, 24 * 60),
        'lockout_backstop_attempts': _between(10, 100_000),
        'trusted_proxies': _between(0, 5),
        'rate_limit_storage_uri': Setting(str, 'memory:// or redis://HOST:PORT',
                                          lambda v: '://' in v),
        'page_size': _between(10, 500),
    },
    'mail': {
        'backend': _one_of('smtp', 'capture'),
        'capture_dir': Setting(str, 'a directory path', bool),
        'server': Setting(str, 'a host name or address', bool),
        'port': _between(1, 65535),
        'security': _one_of('none', 'starttls', 'ssl'),
        'username': _TEXT,
        'password': _TEXT,
        'from_address': Setting(str, 'an email address such as noc@example.net',
                                lambda v: '@' in v and ' ' not in v),
        'from_name': _TEXT,
        'timeout_seconds': _between(1, 600),
        'ca_file': _TEXT,
        'batch_size': _between(1, 10000),
        'retry_for_hours': _between(1, 24 * 14),
        'max_retry_minutes': _between(1, 24 * 60),
    },
    'worker': {
        'interval_seconds': _between(1, 3600),
        'enabled': _FLAG,
        'claim_lease_seconds': _between(30, 24 * 3600),
    },
    'maintenance': {
        'provider': Setting(str, 'a domain name such as janela.example.net',
                            lambda v: bool(v) and ' ' not in v and '.' in v),
        'min_notice_days': _between(0, 365),
        'max_duration_hours': _between(1, 24 * 30),
        'max_days_ahead': _between(1, 3653),
        'reminder_hours': _between(0, 24 * 30),
        'start_early_minutes': _between(0, 24 * 60),
        'notify_no_impact': _FLAG,
    },
    'inbound': {
        'imap_host': _TEXT,
        'imap_port': _between(1, 65535),
        'imap_security': _one_of('none', 'starttls', 'ssl'),
        'imap_username': _TEXT,
        'imap_password': _TEXT,
        'imap_folder': Setting(str, 'a mailbox name such as INBOX', bool),
        'imap_processed_folder': Setting(str, 'a mailbox name such as Janela/Processed', bool),
        'imap_timeout_seconds': _between(1, 600),
        'imap_batch_size': _between(1, 10000),
        'ca_file': _TEXT,
        'bgp_mailboxes': Setting(list, 'a list of mail addresses such as '
                                 '["bgp@janela.example.net"]', _addresses),
        'bgp_unknown_reply_hours': _between(0, 24 * 30),
        'bgp_unknown_replies_per_hour': _between(0, 10000),
        'bgp_answers_per_hour': _between(1, 10000),
    },
    'api': {
        'rate_limit': Setting(str, 'a Flask-Limiter rate such as "600 per minute"',
                              lambda v: ' per ' in v or '/' in v),
        'max_page_size': _between(10, 1000),
    },
    'rpki': {
        'sources': Setting(dict, 'a table of NAME = "file path or http(s):// URL"',
                           _named_locations),
        'refresh_minutes': _between(1, 24 * 60),
        'timeout_seconds': _between(1, 600),
        'ca_file': _TEXT,
        'max_shrink_percent': _between(1, 100),
        'keep_snapshots': _between(1, 1000),
        'stale_hours': _between(1, 24 * 30),
    },
    'irr': {
        'servers': Setting(list, 'a list of "HOST" or "HOST:PORT" IRRd whois servers',
                           _host_ports),
        'server_sources': Setting(list, 'a list of IRR source names such as "RADB"',
                                  _source_names),
        'timeout_seconds': _between(1, 600),
        'dumps': Setting(dict, 'a table of SOURCE = "path of an RPSL dump (plain or .gz)"',
                         _named_locations),
        'refresh_minutes': _between(1, 7 * 24 * 60),
        'registry_sources': Setting(dict, 'a table of RIR = ["SOURCE", …] with RIR one of '
                                    'AFRINIC, APNIC, ARIN, LACNIC, RIPE', _registry_map),
    },
    'prefixes': {
        'lab': _FLAG,
        'max_length_v4': _between(8, 32),
        'max_length_v6': _between(16, 128),
        'min_length_v4': _between(1, 32),
        'min_length_v6': _between(1, 128),
        'rpki_valid': _OUTCOME,
        'rpki_invalid': _OUTCOME,
        'not_found_with_irr': _OUTCOME,
        'not_found_without_irr': _OUTCOME,
        'irr_missing_when_valid': _OUTCOME,
        'irr_other_origins': _OUTCOME,
        'irr_wrong_registry': _OUTCOME,
        'origin_not_in_as_set': _OUTCOME,
        'loose_max_length': _OUTCOME,
        'auto_approve': _FLAG,
        'revalidate_hours': _between(1, 24),
    },
}


def _read_toml(path, required):
    try:
        with open(path, 'rb') as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        if required:
            raise ConfigError(f'{path}: file not found') from None
        return {}
    except OSError as exc:
        # Unreadable, or in a folder this user cannot enter: an error, never
        # "absent" (the defaults would run without the site's secrets).
        raise ConfigError(f'{path}: cannot be read: {exc.strerror}') from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f'{path}: not valid TOML: {exc}') from exc


def _merge(target, source, origin):
    for section, values in source.items():
        if section not in SETTINGS or not isinstance(values, dict):
            raise ConfigError(f'{origin}: unknown section [{section}]; known: '
                              + ', '.join(sorted(SETTINGS)))
        for key, value in values.items():
            if key not in SETTINGS[section]:
                raise ConfigError(f'{origin}: unknown key {section}.{key}; known in '
                                  f'[{section}]: ' + ', '.join(sorted(SETTINGS[section])))
            target.setdefault(section, {})[key] = value


def _from_text(text, setting, name):
    """Turn an environment variable's text into the setting's type."""
    if setting.kind is bool:
        lowered = text.strip().lower()
        if lowered in ('1', 'true', 'yes', 'on'):
            return True
        if lowered in ('0', 'false', 'no', 'off'):
            return False
        raise ConfigError(f'{name}={text!r}: expected {setting.accepts}')
    if setting.kind in (list, dict):
        # Lists and tables arrive as JSON; a list may also be comma-separated.
        try:
            value = json.loads(text)
        except ValueError:
            if setting.kind is dict:
                raise ConfigError(f'{name}={text!r}: expected {setting.accepts}, '
                                  'written as JSON') from None
            value = [part.strip() for part in text.split(',') if part.strip()]
        return value
    if setting.kind is int:
        try:
            return int(text)
        except ValueError:
            raise ConfigError(f'{name}={text!r}: expected {setting.accepts}') from None
    return text


def _environment(environ):
    found = {}
    for section, settings in SETTINGS.items():
        for key, setting in settings.items():
            name = f'{ENV_PREFIX}{section.upper()}_{key.upper()}'
            if name in environ:
                found.setdefault(section, {})[key] = _from_text(environ[name], setting, name)
    return found


def _validate(values):
    for section, settings in SETTINGS.items():
        for key, setting in settings.items():
            name = f'{section}.{key}'
            if key not in values.get(section, {}):
                raise ConfigError(f'{name} is missing; expected {setting.accepts}')
            value = values[section][key]
            # bool is an int in Python; keep them apart.
            if type(value) is not setting.kind:
                raise ConfigError(f'{name} = {value!r}: expected {setting.accepts}')
            if not setting.check(value):
                raise ConfigError(f'{name} = {value!r}: expected {setting.accepts}')


# The longest one message's SMTP exchange may take, in mail.timeout_seconds.
SMTP_WAITS = 5


def _cross_check(values):
    """Settings that only make sense together."""
    prefixes = values['prefixes']
    for family in ('v4', 'v6'):
        low, high = prefixes[f'min_length_{family}'], prefixes[f'max_length_{family}']
        if low > high:
            raise ConfigError(f'prefixes.min_length_{family} = {low} is above '
                              f'prefixes.max_length_{family} = {high}: no prefix could pass')
    # A worker renews its claim right before each message; the claim must
    # outlast one SMTP exchange (MAIL, RCPT, DATA and its end: a wait of up to
    # timeout_seconds each, and the sending), or another worker could take
    # the message over while it is in flight and send it again.
    lease, timeout = values['worker']['claim_lease_seconds'], values['mail']['timeout_seconds']
    if lease < SMTP_WAITS * timeout:
        raise ConfigError(f'worker.claim_lease_seconds = {lease} is below {SMTP_WAITS} times '
                          f'mail.timeout_seconds = {timeout}: a message still in flight could '
                          'be taken over and sent twice')


def load(overrides=None, environ=None):
    """Return {section: {key: value}} validated, or raise ConfigError."""
    environ = os.environ if environ is None else environ
    values = {}
    _merge(values, _read_toml(DEFAULTS_FILE, required=True), DEFAULTS_FILE)
    site_file = environ.get('NOC_CONFIG', SITE_FILE)
    _merge(values, _read_toml(site_file, required='NOC_CONFIG' in environ), site_file)
    _merge(values, _environment(environ), 'environment')
    _merge(values, overrides or {}, 'overrides')
    _validate(values)
    _cross_check(values)
    return values


def public_base_url(values):
    """Janela's public address for links: `app.base_url`, or when it is empty the
    address the development server listens on (`web.host`, `web.port`); a
    wildcard host (0.0.0.0, ::) stands for this machine's name."""
    if values['app']['base_url']:
        return values['app']['base_url'].rstrip('/')
    host, port = values['web']['host'], values['web']['port']
    if host in ('0.0.0.0', '::', '[::]', ''):
        host = socket.getfqdn()
    if ':' in host and not host.startswith('['):
        host = f'[{host}]'
    return f'http://{host}:{port}'


def project_path(path):
    """A path from the settings, relative to the project directory."""
    return path if os.path.isabs(path) else os.path.join(PROJECT_DIR, path)
