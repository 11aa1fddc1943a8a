"""Prefix tracking in the browser: the queue of prefixes waiting for a decision,
the request form, the request and prefix pages with their evidence, and the
router prefix-lists of a customer.

Every change goes through noc.routing.prefix_requests.commands (submit, act,
check_now), the door the CLI, the API and the BGP mailbox use too; this
module turns form text into their values and shows what they decided.
"""
import re
from collections import defaultdict

import peewee as pw
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from noc.core.errors import NotFound
from noc.core.limits import MAX_ID, MAX_REASON
from noc.core.paging import paginate
from noc.core.text import clean_text
from noc.inventory import search
from noc.models import Circuit, Customer, Role
from noc.models.routing import (
    IrrState,
    PrefixAction,
    PrefixEvent,
    PrefixRequest,
    PrefixState,
    PrefixVia,
    RpkiState,
    TrackedPrefix,
    Verdict,
)
from noc.routing import alerts
from noc.routing.labels import STATE_LABELS, label
from noc.routing.policy import verdict
from noc.routing.prefix_requests import checking, commands, filters, notices, prefix_lists
from noc.routing.prefix_requests import workflow as requests
from noc.web.access import require
from noc.web.form_errors import field_errors, line_errors
from noc.web.routing import settings
from noc.web.sorting import rank, read_sort

bp = Blueprint('prefixes', __name__, url_prefix='/prefixes')

QUEUE_SIZE = 50
RECENT_REQUESTS = 20
HISTORY_ROWS = 500
VERDICTS = (Verdict.REJECT, Verdict.ATTENTION, Verdict.ACCEPT)
FAMILIES = {'both': _l('IPv4 and IPv6'), '4': _l('IPv4 only'), '6': _l('IPv6 only')}
PLACEHOLDER = ('192.0.2.0/24\n'
               '2001:db8:100::/40 AS64500\n'
               '198.51.100.0/24,64500\n'
               'ip prefix-list CUSTOMER permit 203.0.113.0/24\n'
               'route: 192.0.2.0/24\norigin: AS64500')


def _number(raw):
    """A database id from a form or query value, or None."""
    raw = clean_text(raw)
    return int(raw) if raw.isdigit() and int(raw) <= MAX_ID else None


def _get_or_404(model, row_id):
    try:
        return commands.find(model, row_id)
    except NotFound:
        abort(404)


def _get(model, raw):
    row_id = _number(raw)
    return model.get_or_none(model.id == row_id) if row_id is not None else None


# -- the queue ----------------------------------------------------------------

# The queue's filters beyond a single state: every open one, or all of them.
OPEN_STATES, ALL_STATES = 'open', 'all'


def _queue_args():
    state = request.args.get('state', OPEN_STATES)
    if state not in TrackedPrefix.STATES and state not in (OPEN_STATES, ALL_STATES):
        state = OPEN_STATES
    verdict_arg = request.args.get('verdict', '')
    return {'state': state, 'verdict': verdict_arg if verdict_arg in VERDICTS else '',
            'customer': _number(request.args.get('customer'))}


def _with_names(query):
    """Customer and circuit fetched with the rows (one query per page)."""
    return (query.join(Customer, on=TrackedPrefix.customer)
            .switch(TrackedPrefix).join(Circuit, on=TrackedPrefix.circuit))


# The columns of the queue and of the request list a person may sort by.
QUEUE_SORTS = {
    'prefix': (TrackedPrefix.family, TrackedPrefix.prefix), 'origin': TrackedPrefix.origin,
    'customer': Customer.name, 'session': Circuit.circuit_id,
    'state': rank(TrackedPrefix.state, PrefixState.values()),
    'verdict': rank(TrackedPrefix.verdict, VERDICTS), 'request': TrackedPrefix.request,
    'since': TrackedPrefix.state_changed_at,
}
REQUEST_SORTS = {
    'request': PrefixRequest.id, 'customer': Customer.name, 'session': Circuit.circuit_id,
    'as_set': PrefixRequest.as_set, 'received': PrefixRequest.created_at,
}


