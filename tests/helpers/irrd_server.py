"""A real IRRd 4.5 on loopback for tests and benchmarks.

Tests of the IRR client talk IRRd's whois protocol to a real IRRd instead of
a fake, so what they prove holds against the servers the NOC queries (NTTCOM,
RADB, TC all run IRRd). ``start_irrd()`` builds a private instance:

- its own PostgreSQL database on the test server (``janela_irrd_<pid>_<hex>``,
  pgcrypto enabled), dropped by ``stop()``;
- its own ``redis-server`` on a free port, no snapshots, in the work folder;
- ``irrd.yaml`` with whois and HTTP on 127.0.0.1 free ports and RPKI off
  (``rpki.roa_source: null``), so nothing is fetched and no route object is
  hidden as RPKI-invalid;
- every source non-authoritative, loaded with ``irrd_load_database``.

IRRd comes from ``.venv-irrd`` (scripts/setup-irrd.sh). Run as root, IRRd
drops to ``nobody``: its run folder is handed to that user, and the work
folder must be reachable by it (the default one in the system temp folder is).

IRRd answers ``!r`` from PostgreSQL but ``!g``, ``!6``, ``!i`` and ``!a`` from
an in-memory copy that each whois worker refreshes up to a second after a
change (IRRd spreads the refreshes on purpose): after ``load()``, poll for
those answers instead of expecting them at once.

As a pytest plugin this module gives the session fixture ``irrd_server``:
RADB and ALTDB from the irrexplorer test file, RIPE from the ripe-2016
route/route6 files, and small TC and LACNIC sources written here (see
``TC_OBJECTS`` and ``LACNIC_OBJECTS``).
"""
import grp
import gzip
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from helpers.redis_server import RedisUnavailable, start_redis
from helpers.shared_data import path as shared_path

HOST = '127.0.0.1'
PROJECT = Path(__file__).resolve().parents[2]     # tests/helpers/ -> the project
IRRD_BIN = Path(os.environ.get('NOC_IRRD_VENV', PROJECT / '.venv-irrd')) / 'bin'
PG_SERVER = os.environ.get('NOC_TEST_PG', 'postgresql://postgres@127.0.0.1:5432')
# Whois workers: each open connection holds one until it closes or idles out.
WHOIS_WORKERS = 6
HTTP_WORKERS = 1
READY_TIMEOUT = 90.0
STEP_TIMEOUT = 600.0
STOP_TIMEOUT = 15.0
# Redis channels of IRRd's preload store (irrd/storage/preload.py, 4.5).
PRELOAD_RELOAD = 'irrd-preload-reload-channel'
PRELOAD_RELOAD_ALL = 'unknown-classes-changed-preload-all'
PRELOAD_COMPLETE = 'irrd-preload-complete-channel'
PRELOAD_ROUTE4_KEY = 'irrd-preload-origin-route4'

# Brazilian-looking test space: documentation prefixes (RFC 5737, 3849) and
# private ASNs (RFC 6996), so no test fact can be mistaken for a real one.
# AS-JANELA-A and AS-JANELA-B contain each other: recursive expansion must stop.
TC_OBJECTS = """\
route:      192.0.2.0/24
descr:      Cliente Exemplo Ltda, Sao Paulo
origin:     AS64500
mnt-by:     MAINT-JANELA
source:     TC

route:      198.51.100.0/24
descr:      Provedor Exemplo, Recife
origin:     AS64501
mnt-by:     MAINT-JANELA
source:     TC

route6:     2001:db8:100::/48
descr:      Cliente Exemplo Ltda, Sao Paulo
origin:     AS64500
mnt-by:     MAINT-JANELA
source:     TC

as-set:     AS-JANELA-A
descr:      Clientes do AS64500
members:    AS64500, AS-JANELA-B
mnt-by:     MAINT-JANELA
source:     TC

as-set:     AS-JANELA-B
descr:      Clientes do AS64501
members:    AS64501,
            AS-JANELA-A, AS-JANELA-C
mnt-by:     MAINT-JANELA
source:     TC
"""

