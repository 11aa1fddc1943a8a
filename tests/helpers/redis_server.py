"""A throw-away redis-server on a free loopback port (Debian's redis-server,
installed by scripts/test-services.sh): for the rate limiter's shared
counters and for IRRd's own Redis. Nothing is kept on disk."""
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

HOST = '127.0.0.1'
READY_SECONDS = 30


class RedisUnavailable(RuntimeError):
    pass


def _free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def ping(port):
    """True when a Redis answers PING on the port (RESP spoken directly)."""
    try:
        with socket.create_connection((HOST, port), timeout=1) as sock:
            sock.sendall(b'*1\r\n$4\r\nPING\r\n')
            return sock.recv(16).startswith(b'+PONG')
    except OSError:
        return False


def start_redis(folder, log_path):
    """-> (Popen, port) once the server answers PING; RedisUnavailable if not."""
    binary = (shutil.which('redis-server')
              or shutil.which('redis-server', path='/usr/sbin:/usr/bin'))
    if not binary:
        raise RedisUnavailable('redis-server is not installed (Debian package redis-server; '
                               'scripts/test-services.sh installs it)')
    port = _free_port()
    with open(log_path, 'wb') as log:
        process = subprocess.Popen(
            [binary, '--bind', HOST, '--port', str(port), '--save', '', '--appendonly', 'no',
             '--maxmemory', '2gb', '--dir', str(folder)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RedisUnavailable(f'redis-server exited with {process.returncode}; '
                                   f'see {log_path}')
        if ping(port):
            return process, port
        time.sleep(0.05)
    process.kill()
    raise RedisUnavailable('redis-server did not answer PING')


@pytest.fixture(scope='session')
def redis_url():
    folder = tempfile.mkdtemp(prefix='janela-redis-')
    process, port = start_redis(folder, f'{folder}/redis.out')
    yield f'redis://{HOST}:{port}/0'
    process.terminate()
    process.wait(10)
    shutil.rmtree(folder, ignore_errors=True)
