"""Which circuits a window takes down: picked directly, or through what they ride on.

An engineer thinks in network terms ("the ring BH-NORTE is being re-spliced",
"power work at the ARAXÁ PoP"), so a window's scope may name sites and
segments as well as circuits; this module turns that into circuits.
"""
import re

from flask_babel import lazy_gettext as _l

from noc.models import IMPACTS, Circuit, CircuitSegment, CircuitStatus, Segment, Site

SPLIT = re.compile(r'[\n;,]+')


def _lines(text):
    return [part.strip() for part in SPLIT.split(text or '') if part.strip()]


def parse_circuit_lines(text):
    """'CIRCUIT [IMPACT]' per line -> ([(code, impact or None)], error or None)."""
    picked = []
    for line in _lines(text):
        words = line.split()
        impact = None
        if len(words) == 2:
            impact = words[1].upper()
            if impact not in IMPACTS:
                return [], _l('"%(value)s": the impact after a circuit must be one of %(choices)s',
                              value=line, choices=', '.join(IMPACTS))
        elif len(words) != 1:
            return [], _l('"%(value)s": write one circuit per line, optionally followed by '
                          'its impact', value=line)
        picked.append((words[0].upper(), impact))
    return picked, None


def segment_closure(segment_ids):
    """The segments and, for rings, every span below them (rings may nest)."""
    found, frontier = set(segment_ids), set(segment_ids)
    while frontier:
        children = {s.id for s in Segment.select(Segment.id)
                    .where(Segment.parent.in_(list(frontier)))}
        frontier = children - found
        found |= frontier
    return found


def _codes(model, column, codes, field):
    rows = {getattr(r, column): r.id for r in
            model.select(model.id, getattr(model, column))
            .where(getattr(model, column).in_(codes))} if codes else {}
    missing = [c for c in codes if c not in rows]
    if missing:
        return None, {field: _l('unknown: %(codes)s', codes=', '.join(missing))}
    return rows, {}


def _live(query):
    return query.where(Circuit.status != CircuitStatus.DECOMMISSIONED)


def expand(circuit_text='', site_codes=(), segment_codes=()):
    """resolve() with the circuits as typed in a form: 'CIRCUIT [IMPACT]' per line."""
    picked, error = parse_circuit_lines(circuit_text)
    if error:
        return {}, {'circuits': error}
    return resolve(picked, site_codes, segment_codes)


def resolve(picked=(), site_codes=(), segment_codes=()):
    """Resolve a scope into ({circuit pk: (impact or None, via)}, errors by field).

    `picked` is [(circuit code, impact or None)]. A site brings the circuits
    that end there and those over devices located there; a segment brings the
    circuits over it and, for a ring, over its spans. Decommissioned circuits
    carry no traffic and are left out.
    """
    errors, scope = {}, {}
    site_codes = [c.strip().upper() for c in site_codes if c.strip()]
    segment_codes = [c.strip().upper() for c in segment_codes if c.strip()]
    sites, site_errors = _codes(Site, 'code', site_codes, 'sites')
    segments, segment_errors = _codes(Segment, 'code', segment_codes, 'segments')
    errors.update(site_errors, **segment_errors)
    bad = [f'{code} {impact}' for code, impact in picked if impact and impact not in IMPACTS]
    if bad:
        errors['circuits'] = _l('"%(value)s": the impact after a circuit must be one of '
                                '%(choices)s', value=bad[0], choices=', '.join(IMPACTS))
    if errors:
        return {}, errors
    picked = [(code, impact) for code, impact in picked if code]
    for code, site_id in sites.items():
        devices = [s.id for s in Segment.select(Segment.id)
                   .where((Segment.kind == 'device') & (Segment.a_site == site_id))]
        query = Circuit.select(Circuit.id).where(
            (Circuit.a_site == site_id) | (Circuit.z_site == site_id)
            | Circuit.id.in_(CircuitSegment.select(CircuitSegment.circuit)
                             .where(CircuitSegment.segment.in_(devices or [-1]))))
        for row in _live(query):
            scope.setdefault(row.id, (None, f'site:{code}'))
    for code, segment_id in segments.items():
        under = segment_closure([segment_id])
        query = (Circuit.select(Circuit.id).join(CircuitSegment)
                 .where(CircuitSegment.segment.in_(list(under))).distinct())
        for row in _live(query):
            scope.setdefault(row.id, (None, f'segment:{code}'))
    if picked:
        codes = [code for code, _ in picked]
        found = {c.circuit_id: c for c in Circuit.select(Circuit.id, Circuit.circuit_id,
                                                         Circuit.status)
                 .where(Circuit.circuit_id.in_(codes))}
        missing = [c for c in codes if c not in found]
        if missing:
            return {}, {'circuits': _l('unknown circuits: %(codes)s', codes=', '.join(missing))}
        gone = [c for c in codes if found[c].status == CircuitStatus.DECOMMISSIONED]
        if gone:
            return {}, {'circuits': _l('decommissioned circuits cannot be in a window: '
                                       '%(codes)s', codes=', '.join(gone))}
        for code, impact in picked:
            pk = found[code].id
            via = scope.get(pk, (None, ''))[1]
            scope[pk] = (impact, via)
    return scope, {}
