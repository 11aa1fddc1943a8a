"""The background worker: one loop that keeps the clock-driven work going.

Each pass: move windows along their status at start and end, queue the
reminders that are due, fetch the maintenance mailbox (IMAP) and handle what
came in, load the RPKI and IRR sources that are due, check new prefix
requests and revalidate tracked prefixes, then deliver the outbox in
batches until nothing is due. `flask --app app noc worker` runs it; `make run` runs it in a thread
beside the web server. Stopping (SIGTERM, Ctrl-C) finishes the message in
flight and exits.
"""
import logging
import os
import socket
import threading
import time

from noc.core.db import database
from noc.inbound import imap
from noc.inbound import receive as inbound
from noc.mail import outbox, transport
from noc.maintenance import settings as maintenance_settings
from noc.maintenance import window_commands
from noc.models import MessageState, utcnow
from noc.routing import tasks as routing_tasks
from noc.routing.settings import RoutingSettings

log = logging.getLogger('janela.worker')
# A result this worker could not record: another worker holds the message now.
LOST = 'claim-lost'


class Worker:
    def __init__(self, app, name=None):
        self.app = app
        self.name = name or f'{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}'
        self.stopping = threading.Event()

    @property
    def conf(self):
        return self.app.config['NOC']

    def advance_windows(self, now):
        """Windows along their status at start and end; one window that cannot
        move (its notices cannot be written) is logged and the others move."""
        settings = maintenance_settings.of_app(self.app)
        moved = window_commands.advance(settings, now, on_error=self._window_error)
        for window in moved:
            log.info('%s is now %s', window.reference, window.status)
        return len(moved)

    def queue_reminders(self, now):
        return window_commands.remind_due(maintenance_settings.of_app(self.app), now,
                                          on_error=self._window_error)

    @staticmethod
    def _window_error(window_id, exc):
        log.error('window %s: %s: %s; trying again next pass', window_id,
                  type(exc).__name__, exc, exc_info=exc)

    def fetch_mail(self, now=None):
        """Poll the maintenance mailbox (when configured) and handle what is stored
        but not handled yet; an unreachable server waits for the next pass."""
        done = {}
        conf = self.conf['inbound']
        if conf['imap_host']:
            try:
                done = {f'mail_{k}': v for k, v in imap.poll(conf, now).items()}
            except imap.ImapError as exc:
                log.warning('IMAP: %s; trying again next pass', exc)
                done = {'mail_error': 1}
            except Exception:
                log.exception('IMAP poll failed; trying again next pass')
                done = {'mail_error': 1}
        handled = inbound.process_pending(now=now)
        if handled:
            done['mail_pending'] = len(handled)
        return done

    def keep_routing(self, now):
        """RPKI and IRR loads, checks and revalidation; trouble here is logged and
        must not keep the outbox from being delivered."""
        try:
            return routing_tasks.run(RoutingSettings.of(self.conf), now)
        except Exception:
            log.exception('routing work failed; trying again next pass')
            return {'routing_error': 1}

    def _record(self, message, result, now=None):
        """Each result in its own commit, right away: a crash loses at most one.
        Only while this worker still holds the claim (the fencing token)."""
        mail = self.conf['mail']
        with database.atomic():
            if result.state == MessageState.SENT:
                done = outbox.mark_sent(message, result.detail, now)
            elif result.state == MessageState.FAILED:
                done = outbox.mark_failed(message, result.detail)
            else:
                done = outbox.mark_retry(message, result.detail, mail['retry_for_hours'],
                                         mail['max_retry_minutes'], now)
        if not done:
            log.warning('message %s: %s, but its claim was taken over before it was marked',
                        message.id, result.state)
            result = transport.Result(LOST, result.detail)
        elif result.state == MessageState.FAILED:
            log.warning('message %s to %s failed: %s', message.id, message.recipient,
                        result.detail)
        self.results[result.state] = self.results.get(result.state, 0) + 1

    def _take(self, batch, lease, now):
        """`take` for the transport: right before each message goes to the server,
        check the claim is still ours and renew its lease, and the rest of the
        batch's every third of a lease; a message taken over is skipped."""
        renewed = [time.monotonic()]

        def take(message):
            batch.pop(message.id, None)
            if time.monotonic() - renewed[0] > lease / 3:
                outbox.renew(list(batch.values()), now)
                renewed[0] = time.monotonic()
            if outbox.hold(message, now):
                return True
            log.warning('message %s: claim taken over by another worker; not sent', message.id)
            self.results[LOST] = self.results.get(LOST, 0) + 1
            return False
        return take

    def deliver_outbox(self, now=None):
        """Send every due message, batch after batch; returns counts by result.

        `now` is for tests that replay hours of passes; the clock otherwise.
        """
        self.results = {}
        lease = self.conf['worker']['claim_lease_seconds']
        while not self.stopping.is_set():
            batch = outbox.claim(self.name, self.conf['mail']['batch_size'], lease, now)
            if not batch:
                break
            transport.deliver(self.app, batch,
                              lambda message, result: self._record(message, result, now),
                              self._take({m.id: m for m in batch}, lease, now))
            if self.results.get(transport.RETRY):
                break       # the server is unwell: wait for the next pass
        return self.results

    @staticmethod
    def _chore(name, work, *args):
        """One chore of a pass: trouble in it is logged and the pass goes on, so
        that nothing keeps the outbox from being delivered."""
        try:
            return work(*args)
        except Exception:
            log.exception('%s failed; trying again next pass', name)
            return {f'{name}_error': 1}

    def run_once(self, now=None):
        """One pass; returns what it did (for the CLI and tests)."""
        with self.app.app_context(), database.connection_context():
            fixed_clock = now is not None
            now = now or utcnow()
            done = {}
            for name, work, args in (
                    ('windows', lambda: {'windows': self.advance_windows(now)}, ()),
                    ('reminders', lambda: {'reminders': self.queue_reminders(now)}, ()),
                    ('mail', self.fetch_mail, (now if fixed_clock else None,)),
                    ('routing', self.keep_routing, (now,)),
                    ('outbox', self.deliver_outbox, (now if fixed_clock else None,))):
                done.update(self._chore(name, work, *args))
            return done

    def run_forever(self):
        interval = self.conf['worker']['interval_seconds']
        log.info('worker %s started (every %d s)', self.name, interval)
        while not self.stopping.is_set():
            try:
                self.run_once()
            except Exception:       # one bad pass must not stop the worker
                log.exception('worker pass failed; trying again in %d s', interval)
            self.stopping.wait(interval)

    def stop(self):
        self.stopping.set()


def start_thread(app):
    """The worker beside the development server (`make run`)."""
    worker = Worker(app)
    thread = threading.Thread(target=worker.run_forever, name='janela-worker', daemon=True)
    thread.start()
    return worker
