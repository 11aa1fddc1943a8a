"""The OpenAPI description of /maintenance-windows: paths and schemas.

Beside the window endpoints (api/windows.py) and described with docs.describe;
sizes come from core.limits, the same numbers the window commands enforce.
"""
from noc.api import docs
from noc.api.windows_json import NOC_TEXTS
from noc.core import limits
from noc.models import MaintenanceWindow as W


def _ref(name):
    return {'$ref': f'#/components/schemas/{name}'}


STRING_OR_NULL = {'type': ['string', 'null']}
TIME = {'type': 'string', 'format': 'date-time'}
WINDOW_PROBLEM = {'description': 'RFC 9457 problem details; `errors` name the fields, and '
                                 'warnings to acknowledge (field `acknowledge`) carry their '
                                 '`key`', 'content': {'application/problem+json': {
                                     'schema': _ref('WindowProblem')}}}
WINDOW_PARAM = {'name': 'window', 'in': 'path', 'required': True,
                'schema': {'type': 'string', 'minLength': 1},
                'description': 'The window\'s id (1234) or reference (MW-2026-00042)'}
WINDOW = {'description': 'The window', **docs.content(_ref('MaintenanceWindow'))}
CHANGE_ERRORS = {'403': docs.PROBLEM, '404': docs.PROBLEM, '409': WINDOW_PROBLEM,
                 '422': WINDOW_PROBLEM, '401': docs.PROBLEM, '429': docs.PROBLEM}
INPUT = {
    'title_pt': {'type': 'string', 'maxLength': limits.MAX_TITLE, 'description': 'Title (Portuguese)'},
    'title_en': {'type': 'string', 'maxLength': limits.MAX_TITLE, 'description': 'English; empty: the '
                 'Portuguese one'},
    'description_pt': {'type': 'string', 'maxLength': limits.MAX_DESCRIPTION,
                       'description': 'What customers read (Portuguese)'},
    'description_en': {'type': 'string', 'maxLength': limits.MAX_DESCRIPTION},
    'internal_notes': {'type': 'string', 'maxLength': limits.MAX_DESCRIPTION,
                       'description': 'Never sent to customers'},
    'starts_at': {**TIME, 'description': 'ISO 8601 with an offset or Z; stored in UTC, whole '
                  'seconds. A time without an offset is refused (422).'},
    'ends_at': {**TIME, 'description': 'As starts_at'},
    'impact': {'type': 'string', 'enum': list(W.IMPACTS),
               'description': 'Of the window (default OUTAGE on creation)'},
    'outage_minutes': {'type': 'integer', 'minimum': 0, 'maximum': limits.MAX_OUTAGE_MINUTES,
                       'description': 'Expected outage; not longer than the window'},
    'emergency': {'type': 'boolean', 'description': 'Less notice than the rules ask for; '
                  'needs emergency_reason, which customers read'},
    'emergency_reason': {'type': 'string', 'maxLength': limits.MAX_REASON},
    'circuits': {'type': 'array', 'maxItems': limits.MAX_ITEMS, 'items': {'oneOf': [
        {'type': 'string', 'description': f'"{docs.DEMO_CIRCUIT}" or "{docs.DEMO_CIRCUIT} DEGRADED"'},
        {'type': 'object', 'required': ['circuit'], 'additionalProperties': False,
         'properties': {'circuit': {'type': 'string'},
                        'impact': {'type': ['string', 'null'], 'enum': list(W.IMPACTS) + [None]}}},
    ]}, 'description': 'Circuits picked directly, each with its own impact if given'},
    'sites': {'type': 'array', 'maxItems': limits.MAX_ITEMS, 'items': {'type': 'string'},
              'description': 'Sites: the circuits ending there and over devices there'},
    'segments': {'type': 'array', 'maxItems': limits.MAX_ITEMS, 'items': {'type': 'string'},
                 'description': 'Segments: every live circuit over them (a ring: its spans)'},
    'acknowledge': {'type': 'array', 'maxItems': limits.MAX_ITEMS, 'items': {'type': 'string'},
                    'description': 'Keys of the warnings you accept (from a 409 answer). Each '
                                   'is named: a warning that appeared since needs its own '
                                   'key, as in the browser.'},
}
CIRCUIT = {'type': 'object', 'additionalProperties': False,
           'required': ['circuit', 'customer_ref', 'impact'],
           'properties': {
               'circuit': {'type': 'string'}, 'customer_ref': STRING_OR_NULL,
               'impact': {'type': 'string', 'enum': list(W.IMPACTS),
                          'description': 'Effective impact on this circuit'},
               'customer': {'type': 'string', 'description': 'NOC tokens only'},
               'impact_override': {'type': ['string', 'null'],
                                   'description': 'NOC tokens only: its own impact, if any'},
               'via': {**STRING_OR_NULL, 'description': 'NOC tokens only: picked through '
                       '"site:CODE" or "segment:CODE"; null: directly'}}}
