"""Settings: defaults from config.toml, the site file, NOC_* variables, clear errors."""
import pytest

from noc import create_app
from noc.core import config

SECRET = 's' * 40


def test_defaults_load_with_a_secret(tmp_path):
    values = config.load({'app': {'secret_key': SECRET}}, environ={'NOC_CONFIG': str(_site(tmp_path, ''))})
    assert values['database']['url'].startswith('sqlite:///')
    assert values['app']['time_zone'] == 'America/Sao_Paulo'
    assert values['web']['page_size'] == 50


def _site(tmp_path, text):
    path = tmp_path / 'site.toml'
    path.write_text(text)
    return path


def test_every_setting_in_config_toml_is_declared_and_commented():
    import tomllib
    with open(config.DEFAULTS_FILE, 'rb') as fh:
        defaults = tomllib.load(fh)
    assert {s: set(v) for s, v in defaults.items()} == \
        {s: set(v) for s, v in config.SETTINGS.items()}
    lines = open(config.DEFAULTS_FILE, encoding='utf-8').read().splitlines()
    for number, line in enumerate(lines):
        if '=' in line and not line.startswith('#'):
            assert lines[number - 1].startswith('#'), f'no comment above: {line}'


def test_environment_overrides_site_file(tmp_path):
    site = _site(tmp_path, f'[app]\nsecret_key = "{SECRET}"\n[web]\nport = 6000\n')
    values = config.load(environ={'NOC_CONFIG': str(site), 'NOC_WEB_PORT': '7000',
                                  'NOC_WEB_SESSION_COOKIE_SECURE': 'true',
                                  'NOC_MAIL_FROM_ADDRESS': 'noc@example.net'})
    assert values['web']['port'] == 7000
    assert values['web']['session_cookie_secure'] is True
    assert values['mail']['from_address'] == 'noc@example.net'


def test_site_file_overrides_defaults(tmp_path):
    site = _site(tmp_path, f'[app]\nsecret_key = "{SECRET}"\nlanguage = "en"\n')
    assert config.load(environ={'NOC_CONFIG': str(site)})['app']['language'] == 'en'


@pytest.mark.parametrize('environ, key, accepted', [
    ({'NOC_WEB_PORT': 'eighty'}, 'NOC_WEB_PORT', 'whole number'),
    ({'NOC_WEB_PORT': '70000'}, 'web.port', 'from 1 to 65535'),
    ({'NOC_APP_LANGUAGE': 'fr'}, 'app.language', "'pt_BR' or 'en'"),
    ({'NOC_APP_TIME_ZONE': 'Mars/Olympus'}, 'app.time_zone', 'IANA time zone'),
    ({'NOC_DATABASE_URL': 'mysql://x'}, 'database.url', 'postgresql://'),
    ({'NOC_WEB_SESSION_COOKIE_SECURE': 'maybe'}, 'NOC_WEB_SESSION_COOKIE_SECURE', 'true or false'),
    ({'NOC_APP_SECRET_KEY': 'short'}, 'app.secret_key', 'at least 32 characters'),
])
def test_bad_values_name_the_key_and_what_is_accepted(tmp_path, environ, key, accepted):
    site = _site(tmp_path, f'[app]\nsecret_key = "{SECRET}"\n')
    with pytest.raises(config.ConfigError) as exc:
        config.load(environ={'NOC_CONFIG': str(site), **environ})
    assert key in str(exc.value) and accepted in str(exc.value)


def test_missing_secret_stops_start_up(tmp_path):
    site = _site(tmp_path, '')
    with pytest.raises(config.ConfigError, match='app.secret_key'):
        create_app(environ={'NOC_CONFIG': str(site)})


@pytest.mark.parametrize('text, message', [
    ('[app]\nsecrte_key = "x"\n', 'unknown key app.secrte_key'),
    ('[mial]\nserver = "x"\n', 'unknown section [mial]'),
    ('[web]\nport = "5000"\n', 'web.port'),
    ('[web\nport = 1\n', 'not valid TOML'),
])
def test_bad_site_file_is_named(tmp_path, text, message):
    site = _site(tmp_path, text)
    with pytest.raises(config.ConfigError, match=message.replace('[', r'\[').replace(']', r'\]')):
        config.load(environ={'NOC_CONFIG': str(site), 'NOC_APP_SECRET_KEY': SECRET})


def test_named_site_file_must_exist(tmp_path):
    with pytest.raises(config.ConfigError, match='not found'):
        config.load(environ={'NOC_CONFIG': str(tmp_path / 'missing.toml')})


def test_cli_start_up_reports_a_bad_setting(tmp_path):
    """`flask --app app …` stops with the key named, not a traceback."""
    import os
    import subprocess
    import sys
    env = {**os.environ, 'NOC_CONFIG': str(_site(tmp_path, f'[app]\nsecret_key = "{SECRET}"\n')),
           'NOC_WEB_PAGE_SIZE': '5'}
    result = subprocess.run([sys.executable, '-m', 'flask', '--app', 'app', 'noc', 'init-db'],
                            cwd=config.PROJECT_DIR, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert 'web.page_size' in result.stderr and 'from 10 to 500' in result.stderr
    assert 'Traceback' not in result.stderr


def test_prefix_length_limits_must_leave_room(tmp_path):
    with pytest.raises(config.ConfigError, match='min_length_v4 = 25 is above'):
        config.load({'app': {'secret_key': SECRET}, 'prefixes': {'min_length_v4': 25}},
                    environ={'NOC_CONFIG': str(_site(tmp_path, ''))})
