"""Reschedule requests as the API answers them: the request, its proposals, the
decision and, for NOC tokens, what each proposal would break."""
import datetime
import re

from flask import current_app

from noc.api import is_provider, localised
from noc.maintenance import reschedules as reschedule
from noc.maintenance.settings import of_app
from noc.models import MaintenanceWindow, RescheduleState

UTC = datetime.timezone.utc


def _time(value):
    return value.astimezone(UTC).isoformat() if value else None


def _proposal_json(proposal):
    return {'position': proposal.position, 'start': _time(proposal.starts_at),
            'end': _time(proposal.ends_at), 'chosen': bool(proposal.chosen)}


def _replaced_by(row):
    """A request the customer replaced names its successor as '#id'."""
    text = row.decision_reason or ''
    if row.state == RescheduleState.WITHDRAWN and re.fullmatch(r'#[0-9]{1,19}', text):
        return int(text[1:])
    return None


def _decision_json(row):
    if row.state == RescheduleState.OPEN:
        return None
    replaced = _replaced_by(row)
    new = MaintenanceWindow.get_or_none(MaintenanceWindow.id == row.new_window_id) \
        if row.new_window_id else None
    body = {'outcome': row.state, 'decided_at': _time(row.decided_at),
            'reason': None if replaced else (row.decision_reason or None),
            'replaced_by': replaced, 'new_window': new.reference if new else None}
    if not is_provider():
        body['decided_by'] = row.decided_by or None
    return body


def _finding_json(finding):
    return {'severity': finding.severity, 'code': finding.code,
            'message': str(finding.message), 'key': finding.key or None,
            'field': finding.field or None}


def _options_json(row):
    if row.state != RescheduleState.OPEN:
        return []
    return [{'proposal': option.proposal.position, 'others': option.others,
             'move': [_finding_json(f) for f in option.move],
             'split': None if option.split is None else [_finding_json(f)
                                                         for f in option.split]}
            for option in reschedule.options(row, settings=of_app(current_app))]


def request_json(row, proposals=None, with_options=False):
    body = {'id': row.id, 'window': row.window.reference, 'window_id': row.window_id,
            'customer': row.customer.account_id, 'state': row.state, 'via': row.via,
            'requested_by': row.requested_by, 'reason': row.reason,
            'created_at': _time(row.created_at),
            'proposals': [_proposal_json(p) for p in (row.proposals if proposals is None
                                                      else proposals)],
            'decision': _decision_json(row)}
    if with_options and not is_provider():
        body['options'] = _options_json(row)
    return body


def one_json(row):
    return localised(lambda: request_json(row, with_options=True))