LACNIC_OBJECTS = """\
route:      192.0.2.0/24
descr:      Same prefix, another origin, another registry
origin:     AS64510
mnt-by:     MAINT-JANELA-LACNIC
source:     LACNIC

route:      203.0.113.0/24
descr:      Operadora Exemplo, Porto Alegre
origin:     AS64502
mnt-by:     MAINT-JANELA-LACNIC
source:     LACNIC

as-set:     AS-JANELA-C
descr:      Clientes do AS64502
members:    AS64502, AS64503
mnt-by:     MAINT-JANELA-LACNIC
source:     LACNIC
"""


# What irrd_database_upgrade and irrd_load_database do (the same functions),
# in one process run by IRRd's own Python: each command alone spends most of
# its second importing IRRd, and the fixture loads five sources.
_LOADER = """\
import sys
from irrd.conf import config_init
from irrd.scripts import database_upgrade, load_database
config_init(sys.argv[1])
if sys.argv[2] == 'upgrade':
    database_upgrade.run('head')
pairs = sys.argv[3:]
for source, filename in zip(pairs[::2], pairs[1::2]):
    code = load_database.load(source, filename, None)
    if code:
        sys.exit(f'loading {filename} into {source} failed with code {code}')
"""


class IrrdServerError(RuntimeError):
    """IRRd (or its PostgreSQL, Redis) could not start or load; the message has the logs."""


# -- small helpers ---------------------------------------------------------

def free_port(host=HOST):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _tool(name):
    tool = IRRD_BIN / name
    if not os.access(tool, os.X_OK):
        raise IrrdServerError(f'{tool} is missing: run scripts/setup-irrd.sh first '
                             '(it installs IRRd 4.5 into .venv-irrd)')
    return str(tool)


def _irrd_account():
    """(user, group) IRRd drops to when started as root, else None."""
    if os.geteuid() != 0:
        return None
    nobody = pwd.getpwnam('nobody')
    return nobody.pw_name, grp.getgrgid(nobody.pw_gid).gr_name


def _check_reachable(directory, user):
    """As root, IRRd's user must traverse every folder down to its files and Python."""
    for folder in [directory, *directory.parents]:
        if not folder.stat().st_mode & 0o001:
            raise IrrdServerError(f'{folder} is not searchable by others: IRRd, running as '
                                  f'{user}, could not reach {directory}')


def _pg(sql, dbname='postgres'):
    conn = psycopg2.connect(f'{PG_SERVER}/{dbname}')
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


_SOURCE_LINE = re.compile(r'^source:\s*([^\s#]+)', re.MULTILINE | re.IGNORECASE)


def split_by_source(text):
    """{SOURCE: text of its objects} for a mixed dump.

    irrd_load_database refuses a whole file when one object's `source:`
    differs from --source, so a mixed file is split before loading.
    Comment-only paragraphs and objects without `source:` are dropped.
    """
    parts = {}
    for paragraph in re.split(r'\n[ \t]*\n', text):
        match = _SOURCE_LINE.search(paragraph)
        if match:
            parts.setdefault(match.group(1).upper(), []).append(paragraph.strip('\n'))
    return {source: '\n\n'.join(objects) + '\n' for source, objects in parts.items()}


def default_sources():
    """The fixture's data: real test files plus the TC and LACNIC objects above."""
    irrtest = split_by_source(Path(shared_path('irr', 'irrexplorer-irrtest.rpsl')).read_text())
    return {
        'RADB': [irrtest['RADB']],
        'ALTDB': [irrtest['ALTDB']],
        'RIPE': [Path(shared_path('ripe-2016', 'ripe-db-route.txt')),
                 Path(shared_path('ripe-2016', 'ripe-db-route6.txt')),
                 irrtest['RIPE']],
        'TC': [TC_OBJECTS],
        'LACNIC': [LACNIC_OBJECTS],
    }


def _is_text(item):
    """RPSL text (it has a line break) rather than the path of a file."""
    return isinstance(item, str) and '\n' in item


