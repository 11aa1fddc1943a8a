"""The API's documentation page: the OpenAPI document read to people.

In the app's layout and the reader's language, it lists every operation
server-side (parameters, the request body's fields, the answers and their
schemas), so it reads without JavaScript; with it, Swagger UI renders the
same document. Swagger UI is a declared dependency (flask-swagger-ui ships
its dist files); this module serves only the two files the page loads, from
that package's folder, never from a CDN.
"""
import json
import os
import re
from dataclasses import dataclass, field

import flask_swagger_ui
from flask import abort, render_template, send_from_directory, url_for
from markupsafe import Markup, escape

from noc.api import bp
from noc.api.docs import served
from noc.api.operation_summaries import translated

SWAGGER_DIST = os.path.join(os.path.dirname(flask_swagger_ui.__file__), 'dist')
# What the page loads; nothing else of the package is served.
ASSETS = ('swagger-ui-bundle.js', 'swagger-ui.css')
SCHEMA_PREFIX = '#/components/schemas/'


@dataclass
class Field:
    name: str
    type: str
    required: bool
    description: str = ''


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str = ''
    parameters: list = field(default_factory=list)      # [Field], type 'in: type'
    body: str = ''                                      # the body's schema name
    body_fields: list = field(default_factory=list)     # [Field]
    example: object = None
    responses: list = field(default_factory=list)       # [(code, description, schema)]


def _ref_name(ref):
    return ref.rsplit('/', 1)[-1]


def type_text(schema):
    """A schema in a few words: 'string', 'integer[]', 'PrefixRequest', 'one of: a, b'."""
    if not isinstance(schema, dict):
        return ''
    if '$ref' in schema:
        return _ref_name(schema['$ref'])
    if 'enum' in schema:
        return 'one of: ' + ', '.join(str(v) for v in schema['enum'])
    if 'oneOf' in schema or 'anyOf' in schema:
        return ' | '.join(type_text(s) for s in schema.get('oneOf') or schema['anyOf'])
    kind = schema.get('type', 'object')
    if kind == 'array':
        return type_text(schema.get('items', {})) + '[]'
    return ' | '.join(kind) if isinstance(kind, list) else kind


def fields_of(schema, schemas, depth=0):
    """The properties of an object schema, through $ref and allOf."""
    if depth > 5 or not isinstance(schema, dict):
        return []
    if '$ref' in schema and schema['$ref'].startswith(SCHEMA_PREFIX):
        return fields_of(schemas.get(_ref_name(schema['$ref']), {}), schemas, depth + 1)
    found = [f for part in schema.get('allOf', []) for f in fields_of(part, schemas, depth + 1)]
    required = set(schema.get('required', []))
    return found + [Field(name, type_text(sub), name in required, sub.get('description', ''))
                    for name, sub in schema.get('properties', {}).items()]


def _media(holder):
    """The first media type's entry of a body or response ({} when none)."""
    return next(iter(holder.get('content', {}).values()), {}) if isinstance(holder, dict) else {}


def _response(code, answer, document):
    if '$ref' in answer:
        answer = document['components']['responses'].get(_ref_name(answer['$ref']), {})
    return code, answer.get('description', ''), type_text(_media(answer).get('schema'))


def operations(document):
    schemas = document['components']['schemas']
    for path, methods in document['paths'].items():
        for method, op in methods.items():
            media = _media(op.get('requestBody', {}))
            body = media.get('schema')
            yield Operation(
                method.upper(), '/api/v1' + path, translated(op.get('summary', '')),
                op.get('description', ''),
                [Field(p['name'], f"{p['in']}: {type_text(p.get('schema'))}",
                       p.get('required', False), p.get('description', ''))
                 for p in op.get('parameters', [])],
                type_text(body) if body else '', fields_of(body, schemas) if body else [],
                media.get('example'),
                [_response(code, answer, document) for code, answer in op['responses'].items()])


def pretty(value):
    """An example as indented JSON, accents as they are (the page escapes it)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


CODE_SPAN = re.compile(r'`([^`]+)`')


def code_spans(text):
    """Markdown's `code` as <code>, everything else escaped: no backtick shown raw."""
    return Markup(CODE_SPAN.sub(lambda m: f'<code>{m.group(1)}</code>', str(escape(text))))


@bp.route('/docs', methods=['GET'])
def docs():
    document = served()
    submit = document['paths']['/prefix-requests']['post']['requestBody']
    return render_template('api/docs.html', document=document,
                           operations=list(operations(document)), code_spans=code_spans,
                           example_body=json.dumps(_media(submit).get('example'), ensure_ascii=False),
                           pretty=pretty,
                           assets={name: url_for('api.docs_asset', name=name) for name in ASSETS})


@bp.route('/docs/assets/<name>', methods=['GET'])
def docs_asset(name):
    """Swagger UI's files from the installed package (cached a day: they change
    only with the pinned version)."""
    if name not in ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_DIST, name, max_age=86400)
