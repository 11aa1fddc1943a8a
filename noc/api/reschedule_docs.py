"""The OpenAPI description of the reschedule request paths (noc.api.reschedules):
the limits it states are those the commands apply (noc.core.limits)."""
from noc.api.docs import CUSTOMER, ERRORS, PAGING, PROBLEM, content, describe, page_of, path_id
from noc.core.limits import MAX_ACKS, MAX_COMMENT, MAX_KEY, MAX_PROPOSALS, MAX_REASON
from noc.models import RescheduleState, RescheduleVia


def _ref(name):
    return {'$ref': f'#/components/schemas/{name}'}


ONE = {'description': 'The request', **content(_ref('RescheduleRequest'))}
REFUSED = {'description': 'RFC 9457 problem details; `errors` name each field (and, for a '
                          'warning to acknowledge, its `key`)',
           'content': {'application/problem+json': {'schema': _ref('RescheduleProblem')}}}
TIME = {'type': 'string', 'format': 'date-time'}
NULLABLE_TIME = {'type': ['string', 'null'], 'format': 'date-time'}
FINDING_LIST = {'type': 'array', 'items': _ref('RescheduleFinding')}
REQUEST_ID = path_id('request_id')


def _decision_op(summary, operation, body, description):
    return {'post': {
        'summary': summary, 'operationId': operation, 'description': description,
        'parameters': [REQUEST_ID],
        'requestBody': {'required': True, **content(_ref(body))},
        'responses': {'200': {'description': 'Decided; the request as it now stands',
                              **content(_ref('RescheduleRequest'))},
                      '400': PROBLEM, '404': PROBLEM, '409': PROBLEM, '415': PROBLEM,
                      '422': REFUSED, **ERRORS}}}


CHOICE_TEXT = ('NOC tokens with role engineer or above; provider tokens get 403. Warnings '
               '(a redundant pair both down, a change freeze) need their keys in '
               '`acknowledge`: without them the answer is a 422 whose `errors` list each '
               'missing key (field `acknowledge`); repeat the call with them. 409: the '
               'request was already decided or its window can no longer be moved.')