WINDOW_SCHEMA = {
    'type': 'object', 'additionalProperties': False,
    'required': ['id', 'reference', 'status', 'starts_at', 'ends_at', 'language', 'title',
                 'description', 'impact', 'outage_minutes', 'emergency', 'emergency_reason',
                 'cancel_reason', 'uid', 'sequence', 'circuits'],
    'description': 'A provider token gets its own circuits and customer, acknowledged and '
                   'can_reschedule; a NOC token every circuit, the texts in both languages, '
                   'internal notes, customers and acknowledged warnings.',
    'properties': {
        'id': {'type': 'integer'}, 'reference': {'type': 'string'},
        'status': {'type': 'string', 'enum': list(W.STATUSES)},
        'starts_at': TIME, 'ends_at': TIME,
        'language': {'type': 'string', 'enum': ['pt_BR', 'en'],
                     'description': 'Of title and description (Accept-Language)'},
        'title': {'type': 'string'}, 'description': {'type': 'string'},
        'impact': {'type': 'string', 'enum': list(W.IMPACTS)},
        'outage_minutes': {'type': 'integer'}, 'emergency': {'type': 'boolean'},
        'emergency_reason': STRING_OR_NULL, 'cancel_reason': STRING_OR_NULL,
        'uid': {'type': 'string', 'description': 'iCalendar UID of the notices'},
        'sequence': {'type': 'integer', 'description': 'iCalendar SEQUENCE'},
        'circuits': {'type': 'array', 'items': _ref('MaintenanceWindowCircuit')},
        'customer': {'type': 'string', 'description': 'Provider tokens: the account id'},
        'acknowledged': {'type': 'boolean',
                         'description': 'Provider tokens: acknowledged at its current times'},
        'can_reschedule': {'type': 'boolean',
                           'description': 'Provider tokens: whether another date may still '
                                          'be asked for'},
        **{name: {'type': 'string'} for name in NOC_TEXTS},
        'created_by': {'type': 'string'},
        'created_at': {**TIME, 'type': ['string', 'null']},
        'updated_at': {**TIME, 'type': ['string', 'null']},
        'customers': {'type': 'array', 'items': {
            'type': 'object', 'additionalProperties': False,
            'required': ['account_id', 'name', 'circuits', 'acknowledged'],
            'properties': {'account_id': {'type': 'string'}, 'name': {'type': 'string'},
                           'circuits': {'type': 'integer'},
                           'acknowledged': {'type': 'boolean'}}}},
        'acknowledged_warnings': {'type': 'array', 'items': {'type': 'string'}},
    }}
WINDOW_PROBLEM_SCHEMA = {'allOf': [_ref('Problem'), {'type': 'object', 'properties': {
    'errors': {'type': 'array', 'items': {
        'type': 'object', 'required': ['field', 'message'],
        'properties': {'field': {'type': 'string'}, 'message': {'type': 'string'},
                       'code': {'type': 'string', 'description': 'The rule: notice, past, '
                                'order, duration, overlap, redundancy, freeze'},
                       'key': {'type': 'string', 'description': 'A warning\'s key, to '
                               'send back in "acknowledge"'}}}}}}]}


# What a client (or a fuzzer following them) can do next with a window it made.
LINKS = {name: {'operationId': f'{verb}MaintenanceWindow',
                'parameters': {'window': '$response.body#/reference'}}
         for name, verb in (('Get', 'get'), ('Change', 'change'), ('Confirm', 'confirm'),
                            ('Cancel', 'cancel'), ('Start', 'start'), ('Complete', 'complete'))}
EXAMPLE = {'title_pt': 'Troca de cabo óptico', 'title_en': 'Fibre cable replacement',
           'description_pt': 'Substituição de 2 km de cabo.',
           'internal_notes': 'Equipe B', 'starts_at': '2030-06-10T23:00:00-03:00',
           'ends_at': '2030-06-11T03:00:00-03:00', 'impact': 'OUTAGE', 'outage_minutes': 30,
           'circuits': [docs.DEMO_CIRCUIT, {'circuit': docs.DEMO_L2_CIRCUIT, 'impact': 'DEGRADED'}]}


def _action(summary, operation, body=None, extra=None):
    op = {'summary': summary, 'operationId': operation, 'parameters': [WINDOW_PARAM],
          'responses': {'200': WINDOW, **CHANGE_ERRORS, **(extra or {})}}
    if body:
        op['requestBody'] = {'required': body[1], **docs.content(_ref(body[0]))}
    return {'post': op}