def _write_source(target, items):
    """Concatenate paths (plain or gzip) and texts into one RPSL file."""
    with open(target, 'wb') as out:
        for item in items:
            if _is_text(item):
                out.write(item.encode())
            else:
                with open(item, 'rb') as raw:
                    gzipped = raw.read(2) == b'\x1f\x8b'
                opener = gzip.open if gzipped else open
                with opener(item, 'rb') as data:
                    shutil.copyfileobj(data, out, 1 << 20)
            out.write(b'\n\n')


# -- Redis, spoken directly (RESP) so the test venv needs no redis package ---

class _Redis:
    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.reader = self.sock.makefile('rb')

    def send(self, *args):
        parts = [f'*{len(args)}\r\n'.encode()]
        for arg in args:
            data = str(arg).encode()
            parts.append(b'$%d\r\n%s\r\n' % (len(data), data))
        self.sock.sendall(b''.join(parts))

    def reply(self):
        line = self.reader.readline()
        if not line:
            raise ConnectionError('redis closed the connection')
        kind, rest = line[:1], line[1:].rstrip(b'\r\n')
        if kind == b'-':
            raise RuntimeError(f'redis: {rest.decode()}')
        if kind == b':':
            return int(rest)
        if kind == b'$':
            return None if int(rest) < 0 else self.reader.read(int(rest) + 2)[:-2]
        if kind == b'*':
            return [self.reply() for _ in range(int(rest))]
        return rest

    def command(self, *args):
        self.send(*args)
        return self.reply()

    def close(self):
        self.reader.close()
        self.sock.close()


# -- the instance ----------------------------------------------------------

