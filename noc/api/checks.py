"""Ad hoc checks over the API: what RPKI and the IRR say about prefixes and
origins, without making a request (commands.create_check). Answered at once when
only loaded data is read; otherwise 202 and the worker answers within a pass."""
from flask import current_app, url_for

from noc.api import bp, docs, is_provider, json_body, localised, require_role, token
from noc.api.prefixes import body_prefixes, refusal, routing_settings
from noc.api.problems import ApiProblem, field_errors
from noc.core.limits import MAX_CHECK_PREFIXES, MAX_ID
from noc.models import Role
from noc.models.routing import CheckState, IrrState, PrefixCheck, RpkiState, Verdict
from noc.routing.labels import IRR_LABELS, RPKI_LABELS, VERDICT_LABELS, label
from noc.routing.policy.verdict import message
from noc.routing.prefix_requests import adhoc, commands


def _result_json(result):
    lab = current_app.config['NOC']['prefixes']['lab']
    problems = adhoc.problems(result['prefix'], result['origin'], lab)
    reasons = [{'code': 'not_routable', 'severity': 'error', 'outcome': Verdict.REJECT,
                'message': text} for text in problems]
    reasons += [{'code': f['code'], 'severity': f['severity'], 'outcome': f['outcome'],
                 'message': message(f)} for f in result['findings']]
    verdict = Verdict.REJECT if problems else result['verdict']
    return {'prefix': result['prefix'], 'origin': result['origin'],
            'as_set': result['as_set'] or None,
            'verdict': verdict, 'verdict_label': label(VERDICT_LABELS, verdict),
            'rpki_state': result['rpki_state'], 'rpki_label': label(RPKI_LABELS,
                                                                    result['rpki_state']),
            'irr_state': result['irr_state'], 'irr_label': label(IRR_LABELS, result['irr_state']),
            'reasons': reasons, 'evidence': result['evidence']}


def check_json(check):
    return {'id': check.id, 'state': check.state,
            'created_at': check.created_at.isoformat(),
            'done_at': check.done_at.isoformat() if check.done_at else None,
            'items': [{'prefix': i['prefix'], 'origin': i['origin'],
                       'as_set': i['as_set'] or None} for i in check.items],
            'results': [_result_json(r) for r in check.results or []]}


def _wait_header():
    return {'Retry-After': str(current_app.config['NOC']['worker']['interval_seconds'])}


@bp.route('/checks', methods=['POST'])
def create_check():
    require_role(Role.VIEWER)
    body = json_body()
    errors = {}
    prefixes = body_prefixes(body, errors)
    if body.get('as_set') is not None and not isinstance(body['as_set'], str):
        errors['as_set'] = 'a string: an AS-SET name such as AS-EXAMPLE'
    origin = body.get('origin')
    if origin is not None and (isinstance(origin, bool) or not isinstance(origin, (int, str))):
        errors['origin'] = 'an AS number: 64500 or "AS64500"'
    if errors:
        raise ApiProblem(422, 'the check was not made', field_errors(errors))

    def work():
        try:
            return commands.create_check(
                prefixes, settings=routing_settings(),
                customer_id=token().customer_id if is_provider() else None,
                token_id=token().id, as_set=body.get('as_set') or '', origin=origin)
        except commands.CheckRefused as exc:
            raise refusal(exc, 'the check was not made') from exc
    check = localised(work)
    headers = {'Location': url_for('api.get_check', check_id=check.id)}
    if check.state == CheckState.PENDING:
        headers.update(_wait_header())
        return localised(lambda: check_json(check)), 202, headers
    return localised(lambda: check_json(check)), 201, headers


@bp.route('/checks/<int:check_id>', methods=['GET'])
def get_check(check_id):
    require_role(Role.VIEWER)
    found = None
    if check_id <= MAX_ID:
        query = PrefixCheck.select().where(PrefixCheck.id == check_id)
        if is_provider():
            query = query.where(PrefixCheck.customer == token().customer_id)
        found = query.first()
    if found is None:
        raise ApiProblem(404, f'no check {check_id} (checks are kept for a day)')
    headers = _wait_header() if found.state == CheckState.PENDING else {}
    return localised(lambda: check_json(found)), 200, headers