describe({
    '/reschedule-requests': {
        'get': {
            'summary': 'List requests to move a maintenance window',
            'operationId': 'listRescheduleRequests',
            'description': 'Newest first. Provider tokens see only their customer\'s '
                           'requests. Items carry no `options` (see the single request).',
            'parameters': PAGING + [
                CUSTOMER,
                {'name': 'state', 'in': 'query', 'schema': {
                    'type': 'string', 'enum': list(RescheduleState.values())}},
                {'name': 'window', 'in': 'query', 'schema': {'type': 'string'},
                 'description': 'Only requests on this window: its reference '
                                '(MW-2026-00042) or id'}],
            'responses': {'200': {'description': 'A page of requests',
                                  **content(page_of('#/components/schemas/'
                                                    'RescheduleRequest'))},
                          '400': PROBLEM, **ERRORS}},
        'post': {
            'summary': 'Ask to move a maintenance window touching your circuits',
            'operationId': 'submitRescheduleRequest',
            'description': 'Provider tokens only (NOC tokens get 403: customers ask, the NOC '
                           'decides). The same rules as the customer page: one to three '
                           'periods in the future, each no longer than the longest window '
                           'allowed, and a reason. Times need their UTC offset. A window '
                           'that is not yours reads as unknown (422 on `window`); one that '
                           'can no longer be moved is a 409. A new request replaces your '
                           'open one on the same window.',
            'requestBody': {'required': True, **content(_ref('NewRescheduleRequest'))},
            'responses': {'201': {'description': 'Stored; the NOC answers by e-mail',
                                  'headers': {'Location': {'schema': {'type': 'string'},
                                                           'description': 'The request'}},
                                  **content(_ref('RescheduleRequest'))},
                          '400': PROBLEM, '409': PROBLEM, '415': PROBLEM, '422': PROBLEM,
                          **ERRORS}},
    },
    '/reschedule-requests/{request_id}': {
        'get': {
            'summary': 'One request; for NOC tokens with what each proposal would break',
            'operationId': 'getRescheduleRequest', 'parameters': [REQUEST_ID],
            'responses': {'200': ONE, '404': PROBLEM, **ERRORS}}},
    '/reschedule-requests/{request_id}/withdraw': {
        'post': {
            'summary': 'Take back your open request', 'operationId': 'withdrawRescheduleRequest',
            'description': 'Provider tokens only. 409 when the request is no longer open.',
            'parameters': [REQUEST_ID],
            'responses': {'200': {'description': 'Withdrawn', **content(
                _ref('RescheduleRequest'))}, '404': PROBLEM, '409': PROBLEM, **ERRORS}}},
    '/reschedule-requests/{request_id}/move': _decision_op(
        'Move the whole window to one of the proposals', 'moveRescheduleRequest',
        'RescheduleChoice', 'Every customer of the window gets the update. ' + CHOICE_TEXT),
    '/reschedule-requests/{request_id}/split': _decision_op(
        'Move only the customer\'s circuits into a new window at one of the proposals',
        'splitRescheduleRequest', 'RescheduleChoice',
        'The customer gets a cancellation and an invitation to the new window; possible '
        'only when the window holds other customers. ' + CHOICE_TEXT),
    '/reschedule-requests/{request_id}/decline': _decision_op(
        'Decline, with the reason the customer reads', 'declineRescheduleRequest',
        'RescheduleDecline', 'NOC tokens with role engineer or above; provider tokens get '
        '403. The customer is told (a DECLINECOUNTER for a calendar COUNTER). 409: the '
        'request was already decided.'),
}, {
    'ReschedulePeriod': {
        'type': 'object', 'required': ['start', 'end'],
        'properties': {'start': {**TIME, 'description': 'With its offset (…Z, …-03:00); '
                                                        'a time without one is refused'},
                       'end': TIME}},
    'NewRescheduleRequest': {
        'type': 'object', 'required': ['window', 'proposals', 'reason'],
        'properties': {
            'window': {'oneOf': [{'type': 'string'}, {'type': 'integer', 'minimum': 1}],
                       'description': 'The window\'s reference (MW-2026-00042) or id'},
            'proposals': {'type': 'array', 'minItems': 1,
                          'maxItems': MAX_PROPOSALS,
                          'items': _ref('ReschedulePeriod')},
            'reason': {'type': 'string', 'minLength': 1, 'maxLength': MAX_COMMENT},
            'contact': {'type': 'string', 'description': 'Optional: the e-mail address of '
                        'one of your registered contacts, who then gets the answer; '
                        'otherwise your maintenance contacts do'}}},
    'RescheduleProposal': {
        'type': 'object', 'required': ['position', 'start', 'end', 'chosen'],
        'properties': {'position': {'type': 'integer', 'minimum': 1}, 'start': TIME,
                       'end': TIME, 'chosen': {'type': 'boolean'}}},
    'RescheduleDecision': {
        'type': 'object', 'required': ['outcome', 'decided_at', 'reason'],
        'properties': {
            'outcome': {'type': 'string', 'enum': list(RescheduleState.DECIDED)},
            'decided_at': NULLABLE_TIME,
            'reason': {'type': ['string', 'null'],
                       'description': 'Why it was declined (or closed)'},
            'replaced_by': {'type': ['integer', 'null'],
                            'description': 'The newer request that replaced this one'},
            'new_window': {'type': ['string', 'null'],
                           'description': 'The window the customer\'s circuits moved to '
                                          '(split)'},
            'decided_by': {'type': ['string', 'null'], 'description': 'NOC tokens only'}}},
    'RescheduleFinding': {
        'type': 'object', 'required': ['severity', 'code', 'message', 'key', 'field'],
        'properties': {'severity': {'type': 'string', 'enum': ['error', 'warning']},
                       'code': {'type': 'string'}, 'message': {'type': 'string'},
                       'key': {'type': ['string', 'null'],
                               'description': 'A warning\'s key, for `acknowledge`'},
                       'field': {'type': ['string', 'null']}}},
    'RescheduleOption': {
        'type': 'object', 'required': ['proposal', 'others', 'move', 'split'],
        'properties': {
            'proposal': {'type': 'integer', 'description': 'The proposal\'s position'},
            'others': {'type': 'integer', 'description': 'Other customers a whole move '
                                                         'would touch'},
            'move': {**FINDING_LIST, 'description': 'The rules if the whole window moved'},
            'split': {'type': ['array', 'null'], 'items': _ref('RescheduleFinding'),
                      'description': 'The rules if only this customer\'s circuits moved '
                                     'into a new window; null when no split is possible'}}},
    'RescheduleRequest': {
        'type': 'object',
        'required': ['id', 'window', 'window_id', 'customer', 'state', 'via', 'requested_by',
                     'reason', 'created_at', 'proposals', 'decision'],
        'properties': {
            'id': {'type': 'integer'}, 'window': {'type': 'string'},
            'window_id': {'type': 'integer'}, 'customer': {'type': 'string'},
            'state': {'type': 'string', 'enum': list(RescheduleState.values())},
            'via': {'type': 'string', 'enum': list(RescheduleVia.values())},
            'requested_by': {'type': 'string'},
            'reason': {'type': 'string'}, 'created_at': NULLABLE_TIME,
            'proposals': {'type': 'array', 'items': _ref('RescheduleProposal')},
            'decision': {'oneOf': [{'type': 'null'}, _ref('RescheduleDecision')]},
            'options': {'type': 'array', 'items': _ref('RescheduleOption'),
                        'description': 'NOC tokens, single request: what each proposal '
                                       'would break (empty once decided)'}}},
    'RescheduleChoice': {
        'type': 'object', 'required': ['proposal'],
        'properties': {
            'proposal': {'type': 'integer', 'minimum': 1,
                         'maximum': MAX_PROPOSALS,
                         'description': 'The position of the chosen proposal'},
            'acknowledge': {'type': 'array', 'maxItems': MAX_ACKS,
                            'items': {'type': 'string', 'maxLength': MAX_KEY},
                            'description': 'Keys of the warnings accepted'}}},
    'RescheduleDecline': {
        'type': 'object', 'required': ['reason'],
        'properties': {'reason': {'type': 'string', 'minLength': 1,
                                  'maxLength': MAX_REASON}}},
    'RescheduleProblem': {'allOf': [_ref('Problem'), {
        'type': 'object', 'properties': {'errors': {'type': 'array', 'items': {
            'type': 'object', 'required': ['field', 'message'],
            'properties': {'field': {'type': 'string'}, 'message': {'type': 'string'},
                           'code': {'type': 'string'},
                           'key': {'type': 'string', 'description': 'A warning to '
                                   'acknowledge'}}}}}}]},
})
