"""A client for IRRd's whois query language over one persistent connection.

IRRd (NTTCOM, RADB, TC and most IRR mirrors run it) answers `!` queries
with `A<length>` + data + `C`, a bare `C` (done, nothing to say), `D` (no
such key) or `F <message>` (refused). `!!` keeps the connection open for
many queries, so revalidating thousands of prefixes costs one connection.

Queries go over a raw socket: Debian's `whois` client lower-cases them
(`,M` becomes `,m`). Every parameter is checked before it is sent, since a
line break in a prefix or set name would smuggle in a second query.
"""
import io
import ipaddress
import json
import re
import socket
from dataclasses import dataclass

from noc.core.errors import JanelaError
from noc.routing.irr import rpsl
from noc.routing.irr.rpsl import RouteObject, parse_asn

__all__ = ['IrrdError', 'RouteObject', 'SourceSerials', 'WhoisClient', 'parse_asn']

# Set names: AS-FOO, AS64500:AS-CUSTOMERS, RS-FOO (IRRd answers !i for both).
_SET_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9_.:-]*')
_SOURCE_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9_-]*')


class IrrdError(JanelaError):
    """The IRRd server could not answer: unreachable, silent, refused, or garbled."""


@dataclass(frozen=True)
class SourceSerials:
    """One line of `!j`: whether the source keeps a journal, its serial range.

    Mirrored sources move their newest serial with every change; sources
    loaded from files show none (then database_status() tells when their
    data last changed).
    """
    keep_journal: bool
    oldest: int | None
    newest: int | None
    last_export: int | None


