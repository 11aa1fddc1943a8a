"""A real StayRTR on loopback for tests (Debian's stayrtr as a subprocess).

StayRTR reads a VRP JSON file and serves it two ways: RTR (RFC 8210) to
routers and RTR clients such as rtrlib's rpki-rov, and HTTP, re-exported as
JSON at /rpki.json on its metrics address. Tests use both: the HTTP export
is a real validator endpoint to fetch VRPs from, and RTR feeds an
independent RFC 6811 implementation (rtrlib) to compare our answers with.

    server = start_stayrtr('/path/vrps.json')   # waits until it serves
    server.rtr_port, server.http_url            # 'http://127.0.0.1:N/rpki.json'
    server.stop()

`-checktime=false` lets it serve exports older than 24 hours (all test
data is). StayRTR leaves VRPs whose 'expires' has passed out of RTR but not
out of /rpki.json. The stayrtr package must be installed; a missing binary
fails the tests that need it rather than skipping them.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from helpers.shared_data import path
from helpers.smtp_server import free_port

HOST = '127.0.0.1'
READY_TIMEOUT = 20.0
STOP_TIMEOUT = 10.0


def stayrtr_binary():
    found = shutil.which('stayrtr') or shutil.which('stayrtr', path='/usr/bin:/usr/sbin')
    if not found:
        raise RuntimeError('stayrtr is not installed; install the Debian package stayrtr '
                           '(scripts/test-services.sh)')
    return found


class StayRtr:
    """One stayrtr process serving one VRP file on free loopback ports."""

    def __init__(self, vrp_file):
        self.vrp_file = os.path.abspath(vrp_file)
        self.rtr_port = free_port()
        self.http_port = free_port()
        self.http_url = f'http://{HOST}:{self.http_port}/rpki.json'
        self.directory = Path(tempfile.mkdtemp(prefix='janela-stayrtr-'))
        self.log_path = self.directory / 'stayrtr.log'
        self._process = None

    def start(self):
        command = [stayrtr_binary(), '-bind', f'{HOST}:{self.rtr_port}', '-cache', self.vrp_file,
                   '-metrics.addr', f'{HOST}:{self.http_port}', '-checktime=false',
                   '-refresh', '3600']
        with open(self.log_path, 'ab') as log:
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                             stderr=log, cwd=self.directory,
                                             start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_ready(self):
        """Return once the JSON export answers and RTR accepts connections.

        StayRTR loads the file before it opens the RTR port, so an open
        port means the VRPs are there."""
        deadline = time.monotonic() + READY_TIMEOUT
        last_error = None
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f'stayrtr exited with {self._process.returncode}\n'
                                   + self.log_tail())
            try:
                with urllib.request.urlopen(self.http_url, timeout=2) as answer:
                    answer.read()
                with socket.create_connection((HOST, self.rtr_port), timeout=2):
                    return
            except (OSError, urllib.error.URLError) as exc:
                last_error = exc
            time.sleep(0.05)
        raise RuntimeError(f'stayrtr not ready after {READY_TIMEOUT:.0f}s ({last_error})\n'
                           + self.log_tail())

    def log_tail(self, lines=30):
        if not self.log_path.exists():
            return '(stayrtr wrote no log)'
        return '\n'.join(self.log_path.read_text(errors='replace').splitlines()[-lines:])

    def stop(self):
        """Stop stayrtr (its whole process group) and remove its directory."""
        if self._process is not None:
            _signal_group(self._process.pid, signal.SIGTERM)
            try:
                self._process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                _signal_group(self._process.pid, signal.SIGKILL)
                self._process.wait(STOP_TIMEOUT)
            self._process = None
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _signal_group(group, signum):
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        pass


def start_stayrtr(vrp_file):
    """A started StayRtr serving vrp_file (an rpki-client style JSON file)."""
    return StayRtr(vrp_file).start()


@pytest.fixture(scope='session')
def stayrtr_server():
    """StayRTR serving the shared rpki/stayrtr-test.rpki.json (19 VRPs) for the session."""
    server = start_stayrtr(path('rpki', 'stayrtr-test.rpki.json'))
    try:
        yield server
    finally:
        server.stop()
