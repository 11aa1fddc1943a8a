"""The rate limiter's in-process counters, without a thread per request.

limits' MemoryStorage schedules its clean-up of expired counters on a
threading.Timer started again whenever the last one has finished, so a
steady API load starts a thread for nearly every request (measured: about
2 ms of a 10 ms status read at 300 requests/s). Here the same clean-up runs
in the calling thread at most once a second. Counters expire on read
anyway (MemoryStorage.get); the sweep only returns memory. The override
names limits' private method, so requirements.txt pins limits and
tests/test_api.py proves no thread starts per request.
"""
import threading
import time

from limits.storage import MemoryStorage

SCHEME = 'janela-memory'


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = [SCHEME]     # registers the scheme with limits' storage_from_string
    SWEEP_EVERY = 1.0             # seconds

    def __init__(self, uri=None, wrap_exceptions=False, **options):
        self._next_sweep = 0.0
        self._sweeping = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self):
        now = time.time()
        if now < self._next_sweep or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + self.SWEEP_EVERY
            self._MemoryStorage__expire_events()
        finally:
            self._sweeping.release()


def storage_uri(uri):
    """The URI to give Flask-Limiter: memory:// becomes this storage."""
    if uri.startswith('memory://'):
        return SCHEME + uri[len('memory'):]
    return uri
