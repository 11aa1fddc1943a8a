"""`mail-in`'s exit status is the MTA's instruction (issue 16, point 10):
75 (EX_TEMPFAIL, keep the message and try again) for every failure before
the message is stored, 0 once it is. Run as the MTA runs it: a separate
process, `python mail_in.py` and `flask --app app noc mail-in`.

The permission checks run as a user who is not root (root reads any file):
as `nobody` in a forked child when the tests run as root. The whole recipe,
Postfix included, is tests/test_postfix_e2e.py."""
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

import pytest
from conftest import SECRET, db, make_app, prepared_app

from noc.core import config
from noc.models import InboundMessage

PLAIN = (b'From: Carla <carla@globex.example.com>\r\nTo: noc@janela.example.net\r\n'
         b'Subject: about the window\r\nMessage-ID: <status-1@globex.example.com>\r\n\r\n'
         b'Hello.\r\n')


def run(args, env, raw=PLAIN):
    environ = {k: v for k, v in os.environ.items() if not k.startswith('NOC_')}
    environ.update(env)
    return subprocess.run([sys.executable, *args], cwd=config.PROJECT_DIR, env=environ,
                          input=raw, capture_output=True, timeout=60)


@pytest.fixture
def sqlite_url(tmp_path):
    url = f'sqlite:///{tmp_path}/janela.db'
    prepared_app(url)
    return url


def site(tmp_path, text=''):
    path = tmp_path / 'site.toml'
    path.write_text(text)
    return path


ENTRY_POINTS = {'script': ['mail_in.py'],
                'flask': ['-m', 'flask', '--app', 'app', 'noc', 'mail-in']}


@pytest.mark.parametrize('entry', ENTRY_POINTS)
def test_stored_is_0_and_the_message_is_there(entry, tmp_path, sqlite_url):
    done = run(ENTRY_POINTS[entry], {'NOC_CONFIG': str(site(tmp_path)),
                                     'NOC_APP_SECRET_KEY': SECRET, 'NOC_DATABASE_URL': sqlite_url})
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().startswith('mail-in: #')
    with db(make_app(sqlite_url)):
        assert [m.subject for m in InboundMessage.select()] == ['about the window']


@pytest.mark.parametrize('entry, failure', [
    ('script', 'config-is-a-folder'), ('script', 'config-invalid'), ('script', 'setting-wrong'),
    ('script', 'database-unreachable'), ('script', 'not-a-database'),
    ('flask', 'config-is-a-folder'), ('flask', 'setting-wrong'), ('flask', 'not-a-database')])
def test_every_failure_before_storing_is_75(entry, failure, tmp_path, sqlite_url):
    env = {'NOC_CONFIG': str(site(tmp_path)), 'NOC_APP_SECRET_KEY': SECRET,
           'NOC_DATABASE_URL': sqlite_url}
    if failure == 'config-is-a-folder':
        env['NOC_CONFIG'] = str(tmp_path)
    elif failure == 'config-invalid':
        env['NOC_CONFIG'] = str(site(tmp_path, '[app\n'))
    elif failure == 'setting-wrong':
        env['NOC_WEB_PORT'] = '70000'
    elif failure == 'database-unreachable':
        env['NOC_DATABASE_URL'] = 'postgresql://nobody@127.0.0.1:9/none'
    else:       # a file that is not a database
        (tmp_path / 'other.db').write_bytes(b'not a database' * 100)
        env['NOC_DATABASE_URL'] = f'sqlite:///{tmp_path}/other.db'
    done = run(ENTRY_POINTS[entry], env)
    assert done.returncode == 75, done.stderr
    [line] = done.stderr.decode().splitlines()      # one line, for the MTA's log
    assert line.startswith('mail-in: not stored, the MTA keeps it'), line


def test_janela_that_cannot_be_imported_is_75(tmp_path):
    # A broken install (here: no `noc` package beside the script).
    shutil.copy(os.path.join(config.PROJECT_DIR, 'mail_in.py'), tmp_path)
    done = subprocess.run([sys.executable, str(tmp_path / 'mail_in.py')], cwd=tmp_path,
                          input=PLAIN, capture_output=True, timeout=60,
                          env={'PATH': os.environ.get('PATH', '')})
    assert done.returncode == 75
    assert 'Janela cannot be loaded (ModuleNotFoundError' in done.stderr.decode()


def test_other_commands_still_exit_1_on_a_bad_setting(tmp_path):
    done = run(['-m', 'flask', '--app', 'app', 'noc', 'init-db'],
               {'NOC_CONFIG': str(tmp_path), 'NOC_APP_SECRET_KEY': SECRET}, raw=b'')
    assert done.returncode == 1
    assert b'Janela cannot start' in done.stderr and b'Traceback' not in done.stderr


def test_an_empty_message_is_not_stored_and_not_accepted(tmp_path, sqlite_url):
    done = run(['mail_in.py'], {'NOC_CONFIG': str(site(tmp_path)), 'NOC_APP_SECRET_KEY': SECRET,
                                'NOC_DATABASE_URL': sqlite_url}, raw=b'\r\n')
    assert done.returncode == 75


# Permissions: as a user other than root.

def as_other_user(check):
    """check() as `nobody` (in a forked child when this is root); its result."""
    if os.geteuid() != 0:
        return check()
    nobody = pwd.getpwnam('nobody')
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:                                    # the child: never returns
        try:
            os.close(read)
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            result = repr(check())
        except BaseException as exc:                # noqa: B036 the child must exit
            result = repr(exc)
        os.write(write, result.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        result = pipe.read()
    os.waitpid(pid, 0)
    return result


@pytest.fixture
def shared_dir(monkeypatch):
    """A folder anyone may enter (pytest's own is root's alone), holding the
    defaults file, so the only unreadable thing is the one a test makes."""
    path = tempfile.mkdtemp(prefix='janela-perm-')
    os.chmod(path, 0o755)
    defaults = os.path.join(path, 'defaults.toml')
    shutil.copy(config.DEFAULTS_FILE, defaults)
    os.chmod(defaults, 0o644)
    monkeypatch.setattr(config, 'DEFAULTS_FILE', defaults)
    yield path
    shutil.rmtree(path)


def load_reason(environ):
    def check():
        try:
            config.load({'app': {'secret_key': SECRET}}, environ=environ)
            return 'loaded'
        except config.ConfigError as exc:
            return str(exc)
    return check


def test_a_config_file_that_cannot_be_read_is_an_error(shared_dir):
    path = os.path.join(shared_dir, 'config.toml')
    with open(path, 'w') as fh:
        fh.write('[app]\nlanguage = "en"\n')
    os.chmod(path, 0o644)
    assert as_other_user(load_reason({'NOC_CONFIG': path})) == "'loaded'"
    os.chmod(path, 0o600)                           # the old README's chmod, owned by root
    assert 'cannot be read: Permission denied' in as_other_user(load_reason({'NOC_CONFIG': path}))


def test_an_instance_folder_that_cannot_be_entered_is_not_absent(shared_dir, monkeypatch):
    instance = os.path.join(shared_dir, 'instance')
    os.mkdir(instance, 0o755)
    monkeypatch.setattr(config, 'SITE_FILE', os.path.join(instance, 'config.toml'))
    assert as_other_user(load_reason({})) == "'loaded'"     # no site file: the defaults
    os.chmod(instance, 0o700)
    found = as_other_user(load_reason({}))
    assert 'instance/config.toml: cannot be read: Permission denied' in found
