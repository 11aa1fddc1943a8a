"""Debian's Postfix on loopback running the recipe of deploy/postfix/.

A private instance (`postfix -c DIR`): its own config_directory,
queue_directory and data_directory under a temporary folder, smtpd on
127.0.0.1 on a free port, nothing relayed and nothing sent out
(default_transport is `error:`), its log in DIR/maillog (postlogd). The
system-wide Postfix that scripts/test-services.sh installs is left
unconfigured and never started.

The recipe's files go in as they are written, with only the names that
belong to one machine replaced: /etc/postfix by this instance's folder,
/opt/janela by the copy of Janela made here (its code, and `.venv` a link to
the project's .venv-mta, the venv scripts/setup-mta-venv.sh makes from the
system's python3), and the group and pipe user by names of the tests' own,
made by deploy/postfix/permissions.sh and removed afterwards.

Needs root, as installing Postfix does: it creates users and starts Postfix.
"""
import os
import re
import shutil
import smtplib
import subprocess
import tempfile
import time

from helpers.smtp_server import free_port
from noc.core.config import PROJECT_DIR

RECIPE = os.path.join(PROJECT_DIR, 'deploy', 'postfix')
MTA_VENV = os.path.join(PROJECT_DIR, '.venv-mta')
GROUP = 'janela-test'
PIPE_USER = 'janela-mail-test'
HOST = '127.0.0.1'
# What Janela needs at run time; the rest of the checkout is not copied.
CODE = ('app.py', 'mail_in.py', 'config.toml', 'schema.sql', 'noc', 'templates')

BASE_MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {queue}
data_directory = {data}
mail_owner = postfix
setgid_group = postdrop
myhostname = mta.janela.test
mydomain = janela.test
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
local_transport = error:5.1.1 no local delivery in this test
default_transport = error:5.4.4 no mail leaves this test
smtp_dns_support_level = disabled
smtputf8_enable = no
biff = no
maillog_file = {directory}/maillog
maillog_file_prefixes = {directory}
delay_warning_time = 0
queue_run_delay = 3600s
minimal_backoff_time = 3600s
maximal_backoff_time = 3600s
"""

BASE_MASTER_CF = """\
{host}:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""


def recipe(name, janela_dir, config_dir):
    """A file of deploy/postfix/ with this machine's names in it."""
    with open(os.path.join(RECIPE, name)) as fh:
        text = fh.read()
    return (text.replace('/etc/postfix', config_dir).replace('/opt/janela', janela_dir)
            .replace('user=janela-mail:janela', f'user={PIPE_USER}:{GROUP}'))


def run(*args, **kw):
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, **kw)
    if done.returncode:
        raise RuntimeError(f'{" ".join(args)}: exit {done.returncode}\n{done.stdout}{done.stderr}')
    return done


