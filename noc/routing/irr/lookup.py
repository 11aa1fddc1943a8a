"""The IRR facts about prefixes, from the loaded dumps and the IRRd servers.

One lookup serves one validation run: it keeps one whois connection per
server (IRRd's `!!` persistent mode) and remembers AS-SET expansions, so
revalidating thousands of prefixes costs one connection, not thousands. A
server that fails is recorded and skipped for the rest of the run; the facts
then say which sources could not be read.
"""
from collections import defaultdict

from noc.routing.irr import registries
from noc.routing.irr import store as irr_store
from noc.routing.irr.irrd import IrrdError, WhoisClient
from noc.routing.policy.checks import IrrFacts

MAX_SET_DEPTH = 32
# From this many prefixes on, route objects are found per origin and source
# (!g/!6, preloaded in IRRd) instead of per prefix (!r): revalidating 20,000
# prefixes of 2,000 origins costs a few thousand fast queries, not 20,000 slow ones.
BATCH_FROM = 200


def host_port(text):
    host, _, port = text.rpartition(':')
    if host and port.isdigit() and not text.endswith(']'):
        return host.strip('[]'), int(port)
    return text.strip('[]'), 43


def _asn(member):
    text = member.upper()
    if text.startswith('AS') and text[2:].isdigit():
        return int(text[2:])
    return None


class IrrLookup:
    def __init__(self, irr):
        """`irr`: the [irr] settings (servers, their sources, timeout, registries)."""
        self.servers = [host_port(s) for s in irr['servers']]
        self.sources = list(irr['server_sources'])
        self.timeout = irr['timeout_seconds']
        self.registry_sources = irr['registry_sources']
        self.local = irr_store.has_data()
        self._clients = {}
        self.failed = {}
        self.asked = set()
        # Prefixes whose other origins were not looked up (per-origin batches).
        self.partial = set()
        self._sets = {}

    # -- servers -------------------------------------------------------------
    def _client(self, server):
        if server not in self._clients:
            host, port = server
            self._clients[server] = WhoisClient(host, port, timeout=self.timeout,
                                                sources=self.sources or None)
        return self._clients[server]

    def _ask(self, server, call):
        if server in self.failed:
            return None
        self.asked.add(server)
        try:
            return call(self._client(server))
        except IrrdError as exc:
            self.failed[server] = str(exc)
            self._drop(server)
            return None

    def _drop(self, server):
        client = self._clients.pop(server, None)
        if client is not None:
            try:
                client.close()
            except (IrrdError, OSError):
                pass

    def close(self):
        for server in list(self._clients):
            self._drop(server)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def errors(self):
        return [f'{host}:{port}: {reason}' for (host, port), reason in self.failed.items()]

    @property
    def available(self):
        return self.local or any(s not in self.failed for s in self.servers)

    # -- route objects -------------------------------------------------------
    def routes(self, prefixes, origins=None):
        """{prefix: [(source, origin)]} of exact-prefix route objects, from the
        dumps and every server. With `origins` ({prefix: origins asked}) and a
        large batch, servers are asked per origin; see _routes_by_origin."""
        found = irr_store.routes_for(prefixes) if self.local else {p: [] for p in prefixes}
        for server in self.servers:
            if origins and len(prefixes) >= BATCH_FROM:
                answers = self._ask(server, lambda c: self._routes_by_origin(c, prefixes,
                                                                             origins))
            else:
                answers = self._ask(server, lambda c: {
                    p: [(o.source, o.origin) for o in objects]
                    for p, objects in c.route_objects_many(prefixes).items()})
            for prefix, rows in (answers or {}).items():
                found[prefix].extend(rows)
        return {p: sorted(set(rows)) for p, rows in found.items()}

    def _server_sources(self, client):
        return self.sources or sorted(client.source_status())

    def _routes_by_origin(self, client, prefixes, origins):
        """Objects of each prefix's own origin, per source (!g/!6 after !s); for
        prefixes their origin has no object for, the other origins (!r…,o,
        which does not say in which source: 'ANY').
        What this does not see: other origins of a prefix whose own object
        exists (the first check, per prefix, records them)."""
        wanted = defaultdict(set)
        for prefix in prefixes:
            wanted[6 if ':' in prefix else 4].update(origins[prefix])
        have = client.prefixes_by_source(wanted, self._server_sources(client))
        found = {p: [] for p in prefixes}
        for (source, _family, asn), registered in have.items():
            for prefix in registered:
                if prefix in found and asn in origins[prefix]:
                    found[prefix].append((source, asn))
        self.partial.update(p for p in prefixes if found[p])
        missing = [p for p in prefixes if not found[p]]
        for prefix, answer in zip(missing, client.query_many([f'!r{p},o' for p in missing])):
            found[prefix] = [('ANY', _asn(word)) for word in (answer or '').split()
                             if _asn(word) is not None]
        return found

    # -- AS-SETs -------------------------------------------------------------
    def _local_members(self, name):
        """Recursive expansion over the loaded dumps; loops end at sets seen before."""
        seen, asns, queue, known = set(), set(), [name.upper()], False
        while queue and len(seen) < 10000:
            current = queue.pop()
            if current in seen:
                continue
            seen.add(current)
            members = irr_store.set_members(current)
            if members is None:
                continue
            known = True
            for member in members:
                asn = _asn(member)
                if asn is not None:
                    asns.add(asn)
                elif member not in seen:
                    queue.append(member.upper())
        return asns if known else None

    def as_set_members(self, name):
        """Every ASN in the set, recursively, from all sources; None when no
        source knows the set."""
        name = name.upper()
        if name in self._sets:
            return self._sets[name]
        members = self._local_members(name) if self.local else None
        for server in self.servers:
            answer = self._ask(server, lambda c: c.as_set_members(name, recursive=True))
            if answer:
                members = (members or set()) | {a for a in map(_asn, answer) if a is not None}
        result = frozenset(members) if members is not None else None
        self._sets[name] = result
        return result

    # -- one prefix ----------------------------------------------------------
    def facts(self, prefix, routes, as_set='', previous=None):
        """IrrFacts of one prefix. With `previous` (the evidence of its last
        check) and a source down, the last known facts stand: an outage of our
        own IRR data must not read as route objects deleted."""
        rir = registries.rir_of(prefix) or ''
        expected = tuple(self.registry_sources.get(rir, ())) if rir else ()
        if previous and self.failed and previous.get('irr'):
            kept = previous.get('as_set') or {}
            members = None
            if kept.get('found'):
                members = frozenset([kept['origin']]) if kept.get('member') else frozenset()
            return IrrFacts(routes=[tuple(r) for r in previous['irr'].get('routes', [])],
                            rir=rir, expected_sources=expected, as_set=as_set,
                            as_set_members=members if as_set else None)
        return IrrFacts(routes=routes, errors=self.errors, available=self.available,
                        rir=rir, expected_sources=expected, as_set=as_set,
                        as_set_members=self.as_set_members(as_set) if as_set else None)
