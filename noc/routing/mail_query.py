"""What an ISP asks the BGP mailbox about: request numbers and prefixes.

People write them every way: one per line, comma-separated, inside
Portuguese or English sentences ("qual o status do pedido PR-12 e do
192.0.2.0/24?"), in the subject or the body. Read from the subject and the
new text of the mail (the caller strips quoted replies: a quoted notice
would otherwise ask about everything it lists). Pure: no database.
"""
import ipaddress
import re
from dataclasses import dataclass, field

MAX_ITEMS = 100

# PR-12, PR 12, PR#12, pr12; "pedido 12", "pedido nº 12", "request #12",
# "solicitação número 12"; lists after one ("pedidos 12, 13 e 14").
_NUMBER = r'(?<![\d.:/])\d{1,17}(?![\d/:]|\.\d)'
# Possessive quantifiers (*+): a run of spaces is read one way only, so a long
# run with no number after it costs linear time, not quadratic.
_HEAD = (r'(?<![\w-])(?:PR(?:\s*+[-#:])?\s*+|(?:pedido|request|solicita[çc][ãa]o|'
         r'requisi[çc][ãa]o)(?:s|es)?\s*+(?:(?:n[º°o]\.?|n\.|n[uú]mero|number)\s*+|#\s*+)?'
         r'(?:[-:#]\s*+)?)')
_REFERENCE = re.compile(_HEAD + r'(\d{1,17}(?![\d/:]|\.\d)(?:\s*+(?:,|;|/|&|\be\b|\band\b)\s*+'
                        r'(?:PR(?:\s*+[-#:])?\s*+)?' + _NUMBER + r')*)', re.IGNORECASE)
_DIGITS = re.compile(r'\d+')
# IPv4 with a length, octets may be left out ("192.0.2/24"); a bare address;
# IPv6 with or without a length. Ends of sentences (".", ",", ")") may follow.
_IPV4_PREFIX = re.compile(r'(?<![\w.:/])(\d{1,3}(?:\.\d{1,3}){0,3})\s?/\s?(\d{1,3})(?![\w/]|\.\d)')
_IPV4_ADDRESS = re.compile(r'(?<![\w.:/])(\d{1,3}(?:\.\d{1,3}){3})(?![\w/]|\.\d|\s/)')
_IPV6 = re.compile(r'(?<![\w:.])((?:[0-9a-f]{1,4}:|:)(?:[0-9a-f]{0,4}:){1,7}[0-9a-f]{0,4}'
                   r'(?:\d{1,3}(?:\.\d{1,3}){3})?)(?:/(\d{1,3}))?(?![\w:/])', re.IGNORECASE)
# RFC 3676's signature separator: a signature's address or phone is no question.
_SIGNATURE = re.compile(r'^-- ?$', re.MULTILINE)


@dataclass(frozen=True)
class Asked:
    """One thing the mail names: a request (`request_id`) or a prefix (`network`)."""
    text: str                     # as shown back to the sender: PR-12, 192.0.2.0/24
    request_id: int | None = None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None


@dataclass
class Query:
    items: list = field(default_factory=list)        # [Asked], in the order written
    unreadable: list = field(default_factory=list)   # prefix-like texts that are not one
    left_out: int = 0                                # items past MAX_ITEMS

    @property
    def empty(self):
        return not self.items and not self.unreadable


def _without_signature(text):
    match = _SIGNATURE.search(text or '')
    return text[:match.start()] if match else (text or '')


def _references(text):
    for match in _REFERENCE.finditer(text):
        for digits in _DIGITS.findall(match.group(1)):
            yield match.start(), Asked(f'PR-{int(digits)}', request_id=int(digits))


def _ipv4(head, length):
    octets = head.split('.')
    if any(int(o) > 255 for o in octets) or int(length) > 32:
        return None
    address = '.'.join(octets + ['0'] * (4 - len(octets)))
    return ipaddress.IPv4Network(f'{address}/{int(length)}', strict=False)


def _prefixes(text):
    """(position, Asked or the unreadable text) for every prefix-like token."""
    for match in _IPV4_PREFIX.finditer(text):
        network = _ipv4(*match.groups())
        yield match.start(), (Asked(str(network), network=network) if network
                              else match.group(0))
    for match in _IPV4_ADDRESS.finditer(text):
        if all(int(o) <= 255 for o in match.group(1).split('.')):
            network = ipaddress.IPv4Network(match.group(1))
            yield match.start(), Asked(match.group(1), network=network)
    for match in _IPV6.finditer(text):
        address, length = match.groups()
        try:
            network = ipaddress.IPv6Network(f'{address}/{length or 128}', strict=False)
        except ValueError:
            if length:               # written as a prefix, but not one
                yield match.start(), match.group(0)
            continue
        yield match.start(), Asked(str(network) if length else str(network.network_address),
                                   network=network)


def _found(text):
    return sorted(list(_references(text)) + list(_prefixes(text)), key=lambda p: p[0])


def parse(subject, text):
    """The Query of a mail's subject and (unquoted) text."""
    query, seen = Query(), set()
    for source in (subject or '', _without_signature(text)):
        for _, found in _found(source):
            key = found if isinstance(found, str) else (found.request_id, found.network)
            if key in seen:
                continue
            seen.add(key)
            if isinstance(found, str):
                query.unreadable.append(found[:60])
            elif len(query.items) < MAX_ITEMS:
                query.items.append(found)
            else:
                query.left_out += 1
    query.unreadable = query.unreadable[:MAX_ITEMS]
    return query
