"""From what RPKI and the IRR say about one prefix to findings and a verdict.

Pure: the caller gathers the facts (routing/validation.py) and passes the
policy ([prefixes] in config.toml); nothing here reads a database or a socket.
"""
from dataclasses import dataclass, field

from noc.models.routing import IrrState
from noc.routing.policy import verdict as v
from noc.routing.rpki.rov import INVALID, NOT_FOUND, VALID


@dataclass
class IrrFacts:
    """What the IRR sources say about one prefix and origin."""
    # (source, origin) of every route/route6 object for exactly this prefix.
    routes: list = field(default_factory=list)
    # Why some source could not be read ("whois.example.net:43: timed out").
    errors: list = field(default_factory=list)
    # Whether any IRR data was read at all (a loaded dump or a server answering).
    available: bool = True
    rir: str = ''
    expected_sources: tuple = ()
    as_set: str = ''
    # The AS-SET's members, recursively (ints); None when the set was not found.
    as_set_members: frozenset = None


def _vrp_texts(vrps):
    return [f'{x.prefix}-{x.max_length} AS{x.asn}' for x in vrps]


def rpki_findings(validation, origin, length, policy):
    """(rpki_state, findings) for a rov.Validation; None means no VRP data loaded."""
    if validation is None:
        return NOT_FOUND, [v.Finding('rpki_no_data', v.ATTENTION)]
    state = validation.state
    if state == VALID:
        found = [v.Finding('rpki_valid', policy['rpki_valid'],
                           {'vrps': _vrp_texts(validation.matched)})]
        if validation.loose:
            found.append(v.Finding('rpki_loose', policy['loose_max_length'],
                                   {'vrps': _vrp_texts(validation.loose)}, caution=True))
        return state, found
    if state == INVALID:
        if validation.unmatched_length:
            return state, [v.Finding('rpki_invalid_length', policy['rpki_invalid'],
                                     {'origin': origin, 'length': length,
                                      'vrps': _vrp_texts(validation.unmatched_length)})]
        if all(x.asn == 0 for x in validation.unmatched_as):
            return state, [v.Finding('rpki_as0', policy['rpki_invalid'],
                                     {'vrps': _vrp_texts(validation.unmatched_as)})]
        return state, [v.Finding('rpki_invalid_as', policy['rpki_invalid'],
                                 {'origin': origin,
                                  'vrps': _vrp_texts(validation.unmatched_as)})]
    return NOT_FOUND, []


def irr_state_of(facts, origin):
    origins = {o for _, o in facts.routes}
    if origin in origins:
        return IrrState.MATCH
    # A source that could not be read may hold the object: not knowing is not
    # "no route object".
    if not facts.available or facts.errors:
        return IrrState.UNKNOWN
    return IrrState.OTHER if origins else IrrState.NONE


def irr_findings(facts, origin, rpki_state, policy):
    """(irr_state, findings) given the RPKI state (the policy reads them together)."""
    state = irr_state_of(facts, origin)
    found = []
    if state == IrrState.UNKNOWN:
        found.append(v.Finding('irr_unknown', v.ATTENTION,
                               {'errors': facts.errors or ['no IRR source configured']}))
    elif state == IrrState.MATCH:
        sources = sorted({s for s, o in facts.routes if o == origin})
        found.append(v.Finding('irr_match', v.ACCEPT, {'origin': origin, 'sources': sources}))
        expected = set(facts.expected_sources)
        if expected and not expected & set(sources):
            found.append(v.Finding('irr_wrong_registry', policy['irr_wrong_registry'],
                                   {'found': sources, 'rir': facts.rir,
                                    'expected': sorted(expected)}, caution=True))
    else:
        outcome = policy['irr_missing_when_valid'] if rpki_state == VALID else v.ACCEPT
        found.append(v.Finding('irr_missing', outcome, {'origin': origin}, caution=True))
    others = sorted({o for _, o in facts.routes if o != origin})
    if others:
        found.append(v.Finding('irr_other_origins', policy['irr_other_origins'],
                               {'origins': [f'AS{o}' for o in others]}, caution=True))
    if rpki_state == NOT_FOUND:
        # Without a ROA, the IRR is the only support: the policy decides how far
        # it goes; with the IRR unreadable, an engineer decides.
        if state == IrrState.UNKNOWN:
            outcome = v.ATTENTION
        else:
            outcome = policy['not_found_with_irr' if state == IrrState.MATCH
                             else 'not_found_without_irr']
        found.insert(0, v.Finding('rpki_not_found', outcome, caution=True))
    return state, found


def as_set_findings(facts, origin, policy):
    if not facts.as_set:
        return []
    params = {'origin': origin, 'as_set': facts.as_set}
    if facts.as_set_members is None:
        return [v.Finding('as_set_unknown', policy['origin_not_in_as_set'], params)]
    if origin in facts.as_set_members:
        return [v.Finding('as_set_member', v.ACCEPT, params)]
    return [v.Finding('as_set_missing', policy['origin_not_in_as_set'], params)]


def evaluate(prefix, origin, validation, facts, policy):
    """-> dict(rpki_state, irr_state, verdict, findings [dicts], evidence)."""
    length = int(prefix.rsplit('/', 1)[1])
    rpki_state, found = rpki_findings(validation, origin, length, policy)
    # With no RPKI data at all, its own finding asks for attention; the IRR
    # findings still say what the IRR shows, without the not-found policy.
    irr_state, irr_found = irr_findings(facts, origin,
                                        rpki_state if validation is not None else '', policy)
    found += irr_found + as_set_findings(facts, origin, policy)
    findings = [f.as_dict() for f in found]
    evidence = {
        'rpki': None if validation is None else {
            'state': rpki_state,
            'matched': _vrp_texts(validation.matched),
            'unmatched_as': _vrp_texts(validation.unmatched_as),
            'unmatched_length': _vrp_texts(validation.unmatched_length),
            'loose': _vrp_texts(validation.loose),
        },
        'irr': {'routes': sorted([list(r) for r in facts.routes]),
                'errors': list(facts.errors), 'rir': facts.rir,
                'expected_sources': list(facts.expected_sources)},
        'as_set': {'name': facts.as_set, 'origin': origin,
                   'found': facts.as_set_members is not None,
                   'member': bool(facts.as_set_members and origin in facts.as_set_members)}
        if facts.as_set else None,
    }
    return {'rpki_state': rpki_state, 'irr_state': irr_state,
            'verdict': v.verdict(findings), 'findings': findings, 'evidence': evidence}
