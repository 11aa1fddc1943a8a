"""Customers, contacts, circuits, sites and segments over the API: the same
commands as the inventory pages (inventory.commands), with the same checks,
audit entries and messages.

A request body is first held to its documented schema (api.json_schema:
types, lengths, choices, no unknown fields), so a body the document accepts
is a body the domain understands; the values then go to the command as the
fields read them. A provider token reads its own customer, contacts and
circuits (without the NOC's notes and network details) and writes nothing.
"""
from flask import request, url_for

from noc.api import bp, is_provider, json_body, localised, page_args, require_noc, require_role, token
from noc.api.inventory_document import describe
from noc.api.inventory_kinds import KINDS, of_customer
from noc.api.json_schema import violations, whole
from noc.api.problems import ApiProblem, field_errors, refused
from noc.core.errors import CONFLICT, NotFound
from noc.core.text import clean_text
from noc.inventory import commands
from noc.inventory.service import RowRefused
from noc.models import Role


def _actor():
    return f'api:{token().prefix}'


def _readable(kind):
    """Provider tokens read their own customer's rows; sites and segments are the NOC's."""
    require_role(Role.VIEWER)
    if is_provider() and kind.owner is None:
        raise ApiProblem(403, 'this needs a NOC token')


def _scoped(kind, query):
    if is_provider():
        return query.where(kind.owner == token().customer_id)
    return query


def _filtered(kind, query):
    errors = []
    for name, (schema, apply) in kind.filters.items():
        raw = request.args.get(name)
        if raw is None:
            continue
        found = violations(schema, raw, name)
        value = clean_text(raw)
        if found:
            errors += found
        elif value:
            query = (apply or of_customer(kind.entity.model))(query, value)
    if errors:
        raise ApiProblem(400, 'bad filters', field_errors(errors))
    return query


def _serialise(kind, rows, values):
    hidden = kind.private if is_provider() else ()
    return [{k: v for k, v in kind.to_json(row, value).items() if k not in hidden}
            for row, value in zip(rows, values)]


def _read(kind, rows):
    return _serialise(kind, rows, kind.entity.read_many(rows))


def _missing(kind, row_id):
    # Another customer's row reads exactly like one that does not exist.
    return ApiProblem(404, f'no {kind.label} {row_id}')


def _one(kind, row_id):
    try:
        return commands.find(kind.entity, row_id, _scoped(kind, kind.entity.query()))
    except NotFound:
        raise _missing(kind, row_id) from None


def list_rows(kind):
    _readable(kind)
    query = _filtered(kind, _scoped(kind, kind.entity.query()))
    page, per_page = page_args()
    total = query.count()
    rows = list(query.order_by(*kind.entity.order()).paginate(page, per_page))
    return {'items': _read(kind, rows), 'page': page, 'per_page': per_page, 'total': total}


def get_row(kind, row_id):
    _readable(kind)
    return _read(kind, [_one(kind, row_id)])[0]


def _body(kind, creating):
    """The request's body, held to its schema, as {field: value} for the command."""
    body = json_body()
    schema = {'type': 'object', 'properties': {n: p.schema for n, p in kind.props.items()},
              'required': list(kind.required) if creating else []}
    found = violations(schema, body, '')
    if found:
        raise ApiProblem(422, f'the {kind.label} was not stored; nothing was',
                         field_errors(found))
    # Typed values straight to the command: no round trip through a form's text.
    return {name: _plain(value) for name, value in body.items()}


def _plain(value):
    """The body's whole floats (2.0) as the integers they are, at any depth."""
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {name: _plain(item) for name, item in value.items()}
    return whole(value)


def _command(kind, row_id, work, conflict=None):
    """Run a command in the reader's language; its refusal as problem+json
    (`conflict`: the detail of a 409, else the refusal's own words)."""
    def run():
        try:
            return work()
        except NotFound:
            raise _missing(kind, row_id) from None
        except RowRefused as exc:
            if exc.kind == CONFLICT:
                raise refused(exc, conflict or '; '.join(exc.errors.values())) from None
            raise refused(exc, f'the {kind.label} was not stored; nothing was') from None
    return localised(run)


def _raced(kind):
    # A write refused by the database: another request stored the same key first.
    return (f'the {kind.label} conflicts with a row stored at the same time; nothing was '
            'stored; try again')


def create_row(kind):
    require_noc(Role.ENGINEER)
    values = _body(kind, creating=True)
    saved, _ = _command(kind, None, lambda: commands.create(kind.entity, values, _actor()),
                        _raced(kind))
    location = url_for(f'api.get_{kind.name}', row_id=saved.id)
    return get_row(kind, saved.id), 201, {'Location': location}


def update_row(kind, row_id):
    require_noc(Role.ENGINEER)
    _one(kind, row_id)              # 404 before the body is read, as a GET would answer
    changes = _body(kind, creating=False)
    _command(kind, row_id, lambda: commands.update(kind.entity, row_id, changes, _actor()),
             _raced(kind))
    return get_row(kind, row_id)


def delete_row(kind, row_id):
    require_noc(Role.ENGINEER)
    _one(kind, row_id)
    _command(kind, row_id, lambda: commands.delete(kind.entity, row_id, _actor()))
    return '', 204


def _route(kind):
    path = f'/{kind.name}'
    one = path + '/<int:row_id>'
    bp.add_url_rule(path, f'list_{kind.name}', lambda: list_rows(kind), methods=['GET'])
    bp.add_url_rule(path, f'create_{kind.name}', lambda: create_row(kind), methods=['POST'])
    bp.add_url_rule(one, f'get_{kind.name}', lambda row_id: get_row(kind, row_id),
                    methods=['GET'])
    bp.add_url_rule(one, f'update_{kind.name}', lambda row_id: update_row(kind, row_id),
                    methods=['PATCH'])
    bp.add_url_rule(one, f'delete_{kind.name}', lambda row_id: delete_row(kind, row_id),
                    methods=['DELETE'])


for _kind in KINDS:
    _route(_kind)
describe()