def queue_query(args, sort=None):
    """Prefixes to decide on first: checked before received, reject and
    attention before accept, oldest first (unless `sort` says otherwise)."""
    query = _with_names(TrackedPrefix.select(TrackedPrefix, Customer, Circuit))
    if args['state'] == OPEN_STATES:
        query = query.where(TrackedPrefix.state.in_(TrackedPrefix.OPEN))
    elif args['state'] != ALL_STATES:
        query = query.where(TrackedPrefix.state == args['state'])
    if args['verdict']:
        query = query.where(TrackedPrefix.verdict == args['verdict'])
    if args['customer'] is not None:
        query = query.where(TrackedPrefix.customer == args['customer'])
    checked_first = pw.Case(None, ((TrackedPrefix.state == PrefixState.CHECKED, 0),), 1)
    worst_first = pw.Case(None, ((TrackedPrefix.verdict == Verdict.REJECT, 0),
                                 (TrackedPrefix.verdict == Verdict.ATTENTION, 1)), 2)
    default = (checked_first, worst_first, TrackedPrefix.id)
    return query.order_by(*(sort.order() if sort else default))


def request_summaries(rows):
    """{request id: {state: count}} for many requests in one query."""
    counts = defaultdict(dict)
    ids = [r.id for r in rows]
    if ids:
        for request_id, state, count in (
                TrackedPrefix.select(TrackedPrefix.request, TrackedPrefix.state,
                                     pw.fn.COUNT(TrackedPrefix.id))
                .where(TrackedPrefix.request.in_(ids))
                .group_by(TrackedPrefix.request, TrackedPrefix.state).tuples()):
            counts[request_id][state] = count
    return counts


def requests_query(customer_id=None, sort=None):
    """Requests, the newest first (unless `sort` says otherwise)."""
    query = (PrefixRequest.select(PrefixRequest, Customer, Circuit)
             .join(Customer, on=PrefixRequest.customer)
             .switch(PrefixRequest).join(Circuit, on=PrefixRequest.circuit))
    if customer_id is not None:
        query = query.where(PrefixRequest.customer == customer_id)
    default = (PrefixRequest.created_at.desc(), PrefixRequest.id.desc())
    return query.order_by(*(sort.order() if sort else default))


@bp.route('/')
@require(Role.VIEWER)
def queue():
    args = _queue_args()
    sort = read_sort(QUEUE_SORTS, (), TrackedPrefix.id)
    page = paginate(queue_query(args, sort if sort.column else None), QUEUE_SIZE)
    recent = list(requests_query(args['customer']).limit(RECENT_REQUESTS))
    return render_template('prefixes/queue.html', page=page, args=args, recent=recent,
                           summaries=request_summaries(recent),
                           customers=requests.isp_customers(), verdicts=VERDICTS,
                           open_states=OPEN_STATES, all_states=ALL_STATES, sort=sort)


@bp.route('/requests/')
@require(Role.VIEWER)
def request_list():
    customer_id = _number(request.args.get('customer'))
    sort = read_sort(REQUEST_SORTS, (), PrefixRequest.id)
    page = paginate(requests_query(customer_id, sort if sort.column else None), QUEUE_SIZE)
    return render_template('prefixes/requests.html', page=page, customer_id=customer_id,
                           sort=sort,
                           summaries=request_summaries(page.items),
                           customers=requests.isp_customers())


# -- a new request ------------------------------------------------------------

def session_customers():
    """The customers a request can be for: those with a live session."""
    return list(Customer.select().where(Customer.id.in_(
        Circuit.select(Circuit.customer).where(search.sessions_of())))
        .order_by(Customer.name))


def session_choices(customers, customer_id):
    """[(customer, [circuits])]: the sessions that can carry a request, only
    the chosen customer's once one is chosen (not every customer's ~180)."""
    sessions = defaultdict(list)
    for circuit in (Circuit.select().where(search.sessions_of(customer_id))
                    .order_by(Circuit.circuit_id)):
        sessions[circuit.customer_id].append(circuit)
    return [(c, sessions[c.id]) for c in customers if sessions[c.id]]


