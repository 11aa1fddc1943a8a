"""The PostgreSQL pool: a pooled connection found dead is replaced, and what
its death cost is done again where that cannot repeat a write (issue 16).

noc.core.db opens PostgreSQL with RecentlyTrustedPool; create_app wraps each
request in noc.core.db.retry_lost_connection, which asks the pool whether a
request that failed lost its connection before writing.
"""
import contextlib
import logging
import select
import threading
import time

import peewee
import psycopg2
from playhouse.pool import PooledPostgresqlDatabase
from psycopg2.extensions import TRANSACTION_STATUS_IDLE

from noc.core.errors import JanelaError

log = logging.getLogger('janela.db')


def _is_read(sql):
    """A statement that changes nothing stored: a SELECT (row locks are taken
    only inside a transaction, whose loss rolls them back), a savepoint's, a
    SET, or noc.core.prepared's PREPARE and EXECUTE of a read."""
    sql = sql.lstrip()
    return sql[:6].upper() in ('SELECT', 'SAVEPO', 'RELEAS', 'ROLLBA', 'PREPAR') or \
        sql[:4].upper() == 'SET ' or sql.startswith(PREPARED_READ)


PREPARED_READ = 'EXECUTE janela_read_'
# What txid_status() answers.
TXID_COMMITTED, TXID_ABORTED, TXID_IN_PROGRESS = 'committed', 'aborted', 'in progress'


class ConnectionReplacedError(JanelaError, peewee.OperationalError):
    """A prepared read found its connection dead; the connection was replaced,
    and the statement must be prepared on the new one before it is sent again."""


def _says_something(conn):
    """The server wrote to an idle connection: a terminated backend's FATAL
    and its end of file (no LISTEN here, so nothing else is unasked for)."""
    try:
        poller = select.poll()
        poller.register(conn.fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError, psycopg2.Error):
        return True


