"""A command's Refused with rule findings as RFC 9457 problem details.

problems.refused is the API's translation of a Refused (its kind as the
status, errors by field, line errors); this adds what rules with warnings
need: errors found by a rule carry their code, and the warnings still to
acknowledge are listed with the key to send back in "acknowledge" (beside
the errors in a 422 so one round trip shows everything; alone, a 409).
"""
from noc.api.problems import ApiProblem, refused
from noc.core.errors import CONFLICT, NOT_FOUND, Refused

ACKNOWLEDGE = 'acknowledge these warnings: send the request again with "acknowledge": ' \
              '[their keys]'


def _warnings(exc):
    waiting = getattr(exc, 'unacknowledged', None)
    if waiting is None:
        waiting = [f for f in exc.findings if not f.is_error]
    return [{'field': 'acknowledge', 'key': f.key, 'code': f.code, 'message': str(f.message)}
            for f in waiting]


def problem(exc, invalid, fields=None, whole='body', not_found=None):
    """The ApiProblem for a Refused. `invalid` is the detail of a 422, `not_found`
    that of a 404; `fields` renames a command's field to the one the caller sent,
    `whole` names a rule error about no field in particular."""
    fields = fields or {}
    if exc.kind == NOT_FOUND:
        return refused(exc, not_found)
    errors = [f for f in exc.findings if f.is_error]
    covered = {f.field for f in errors}
    plain = Refused({fields.get(name, name): message for name, message in exc.errors.items()
                     if name not in covered}, lines=exc.lines, kind=exc.kind)
    items = [{'field': fields.get(f.field, f.field) or whole, 'code': f.code,
              'message': str(f.message)} for f in errors] + refused(plain).errors
    if exc.kind == CONFLICT:
        return ApiProblem(409, next(iter(exc.errors.values()), str(exc)), items)
    if items:
        return ApiProblem(422, invalid, items + _warnings(exc))
    return ApiProblem(409, ACKNOWLEDGE, _warnings(exc))
