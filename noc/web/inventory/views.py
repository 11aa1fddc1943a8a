"""Inventory pages: lists with search, filters and pages; forms; CSV in and out.

One set of views serves customers, contacts, sites, segments and circuits,
driven by their Entity descriptions; the rules live in inventory.service.
"""
import base64
import binascii
import itertools

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from noc.core.errors import NotFound
from noc.core.i18n import common_time_zones
from noc.core.paging import paginate
from noc.core.text import clean_text
from noc.inventory import commands, csvio
from noc.inventory.entities import ENTITIES
from noc.inventory.service import RowRefused
from noc.models import Role, utcnow
from noc.web.access import require
from noc.web.form_errors import form_errors
from noc.web.inventory import related
from noc.web.inventory.ordering import OPTIONAL, SORTS
from noc.web.sorting import read_sort

bp = Blueprint('inventory', __name__, url_prefix='/inventory')


class CsrfForm(FlaskForm):
    """Only the CSRF token: the fields come from the entity description."""


class UploadForm(FlaskForm):
    file = FileField('file')


def _entity(kind):
    entity = ENTITIES.get(kind)
    if entity is None:
        abort(404)
    return entity


def _row(entity, row_id):
    try:
        return commands.find(entity, row_id)
    except NotFound:
        abort(404)


def _filtered(entity):
    """(query, search text, active filters, sort): the list query with the request's
    search text, filters and sort applied.

    For an entity with a narrow query it selects ids; _rows_of makes rows.
    """
    query = entity.narrow_query() if entity.narrow_query else entity.query()
    text = clean_text(request.args.get('q', ''))[:200]
    if text:
        query = entity.search(query, text)
    active = {}
    for flt in entity.filters:
        value = clean_text(request.args.get(flt.name, ''))[:100]
        if value:
            choices = flt.choices()
            if choices is None or value in [c for c, _ in choices]:
                query = flt.apply(query, value)
                active[flt.name] = value
    sort = read_sort(SORTS[entity.name], entity.order(), entity.model.id)
    return sort.apply(query), text, active, sort


def _rows_of(entity, ids):
    """The rows to show for a narrow query of ids, in the order the ids came."""
    if not entity.narrow_query:
        return ids
    ids = [row.id for row in ids]
    position = {row_id: n for n, row_id in enumerate(ids)}
    rows = entity.query().where(entity.model.id.in_(ids))
    return sorted(rows, key=lambda row: position[row.id])


@bp.route('/<kind>/')
@require(Role.VIEWER)
def list_rows(kind):
    entity = _entity(kind)
    query, text, active, sort = _filtered(entity)
    if request.args.get('format') == 'csv':
        return _csv_response(entity, _export_rows(entity, query))
    page = paginate(query, _page_size(), load=lambda ids: _rows_of(entity, ids))
    rows = [entity.formatted(values) | {'_id': obj.id, '_obj': obj}
            for obj, values in zip(page.items, entity.read_many(page.items, entity.columns))]
    return render_template('inventory/list.html', entity=entity, page=page, rows=rows,
                           q=text, active=active, sort=sort, optional=OPTIONAL[entity.name])


def _export_rows(entity, query):
    """The whole filtered list for CSV: for a narrow query, the rows whose ids it
    selects, in one query (an export of 50,000 circuits must not load them by page)."""
    if not entity.narrow_query:
        return query
    return entity.query().where(entity.model.id.in_(query)).order_by(*entity.order())


def _page_size():
    return current_app.config['NOC']['web']['page_size']


def _csv_response(entity, query):
    # Streamed: a 50,000-circuit export never sits whole in memory. The
    # connection stays open until the last piece (closed by teardown after).
    # The BOM tells spreadsheets the file is UTF-8 (accents intact); import skips it.
    pieces = stream_with_context(itertools.chain(['\ufeff'], csvio.iter_csv(entity, query)))
    return Response(pieces, mimetype='text/csv; charset=utf-8', headers={
        'Content-Disposition': f'attachment; filename=janela-{entity.name}.csv'})


@bp.route('/<kind>/export.csv')
@require(Role.VIEWER)
def export(kind):
    entity = _entity(kind)
    return _csv_response(entity, entity.query().order_by(*entity.order()))


@bp.route('/<kind>/<int:row_id>')
@require(Role.VIEWER)
def show(kind, row_id):
    entity = _entity(kind)
    obj = _row(entity, row_id)
    values = entity.formatted(entity.read(obj))
    return render_template('inventory/show.html', entity=entity, obj=obj, values=values,
                           key=entity.key_of(entity.read(obj)),
                           related=related.sections(entity, obj, _page_size()),
                           links=related.links(entity, obj, current_user.can(Role.ENGINEER)),
                           work=related.circuit_work(obj, utcnow())
                           if entity.name == 'circuits' else None)


