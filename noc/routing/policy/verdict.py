"""Findings about one prefix and the verdict the operator's policy draws from them.

A finding is a short, specific statement (code, values, severity) kept as data,
so it reads in the language of whoever looks: the NOC in the browser, the
customer's contact in a mail, an API client later. The policy in config.toml
([prefixes]) says what each finding does to the verdict; the verdict is the
strictest outcome among the findings (IRR Explorer's habit of a list of
reasons with a severity each, ARouteServer's reject reasons).
"""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from noc.models.routing import Verdict

ACCEPT, ATTENTION, REJECT = Verdict.ACCEPT, Verdict.ATTENTION, Verdict.REJECT
OUTCOMES = (ACCEPT, ATTENTION, REJECT)
SEVERITIES = ('ok', 'info', 'warning', 'error')
# The severity a finding shows with, from what it does to the verdict.
_SEVERITY = {ACCEPT: 'ok', ATTENTION: 'warning', REJECT: 'error'}


@dataclass(frozen=True)
class Finding:
    code: str
    outcome: str
    params: dict = field(default_factory=dict)
    # A finding that is bad news even when the policy accepts it (a loose
    # maxLength, a route object missing beside a valid ROA) shows as a warning.
    caution: bool = False

    @property
    def severity(self):
        if self.caution and self.outcome == ACCEPT:
            return 'warning'
        return _SEVERITY[self.outcome]

    def as_dict(self):
        # By hand: dataclasses.asdict deep-copies and costs more than the check.
        return {'code': self.code, 'outcome': self.outcome, 'params': self.params,
                'caution': self.caution, 'severity': self.severity}


def verdict(findings):
    """The strictest outcome; accept when nothing was found against the prefix."""
    outcomes = [f['outcome'] if isinstance(f, dict) else f.outcome for f in findings]
    for outcome in (REJECT, ATTENTION):
        if outcome in outcomes:
            return outcome
    return ACCEPT


def _vrps(values):
    return ', '.join(values or []) or '-'


# code -> message with %(name)s values; the values are kept in the finding.
MESSAGES = {
    'rpki_valid': _l('RPKI valid: authorised by %(vrps)s'),
    'rpki_invalid_as': _l('RPKI invalid: the covering ROAs authorise other origins '
                          '(%(vrps)s), not AS%(origin)s'),
    'rpki_invalid_length': _l('RPKI invalid: a ROA of AS%(origin)s covers it but its '
                              'maxLength is too short for /%(length)s (%(vrps)s); '
                              'a ROA for this prefix is needed'),
    'rpki_as0': _l('RPKI invalid: covered by an AS0 ROA (%(vrps)s), which says the space '
                   'must not be routed'),
    'rpki_not_found': _l('RPKI not-found: no ROA covers this prefix'),
    'rpki_no_data': _l('No RPKI data loaded: the RPKI state could not be checked'),
    'rpki_loose': _l('Loose maxLength in %(vrps)s: more-specifics up to the maxLength are '
                     'authorised too; unless every one is announced, others can hijack them '
                     'with a forged origin (RFC 9319); a ROA for exactly this prefix is safer'),
    'irr_match': _l('IRR: route object with origin AS%(origin)s in %(sources)s'),
    'irr_missing': _l('IRR: no route object for this prefix with origin AS%(origin)s'),
    'irr_other_origins': _l('IRR: route objects for this prefix also name other origins: '
                            '%(origins)s'),
    'irr_wrong_registry': _l('IRR: the route object is in %(found)s only; %(rir)s space '
                             'is expected in %(expected)s'),
    'irr_unknown': _l('IRR: no IRR data could be read (%(errors)s)'),
    'as_set_member': _l('AS%(origin)s is a member of %(as_set)s'),
    'as_set_missing': _l('AS%(origin)s is not a member of %(as_set)s (searched recursively)'),
    'as_set_unknown': _l('The AS-SET %(as_set)s was not found in any IRR source'),
}


def message(finding):
    """The finding as a sentence in the current language."""
    code = finding['code'] if isinstance(finding, dict) else finding.code
    params = dict(finding['params'] if isinstance(finding, dict) else finding.params)
    for key in ('vrps', 'origins', 'sources', 'expected', 'found', 'errors'):
        if isinstance(params.get(key), (list, tuple)):
            params[key] = _vrps(params[key])
    template = MESSAGES.get(code)
    if template is None:
        return code
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return code