docs.describe({
    '/maintenance-windows': {
        'get': {'summary': 'List maintenance windows (provider tokens: published ones over '
                           'their circuits), by start', 'operationId': 'listMaintenanceWindows',
                'parameters': docs.PAGING + [
                    docs.CUSTOMER,
                    {'name': 'status', 'in': 'query',
                     'schema': {'type': 'string', 'enum': list(W.STATUSES)}},
                    {'name': 'from', 'in': 'query', 'schema': {'type': 'string'},
                     'description': 'Windows ending after this: YYYY-MM-DD (UTC) or a date '
                                    'and time with its offset'},
                    {'name': 'to', 'in': 'query', 'schema': {'type': 'string'},
                     'description': 'Windows starting before this (a date: the whole day)'},
                    {'name': 'circuit', 'in': 'query', 'schema': {'type': 'string'},
                     'description': 'Windows holding this circuit (provider: its own)'}],
                'responses': {'200': {'description': 'A page of windows', **docs.content(
                    docs.page_of('#/components/schemas/MaintenanceWindow'))},
                    '400': docs.PROBLEM, **docs.ERRORS}},
        'post': {'summary': 'Create a TENTATIVE window (NOC engineer); nothing is sent until '
                            'it is confirmed', 'operationId': 'createMaintenanceWindow',
                 'requestBody': {'required': True,
                                 **docs.content(_ref('NewMaintenanceWindow'))},
                 'responses': {'201': {'description': 'Created (Location: its address)',
                                       **docs.content(_ref('MaintenanceWindow')),
                                       'links': LINKS},
                               '400': docs.PROBLEM, '415': docs.PROBLEM, **CHANGE_ERRORS}},
    },
    '/maintenance-windows/{window}': {
        'get': {'summary': 'One window', 'operationId': 'getMaintenanceWindow',
                'parameters': [WINDOW_PARAM],
                'responses': {'200': WINDOW, '404': docs.PROBLEM, **docs.ERRORS}},
        'patch': {'summary': 'Change a window (NOC engineer): the fields given; customers '
                             'already told get the update', 'operationId':
                  'changeMaintenanceWindow', 'parameters': [WINDOW_PARAM],
                  'requestBody': {'required': True,
                                  **docs.content(_ref('MaintenanceWindowChange'))},
                  'responses': {'200': WINDOW, '400': docs.PROBLEM, '415': docs.PROBLEM,
                                **CHANGE_ERRORS}},
    },
    '/maintenance-windows/{window}/confirm': _action(
        'Confirm a TENTATIVE window (NOC engineer): the rules again, then notices',
        'confirmMaintenanceWindow', ('Acknowledgements', False),
        {'400': docs.PROBLEM, '415': docs.PROBLEM}),
    '/maintenance-windows/{window}/cancel': _action(
        'Cancel a window with the reason customers read (NOC engineer)',
        'cancelMaintenanceWindow', ('Cancellation', True),
        {'400': docs.PROBLEM, '415': docs.PROBLEM}),
    '/maintenance-windows/{window}/start': _action(
        'Mark a CONFIRMED window as started (NOC engineer); more than '
        '[maintenance] start_early_minutes before its start only with override_reason '
        '(409 otherwise)', 'startMaintenanceWindow', ('Override', False),
        {'400': docs.PROBLEM, '415': docs.PROBLEM}),
    '/maintenance-windows/{window}/complete': _action(
        'Mark a window as completed (NOC engineer); before its start only with '
        'override_reason (409 otherwise)', 'completeMaintenanceWindow', ('Override', False),
        {'400': docs.PROBLEM, '415': docs.PROBLEM}),
}, {
    'MaintenanceWindow': WINDOW_SCHEMA,
    'MaintenanceWindowCircuit': CIRCUIT,
    'WindowProblem': WINDOW_PROBLEM_SCHEMA,
    'NewMaintenanceWindow': {
        'type': 'object', 'additionalProperties': False, 'properties': INPUT,
        'required': ['title_pt', 'starts_at', 'ends_at'], 'examples': [EXAMPLE],
        'description': 'At least one of circuits, sites and segments. Warnings (both legs of '
                       'a redundant pair, a change freeze) answer 409 until their keys are in '
                       'acknowledge.'},
    'MaintenanceWindowChange': {
        'type': 'object', 'additionalProperties': False, 'properties': INPUT,
        'description': 'Only the fields given change. circuits, sites and segments together '
                       'are the scope: give any of them to replace it all.'},
    'Acknowledgements': {'type': 'object',
                         'properties': {'acknowledge': INPUT['acknowledge']}},
    'Override': {'type': 'object', 'properties': {'override_reason': {
        'type': 'string', 'maxLength': limits.MAX_REASON,
        'description': 'Why the window is started or completed ahead of time (kept in '
                       'the audit log)'}}},
    'Cancellation': {'type': 'object', 'required': ['reason'],
                     'properties': {'reason': {'type': 'string', 'minLength': 1,
                                               'maxLength': limits.MAX_REASON}}},
})