def _form_values(entity, source):
    """Submitted text per field; lists for checkbox fields."""
    values = {}
    for fl in entity.fields:
        if fl.widget == 'checkboxes':
            values[fl.name] = source.getlist(fl.name)
        elif fl.widget == 'checkbox':
            values[fl.name] = 'yes' if source.get(fl.name) else 'no'
        else:
            values[fl.name] = source.get(fl.name, '')
    return values


def _stored_values(entity, obj):
    values = entity.formatted(entity.read(obj))
    for fl in entity.fields:
        if fl.widget == 'checkboxes':
            values[fl.name] = [v for v in values[fl.name].split(';') if v]
        elif fl.name == 'freezes':
            values[fl.name] = values[fl.name].replace('; ', '\n')
    return values


def _default_text(fl):
    """What a new form shows: the default as text, empty ones ([] for ASNs) blank."""
    if fl.widget == 'checkboxes':
        return fl.default
    return fl.format(fl.default) if fl.default not in ('', None, []) else ''


def _edit(entity, obj):
    form = CsrfForm()
    errors = {}
    if obj is not None:
        values = _stored_values(entity, obj)
    else:
        values = {fl.name: _default_text(fl) for fl in entity.fields}
        values.update({k: v for k, v in request.args.items() if k in values})
    if request.method == 'POST':
        values = _form_values(entity, request.form)
        if not form.validate():
            errors['_form'] = _('The form expired; send it again.')
        else:
            try:
                saved, action = _save(entity, obj, values)
            except NotFound:
                abort(404)
            except RowRefused as exc:
                errors = form_errors(exc)
            else:
                flash(_('Saved.') if action != 'unchanged' else _('Nothing changed.'), 'info')
                return redirect(url_for('.show', kind=entity.name, row_id=saved.id))
    return render_template('inventory/form.html', entity=entity, obj=obj, values=values,
                           errors=errors, form=form, time_zones=common_time_zones()), \
        400 if errors else 200


def _save(entity, obj, values):
    actor = current_user._get_current_object()
    if obj is None:
        return commands.create(entity, values, actor)
    return commands.update(entity, obj.id, values, actor)


@bp.route('/<kind>/new', methods=['GET', 'POST'])
@require(Role.ENGINEER)
def create(kind):
    return _edit(_entity(kind), None)


@bp.route('/<kind>/<int:row_id>/edit', methods=['GET', 'POST'])
@require(Role.ENGINEER)
def edit(kind, row_id):
    entity = _entity(kind)
    return _edit(entity, _row(entity, row_id))


@bp.route('/<kind>/<int:row_id>/delete', methods=['GET', 'POST'])
@require(Role.ENGINEER)
def delete(kind, row_id):
    entity = _entity(kind)
    obj = _row(entity, row_id)
    form = CsrfForm()
    error = None
    if request.method == 'POST' and form.validate():
        try:
            commands.delete(entity, obj.id, current_user._get_current_object())
        except NotFound:
            abort(404)
        except RowRefused as exc:
            error = '; '.join(exc.errors.values()) or str(exc)
        else:
            flash(_('Deleted.'), 'info')
            return redirect(url_for('.list_rows', kind=entity.name))
    values = entity.formatted(entity.read(obj))
    return render_template('inventory/delete.html', entity=entity, obj=obj, values=values,
                           key=entity.key_of(entity.read(obj)),
                           form=form, error=error), 400 if error else 200


@bp.route('/<kind>/import', methods=['GET', 'POST'])
@require(Role.ENGINEER)
def import_rows(kind):
    """Upload shows a preview (nothing stored); confirming imports the same bytes."""
    entity = _entity(kind)
    form = UploadForm()
    result, payload, error = None, '', None
    if request.method == 'POST':
        if not form.validate():
            error = _('The form expired; send it again.')
        elif 'payload' in request.form:
            return _confirm_import(entity, request.form['payload'])
        else:
            upload = request.files.get('file')
            data = upload.read() if upload else b''
            if not data:
                error = _('Choose a CSV file to import.')
            else:
                try:
                    result = commands.import_upload(entity, data,
                                                    current_user._get_current_object(),
                                                    commit=False)
                except RowRefused as exc:
                    error = '; '.join(exc.errors.values())
                else:
                    payload = base64.b64encode(data).decode('ascii')
    return render_template('inventory/import.html', entity=entity, form=form, result=result,
                           payload=payload, error=error), \
        400 if error or (result and not result.ok) else 200


def _confirm_import(entity, payload):
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        abort(400)
    try:
        result = commands.import_upload(entity, data, current_user._get_current_object())
    except RowRefused:
        abort(400)          # larger than any preview could have sent
    if result.ok:
        flash(_('Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.',
                created=result.count('created'), updated=result.count('updated'),
                unchanged=result.count('unchanged')), 'info')
        return redirect(url_for('.list_rows', kind=entity.name))
    return render_template('inventory/import.html', entity=entity, form=UploadForm(),
                           result=result, payload='', error=None), 400


def register(app):
    app.register_blueprint(bp)
