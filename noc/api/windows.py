"""Maintenance windows over the API: reading them, and the window commands the
browser and the CLI call (maintenance/window_commands.py), with the same rules
and warnings to acknowledge.

A provider token reads only published windows that hold its own circuits, and
of them only its circuits; NOC tokens read everything and, as engineers,
change windows. This module reads the request and answers: the body becomes
typed values in windows_body, a window JSON in windows_json, a refusal a
problem in api.refusals; the OpenAPI description is windows_doc's.
"""
import datetime
import functools
import re

from flask import current_app, request, url_for

from noc.api import (
    bp,
    is_provider,
    json_body,
    localised,
    paginated,
    require_noc,
    require_role,
    token,
    windows_doc,  # noqa: F401  (the paths join the OpenAPI document)
)
from noc.api import windows_body as body_of
from noc.api.problems import ApiProblem, field_errors
from noc.api.refusals import problem
from noc.api.windows_body import TIME_HINT
from noc.api.windows_json import window_json
from noc.core.errors import Refused
from noc.core.limits import MAX_ID, MAX_REFERENCE
from noc.core.text import clean_text
from noc.maintenance import settings as maintenance_settings
from noc.maintenance import window_commands
from noc.models import Circuit, Customer, MaintenanceWindow, Role, WindowCircuit

REFERENCE = re.compile(r'^MW-[0-9]{4}-[0-9]{1,12}$')
UTC = datetime.timezone.utc
W = MaintenanceWindow
# Kept for api/reschedules.py: the model's one rule, as a query condition.
PUBLISHED = W.is_published()


def in_language(view):
    """The whole view in the reader's language: messages, titles, problems."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        return localised(lambda: view(*args, **kwargs))
    return wrapped


def _serialise(window):
    return window_json(window, token().customer_id if is_provider() else None)


def _mine():
    """Windows holding a circuit of the provider token's customer."""
    return W.id.in_(WindowCircuit.select(WindowCircuit.window).join(Circuit)
                    .where(Circuit.customer == token().customer_id))


def _visible(query):
    if is_provider():
        return query.where(W.is_published() & _mine())
    return query


def _not_found(key):
    return ApiProblem(404, f'no maintenance window {clean_text(key)[:MAX_REFERENCE]}')


def _find(key):
    """By id or reference; another customer's window reads like a missing one."""
    key = key.strip()
    if key.isascii() and key.isdigit() and int(key) <= MAX_ID:
        condition = W.id == int(key)
    elif REFERENCE.match(key.upper()):
        condition = W.reference == key.upper()
    else:
        condition = None
    window = _visible(W.select()).where(condition).first() if condition is not None else None
    if window is None:
        raise _not_found(key)
    return window


def _next_day(day):
    try:
        return day + datetime.timedelta(days=1)
    except OverflowError:       # 9999-12-31: the last day there is, so no bound at all
        return None


def _bound(name, end_of_day):
    """?from= / ?to=: a date (a whole UTC day) or a date and time with its offset."""
    text = clean_text(request.args.get(name))[:40]
    if not text:
        return None
    try:
        if re.fullmatch(r'[0-9]{4}-[0-9]{2}-[0-9]{2}', text):
            day = datetime.datetime.combine(datetime.date.fromisoformat(text),
                                            datetime.time(), UTC)
            return _next_day(day) if end_of_day else day
        moment = datetime.datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    raise ApiProblem(400, 'bad filter', field_errors(
        {name: 'a date (YYYY-MM-DD, UTC) or ' + TIME_HINT}))


def _filtered(query):
    status = request.args.get('status')
    if status:
        if status not in W.STATUSES:
            raise ApiProblem(400, 'bad filter', field_errors(
                {'status': 'one of ' + ', '.join(W.STATUSES)}))
        query = query.where(W.status == status)
    since, until = _bound('from', False), _bound('to', True)
    if since:
        query = query.where(W.ends_at > since)
    if until:
        query = query.where(W.starts_at < until)
    circuit = clean_text(request.args.get('circuit'))[:100]
    if circuit:
        # A provider names only its own circuits: asking about another's tells nothing.
        over = Circuit.circuit_id == circuit.upper()
        if is_provider():
            over &= Circuit.customer == token().customer_id
        query = query.where(W.id.in_(WindowCircuit.select(WindowCircuit.window)
                                     .join(Circuit).where(over)))
    account = clean_text(request.args.get('customer'))[:100]
    if account and not is_provider():
        query = query.where(W.id.in_(
            WindowCircuit.select(WindowCircuit.window).join(Circuit).join(Customer)
            .where(Customer.account_id == account)))
    return query


