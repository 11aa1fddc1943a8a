"""A mix of concurrent writers against a real threaded HTTP server (issue 16).

Used by tests/test_concurrent_writers.py (a fixed number of operations per
writer) and bench/concurrent_writers.py (60 s, latencies). `serve(url, dir)`
makes the app on a new database of either engine, fills it (the maintenance
fixtures' network, a confirmed window, a prefix request, an engineer's user
and API token, the customers' page tokens) and serves it with werkzeug's
threaded server on loopback. `run(world, ...)` starts the eight writers and
the worker, each in its own thread, and returns what they saw (`Answers`).

The writers, one thread each:

- submit:      POST /api/v1/prefix-requests (a new prefix each time)
- patch:       PATCH /api/v1/customers/<id>
- action:      POST /api/v1/prefix-requests/<id>/actions (withdraw, recheck)
- web-edit:    the site edit form, logged in, with its CSRF token
- acknowledge: the customer page's acknowledge form (/c/<token>/acknowledge)
- circuit:     POST then DELETE /api/v1/circuits
- customer:    POST then DELETE /api/v1/customers
- inbound:     a received mail, stored and handled (noc.inbound.receive)

and the worker, passes of Worker.run_once() (windows, mail, delivery of the
outbox to the capture directory) until the writers are done.
"""
import contextlib
import dataclasses
import itertools
import re
import threading
import time
import uuid

import requests
from werkzeug.serving import make_server

from noc import create_app
from noc.core.db import database, init_db

SECRET = 'concurrent-writers-' + 'x' * 40
PASSWORD = 'correct-horse-battery'
WRITERS = ('submit', 'patch', 'action', 'web-edit', 'acknowledge', 'circuit', 'customer',
           'inbound')
# Over HTTP only, and a reader (tests/test_pg_reconnect.py: every answer is a request's).
REQUESTS = ('submit', 'patch', 'action', 'web-edit', 'acknowledge', 'circuit', 'customer',
            'read')


@dataclasses.dataclass
class World:
    app: object
    base: str
    token: str
    tokens: dict
    customer_id: int
    request_id: int
    site_id: int
    site_form: dict
    mail_dir: str