class WhoisClient:
    """`with WhoisClient(host, port) as irr: irr.origins('192.0.2.0/24')`.

    Connects at the first query. A connection the server dropped (IRRd
    closes idle ones) is reopened once per query; a second failure, a
    timeout, a refused connection or an `F` answer raises IrrdError.
    """

    def __init__(self, host, port=43, timeout=10.0, sources=None):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.sources = [_checked(s, _SOURCE_NAME, 'source').upper() for s in sources or []]
        self._sock = None
        self._reader = None
        # Connections opened so far: a reconnect shows here (and in tests).
        self.connections = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def server(self):
        return f'IRRd {self.host}:{self.port}'

    # -- connection -------------------------------------------------------
    def _connect(self):
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except ConnectionRefusedError:
            raise IrrdError(f'{self.server}: connection refused') from None
        except TimeoutError:
            raise IrrdError(f'{self.server}: no connection within {self.timeout:g} s') from None
        except OSError as exc:
            raise IrrdError(f'{self.server}: cannot connect ({exc})') from None
        self._reader = self._sock.makefile('rb')
        self.connections += 1
        # !! answers nothing; !s answers C, which also proves the server speaks IRRd.
        self._sock.sendall(b'!!\n')
        if self.sources:
            try:
                self._exchange('!s' + ','.join(self.sources))
            except IrrdError:
                self._drop()  # without its sources the connection must not be used
                raise

    def close(self):
        """Say goodbye (`!q`) and close; harmless when not connected."""
        if self._sock is None:
            return
        try:
            self._sock.sendall(b'!q\n')
        except OSError:
            pass
        self._drop()

    def _drop(self):
        if self._sock is not None:
            self._reader.close()
            self._sock.close()
        self._sock = self._reader = None

    # -- one query --------------------------------------------------------
    def query(self, text):
        """Send one `!` query -> its data ('' for C) or None for D."""
        _one_query(text)
        return self._retrying(lambda: self._exchange(text), repr(text))

    def _retrying(self, work, asked):
        """work() on a connection, opened if needed; a dropped connection is
        reopened once (IRRd closes idle ones), every other failure is IrrdError."""
        for attempt in (1, 2):
            try:
                if self._sock is None:
                    self._connect()
                return work()
            except ConnectionError as exc:
                self._drop()
                if attempt == 2:
                    raise IrrdError(f'{self.server}: connection lost twice '
                                    f'answering {asked} ({exc})') from None
            except TimeoutError:
                self._drop()
                raise IrrdError(f'{self.server}: no answer within {self.timeout:g} s '
                                f'to {asked}') from None
            except OSError as exc:
                self._drop()
                raise IrrdError(f'{self.server}: {exc} while asking {asked}') from None

    def _exchange(self, text):
        self._sock.sendall(text.encode() + b'\n')
        return self._answer(text)

    def _answer(self, text):
        line = self._reader.readline()
        if not line:
            raise ConnectionError('closed by the server')
        kind, rest = line[:1], line[1:].strip()
        if kind == b'A':
            return self._data(text, rest)
        if kind == b'C':
            return ''
        if kind == b'D':
            return None
        if kind == b'F':
            raise IrrdError(f'{self.server} refused {text!r}: '
                            f'{rest.decode(errors="replace") or "no reason given"}')
        raise IrrdError(f'{self.server}: unexpected answer {line[:80]!r} to {text!r}')

    def _data(self, text, length):
        if not length.isdigit():
            raise IrrdError(f'{self.server}: bad answer length {length[:20]!r} to {text!r}')
        size = int(length)
        data = self._reader.read(size)
        if len(data) < size:
            raise ConnectionError('closed in the middle of an answer')
        end = self._reader.readline()
        if not end:
            raise ConnectionError('closed before the end of an answer')
        if end.strip() != b'C':
            raise IrrdError(f'{self.server}: answer to {text!r} did not end with C')
        return data.decode('utf-8', errors='replace').rstrip('\n')

    def query_many(self, texts, window=200):
        """Answers to many `!` queries, in order, pipelined: `window` queries are
        sent before their answers are read, so thousands of lookups cost the
        server's time, not thousands of round trips."""
        texts = list(texts)
        for text in texts:
            _one_query(text)
        answers = []
        for start in range(0, len(texts), window):
            chunk = texts[start:start + window]

            def exchange(chunk=chunk):
                # A broken chunk is asked again whole: its answers only count together.
                self._sock.sendall(''.join(t + '\n' for t in chunk).encode())
                return [self._answer(t) for t in chunk]
            answers += self._retrying(exchange, f'{len(chunk)} queries from {chunk[0]!r}')
        return answers

    # -- what the NOC asks ------------------------------------------------
    def prefixes_by_source(self, asns_by_family, sources, window=200) -> dict:
        """{(source, family, asn): prefixes of its route/route6 objects} for many
        origins, with `!g`/`!6` (IRRd answers them from its preloaded index,
        several times faster than `!r`), one source at a time: each batch of
        queries starts with its own `!s`, so a reconnect mid-way cannot mix
        sources. The connection's own sources are set again afterwards (a
        client without sources of its own is left on all of `sources`)."""
        found = {}
        for source in sources:
            source = _checked(source, _SOURCE_NAME, 'source').upper()
            for family, asns in sorted(asns_by_family.items()):
                command = '!g' if family == 4 else '!6'
                asns = sorted(asns)
                for start in range(0, len(asns), window - 1):
                    part = asns[start:start + window - 1]
                    answers = self.query_many(
                        [f'!s{source}'] + [f'{command}AS{int(a)}' for a in part], window=window)
                    for asn, answer in zip(part, answers[1:]):
                        found[(source, family, asn)] = set((answer or '').split())
        # Back to the connection's sources (or, without any, all those asked).
        self.query_many(['!s' + ','.join(self.sources or [str(x).upper() for x in sources])])
        return found

    def route_objects_many(self, prefixes) -> dict:
        """{prefix: [RouteObject]} for many exact prefixes, pipelined."""
        prefixes = list(prefixes)
        answers = self.query_many([f'!r{_prefix(p)}' for p in prefixes])
        return {prefix: list(rpsl.routes(rpsl.iter_objects(io.StringIO(answer))))
                if answer else [] for prefix, answer in zip(prefixes, answers)}

    def route_objects(self, prefix) -> list[RouteObject]:
        """The route/route6 objects for exactly `prefix`, in every source asked."""
        answer = self.query(f'!r{_prefix(prefix)}')
        if not answer:
            return []
        objects = rpsl.iter_objects(io.StringIO(answer))
        return list(rpsl.routes(objects))

    def origins(self, prefix) -> set[int]:
        """The origin ASes of the route objects for exactly `prefix`."""
        answer = self.query(f'!r{_prefix(prefix)},o')
        return {parse_asn(word) for word in (answer or '').split()}

    def as_set_members(self, name, recursive=True) -> set[str]:
        """Members of an as-set ('AS64500' and, when not recursive, set names).

        IRRd answers D both for an unknown set and for one without members;
        either way the answer is an empty set. Recursion is IRRd's own: it
        stops at sets already seen, so loops end.
        """
        name = _checked(name, _SET_NAME, 'set name').upper()
        answer = self.query(f'!i{name},1' if recursive else f'!i{name}')
        return set((answer or '').split())

    def prefixes_of(self, asn, family=4) -> set[str]:
        """Prefixes of the route (family 4) or route6 (family 6) objects of an AS."""
        if family not in (4, 6):
            raise ValueError(f'family must be 4 or 6, not {family!r}')
        command = '!g' if family == 4 else '!6'
        answer = self.query(f'{command}AS{parse_asn(asn)}')
        return set((answer or '').split())

    def source_status(self) -> dict[str, SourceSerials]:
        """`!j-*`: {SOURCE: SourceSerials} for every source the server has."""
        status = {}
        for line in (self.query('!j-*') or '').splitlines():
            parts = line.strip().split(':')
            if len(parts) >= 3 and parts[1] in ('Y', 'N'):
                status[parts[0].upper()] = _serials(parts)
        return status

    def database_status(self) -> dict:
        """`!J-*`: IRRd's JSON status per source (e.g. `rpsl_data_updated`)."""
        answer = self.query('!J-*')
        try:
            return json.loads(answer) if answer else {}
        except ValueError:
            raise IrrdError(f'{self.server}: !J-* did not answer JSON') from None


def _one_query(text):
    if not text.startswith('!') or any(c in text for c in '\r\n\0'):
        raise ValueError(f'not one IRRd query: {text!r}')


def _serials(parts):
    oldest = newest = None
    if '-' in parts[2] and parts[2] != '-':
        first, _, last = parts[2].partition('-')
        oldest, newest = int(first), int(last)
    export = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else None
    return SourceSerials(parts[1] == 'Y', oldest, newest, export)


def _checked(value, pattern, what):
    text = str(value).strip()
    if not pattern.fullmatch(text):
        raise ValueError(f'not a valid {what}: {value!r}')
    return text


def _prefix(prefix):
    """Canonical text of a prefix; ValueError for anything else (host bits too)."""
    text = str(prefix).strip()
    if '/' not in text:
        raise ValueError(f'not a prefix (no length): {prefix!r}')
    return ipaddress.ip_network(text).compressed
