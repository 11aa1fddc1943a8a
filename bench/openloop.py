"""An open-loop HTTP/1.1 load generator over keep-alive sockets (asyncio, no mock).

Requests go out at fixed intended times (start + i / rate) whatever the
server does; each one's latency is measured from its intended time, not from
when a connection became free, so a server that stalls is charged for the
requests queued behind the stall (no coordinated omission). Connections are
kept alive and reused; a server that closes after each response (gunicorn's
sync worker) gets a new connection per request, which is then part of the
latency, as it is for a real client.
"""
import asyncio
import math
import time
from dataclasses import dataclass, field


@dataclass
class Call:
    """One request: its path, its bearer secret, and `check(status, body)` ->
    None when the answer is right, else what is wrong."""
    path: str
    secret: str
    check: object
    kind: str = ''


@dataclass
class Report:
    rate: float
    seconds: float
    sent: int = 0
    latencies_ms: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    wrong: list = field(default_factory=list)      # (path, what is wrong), a sample
    wrong_count: int = 0
    failures: int = 0                              # no answer: reset, timeout
    failure_kinds: dict = field(default_factory=dict)
    connects: int = 0
    answered_all: int = 0                          # warm-up included
    elapsed: float = 0.0
    client_cpu: float = 0.0
    late_sends: int = 0                            # sent over 5 ms after their time

    @property
    def achieved(self):
        return len(self.latencies_ms) / self.elapsed if self.elapsed else 0.0

    def percentile(self, share):
        """Nearest rank."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    @property
    def errors(self):
        return self.failures + self.wrong_count


class _Pool:
    def __init__(self, host, port, limit):
        self.host, self.port, self.limit = host, port, limit
        self.idle = []
        self.open = 0
        self.freed = asyncio.Condition()
        self.connects = 0

    async def take(self):
        """-> (connection, reused)."""
        async with self.freed:
            while not self.idle and self.open >= self.limit:
                await self.freed.wait()
            if self.idle:
                return self.idle.pop(), True
            self.open += 1
        return await self.fresh(), False

    async def fresh(self):
        """A new connection in a slot already counted in `open`; the slot is
        given back if connecting fails or is cancelled (a timeout)."""
        try:
            conn = await asyncio.open_connection(self.host, self.port)
        except BaseException:
            await self.drop(None)
            raise
        self.connects += 1
        return conn

    async def give(self, conn):
        async with self.freed:
            self.idle.append(conn)
            self.freed.notify()

    async def drop(self, conn):
        if conn is not None:
            conn[1].close()
        async with self.freed:
            self.open -= 1
            self.freed.notify()

    def close(self):
        for _, writer in self.idle:
            writer.close()


async def _exchange(conn, raw):
    """Send one request, read one response -> (status, body, server closes)."""
    reader, writer = conn
    writer.write(raw)
    head = await reader.readuntil(b'\r\n\r\n')
    lines = head.decode('latin-1').split('\r\n')
    status = int(lines[0].split(' ', 2)[1])
    length, closes = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(':')
        name = name.strip().lower()
        if name == 'content-length':
            length = int(value)
        elif name == 'connection' and value.strip().lower() == 'close':
            closes = True
    body = await reader.readexactly(length) if length else b''
    return status, body, closes


_NO_ANSWER = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError,
              ValueError, IndexError)


async def _one(pool, call, raw, intended, record, timeout):
    conn = None
    try:
        async with asyncio.timeout(timeout):
            conn, reused = await pool.take()
            try:
                status, body, closes = await _exchange(conn, raw)
            except (OSError, asyncio.IncompleteReadError):
                if not reused:
                    raise
                # The server closed an idle keep-alive connection (gthread's
                # keepalive is 2 s): retry once on a new one, as clients do.
                conn[1].close()
                conn = None
                conn = await pool.fresh()
                status, body, closes = await _exchange(conn, raw)
    except _NO_ANSWER as exc:
        if conn is not None:
            await pool.drop(conn)
        record(call, intended, None, type(exc).__name__)
        return
    if closes:
        await pool.drop(conn)
    else:
        await pool.give(conn)
    record(call, intended, status, body)


def _raw(call, host, port):
    return (f'GET {call.path} HTTP/1.1\r\nHost: {host}:{port}\r\n'
            f'Authorization: Bearer {call.secret}\r\nAccept: application/json\r\n'
            'User-Agent: janela-bench\r\n\r\n').encode('ascii')


async def run(host, port, calls, rate, warmup=5.0, connections=64, timeout=10.0):
    """Send `calls` (cycled) at `rate` per second; the first `warmup` seconds are
    sent but not recorded. -> Report of the recorded part."""
    count = len(calls)
    raws = [_raw(c, host, port) for c in calls]
    report = Report(rate=rate, seconds=count / rate - warmup)
    pool = _Pool(host, port, connections)
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.05
    recorded_from = start + warmup
    last_done = [start]

    def record(call, intended, status, body):
        now = loop.time()
        last_done[0] = max(last_done[0], now)
        report.answered_all += status is not None
        if intended < recorded_from:
            return
        if status is None:
            report.failures += 1
            report.failure_kinds[body] = report.failure_kinds.get(body, 0) + 1
            return
        report.latencies_ms.append((now - intended) * 1000)
        report.statuses[status] = report.statuses.get(status, 0) + 1
        wrong = call.check(status, body)
        if wrong:
            report.wrong_count += 1
            if len(report.wrong) < 10:
                report.wrong.append((call.path, wrong))

    cpu = time.process_time()
    tasks = set()
    for i in range(count):
        intended = start + i / rate
        delay = intended - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        elif delay < -0.005 and intended >= recorded_from:
            report.late_sends += 1
        task = asyncio.ensure_future(_one(pool, calls[i], raws[i], intended, record, timeout))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        report.sent += intended >= recorded_from
    if tasks:
        await asyncio.wait(set(tasks))
    # The rate achieved: answers recorded over the time from the first
    # recorded intended send to the last answer.
    report.elapsed = last_done[0] - recorded_from
    report.client_cpu = time.process_time() - cpu
    report.connects = pool.connects
    pool.close()
    return report


def drive(host, port, calls, rate, warmup=5.0, connections=64, timeout=10.0):
    return asyncio.run(run(host, port, calls, rate, warmup, connections, timeout))