class Answers:
    """Every answer and exception of every thread, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = {}          # (writer, status) -> count
        self.latencies = {}         # writer -> [seconds]
        self.server_errors = []     # (writer, status, body)
        self.errors = []            # 'writer: exception'
        self.worker_errors = []     # the worker's passes that raised
        self.worker_passes = 0
        self.terminated = []        # backends terminated, per round

    def record(self, writer, status, seconds, body=''):
        with self.lock:
            key = (writer, status)
            self.statuses[key] = self.statuses.get(key, 0) + 1
            self.latencies.setdefault(writer, []).append(seconds)
            if status >= 500:
                self.server_errors.append((writer, status, body[:300]))

    def failed(self, writer, exc):
        with self.lock:
            self.errors.append(f'{writer}: {type(exc).__name__}: {exc}')

    @property
    def total(self):
        return sum(self.statuses.values())

    @property
    def ok(self):
        return sum(n for (_, status), n in self.statuses.items() if status < 400)

    def all_latencies(self):
        return sorted(itertools.chain.from_iterable(self.latencies.values()))


def _settings(url, mail_dir):
    return {'app': {'secret_key': SECRET}, 'database': {'url': url},
            'web': {'login_rate_limit': '100000 per minute', 'session_cookie_secure': False},
            'api': {'rate_limit': '1000000 per minute'},
            'mail': {'backend': 'capture', 'capture_dir': mail_dir},
            'prefixes': {'lab': True}}


def _fill(app):
    from helpers.maintenance_fixtures import build_network, confirmed
    from helpers.maintenance_fixtures import settings as area_settings
    from noc.accounts import tokens, users
    from noc.inventory.entities import ENTITIES
    from noc.maintenance import links
    from noc.models import Contact, CustomerAsn, Role
    from noc.routing.prefix_requests import commands
    from noc.routing.settings import RoutingSettings

    net = build_network()
    CustomerAsn.create(customer=net['acme'], asn=64500)
    Contact.create(customer=net['acme'], name='Rede Acme', email='bgp@acme.example.com',
                   role_bgp=True, language='pt_BR')
    circuit = net['circuits']['acme1']
    circuit.bgp_asn = 64500
    circuit.save()
    window = confirmed()
    page_tokens = [links.token(links.state(window, net[name].id), area_settings().secret_key)
                   for name in ('acme', 'globex')]
    routing = RoutingSettings.of(app.config['NOC'])
    request = commands.submit(circuit.id, '3fff:fff::/48', customer_id=net['acme'].id,
                              settings=routing, actor='t', as_set='')
    commands.check_now(routing)
    users.create_user({'username': 'engineer', 'password': PASSWORD,
                       'role': Role.ENGINEER, 'language': 'en'}, actor=None)
    secret = tokens.create({'name': 'writers', 'kind': 'noc', 'role': Role.ENGINEER},
                           'admin')[1]
    site = net['sites']['CTG01']
    entity = ENTITIES['sites']
    form = entity.formatted(entity.read(site))
    return dict(token=secret, tokens=page_tokens, customer_id=net['globex'].id,
                request_id=request.id, site_id=site.id, site_form=form)


@contextlib.contextmanager
def serve(url, directory, fill=True):
    """The app on a new, initialised database at `url`, served on loopback."""
    mail_dir = str(directory / 'mail')
    app = create_app(_settings(url, mail_dir), environ={})
    with app.test_request_context(headers={'Accept-Language': 'en'}):
        database.connect(reuse_if_open=True)
        try:
            init_db(database.obj)
            filled = _fill(app) if fill else {}
        finally:
            database.close()
    server = make_server('127.0.0.1', 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield World(app=app, base=f'http://127.0.0.1:{server.server_port}',
                    mail_dir=mail_dir, **filled)
    finally:
        server.shutdown()
        thread.join()
        database.obj.close_all() if hasattr(database.obj, 'close_all') else None


# -- the writers -------------------------------------------------------------

_numbers = itertools.count(1)


def _csrf(html):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    if not match:
        raise AssertionError('no CSRF token in the page: ' + html[:300])
    return match.group(1)


class Writer:
    def __init__(self, name, world, answers):
        self.name, self.world, self.answers = name, world, answers
        self.http = requests.Session()
        self.api_headers = {'Authorization': f'Bearer {world.token}',
                            'Accept-Language': 'en'}
        self.step = 0

    def call(self, method, path, api=True, **kw):
        headers = {**(self.api_headers if api else {}), **kw.pop('headers', {})}
        started = time.perf_counter()
        answer = self.http.request(method, self.world.base + path, headers=headers,
                                   allow_redirects=False, timeout=120, **kw)
        self.answers.record(self.name, answer.status_code, time.perf_counter() - started,
                            answer.text if answer.status_code >= 500 else '')
        return answer

    def setup(self):
        if self.name == 'web-edit':
            page = self.call('GET', '/login', api=False)
            self.call('POST', '/login', api=False, data={
                'username': 'engineer', 'password': PASSWORD, 'csrf_token': _csrf(page.text)})

    def once(self):
        self.step += 1
        getattr(self, self.name.replace('-', '_'))()

    def submit(self):
        number = next(_numbers) % 4000
        self.call('POST', '/api/v1/prefix-requests', json={
            'circuit': 'JAN-IPT-001', 'prefixes': [f'3fff:{number:03x}::/48']})

    def patch(self):
        self.call('PATCH', f'/api/v1/customers/{self.world.customer_id}',
                  json={'notes': f'changed {self.step} {uuid.uuid4().hex[:6]}'})

    def action(self):
        path = f'/api/v1/prefix-requests/{self.world.request_id}/actions'
        if self.step % 2:       # open or live -> withdrawn; then checked again
            self.call('POST', path, json={'action': 'withdraw', 'all': True,
                                          'reason': f'teste {self.step}'})
        else:
            self.call('POST', path, json={'action': 'recheck', 'all': True})

    def web_edit(self):
        path = f'/inventory/sites/{self.world.site_id}/edit'
        page = self.call('GET', path, api=False)
        form = {**self.world.site_form, 'name': f'Curitiba {self.step}',
                'csrf_token': _csrf(page.text)}
        self.call('POST', path, api=False, data=form)

    def acknowledge(self):
        token = self.world.tokens[self.step % len(self.world.tokens)]
        page = self.call('GET', f'/c/{token}', api=False)
        fields = {'csrf_token': _csrf(page.text), 'email': f'ana{self.step}@acme.example.com'}
        sequence = re.search(r'name="sequence" value="(\d+)"', page.text)
        if sequence:
            fields['sequence'] = sequence.group(1)
        self.call('POST', f'/c/{token}/acknowledge', api=False, data=fields)

    def circuit(self):
        made = self.call('POST', '/api/v1/circuits', json={
            'circuit_id': f'JAN-TMP-{next(_numbers)}', 'customer': 'INI-3',
            'service': 'ip-transit', 'a_site': 'BHZ01', 'segments': ['SPAN-B']})
        if made.status_code == 201:
            self.call('DELETE', f'/api/v1/circuits/{made.json()["id"]}')

    def customer(self):
        made = self.call('POST', '/api/v1/customers', json={
            'account_id': f'TMP-{next(_numbers)}', 'name': 'Temporária', 'kind': 'enterprise'})
        if made.status_code == 201:
            self.call('DELETE', f'/api/v1/customers/{made.json()["id"]}')

    def read(self):
        self.call('GET', '/api/v1/customers?per_page=50')
        self.call('GET', f'/api/v1/prefix-requests/{self.world.request_id}')

    def inbound(self):
        from noc.inbound import receive
        raw = (f'From: Ana Souza <ana@acme.example.com>\r\nTo: noc@janela.example.net\r\n'
               f'Subject: Re: manutencao {self.step}\r\n'
               f'Message-ID: <{uuid.uuid4().hex}@acme.example.com>\r\n'
               'Content-Type: text/plain; charset=utf-8\r\n\r\nCiente, obrigado.\r\n').encode()
        started = time.perf_counter()
        with self.world.app.app_context(), database.connection_context():
            message, _ = receive.receive(raw, 'stdin')
        status = 500 if message.state == 'error' else 200
        self.answers.record(self.name, status, time.perf_counter() - started,
                            message.error or '')


def _writer_thread(writer, operations, deadline, answers, until):
    try:
        writer.setup()
        done = 0
        while (operations is None or done < operations) and \
                (deadline is None or time.monotonic() < deadline) and \
                not (until is not None and until.is_set()):
            try:
                writer.once()
            except Exception as exc:        # an exception fails the mix like a 5xx
                answers.failed(writer.name, exc)
            done += 1
    except Exception as exc:
        answers.failed(writer.name, exc)


def _worker_thread(app, stop, answers):
    from noc.worker import Worker
    worker = Worker(app, name='writers-worker')
    while not stop.is_set():
        try:
            worker.run_once()
            with answers.lock:
                answers.worker_passes += 1
        except Exception as exc:
            with answers.lock:
                answers.worker_errors.append(f'{type(exc).__name__}: {exc}')
        stop.wait(0.05)


def terminator(url, answers_of, times=7, interval=0.5, settle=1.0):
    """`during` for run(): `times` times, every `interval` seconds, terminate
    every backend of the app's database (pg_terminate_backend: the pooled
    connections, idle or in the middle of a statement); then let the load go
    on for `settle` seconds. `answers_of()` gives the run's Answers."""
    import psycopg2
    name = url.rsplit('/', 1)[1]

    def during(done):
        admin = psycopg2.connect(url)
        admin.autocommit = True
        try:
            time.sleep(interval)
            for _ in range(times):
                with admin.cursor() as cursor:
                    cursor.execute('SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity '
                                   'WHERE datname = %s AND pid <> pg_backend_pid()', (name,))
                    answers_of().terminated.append(cursor.fetchone()[0])
                time.sleep(interval)
            time.sleep(settle)
        finally:
            admin.close()
            done.set()
    return during


def run(world, operations=None, seconds=None, writers=WRITERS, during=None, worker=True):
    """Each writer does `operations` operations, or runs for `seconds`; the
    worker runs passes meanwhile. `during(done)`, if given, runs in one more
    thread beside them (backend terminations), and the writers stop when it
    sets `done` (an Event), whatever `operations` and `seconds` say."""
    answers = Answers()
    run.answers = answers           # for a `during` that reports into it
    deadline = time.monotonic() + seconds if seconds else None
    stop, done = threading.Event(), (threading.Event() if during else None)
    worker = threading.Thread(target=_worker_thread, args=(world.app, stop, answers)) \
        if worker else None
    if worker:
        worker.start()
    extra = threading.Thread(target=during, args=(done,)) if during else None
    if extra:
        extra.start()
    threads = [threading.Thread(target=_writer_thread,
                                args=(Writer(name, world, answers), operations, deadline,
                                      answers, done))
               for name in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    if worker:
        worker.join()
    if extra:
        extra.join()
    return answers
