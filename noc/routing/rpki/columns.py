"""The columns of a VRP table: one address family's VRPs as numpy arrays,
the error of a malformed set, and the flat blob a table is stored as (it
loads with a few memory copies).
"""
import struct
from dataclasses import dataclass

import numpy as np
from flask_babel import lazy_gettext as _l

from noc.core.errors import JanelaError


class VrpFormatError(JanelaError, ValueError):
    """A VRP set, one of its records, or a stored blob is malformed."""


@dataclass(frozen=True)
class Columns:
    """One address family's VRPs in canonical order.

    hi is the IPv4 address, or the top 64 bits of the IPv6 one; lo is the
    low 64 bits of an IPv6 address (zeros for IPv4).
    """
    hi: np.ndarray          # uint64
    lo: np.ndarray          # uint64
    length: np.ndarray      # uint8
    max_length: np.ndarray  # uint8
    asn: np.ndarray         # uint32
    ta: np.ndarray          # uint16, index into VrpTable.tas
    # When each VRP expires (Unix time, uint32; 0: the export did not say). Kept
    # so that a snapshot still in use after its source stopped answering loses
    # its VRPs as they expire, as a router's RTR cache would.
    expires: np.ndarray = None

    def __post_init__(self):
        if self.expires is None:
            object.__setattr__(self, 'expires', np.zeros(len(self.hi), np.uint32))

    def __len__(self):
        return len(self.hi)

    @classmethod
    def empty(cls):
        return cls(*(np.zeros(0, dtype) for dtype in COLUMN_DTYPES))


COLUMN_DTYPES = (np.uint64, np.uint64, np.uint8, np.uint8, np.uint32, np.uint16, np.uint32)
FIELDS = ('hi', 'lo', 'length', 'max_length', 'asn', 'ta', 'expires')
NEVER = np.uint32(0xFFFFFFFF)       # how 'no expiry' sorts among expiries


# -- the stored blob ------------------------------------------------------------
#
# 'JVRP', version, then the counts and the trust anchor names, then each
# family's columns as raw little-endian arrays: IPv4 addresses as 4 bytes,
# lengths as 1, ASNs as 4, trust anchor indexes as 1 byte when there are
# fewer than 256 names. No compression: loading is a handful of copies.

_MAGIC = b'JVRP'
_VERSION = 2            # 2 adds each VRP's expiry; 1 is still read (no expiries)
_HEADER = struct.Struct('<4sBxxxIIII')    # magic, version, IPv4 count, IPv6 count, names, names size


def _blob_dtypes(family, wide_ta, version=_VERSION):
    address = ('<u4', None) if family == 4 else ('<u8', '<u8')
    return address + ('u1', 'u1', '<u4', '<u2' if wide_ta else 'u1') + \
        (('<u4',) if version >= 2 else (None,))


def fields_of(cols):
    return tuple(getattr(cols, field) for field in FIELDS)


def serialise(table):
    names = '\n'.join(table.tas).encode('utf-8')
    wide_ta = len(table.tas) > 255
    parts = [_HEADER.pack(_MAGIC, _VERSION, table.count_v4, table.count_v6, len(table.tas),
                          len(names)), names]
    for family in (4, 6):
        for column, dtype in zip(fields_of(table.family(family)), _blob_dtypes(family, wide_ta)):
            if dtype is not None:
                parts.append(column.astype(dtype, copy=False).tobytes())
    return b''.join(parts)


def deserialise(blob):
    """(v4 Columns, v6 Columns, names) from a blob made by serialise()."""
    blob = blob if isinstance(blob, bytes) else bytes(blob)
    if len(blob) < _HEADER.size:
        raise VrpFormatError(str(_l('stored VRP table is truncated')))
    magic, version, count4, count6, name_count, names_size = _HEADER.unpack_from(blob)
    if magic != _MAGIC or version not in (1, _VERSION):
        raise VrpFormatError(str(_l('not a stored VRP table (or an unknown version)')))
    offset = _HEADER.size + names_size
    names = blob[_HEADER.size:offset].decode('utf-8').split('\n') if name_count else []
    if len(names) != name_count:
        raise VrpFormatError(str(_l('stored VRP table has a damaged name list')))
    families = []
    for family, count in ((4, count4), (6, count6)):
        columns, offset = _read_columns(blob, offset, family, count, name_count > 255, version)
        families.append(columns)
    if offset != len(blob):
        raise VrpFormatError(str(_l('stored VRP table has the wrong size')))
    for columns in families:
        if len(columns) and int(columns.ta.max()) >= name_count:
            raise VrpFormatError(str(_l('stored VRP table has a damaged name list')))
    return families[0], families[1], names


def _read_columns(blob, offset, family, count, wide_ta, version=_VERSION):
    out = []
    for dtype, native in zip(_blob_dtypes(family, wide_ta, version), COLUMN_DTYPES):
        if dtype is None:
            out.append(np.zeros(count, native))
            continue
        size = np.dtype(dtype).itemsize * count
        if offset + size > len(blob):
            raise VrpFormatError(str(_l('stored VRP table is truncated')))
        out.append(np.frombuffer(blob, dtype, count, offset).astype(native))
        offset += size
    return Columns(*out), offset
