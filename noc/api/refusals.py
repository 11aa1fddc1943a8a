"""A command's Refused as RFC 9457 problem details: the API's one translator.

not-found -> 404; conflict (the row's state forbids it) -> 409 with the
reason as detail; errors by field or rule -> 422, with the warnings still to
acknowledge beside them so one round trip shows everything; only warnings
-> 409, each with the key to send back in "acknowledge".
"""
from noc.api.problems import ApiProblem

ACKNOWLEDGE = 'acknowledge these warnings: send the request again with "acknowledge": ' \
              '[their keys]'


def _items(exc, fields, whole):
    """Field errors, rule errors (with their code) and line errors as problem items;
    `fields` renames a command's field to the one the caller sent."""
    items, covered = [], set()
    for finding in exc.findings:
        if finding.is_error:
            items.append({'field': fields.get(finding.field, finding.field) or whole,
                          'code': finding.code, 'message': str(finding.message)})
            covered.add(finding.field)
    items += [{'field': fields.get(field, field), 'message': str(message)}
              for field, message in exc.errors.items() if field not in covered]
    items += [{'field': f'line {line}', 'message': str(message)}
              for line, _, message in exc.lines]
    return items


def _warnings(exc):
    waiting = getattr(exc, 'unacknowledged', None)
    if waiting is None:
        waiting = [f for f in exc.findings if not f.is_error]
    return [{'field': 'acknowledge', 'key': f.key, 'code': f.code, 'message': str(f.message)}
            for f in waiting]


def problem(exc, invalid, fields=None, whole='body', not_found=None):
    """The ApiProblem for a noc.core.errors.Refused. `invalid` is the detail of a
    422; `not_found` that of a 404 (the exception's own words by default)."""
    if exc.kind == 'not-found':
        return ApiProblem(404, not_found or str(exc))
    items = _items(exc, fields or {}, whole)
    if exc.kind == 'conflict':
        return ApiProblem(409, next(iter(exc.errors.values()), str(exc)), items)
    if items:
        return ApiProblem(422, invalid, items + _warnings(exc))
    return ApiProblem(409, ACKNOWLEDGE, _warnings(exc))