@bp.route('/maintenance-windows', methods=['GET'])
@in_language
def list_windows():
    require_role(Role.VIEWER)
    query = _filtered(_visible(W.select())).order_by(W.starts_at, W.id)
    return paginated(query, _serialise)


@bp.route('/maintenance-windows/<window>', methods=['GET'])
@in_language
def get_window(window):
    require_role(Role.VIEWER)
    return _serialise(_find(window))


# Changing: the window commands -------------------------------------------------

def _actor():
    return f'api:{token().prefix}'


def _settings():
    return maintenance_settings.of_app(current_app)


def _optional_body():
    """Actions take an optional JSON body: no body at all is an empty one."""
    return json_body() if request.get_data(cache=True) else {}


def _run(key, command):
    """Run a window command; its refusal as a problem (the cancel reason is the
    body's `reason`)."""
    try:
        return command()
    except Refused as exc:
        raise problem(exc, 'the window breaks the rules; nothing was changed',
                      fields={'cancel_reason': 'reason'}, whole='window',
                      not_found=_not_found(key).detail) from None


@bp.route('/maintenance-windows', methods=['POST'])
@in_language
def create_window():
    require_noc(Role.ENGINEER)
    body = json_body()
    typed, acknowledged = body_of.new_window(body), body_of.acknowledged(body)
    window = _run('', lambda: window_commands.create(typed, _actor(), _settings(),
                                                     acknowledged))
    return window_json(window), 201, {'Location': url_for('api.get_window',
                                                          window=window.id)}


@bp.route('/maintenance-windows/<window>', methods=['PATCH'])
@in_language
def change_window(window):
    require_noc(Role.ENGINEER)
    body = json_body()
    found = _find(window)
    changes, acknowledged = body_of.changes(body), body_of.acknowledged(body)
    # The command locks the row for the whole change, as for the browser: the
    # worker starting the same window waits, then sees the change.
    return window_json(_run(window, lambda: window_commands.update(
        found.id, changes, _actor(), _settings(), acknowledged)))


def _act(key, command):
    """One lifecycle command on the window named by `key` (id or reference)."""
    window_id = _find(key).id
    return window_json(_run(key, lambda: command(window_id)))


@bp.route('/maintenance-windows/<window>/confirm', methods=['POST'])
@in_language
def confirm_window(window):
    require_noc(Role.ENGINEER)
    acknowledged = body_of.acknowledged(_optional_body())
    return _act(window, lambda window_id: window_commands.confirm(
        window_id, _actor(), _settings(), acknowledged))


@bp.route('/maintenance-windows/<window>/cancel', methods=['POST'])
@in_language
def cancel_window(window):
    require_noc(Role.ENGINEER)
    reason = json_body().get('reason')
    if not isinstance(reason, str):
        raise ApiProblem(422, 'the window was not cancelled', field_errors({'reason': (
            'the reason customers who were told will read: a string')}))
    return _act(window, lambda window_id: window_commands.cancel(
        window_id, _actor(), reason, _settings()))


def _override_reason():
    """The body's optional override_reason: why a time guard is overridden."""
    reason = _optional_body().get('override_reason')
    if reason is not None and not isinstance(reason, str):
        raise ApiProblem(422, 'nothing was changed', field_errors({'override_reason': (
            'why the window is started or completed ahead of time: a string')}))
    return reason


@bp.route('/maintenance-windows/<window>/start', methods=['POST'])
@in_language
def start_window(window):
    require_noc(Role.ENGINEER)
    reason = _override_reason()
    return _act(window, lambda window_id: window_commands.start(
        window_id, _actor(), _settings(), override_reason=reason))


@bp.route('/maintenance-windows/<window>/complete', methods=['POST'])
@in_language
def complete_window(window):
    require_noc(Role.ENGINEER)
    reason = _override_reason()
    return _act(window, lambda window_id: window_commands.complete(
        window_id, _actor(), _settings(), override_reason=reason))