class RecentlyTrustedPool(PooledPostgresqlDatabase):
    """The PostgreSQL pool: a dead pooled connection is replaced, and work it
    cost is done again only where that cannot repeat a write.

    Check-out: peewee's pool asks the server (SELECT 1) whether each connection
    it hands out is alive: a round trip per request, a third of the status
    read's. A connection given back idle less than TRUSTED_SECONDS ago is
    handed out without asking when the driver says it is open with no
    transaction and its socket holds nothing unasked for (a backend that was
    terminated, pg_terminate_backend or a restart, has written its FATAL and
    closed: the socket reads); one idle longer, or one whose socket reads, is
    asked as before, and a dead one is dropped.

    In use (a backend killed between check-out and a statement, or during
    one), a connection found closed after a failed statement, or whose socket
    reads before a BEGIN or a statement outside a transaction, is dropped and
    another checked out:

    - at a BEGIN, or at a SELECT outside a transaction, the statement is sent
      again on the new connection (nothing of the caller's was lost);
    - at a COMMIT, the transaction's id (read with its BEGIN) is looked up on
      the new connection: committed, the work goes on; aborted, as below;
    - at a write outside a transaction, or inside a transaction, the error
      goes up (a write may have been applied; a transaction is gone with its
      connection) and the loss is noted: `lost_before_writing()` then says
      whether the request may be run again as a whole, which is when nothing
      it wrote can have committed (no write outside a transaction, no
      transaction that wrote committed or of unknown outcome, repeatable()
      ones aside); create_app's retry_lost_connection does that (RERUNS).
    """
    TRUSTED_SECONDS = 1.0
    REPLACEMENTS = 5
    LOST = (peewee.OperationalError, peewee.InterfaceError)

    def __init__(self, *args, **kwargs):
        self._given_back = {}         # connection key -> monotonic time of check-in
        self._work = threading.local()
        super().__init__(*args, **kwargs)

    def _can_reuse(self, conn):       # check-in, under the pool's lock
        reusable = super()._can_reuse(conn)
        if reusable:
            self._given_back[self.conn_key(conn)] = time.monotonic()
        return reusable

    def _is_closed(self, conn):       # check-out, under the pool's lock
        given_back = self._given_back.pop(self.conn_key(conn), None)
        if (given_back is not None and time.monotonic() - given_back < self.TRUSTED_SECONDS
                and not conn.closed
                and conn.get_transaction_status() == TRANSACTION_STATUS_IDLE
                and not _says_something(conn)):
            return False
        return super()._is_closed(conn)

    # -- what the request did, per thread ---------------------------------------

    def _progress(self):
        work = self._work
        if not hasattr(work, 'wrote'):
            self.work_started()
        return work

    def work_started(self):
        """A request (or any unit of work that may be run again) begins."""
        self._work.wrote = False      # a write may have committed
        self._work.dirty = False      # the open transaction has written
        self._work.lost = False       # its connection died under it
        self._work.xid = None         # the open transaction's id
        self._work.repeatable = False  # its writes may be done twice (repeatable())

    @contextlib.contextmanager
    def repeatable(self):
        """Around a transaction whose writes do no harm done twice."""
        work = self._progress()
        outer, work.repeatable = work.repeatable, True
        try:
            yield
        finally:
            work.repeatable = outer

    def lost_connection(self):
        return self._progress().lost

    def lost_before_writing(self):
        work = self._progress()
        return work.lost and not work.wrote

    def _dead(self):
        conn = self._state.conn
        return not self._state.closed and (conn is None or conn.closed != 0)

    def _dying(self):
        """Dead, or terminated while idle (its socket reads): checked before a
        transaction or a statement outside one is sent (a poll, no round trip),
        so that a write is not sent where its fate could not be known."""
        return self._dead() or (not self._state.closed and _says_something(self._state.conn))

    def _replace(self):
        """Drop this thread's dead connection and check out another (outside a
        transaction only)."""
        log.warning('PostgreSQL connection lost; replaced')
        self.close()                  # the pool drops it: _can_reuse says no
        self.connect()

    # -- the statements -------------------------------------------------------------

    def begin(self, isolation_level=None):
        # The transaction's id comes back with BEGIN (one round trip): should the
        # connection die at COMMIT, txid_status() on the next one tells whether
        # it committed.
        if self._dying():
            self._replace()
        try:
            return self._begin(isolation_level)
        except self.LOST:
            if not self._dead():
                raise
            # Nothing was sent that could count.
            return self._send_again(lambda: self._begin(isolation_level))

    def _begin(self, isolation_level):
        isolation_level = isolation_level or self._isolation_level
        statement = 'BEGIN'
        if isolation_level:
            statement += ' TRANSACTION ISOLATION LEVEL ' + \
                self._adapter.isolation_level_str(isolation_level)
        with peewee.__exception_wrapper__:
            cursor = self.cursor()
            cursor.execute(statement + '; SELECT txid_current()')
            self._progress().xid = cursor.fetchone()[0]

    def execute_sql(self, sql, params=None):
        work = self._progress()
        read = _is_read(sql)
        if self.in_transaction():
            work.dirty = work.dirty or not read
            try:
                return super().execute_sql(sql, params)
            except self.LOST:
                if self._dead():
                    work.lost = True
                raise
        prepared = sql.lstrip()[:7].upper() in ('EXECUTE', 'PREPARE')
        if self._dying():             # known dead before anything is sent: replace
            self._replace()
            if prepared:              # named on the old connection only
                raise ConnectionReplacedError('connection replaced: prepare again')
        work.wrote = work.wrote or not read
        try:
            return super().execute_sql(sql, params)
        except self.LOST:
            if not self._dead():
                raise
            if not read:              # it may have been applied: never sent twice
                work.lost = True
                raise
            if prepared:
                self._replace()
                raise ConnectionReplacedError('connection replaced: prepare again') from None
            return self._send_again(lambda: super(RecentlyTrustedPool, self).execute_sql(
                sql, params))

    def _send_again(self, send):
        """Replace the dead connection and send again, on as many new ones as
        it takes (several at most): terminating every backend at once can
        leave the next pooled one dying too."""
        for attempt in range(1, self.REPLACEMENTS + 1):
            self._replace()
            try:
                return send()
            except self.LOST:
                if not self._dead() or attempt == self.REPLACEMENTS:
                    raise
        return None

    def commit(self):
        work = self._progress()
        before = work.wrote
        work.wrote = work.wrote or (work.dirty and not work.repeatable)
        work.dirty = False
        try:
            return super().commit()
        except self.LOST:
            if not self._dead():
                raise
            committed = self._committed(work.xid)
            if committed:                       # it did: the work goes on
                log.warning('PostgreSQL connection lost at COMMIT, which had committed')
                return None
            if committed is False:              # nothing of it stayed
                work.wrote = before
            work.lost = True
            raise

    def _committed(self, xid):
        """Whether the transaction `xid`, whose connection died, committed:
        True, False, or None when that cannot be known; asked on a new
        connection with txid_status() (PostgreSQL's words, not Janela's)."""
        if xid is None:
            return None
        try:
            self._replace()
            for _ in range(20):
                said = self.execute_sql('SELECT txid_status(%s)', (xid,)).fetchone()[0]
                if said != TXID_IN_PROGRESS:
                    return {TXID_COMMITTED: True, TXID_ABORTED: False}.get(said)
                time.sleep(0.05)
        except self.LOST:
            pass
        return None

    def rollback(self):
        work = self._progress()
        work.dirty = False
        try:
            return super().rollback()
        except self.LOST:
            if not self._dead():
                raise
            # The server rolled it back when the connection died; the error
            # that brought us here is the one to report.
            work.lost = True