def _form_values(form):
    return {'customer': clean_text(form.get('customer'))[:20],
            'circuit': clean_text(form.get('circuit'))[:20],
            'as_set': clean_text(form.get('as_set')).upper(),
            'prefixes': clean_text(form.get('prefixes')),
            'note': clean_text(form.get('note')),
            'allow_length': form.get('allow_length') == '1'}


def _render_form(values, errors=None, lines=(), status=200):
    customers = session_customers()
    return render_template('prefixes/new.html', values=values, errors=errors or {},
                           lines=lines, customers=customers,
                           choices=session_choices(customers, _number(values['customer'])),
                           placeholder=PLACEHOLDER,
                           limits=current_app.config['NOC']['prefixes']), status


def check_now():
    """The verdicts at once when the command may check in place; else say when."""
    done = commands.check_now(settings())
    if done == commands.BY_WORKER:
        flash(_('The worker checks the prefixes against RPKI and the IRR within a '
                'minute.'), 'info')
    elif done == commands.FAILED:
        flash(_('The prefixes could not be checked now; the worker checks them on its '
                'next pass.'), 'error')


@bp.route('/new', methods=['GET', 'POST'])
@require(Role.ENGINEER)
def new():
    if request.method == 'GET':
        return _render_form({'customer': clean_text(request.args.get('customer'))[:20],
                             'circuit': '', 'as_set': '', 'prefixes': '', 'note': '',
                             'allow_length': False})
    values = _form_values(request.form)
    try:
        created = commands.submit(
            _number(values['circuit']), values['prefixes'], settings=settings(),
            customer_id=_number(values['customer']),
            actor=current_user._get_current_object(),
            as_set=values['as_set'] or None,        # none typed: the session's
            via=PrefixVia.WEB, requested_by=current_user.username, note=values['note'],
            allow_length=values['allow_length'])
    except commands.RequestRefused as exc:
        return _render_form(values, field_errors(exc), line_errors(exc), 400)
    count = TrackedPrefix.select().where(TrackedPrefix.request == created).count()
    flash(ngettext('Request %(reference)s stored with %(num)d prefix.',
                   'Request %(reference)s stored with %(num)d prefixes.', count,
                   reference=requests.reference(created.id)), 'info')
    check_now()
    return redirect(url_for('prefixes.show_request', request_id=created.id))


# -- a request ----------------------------------------------------------------

def _render_request(found, error='', status=200):
    rows = list(TrackedPrefix.select().where(TrackedPrefix.request == found)
                .order_by(TrackedPrefix.family, TrackedPrefix.prefix, TrackedPrefix.origin))
    return render_template('prefixes/request.html', req=found, rows=rows, error=error,
                           reference=requests.reference(found.id),
                           summary=requests.summary(found), actions=PrefixAction.labels(),
                           contacts=notices.contacts(found.customer_id),
                           reason=clean_text(request.form.get('reason'))[:MAX_REASON],
                           chosen={_number(v) for v in request.form.getlist('prefix')}), status


@bp.route('/requests/<int:request_id>')
@require(Role.VIEWER)
def show_request(request_id):
    return _render_request(_get_or_404(PrefixRequest, request_id))


def _ticked():
    """The ticked prefix ids; None with "every prefix" ticked (the command
    takes those the action applies to)."""
    if request.form.get('all') == '1':
        return None
    return sorted({n for n in map(_number, request.form.getlist('prefix')) if n})


@bp.route('/requests/<int:request_id>/act', methods=['POST'])
@require(Role.ENGINEER)
def act(request_id):
    found = _get_or_404(PrefixRequest, request_id)
    action = request.form.get('action', '')
    try:
        rows = commands.act(found.id, action, settings=settings(), prefix_ids=_ticked(),
                            actor=current_user._get_current_object(),
                            reason=clean_text(request.form.get('reason')))
    except commands.ActionRefused as exc:
        return _render_request(found, str(exc), 400)
    flash(ngettext('%(num)d prefix: %(state)s.', '%(num)d prefixes: %(state)s.', len(rows),
                   state=label(STATE_LABELS, rows[0].state)), 'info')
    if action == PrefixAction.RECHECK:
        check_now()
    return redirect(url_for('prefixes.show_request', request_id=found.id))


