"""The JSON API under /api/v1: bearer tokens, problem+json errors, pages.

A provider token sees and changes only its own customer's data: every query
of the endpoints goes through `scope()`; a NOC token acts with its role. The
token API needs no CSRF token (no cookie is involved); each token has its
own rate limit.
"""
from flask import Blueprint, current_app, request
from flask_babel import force_locale
from werkzeug.exceptions import HTTPException

from noc.accounts import tokens
from noc.api.problems import ApiProblem, exception_headers, field_errors, response
from noc.core.extensions import csrf, limiter
from noc.models import Role, TokenKind

bp = Blueprint('api', __name__, url_prefix='/api/v1')
csrf.exempt(bp)

PUBLIC = {'api.openapi', 'api.docs', 'api.docs_asset'}
DEFAULT_PAGE = 50


def _presented_secret():
    """The bearer secret as authentication reads it (scheme in any case, spaces
    around it ignored), or None."""
    scheme, _, secret = request.headers.get('Authorization', '').strip().partition(' ')
    return secret.strip() if scheme.lower() == 'bearer' and secret.strip() else None


def _presented_token():
    """The live token of this request, or None; looked up once per request.
    Kept in the request's own environ, not in `g`: under an app context pushed
    by the caller (a script, a test), `g` outlives the request and would hand
    one request's token to the next."""
    environ = request.environ
    if _TOKEN_KEY not in environ:
        secret = _presented_secret()
        environ[_TOKEN_KEY] = tokens.authenticate(secret) if secret else None
    return environ[_TOKEN_KEY]


_TOKEN_KEY = 'janela.api_token'


def _limit_key():
    """Each live token one bucket, whichever endpoints it calls; every request
    without one (no token, a wrong, revoked or expired one) counts against
    the client's address, so guessing costs the guesser, not the database.
    The limiter asks before the blueprint authenticates: the lookup is shared."""
    token = _presented_token()
    if token is not None:
        return f'api-token:{token.id}'
    return f'api-anon:{request.remote_addr}'


def _rate_limit():
    return current_app.config['NOC']['api']['rate_limit']


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC:
        return None
    if _presented_token() is None:
        raise ApiProblem(401, 'a valid bearer token is required (Authorization: Bearer jnl_…)',
                         headers={'WWW-Authenticate': 'Bearer realm="janela"'})
    _refuse_nul_in_query()
    return None


def _refuse_nul_in_query():
    """NUL never belongs in a parameter and PostgreSQL refuses it outright:
    name the parameter instead of failing deep in a query."""
    bad = sorted({name for name, value in request.args.items(multi=True)
                  if '\x00' in name or '\x00' in value})
    if bad:
        raise ApiProblem(400, 'a parameter holds a NUL character', field_errors(
            {name.replace('\x00', '\\0'): 'text without NUL characters' for name in bad}))


# One limit shared by every endpoint of the API (a plain limit would count each
# route apart, giving a token the limit once per endpoint).
limiter.shared_limit(_rate_limit, scope='api', key_func=_limit_key)(bp)


def token():
    return request.environ[_TOKEN_KEY]


def is_provider():
    return token().kind == TokenKind.PROVIDER


def require_role(role):
    """NOC tokens need at least `role`; provider tokens act on their own data."""
    current = token()
    if current.kind == TokenKind.NOC and not Role.at_least(current.role, role):
        raise ApiProblem(403, f'this needs a NOC token with role {role} or above')


def require_noc(role=Role.VIEWER):
    if is_provider():
        raise ApiProblem(403, 'this needs a NOC token')
    require_role(role)


def language():
    """The reader's language: Accept-Language, else the customer's, else the default."""
    best = request.accept_languages.best_match(['pt-BR', 'pt', 'en'])
    if best:
        return 'en' if best == 'en' else 'pt_BR'
    if is_provider():
        return token().customer.notice_language if token().customer else 'pt_BR'
    return current_app.config['NOC']['app']['language']


def localised(work):
    with force_locale(language()):
        return work()


def page_args():
    errors = {}
    values = {}
    limit = current_app.config['NOC']['api']['max_page_size']
    for name, default, top in (('page', 1, 10 ** 6), ('per_page', DEFAULT_PAGE, limit)):
        text = request.args.get(name, str(default))
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= top:
            errors[name] = f'a whole number from 1 to {top}'
        else:
            values[name] = int(text)
    if errors:
        raise ApiProblem(400, 'bad paging parameters', field_errors(errors))
    return values['page'], values['per_page']


def paginated(query, serialise):
    page, per_page = page_args()
    items = [serialise(row) for row in query.paginate(page, per_page)]
    # A first page that is not full is the whole list: no COUNT needed.
    total = len(items) if page == 1 and len(items) < per_page else query.count()
    return {'items': items, 'page': page, 'per_page': per_page, 'total': total}


def json_body():
    if not request.is_json:
        raise ApiProblem(415, 'send a JSON body (Content-Type: application/json)')
    try:
        body = request.get_json(silent=True)
    except RecursionError:          # nested deeper than the parser goes
        body = None
    if not isinstance(body, dict):
        raise ApiProblem(400, 'the body must be a JSON object')
    # The names themselves may hold what they report: shown escaped.
    bad = sorted(name.encode('utf-8', 'backslashreplace').decode().replace('\x00', '\\0')
                 for name in _unstorable_fields(body))
    if bad:
        raise ApiProblem(422, 'a field holds a NUL character or a lone surrogate',
                         field_errors(dict.fromkeys(bad, 'text of Unicode characters, without NUL')))
    return body


def _unstorable(text):
    """NUL (PostgreSQL refuses it) or a lone surrogate (JSON admits \\ud800, UTF-8
    cannot encode it): text that no column can keep."""
    if '\x00' in text:
        return True
    try:
        text.encode('utf-8')
    except UnicodeEncodeError:
        return True
    return False


def _unstorable_fields(body):
    """Where unstorable text hides in a JSON value (keys and strings, at any depth;
    a loop, not recursion: the parser admits deeper nesting than Python's stack)."""
    found, pending = set(), [(body, '')]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            if _unstorable(value):
                found.add(path or 'body')
            continue
        items = value.items() if isinstance(value, dict) else (
            enumerate(value) if isinstance(value, list) else ())
        for key, item in items:
            name = f'{path}[{key}]' if isinstance(key, int) else (
                f'{path}.{key}' if path else str(key))
            if isinstance(key, str) and _unstorable(key):
                found.add(name)
            pending.append((item, name))
    return found


@bp.errorhandler(ApiProblem)
def _problem(exc):
    return response(exc.status, exc.detail, exc.errors, exc.headers)


@bp.errorhandler(HTTPException)
def _http(exc):
    headers = exception_headers(exc)
    if exc.code == 429:
        headers['Retry-After'] = str(_retry_after())
    return response(exc.code or 500, exc.description or exc.name, headers=headers)


def _retry_after():
    """Seconds until the token's window lets a request through again."""
    import time
    try:
        reset = limiter.current_limit.reset_at
        return max(1, int(reset - time.time()) + 1)
    except (AttributeError, TypeError):
        return 60


def register(app):
    # Their routes join the blueprint and their paths the OpenAPI document.
    from noc.api import checks, docs, docs_page, inventory, prefixes, reschedules, windows  # noqa: F401
    app.register_blueprint(bp)