class Deployment:
    """Janela copied as /opt/janela would be, with Postfix in front of it."""

    def __init__(self):
        if os.geteuid() != 0:
            raise RuntimeError('the Postfix recipe test needs root: it creates users and '
                               'starts Postfix (make test runs as root in CI)')
        if not os.access(os.path.join(MTA_VENV, 'bin', 'python'), os.X_OK):
            raise RuntimeError(f'{MTA_VENV} is missing: scripts/test-services.sh makes it')
        # A folder the pipe user may enter (pytest's tmp_path is root's alone).
        self.base = tempfile.mkdtemp(prefix='janela-postfix-')
        os.chmod(self.base, 0o755)
        self.janela = os.path.join(self.base, 'janela')
        self.config_dir = os.path.join(self.base, 'postfix')
        self.queue = os.path.join(self.base, 'queue')
        self.data = os.path.join(self.base, 'data')
        self.maillog = os.path.join(self.config_dir, 'maillog')
        self.port = free_port(HOST)
        self.users_made = False
        self.started = False

    # Janela

    def install(self, site_config):
        os.mkdir(self.janela, 0o755)
        for name in CODE:
            source = os.path.join(PROJECT_DIR, name)
            target = os.path.join(self.janela, name)
            if os.path.isdir(source):
                shutil.copytree(source, target, ignore=shutil.ignore_patterns('__pycache__'))
            else:
                shutil.copy(source, target)
            # A checkout the pipe's user can read, whatever the umask of the clone.
            run('chmod', '-R', 'u=rwX,go=rX', target)
        os.symlink(MTA_VENV, os.path.join(self.janela, '.venv'))
        os.mkdir(os.path.join(self.janela, 'instance'))
        self.write_config(site_config)
        return 'sqlite:///' + os.path.join(self.janela, 'instance', 'janela.db')

    @property
    def config_file(self):
        return os.path.join(self.janela, 'instance', 'config.toml')

    def write_config(self, text):
        with open(self.config_file, 'w') as fh:
            fh.write(text)

    def set_permissions(self):
        """deploy/postfix/permissions.sh, as the recipe says to run it."""
        existed = subprocess.run(['id', '-u', PIPE_USER], capture_output=True).returncode == 0
        self.users_made = self.users_made or not existed
        run('sh', os.path.join(RECIPE, 'permissions.sh'), cwd=self.janela,
            env={**os.environ, 'JANELA_GROUP': GROUP, 'PIPE_USER': PIPE_USER})
        # The pipe's user must be able to run the venv (not one under root's home).
        run('runuser', '-u', PIPE_USER, '--', os.path.join(self.janela, '.venv', 'bin', 'python'),
            '-c', 'import flask, peewee', cwd=self.janela)

    # Postfix

    def start(self):
        os.makedirs(self.config_dir)
        with open(os.path.join(self.config_dir, 'main.cf'), 'w') as fh:
            fh.write(BASE_MAIN_CF.format(queue=self.queue, data=self.data,
                                         directory=self.config_dir))
            fh.write(recipe('main.cf', self.janela, self.config_dir))
        with open(os.path.join(self.config_dir, 'master.cf'), 'w') as fh:
            fh.write(BASE_MASTER_CF.format(host=HOST, port=self.port))
            fh.write(recipe('master.cf', self.janela, self.config_dir))
        transport = os.path.join(self.config_dir, 'transport')
        with open(transport, 'w') as fh:
            fh.write(recipe('transport', self.janela, self.config_dir))
        run('postmap', '-c', self.config_dir, f'hash:{transport}')
        os.mkdir(self.queue, 0o755)
        os.mkdir(self.data, 0o700)
        shutil.chown(self.data, 'postfix', 'postfix')
        run('postfix', '-c', self.config_dir, 'check')
        run('postfix', '-c', self.config_dir, 'start')
        self.started = True
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with smtplib.SMTP(HOST, self.port, timeout=5) as smtp:
                    smtp.noop()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f'Postfix did not answer on {HOST}:{self.port}:\n{self.log()}')

    def send(self, raw, sender, recipient):
        """Submit by SMTP; Postfix's queue id."""
        with smtplib.SMTP(HOST, self.port, timeout=30) as smtp:
            smtp.ehlo('client.globex.example.com')
            smtp.mail(sender)
            code, answer = smtp.rcpt(recipient)
            assert code == 250, (code, answer)
            code, answer = smtp.data(raw)
            assert code == 250, (code, answer)
        return re.search(rb'queued as (\w+)', answer).group(1).decode()

    def queue_listing(self):
        return run('postqueue', '-c', self.config_dir, '-p').stdout

    def flush(self):
        run('postqueue', '-c', self.config_dir, '-f')

    def log(self):
        try:
            with open(self.maillog, errors='replace') as fh:
                return fh.read()
        except FileNotFoundError:
            return ''

    def delivery(self, queue_id, timeout=60, after=0):
        """The log's first `status=` line for queue_id past offset `after`."""
        deadline = time.monotonic() + timeout
        pattern = re.compile(rf'^.*\b{queue_id}: to=.*status=\w+.*$', re.MULTILINE)
        while time.monotonic() < deadline:
            found = pattern.search(self.log(), after)
            if found:
                return found.group(0)
            time.sleep(0.2)
        raise AssertionError(f'no delivery of {queue_id} logged:\n{self.log()}')

    def stop(self):
        if self.started:
            subprocess.run(['postfix', '-c', self.config_dir, 'stop'], capture_output=True,
                           timeout=60)
            deadline = time.monotonic() + 20
            while self._master_running() and time.monotonic() < deadline:
                time.sleep(0.1)
        if self.users_made:
            subprocess.run(['userdel', PIPE_USER], capture_output=True, timeout=30)
            subprocess.run(['groupdel', GROUP], capture_output=True, timeout=30)
        shutil.rmtree(self.base, ignore_errors=True)

    def _master_running(self):
        try:
            with open(os.path.join(self.queue, 'pid', 'master.pid')) as fh:
                os.kill(int(fh.read().strip()), 0)
        except (OSError, ValueError):
            return False
        return True