_CHECK = {'$ref': '#/components/schemas/PrefixCheck'}
docs.describe({
    '/checks': {'post': {
        'summary': 'Check prefixes and origins against RPKI and the IRR, without a request',
        'operationId': 'createCheck',
        'description': 'Nothing is requested or tracked. Answered at once (201) when the '
                       'operator reads IRR data from loaded dumps; otherwise 202: the check '
                       'is answered within a worker pass — poll its Location after '
                       'Retry-After seconds. Checks are kept for a day.',
        'requestBody': {'required': True, **docs.content(
            {'$ref': '#/components/schemas/NewPrefixCheck'},
            {'prefixes': ['192.0.2.0/24 AS64500', '203.0.113.0/24 AS64500']})},
        'responses': {'201': {'description': 'Answered', **docs.content(_CHECK)},
                      '202': {'description': 'Stored; the worker answers it',
                              **docs.content(_CHECK)},
                      '400': docs.PROBLEM, '415': docs.PROBLEM, '422': docs.PROBLEM,
                      **docs.ERRORS}}},
    '/checks/{check_id}': {'get': {
        'summary': 'One ad hoc check and, once done, its answer',
        'operationId': 'getCheck', 'parameters': [docs.path_id('check_id', example=None)],
        'responses': {'200': {'description': 'The check', **docs.content(_CHECK)},
                      '404': docs.PROBLEM, **docs.ERRORS}}},
}, {
    'NewPrefixCheck': {
        'type': 'object', 'required': ['prefixes'],
        'properties': {
            'prefixes': {'oneOf': [{'type': 'array', 'maxItems': MAX_CHECK_PREFIXES,
                                    'items': {'oneOf': [
                                        {'type': 'string'},
                                        {'type': 'object', 'required': ['prefix'],
                                         'properties': {'prefix': {'type': 'string'},
                                                        'origin': {'type': ['integer',
                                                                            'string']}}}]}},
                                   {'type': 'string'}],
                         'description': 'A list of "192.0.2.0/24 AS64500" items or '
                                        '{"prefix", "origin"} objects (a bad one is named '
                                        'by its index, prefixes[3]), or one text of lines '
                                        'in any format a request takes; without an origin, '
                                        '`origin` or the customer\'s only ASN'},
            'origin': {'oneOf': [{'type': 'integer', 'minimum': 0, 'maximum': 4294967295},
                                 {'type': 'string'}]},
            'as_set': {'type': 'string', 'description': 'Also check the origin is in it'}}},
    'PrefixCheckResult': {
        'type': 'object',
        'required': ['prefix', 'origin', 'verdict', 'rpki_state', 'irr_state', 'reasons'],
        'properties': {
            'prefix': {'type': 'string'}, 'origin': {'type': 'integer'},
            'as_set': {'type': ['string', 'null']},
            'verdict': {'type': 'string', 'enum': [v for v in Verdict.values() if v]},
            'verdict_label': {'type': 'string'},
            'rpki_state': {'type': 'string', 'enum': [v for v in RpkiState.values() if v]},
            'rpki_label': {'type': 'string'},
            'irr_state': {'type': 'string', 'enum': [v for v in IrrState.values() if v]},
            'irr_label': {'type': 'string'},
            'reasons': {'type': 'array', 'items': {'$ref': '#/components/schemas/Reason'}},
            'evidence': {'type': 'object'}}},
    'PrefixCheck': {
        'type': 'object', 'required': ['id', 'state', 'created_at', 'items', 'results'],
        'properties': {
            'id': {'type': 'integer'},
            'state': {'type': 'string', 'enum': list(CheckState.values())},
            'created_at': {'type': 'string', 'format': 'date-time'},
            'done_at': {'type': ['string', 'null'], 'format': 'date-time'},
            'items': {'type': 'array', 'items': {
                'type': 'object', 'required': ['prefix', 'origin'],
                'properties': {'prefix': {'type': 'string'}, 'origin': {'type': 'integer'},
                               'as_set': {'type': ['string', 'null']}}}},
            'results': {'type': 'array',
                        'items': {'$ref': '#/components/schemas/PrefixCheckResult'}}}},
})
