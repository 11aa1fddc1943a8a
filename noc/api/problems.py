"""Errors of the JSON API as RFC 9457 problem details (application/problem+json),
with a field-level list of what is wrong where there is one."""
from flask import jsonify

from noc.core.errors import CONFLICT, INVALID, NOT_FOUND, JanelaError

PROBLEM = 'application/problem+json'
TITLES = {400: 'Bad request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not found',
          405: 'Method not allowed', 409: 'Conflict', 413: 'Content too large',
          415: 'Unsupported media type',
          422: 'Unprocessable content', 429: 'Too many requests',
          500: 'Internal server error'}


class ApiProblem(JanelaError):
    def __init__(self, status, detail, errors=None, headers=None):
        super().__init__(detail)
        self.status, self.detail = status, str(detail)
        self.errors = errors or []
        self.headers = headers or {}


def field_errors(errors):
    """{field: message} or [(field, message)] -> [{'field', 'message'}]."""
    items = errors.items() if isinstance(errors, dict) else errors
    return [{'field': field, 'message': str(message)} for field, message in items]


def exception_headers(exc):
    """What an HTTP exception says in headers (Allow on a 405, RFC 9110),
    without the HTML Content-Type of werkzeug's own page."""
    return {k: v for k, v in exc.get_headers() if k.lower() != 'content-type'}


def response(status, detail, errors=None, headers=None):
    body = {'type': 'about:blank', 'title': TITLES.get(status, 'Error'), 'status': status,
            'detail': str(detail)}
    if errors:
        body['errors'] = errors
    result = jsonify(body)
    result.status_code = status
    result.mimetype = PROBLEM
    for name, value in (headers or {}).items():
        result.headers[name] = value
    return result


# A command's kind of refusal as the answer's status.
REFUSED_STATUS = {INVALID: 422, CONFLICT: 409, NOT_FOUND: 404}


def refused(exc, detail=None, lines_field='body'):
    """A command's Refused (noc.core.errors) as the ApiProblem an endpoint raises,
    the API's one translation of a refusal: its kind as the status (422, 409,
    404), its errors by field, then each bad line of the text sent in
    `lines_field` with its line, column and (when the refusal kept it) text."""
    errors = field_errors(exc.errors)
    texts = getattr(exc, 'texts', {})
    for line, column, message in exc.lines:
        item = {'field': lines_field, 'line': line, 'column': column, 'message': str(message)}
        if line in texts:
            item['text'] = texts[line]
        errors.append(item)
    return ApiProblem(REFUSED_STATUS.get(exc.kind, 422), detail or str(exc), errors)