@dataclass
class IrrdHandle:
    """A running IRRd: where to query it, and load()/stop()."""
    whois_host: str
    whois_port: int
    http_url: str
    sources: list
    workdir: Path
    startup_seconds: float = 0.0
    _owns_workdir: bool = False
    _database: str = ''
    _redis_port: int = 0
    _config: Path = None
    _processes: dict = field(default_factory=dict)
    _loads: int = 0

    # -- paths and logs ---------------------------------------------------
    @property
    def log_path(self):
        return self.workdir / 'run' / 'irrd.log'

    def log_tail(self, lines=40):
        """The end of IRRd's log, its console output and the tools' output."""
        text = []
        logs = [self.log_path, self.workdir / 'irrd.out',
                self.workdir / 'tool.out', self.workdir / 'redis.out']
        for log in logs:
            if log.exists():
                tail = log.read_text(errors='replace').splitlines()[-lines:]
                text += [f'--- {log.name}'] + tail
        return '\n'.join(text) or '(no log written)'

    def _fail(self, message):
        raise IrrdServerError(f'{message}\n{self.log_tail()}')

    def _run_tool(self, what, args):
        try:
            with open(self.workdir / 'tool.out', 'wb') as out:
                done = subprocess.run(args, stdout=out, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._fail(f'{what} took more than {STEP_TIMEOUT:.0f}s')
        if done.returncode != 0:
            self._fail(f'{what} failed with exit code {done.returncode}')

    # -- loading ----------------------------------------------------------
    def _load_files(self, sources, upgrade=False):
        """Load {SOURCE: items} (and first create IRRd's tables when upgrade)."""
        arguments = []
        for source, items in sources.items():
            self._loads += 1
            target = self.workdir / 'sources' / f'{source}-{self._loads}.rpsl'
            _write_source(target, items)
            arguments += [source, str(target)]
        try:
            self._run_tool(f'loading {", ".join(sources)} into IRRd',
                           [_tool('python'), '-c', _LOADER, str(self._config),
                            'upgrade' if upgrade else 'no-upgrade', *arguments])
        finally:
            for target in arguments[1::2]:
                Path(target).unlink(missing_ok=True)

    def load(self, source, *items):
        """Replace every object of `source` with those in items (paths or texts).

        Returns once IRRd's preload store is rebuilt: `!r` answers change at
        once, `!g`/`!6`/`!i`/`!a` within about a second (see the module doc).
        """
        source = source.upper()
        if source not in self.sources:
            raise ValueError(f'unknown source {source}; this IRRd has {self.sources}')
        listener = _Redis(self._redis_port, timeout=READY_TIMEOUT)
        try:
            listener.command('SUBSCRIBE', PRELOAD_COMPLETE)
            self._load_files({source: items})
            # Ask for a full rebuild ourselves: IRRd only rebuilds when route
            # or set classes changed, and we always want one reply to wait for.
            self._redis('PUBLISH', PRELOAD_RELOAD, PRELOAD_RELOAD_ALL)
            while True:
                message = listener.reply()
                if message and message[0] == b'message':
                    return
        except (OSError, ConnectionError) as exc:
            self._fail(f'IRRd did not rebuild its preload store after loading {source}: {exc}')
        finally:
            listener.close()

    def _redis(self, *args):
        conn = _Redis(self._redis_port)
        try:
            return conn.command(*args)
        finally:
            conn.close()

    # -- stopping ---------------------------------------------------------
    def stop(self):
        """Stop IRRd and Redis, drop the database, remove a work folder we made."""
        try:
            for name in ('irrd', 'redis'):
                _stop_process(self._processes.pop(name, None))
            if self._database:
                _pg(f'DROP DATABASE IF EXISTS {self._database} WITH (FORCE)')
                self._database = ''
        finally:
            if self._owns_workdir:
                shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _stop_process(process):
    """SIGTERM the process group (IRRd forks workers), then SIGKILL what is left."""
    if process is None:
        return
    group = process.pid  # the session leader's pid is the group id
    _signal_group(group, signal.SIGTERM)
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + STOP_TIMEOUT
    while _signal_group(group, 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    _signal_group(group, signal.SIGKILL)
    process.wait(STOP_TIMEOUT)


def _signal_group(group, signum):
    """Send signum to the group; False when no process is left in it."""
    try:
        os.killpg(group, signum)
        return True
    except ProcessLookupError:
        return False


def start_irrd(workdir=None, sources=None) -> IrrdHandle:
    """Start a private IRRd with `sources` {NAME: [path or RPSL text, …]} loaded.

    Paths may be gzipped; every object's `source:` must equal its NAME
    (split mixed files with split_by_source()). Fails loudly, with IRRd's
    log, when anything goes wrong; everything started is stopped then.
    """
    started = time.monotonic()
    sources = {name.upper(): items for name, items in (sources or {}).items()}
    owns = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix='janela-irrd-') if owns else workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    whois_port, http_port = free_port(), free_port()
    handle = IrrdHandle(HOST, whois_port, f'http://{HOST}:{http_port}/', sorted(sources),
                        workdir, _owns_workdir=owns)
    try:
        _prepare_folders(workdir)
        _start_redis(handle)
        _create_database(handle)
        handle._config = _write_config(handle, http_port)
        handle._load_files(sources, upgrade=True)
        _start_irrd_process(handle)
        _wait_ready(handle)
    except BaseException:
        handle.stop()  # the error already carries the log tail
        raise
    handle.startup_seconds = time.monotonic() - started
    return handle


def _prepare_folders(workdir):
    account = _irrd_account()
    workdir.chmod(0o755)
    run = workdir / 'run'
    gnupg = workdir / 'gnupg'
    for folder in (run, gnupg, workdir / 'sources', workdir / 'redis'):
        folder.mkdir(exist_ok=True)
    gnupg.chmod(0o700)
    # Created before any tool logs as root, so the dropped IRRd can append.
    (run / 'irrd.log').touch()
    if account:
        _check_reachable(workdir, account[0])
        _check_reachable(IRRD_BIN.resolve(), account[0])
        for item in (run, gnupg, run / 'irrd.log'):
            shutil.chown(item, *account)


def _start_redis(handle):
    try:
        handle._processes['redis'], handle._redis_port = start_redis(
            handle.workdir / 'redis', handle.workdir / 'redis.out')
    except RedisUnavailable as exc:
        handle._fail(str(exc))


def _create_database(handle):
    name = f'janela_irrd_{os.getpid()}_{uuid.uuid4().hex[:8]}'
    _pg(f'CREATE DATABASE {name}')
    handle._database = name
    # IRRd stores password hashes with pgcrypto. It connects as the server's
    # superuser here, which owns the public schema: no role or GRANT needed.
    _pg('CREATE EXTENSION IF NOT EXISTS pgcrypto', dbname=name)


def _write_config(handle, http_port):
    account = _irrd_account()
    owner = f'  user: {account[0]}\n  group: {account[1]}\n' if account else ''
    sources = ''.join(f'    {name}:\n      authoritative: false\n' for name in handle.sources)
    run = handle.workdir / 'run'
    config = handle.workdir / 'irrd.yaml'
    config.write_text(f"""\
# Written by tests/helpers/irrd_server.py for one test instance; not a production setup.
irrd:
  database_url: {PG_SERVER}/{handle._database}
  redis_url: redis://{HOST}:{handle._redis_port}/0
  piddir: {run}
{owner}  server:
    whois:
      interface: {HOST}
      port: {handle.whois_port}
      max_connections: {WHOIS_WORKERS}
    http:
      interface: {HOST}
      port: {http_port}
      url: {handle.http_url}
      workers: {HTTP_WORKERS}
  auth:
    gnupg_keyring: {handle.workdir / 'gnupg'}
  email:
    from: irrd@janela.invalid
    smtp: {HOST}
  rpki:
    roa_source: null
  log:
    logfile_path: {run / 'irrd.log'}
    level: INFO
  sources:
{sources or '    {}'}
""")
    config.chmod(0o644)
    return config


def _start_irrd_process(handle):
    with open(handle.workdir / 'irrd.out', 'wb') as log:
        # Its own session: IRRd forks workers, and stop() signals the group.
        handle._processes['irrd'] = subprocess.Popen(
            [_tool('irrd'), '--config', str(handle._config), '--foreground'],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            cwd=handle.workdir)


def _whois(handle, queries, timeout=5.0):
    """Raw answer bytes to `queries` on one connection (closed by `!q`)."""
    with socket.create_connection((handle.whois_host, handle.whois_port), timeout=timeout) as sock:
        sock.sendall(('!!\n' + ''.join(q + '\n' for q in queries) + '!q\n').encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b''.join(chunks)


def _wait_ready(handle):
    """Whois answers, every worker listens for the preload store, the store is built.

    Each whois worker loads the store into memory when IRRd announces it on
    Redis; a worker that subscribed after that announcement would wait
    forever, so once all are subscribed we announce it once more ourselves.
    """
    deadline = time.monotonic() + READY_TIMEOUT
    process = handle._processes['irrd']
    while time.monotonic() < deadline:
        if process.poll() is not None:
            handle._fail(f'irrd exited with code {process.returncode}')
        if _preload_ready(handle):
            handle._redis('PUBLISH', PRELOAD_COMPLETE, 'complete')
            # !g waits until the worker answering it has the store in memory.
            answer = _whois(handle, ['!v', '!gAS0'], timeout=READY_TIMEOUT)
            if not (answer.startswith(b'A') and b'IRRd' in answer):
                handle._fail(f'unexpected whois answer {answer[:200]!r}')
            _wait_http(handle, deadline)
            return
        time.sleep(0.1)
    handle._fail(f'IRRd not ready on {handle.whois_host}:{handle.whois_port} '
                 f'after {READY_TIMEOUT:.0f}s')


def _wait_http(handle, deadline):
    url = handle.http_url + 'v1/whois/?q=!v'
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200 and b'IRRd' in response.read():
                    return
        except OSError:
            time.sleep(0.1)
    handle._fail(f'IRRd HTTP not answering at {url}')


def _preload_ready(handle):
    try:
        subscribers = handle._redis('PUBSUB', 'NUMSUB', PRELOAD_COMPLETE)[1]
        built = handle._redis('EXISTS', PRELOAD_ROUTE4_KEY)
    except OSError:
        return False
    # Every whois worker and every HTTP worker keeps its own copy of the store.
    if subscribers < WHOIS_WORKERS + HTTP_WORKERS or not built:
        return False
    try:
        _whois(handle, ['!v'], timeout=2.0)
    except OSError:
        return False
    return True


@pytest.fixture(scope='session')
def irrd_server():
    """One IRRd for the session with default_sources() loaded; stopped at the end."""
    handle = start_irrd(sources=default_sources())
    try:
        yield handle
    finally:
        handle.stop()
