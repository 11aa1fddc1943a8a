"""Prefix texts parsed many at a time into numpy columns (family, address
words, length): the vectorised path takes plain IPv4, the rest goes one by
one through parse_prefix(), which stays the authority on what is a prefix.
VRP tables and route-origin validation of big lists are built on it.
"""
from dataclasses import dataclass
from socket import AF_INET, AF_INET6, inet_ntop, inet_pton

import numpy as np
from flask_babel import lazy_gettext as _l

MAX_LENGTH = {4: 32, 6: 128}


def shown(value):
    """A value as an error quotes it: its repr, cut to a line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


def format_prefixes(family, hi, lo, length):
    """Canonical texts of many prefixes given as columns."""
    if family == 4:
        packed = hi.astype('>u4').tobytes()
        return [f'{inet_ntop(AF_INET, packed[at:at + 4])}/{size}'
                for at, size in zip(range(0, 4 * len(hi), 4), length.tolist())]
    packed = np.column_stack((hi, lo)).astype('>u8').tobytes()
    return [f'{inet_ntop(AF_INET6, packed[at:at + 16])}/{size}'
            for at, size in zip(range(0, 16 * len(hi), 16), length.tolist())]


def format_prefix(family, hi, lo, length):
    """Canonical text of a prefix given as integers."""
    if family == 4:
        return f'{inet_ntop(AF_INET, hi.to_bytes(4, "big"))}/{length}'
    return f'{inet_ntop(AF_INET6, hi.to_bytes(8, "big") + lo.to_bytes(8, "big"))}/{length}'


ALL_ONES = 2**64 - 1
# MASK64[n]: the network mask of an n-bit prefix over a 64-bit word.
MASK64 = np.array([ALL_ONES ^ ((1 << (64 - n)) - 1) for n in range(65)], np.uint64)


@dataclass
class PrefixColumn:
    """Many prefix texts parsed at once; rows that are not prefixes have family 0."""
    family: np.ndarray   # uint8: 4, 6, or 0
    hi: np.ndarray       # uint64: the IPv4 address, or the top 64 bits of the IPv6 one
    lo: np.ndarray       # uint64: the low 64 bits of an IPv6 address, else 0
    length: np.ndarray   # uint8
    errors: dict         # row -> English text saying why it is not a prefix


def parse_prefixes(texts):
    """Parse prefix texts ('192.0.2.0/24', '2001:db8::/32'); host bits set is an error."""
    texts = texts if isinstance(texts, list) else list(texts)
    size = len(texts)
    out = PrefixColumn(np.zeros(size, np.uint8), np.zeros(size, np.uint64),
                       np.zeros(size, np.uint64), np.zeros(size, np.uint8), {})
    fast = np.zeros(size, bool)
    for begin in range(0, size, CHUNK):
        end = min(begin + CHUNK, size)
        fast[begin:end], out.hi[begin:end], out.length[begin:end] = _fast_ipv4(texts[begin:end])
    out.family[fast] = 4
    _parse_each(texts, np.flatnonzero(~fast), out)
    return out


# Rows per vectorised step: small enough that the temporaries (about 40
# bytes a row) stay in cache and are reused instead of fresh pages each time.
CHUNK = 1 << 13


def _parse_each(texts, rows, out):
    """The rows the vectorised path left (IPv6, mistakes, unusual spellings)."""
    rows = _plain_ipv6(texts, rows, out)
    done, values = [], []
    for row in rows.tolist():
        try:
            values.append(parse_prefix(texts[row]))
            done.append(row)
        except ValueError as exc:
            out.errors[row] = str(exc)
    if done:
        family, hi, lo, length = zip(*values)
        out.family[done], out.hi[done], out.lo[done], out.length[done] = family, hi, lo, length


def _plain_ipv6(texts, rows, out):
    """Parse IPv6 rows in bulk; returns the rows left for parse_prefix (any doubt)."""
    done, packed, lengths = [], [], []
    for row in rows.tolist():
        if type(texts[row]) is not str:
            continue
        address, _, size = texts[row].partition('/')
        if ':' in address and size.isdigit() and len(size) <= 3 and size.isascii():
            try:
                packed.append(inet_pton(AF_INET6, address))
            except (OSError, ValueError, TypeError):
                continue
            done.append(row)
            lengths.append(int(size))
    if not done:
        return rows
    halves = np.frombuffer(b''.join(packed), '>u8').reshape(-1, 2).astype(np.uint64)
    length = np.array(lengths, np.int64)
    clipped = np.minimum(length, 128)
    good = (length <= 128) & ((halves[:, 0] & ~MASK64[np.minimum(clipped, 64)]) == 0) & \
        ((halves[:, 1] & ~MASK64[np.maximum(clipped - 64, 0)]) == 0)
    done = np.array(done)[good]
    out.family[done], out.hi[done], out.lo[done], out.length[done] = \
        6, halves[good, 0], halves[good, 1], length[good]
    return np.setdiff1d(rows, done, assume_unique=True)


def parse_prefix(text):
    """(family, hi, lo, length) of one prefix text; ValueError says what is wrong."""
    if not isinstance(text, str):
        raise ValueError(str(_l('%(text)s is not a prefix', text=shown(text))))
    address, slash, size = text.partition('/')
    if not slash or not (size.isascii() and size.isdigit()) or len(size) > 3:
        raise ValueError(str(_l('%(text)s is not a prefix: expected address/length',
                                text=shown(text))))
    family = 6 if ':' in address else 4
    try:
        value = int.from_bytes(inet_pton(AF_INET6 if family == 6 else AF_INET, address), 'big')
    except (OSError, ValueError):
        raise ValueError(str(_l('%(text)s is not a prefix: %(address)s is not an IPv%(family)s address',
                                text=shown(text), address=shown(address), family=family))) from None
    length, bits = int(size), MAX_LENGTH[family]
    if length > bits:
        raise ValueError(str(_l('%(text)s is not a prefix: length %(length)s is above %(bits)s',
                                text=shown(text), length=length, bits=bits)))
    if value & ((1 << (bits - length)) - 1):
        network = value & ~((1 << (bits - length)) - 1)
        hi, lo = (network, 0) if family == 4 else (network >> 64, network & ALL_ONES)
        raise ValueError(str(_l('%(text)s has host bits set (the prefix would be %(prefix)s)',
                                text=shown(text), prefix=format_prefix(family, hi, lo, length))))
    return (4, value, 0, length) if family == 4 else (6, value >> 64, value & ALL_ONES, length)


_V4_SEPARATORS = np.frombuffer(b'.../\n', np.uint8)


def _fast_ipv4(texts):
    """Vectorised parse of the rows written as plain dotted quads, 'a.b.c.d/n'.

    Returns (ok, network, length). parse_prefix stays the authority: this
    path accepts a subset of what it accepts (no leading zeros, no host
    bits) with the same result, and leaves every other row to it.
    """
    size = len(texts)
    ok, network, length = np.zeros(size, bool), np.zeros(size, np.uint64), np.zeros(size, np.uint8)
    try:
        raw = ('\n'.join(texts) + '\n').encode('ascii', 'replace')
    except TypeError:
        return ok, network, length                  # a non-string: parse_prefix names it
    data = np.frombuffer(b'\n' * 4 + raw, np.uint8)  # padded: digits are read 4 behind
    value = data - np.uint8(48)                     # digits become 0-9, anything else above
    seps = np.flatnonzero(value > 9)[4:]
    chars = data[seps]
    newlines = np.flatnonzero(chars == 10)
    if len(newlines) != size:
        return ok, network, length                  # some text holds a newline
    rows, ends, shape = _four_separators(seps, chars, newlines)
    tokens, good = _tokens(value, ends)
    good &= _all_columns(shape) & _all_columns(tokens <= 255) & (tokens[:, 4] <= 32)
    tokens = tokens.astype(np.uint64)
    net = (tokens[:, 0] << 24) | (tokens[:, 1] << 16) | (tokens[:, 2] << 8) | tokens[:, 3]
    good &= ((net << 32) & ~MASK64[np.minimum(tokens[:, 4], 32)]) == 0
    rows = rows[good]
    ok[rows], network[rows], length[rows] = True, net[good], tokens[good, 4]
    return ok, network, length


def _four_separators(seps, chars, newlines):
    """Rows with five separators, their positions (rows x 5) and whether they
    are '.', '.', '.', '/', newline in that order."""
    if len(seps) == 5 * len(newlines):              # every row has five: no gathering
        rows = np.arange(len(newlines))
        ends, found = seps.reshape(-1, 5), chars.reshape(-1, 5)
    else:
        counts = np.diff(newlines, prepend=-1)
        rows = np.flatnonzero(counts == 5)
        idx = (newlines[rows] - 4)[:, None] + np.arange(5)
        ends, found = seps[idx], chars[idx]
    return rows, ends, found == _V4_SEPARATORS


def _all_columns(flags):
    """Row-wise all() of a rows x 5 array (faster than .all(axis=1) on short rows)."""
    return flags[:, 0] & flags[:, 1] & flags[:, 2] & flags[:, 3] & flags[:, 4]


def _tokens(value, ends):
    """Values of the 1-3 digit tokens ending before each separator, and per
    row whether every token is 1-3 digits without a leading zero."""
    d1, d2, d3, d4 = (value[ends - k] for k in (1, 2, 3, 4))
    one, two, three = d1 <= 9, (d1 <= 9) & (d2 <= 9), (d1 <= 9) & (d2 <= 9) & (d3 <= 9)
    four = three & (d4 <= 9)
    d1, d2, d3 = (digit.astype(np.int16) for digit in (d1, d2, d3))
    tokens = d1 * one + d2 * 10 * two + d3 * 100 * three
    leading_zero = (two & ~three & (d2 == 0)) | (three & (d3 == 0))
    return tokens, _all_columns(one & ~four & ~leading_zero)
