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

from noc.core.limits import MAX_MAIL_QUESTIONS as MAX_ITEMS
from noc.core.limits import MAX_MAIL_TEXT as MAX_TEXT

# Only ASCII digits are numbers here: int() and ipaddress read other scripts'
# digits differently ("２００", "٠"), and nobody writes a prefix in them. The
# look-arounds use Unicode \w and \d, so such a digit still ends no token.
# Hyphens and dashes word processors put in "PR-12": ‐ ‑ ‒ – — ― −.
_DASH = '\u2010-\u2015\u2212'
_AFTER = r'(?![\d:]|\.\d|/(?!\s*+PR))'     # "12/2026" is a date; "PR-1/PR-2" a list
# PR-12, PR 12, PR#12, pr12, PR–12; "pedido 12", "pedido nº 12", "request #12",
# "solicitação número 12"; lists after one ("pedidos 12, 13 e 14", "PR-1/PR-2").
_NUMBER = r'(?<![\d.:/])[0-9]{1,17}' + _AFTER
_PR = rf'PR(?:\s*+[-{_DASH}#:])?\s*+'
# Possessive quantifiers (*+): a run of spaces is read one way only, so a long
# run with no number after it costs linear time, not quadratic.
_HEAD = (rf'(?<![\w\-{_DASH}])(?:{_PR}|(?:pedido|request|solicita[çc][ãa]o|'
         r'requisi[çc][ãa]o)(?:s|es)?\s*+(?:(?:n[º°o]\.?|n\.|n[uú]mero|number)\s*+|#\s*+)?'
         rf'(?:[-{_DASH}:#]\s*+)?)')
_REFERENCE = re.compile(_HEAD + r'([0-9]{1,17}' + _AFTER + r'(?:\s*+(?:,|;|/|&|\be\b|\band\b)'
                        rf'\s*+(?:{_PR})?' + _NUMBER + r')*)', re.IGNORECASE)
_DIGITS = re.compile(r'[0-9]+')
# A label glued to what it names: "prefixo:192.0.2.0/24", "IPv6:2001:db8::/32".
# A letter past f in the last four characters before the colon: never part
# of an IPv6 address ("::ffff:192.0.2.0" is no label and an IPv4 address).
_LABEL = r'(?<=:)(?:(?<=[g-z]:)|(?<=[g-z]\w:)|(?<=[g-z]\w\w:)|(?<=[g-z]\w\w\w:))'
# IPv4 with a length, octets may be left out ("192.0.2/24"); a bare address;
# IPv6 with or without a length, an IPv4 address as its last 32 bits allowed.
# Spaces may stand around the slash; ends of sentences (".", ",", ")", ":")
# may follow.
_IPV4_PREFIX = re.compile(rf'(?=[0-9])(?:(?<![\w.:/])|{_LABEL})'
                          r'([0-9]{1,3}(?:\.[0-9]{1,3}){0,3})\s?/\s?([0-9]{1,3})(?![\w/]|\.\d)',
                          re.IGNORECASE)
_IPV4_ADDRESS = re.compile(rf'(?=[0-9])(?:(?<![\w.:/])|{_LABEL})'
                           r'([0-9]{1,3}(?:\.[0-9]{1,3}){3})(?![\w/]|\.\d|\s/)', re.IGNORECASE)
# (?=…) first: most places in a text start no address, and say so at once.
_IPV6 = re.compile(rf'(?=[0-9a-f:])(?:(?<![\w:.])|{_LABEL})'
                   r'((?:[0-9a-f]{1,4}:|:)(?:[0-9a-f]{0,4}:){1,7}'
                   r'(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9a-f]{0,4}))'
                   r'(?:\s?/\s?([0-9]{1,3})(?![\w/]|\.\d)|(?![\w:/]|\.\d))', re.IGNORECASE)
# The same IPv4 shapes in any script's digits, to say they were not read.
_FOREIGN_IPV4 = re.compile(r'(?<![\w.:/])\d{1,3}(?:(?:\.\d{1,3}){3}(?:\s?/\s?\d{1,3})?|'
                           r'(?:\.\d{1,3}){0,2}\s?/\s?\d{1,3})(?![\w/]|\.\d)')
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
    cut: bool = False                                # the text was longer than MAX_TEXT

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
    """The network, or None when it is none (octets and lengths as decimals:
    "010.001.002.000/24" is 10.1.2.0/24)."""
    octets = [int(o) for o in head.split('.')]
    address = '.'.join(str(o) for o in octets + [0] * (4 - len(octets)))
    try:
        return ipaddress.IPv4Network(f'{address}/{int(length)}', strict=False)
    except ValueError:           # an octet over 255, a length over 32
        return None


def _ipv6(address, length):
    try:
        return ipaddress.IPv6Network(f'{address}/{length or 128}', strict=False)
    except ValueError:
        return None


def _prefixes(text):
    """(position, Asked or the unreadable text) for every prefix-like token."""
    for match in _IPV4_PREFIX.finditer(text):
        network = _ipv4(*match.groups())
        yield match.start(), (Asked(str(network), network=network) if network
                              else match.group(0))
    for match in _IPV4_ADDRESS.finditer(text):
        network = _ipv4(match.group(1), 32)
        if network:
            yield match.start(), Asked(str(network.network_address), network=network)
    for match in _IPV6.finditer(text):
        address, length = match.groups()
        network = _ipv6(address, length)
        if network:
            yield match.start(), Asked(str(network) if length else str(network.network_address),
                                       network=network)
        elif length:                 # written as a prefix, but not one
            yield match.start(), match.group(0)
    for match in _FOREIGN_IPV4.finditer(text):
        if not match.group(0).isascii():
            yield match.start(), match.group(0)


def _found(text):
    return sorted(list(_references(text)) + list(_prefixes(text)), key=lambda p: p[0])


def _bounded(text):
    """(text, cut): at most MAX_TEXT characters, cut between words."""
    if len(text) <= MAX_TEXT:
        return text, False
    end = max(text.rfind(space, 0, MAX_TEXT + 1) for space in ' \n\t')
    return text[:end if end > MAX_TEXT // 2 else MAX_TEXT], True


def parse(subject, text):
    """The Query of a mail's subject and (unquoted) text."""
    query, seen = Query(), set()
    text, query.cut = _bounded(_without_signature(text))
    for source in (subject or '', text):
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