# -- a prefix -----------------------------------------------------------------

def irr_routes_by_source(evidence):
    """{source: [origins]} of the route objects the last check found."""
    found = defaultdict(list)
    for source, origin in ((evidence or {}).get('irr') or {}).get('routes', []):
        found[source].append(origin)
    return dict(sorted(found.items()))


@bp.route('/<int:prefix_id>')
@require(Role.VIEWER)
def show_prefix(prefix_id):
    row = _get_or_404(TrackedPrefix, prefix_id)
    return render_template('prefixes/prefix.html', row=row, req=row.request,
                           reference=requests.reference(row.request_id),
                           evidence=row.evidence or {},
                           irr_routes=irr_routes_by_source(row.evidence),
                           history=requests.history(row)[:HISTORY_ROWS],
                           alerts=alerts.of_prefix(row), actions=prefix_actions(row))


def prefix_actions(row):
    """{action: button label} of the request page's actions that apply to this
    prefix in its state (the rest would only be refused)."""
    return {action: action_label for action, action_label in PrefixAction.labels().items()
            if row.state in requests.ACTIONS[action][0]}


# -- router prefix-lists ------------------------------------------------------

def _filter_args(customer):
    """(args, circuit, error): the form's choices, checked."""
    args = {'format': clean_text(request.args.get('format', 'cisco'))[:40],
            'family': request.args.get('family', 'both'),
            'session': clean_text(request.args.get('session'))[:20],
            'name': clean_text(request.args.get('name'))[:80]}
    circuit, error = None, ''
    if args['session']:
        circuit = _get(Circuit, args['session'])
        if circuit is None or circuit.customer_id != customer.id:
            error = _('%(customer)s has no such BGP session; choose one from the list.',
                      customer=customer.name)
    if args['family'] not in FAMILIES:
        error = _('Choose the address family: IPv4, IPv6 or both.')
    return args, circuit, error


def _list_name(args, customer, circuit):
    """The name asked for, else Janela's default (BIRD's symbols allow no '-')."""
    if args['name']:
        return args['name']
    name = filters.default_name(customer, circuit)
    return name.replace('-', '_') if args['format'] == 'bird' else name


def _download(text, name, fmt):
    filename = re.sub(r'[^A-Za-z0-9_-]', '_', f'{name}-{fmt}') + '.txt'
    return Response(text, content_type='text/plain; charset=utf-8',
                    headers={'Content-Disposition': f'attachment; filename="{filename}"',
                             'X-Content-Type-Options': 'nosniff'})


@bp.route('/filters/<int:customer_id>')
@require(Role.VIEWER)
def prefix_list(customer_id):
    customer = _get_or_404(Customer, customer_id)
    args, circuit, error = _filter_args(customer)
    name, text = _list_name(args, customer, circuit), None
    if not error:
        try:
            text = filters.render(customer, args['format'], circuit, name, args['family'])
        except filters.FilterRefused as exc:
            error = str(exc)
    if text is not None and request.args.get('download') == '1':
        return _download(text, name, args['format'])
    configured = filters.configured(customer, circuit)
    return render_template('prefixes/filters.html', customer=customer, args=args,
                           name=name, text=text, error=error, configured=configured,
                           sessions=requests.sessions_of(customer),
                           formats=prefix_lists.FORMATS, families=FAMILIES), 400 if error else 200


def _label_filter(choices):
    """A Jinja filter: a stored value as its label in the reader's language."""
    return lambda value: str(choices.label(value))


def register(app):
    app.register_blueprint(bp)
    for name, choices in (('prefix_state_label', PrefixState), ('verdict_label', Verdict),
                          ('rpki_label', RpkiState), ('irr_label', IrrState),
                          ('prefix_via_label', PrefixVia), ('prefix_event_label', PrefixEvent)):
        app.jinja_env.filters[name] = _label_filter(choices)
    app.jinja_env.globals['finding_message'] = verdict.message
    app.jinja_env.filters['history_note'] = checking.note_label
    app.jinja_env.globals['prefix_reference'] = requests.reference
