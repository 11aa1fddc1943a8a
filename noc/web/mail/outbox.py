"""The outbox and the local mail capture, as the NOC reads them.

What went (or will go) to whom, in what state, and the message itself:
headers, text, raw RFC 5322, the calendar. Sending again is the domain's
(mail.resend); this module only shows and asks.
"""
import email
import email.errors
import email.header
import email.parser
import os
import re

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from peewee import JOIN
from werkzeug.routing import BuildError

from noc.core.config import project_path
from noc.core.errors import NotFound, Refused
from noc.core.paging import Page, page_number, paginate
from noc.core.text import clean_text
from noc.mail import parts
from noc.mail import resend as resending
from noc.models import MaintenanceWindow, MessageKind, MessageState, OutboxMessage
from noc.web.access import require
from noc.web.confirmation import ask, confirmed
from noc.web.mail import shown_parts
from noc.web.redirects import safe_next, same_site_path
from noc.web.sorting import read_sort

bp = Blueprint('outbox', __name__)

# The names transport.deliver_capture writes: created_at and the message id.
CAPTURE_NAME = re.compile(r'^(\d{8}T\d{6})-(\d{1,19})\.eml$')
CAPTURE_LIMIT = 500
# What the list needs: not raw or ics, which are tens of kilobytes a row.
LIST_COLUMNS = (OutboxMessage.id, OutboxMessage.window, OutboxMessage.recipient,
                OutboxMessage.kind, OutboxMessage.method, OutboxMessage.sequence,
                OutboxMessage.subject, OutboxMessage.state, OutboxMessage.attempts,
                OutboxMessage.last_error, OutboxMessage.created_at, OutboxMessage.sent_at)


# The columns of the list a person may sort by.
LIST_SORTS = {'created': OutboxMessage.created_at, 'recipient': OutboxMessage.recipient,
              'subject': OutboxMessage.subject, 'kind': OutboxMessage.kind,
              'state': OutboxMessage.state, 'attempts': OutboxMessage.attempts,
              'window': MaintenanceWindow.reference}


class CsrfForm(FlaskForm):
    pass


def _page_size():
    return current_app.config['NOC']['web']['page_size']


def window_url(window_id):
    """The window's page, or '' while the maintenance pages are not there."""
    if not window_id:
        return ''
    try:
        return url_for('maintenance.show', window_id=window_id)
    except BuildError:
        return ''


def _message(message_id):
    try:
        return resending.find(message_id)
    except NotFound:
        abort(404)


def _reference(message):
    window = (MaintenanceWindow.select(MaintenanceWindow.reference)
              .where(MaintenanceWindow.id == message.window_id).first()
              if message.window_id else None)
    return window.reference if window else 'message'


@bp.route('/messages')
@require('viewer')
def message_list():
    args = {name: clean_text(request.args.get(name, ''))[:200] for name in ('state', 'kind', 'q')}
    query = (OutboxMessage.select(*LIST_COLUMNS, MaintenanceWindow.reference)
             .join(MaintenanceWindow, JOIN.LEFT_OUTER))
    if args['state'] in MessageState.values():
        query = query.where(OutboxMessage.state == args['state'])
    else:
        args['state'] = ''
    if args['kind'] in MessageKind.values():
        query = query.where(OutboxMessage.kind == args['kind'])
    else:
        args['kind'] = ''
    if args['q']:
        # The subject carries the window's reference: one box finds both.
        query = query.where(OutboxMessage.recipient.contains(args['q'])
                            | OutboxMessage.subject.contains(args['q']))
    sort = read_sort(LIST_SORTS, (OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
                     OutboxMessage.id)
    page = paginate(query.order_by(*sort.order()).objects(), _page_size())
    return render_template('outbox/list.html', page=page, args=args, sort=sort,
                           states=MessageState.labels(), kinds=MessageKind.labels(),
                           window_url=window_url)


def header_text(value):
    """A header as a person reads it (unfolded, RFC 2047 decoded); the raw text if it
    is broken."""
    if value is None:
        return ''
    value = re.sub(r'\r?\n(?=[ \t])', '', str(value))       # RFC 5322 §2.2.3 unfolding
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        return str(value)


@bp.route('/messages/<int:message_id>')
@require('viewer')
def show(message_id):
    message = _message(message_id)
    msg = parts.message_of(message.raw)
    return render_template('outbox/show.html', message=message, form=CsrfForm(),
                           text=parts.text(msg), reference=_reference(message),
                           date=header_text(msg['Date']), states=MessageState.labels(),
                           window_url=window_url(message.window_id),
                           **shown_parts.context(msg, url_for('.html_part', message_id=message.id)))


@bp.route('/messages/<int:message_id>/html')
@require('viewer')
def html_part(message_id):
    """The message's HTML part alone, for the sandboxed frame of its page."""
    return shown_parts.html_response(parts.message_of(_message(message_id).raw))


@bp.route('/messages/<int:message_id>/raw')
@require('viewer')
def raw(message_id):
    message = _message(message_id)
    if request.args.get('download'):
        name = f'{_reference(message)}-{message.id}.eml'
        return Response(message.raw, mimetype='message/rfc822', headers={
            'Content-Disposition': f'attachment; filename="{name}"'})
    return Response(message.raw, mimetype='text/plain', headers={
        'X-Content-Type-Options': 'nosniff'})


@bp.route('/messages/<int:message_id>.ics')
@require('viewer')
def ics(message_id):
    message = _message(message_id)
    if not message.ics:
        abort(404)
    return Response(message.ics, content_type='text/calendar; charset=utf-8', headers={
        'Content-Disposition': f'attachment; filename="{_reference(message)}.ics"'})


def _back(message):
    """Where the resend came from when that is this site (kept by the confirmation
    page as `next`), else the message's page."""
    return safe_next(same_site_path(request.form.get('next') or request.referrer, request.host),
                     url_for('.show', message_id=message.id))


@bp.route('/messages/<int:message_id>/resend', methods=['POST'])
@require('engineer')
def resend(message_id):
    message = _message(message_id)    # CSRFProtect has checked the form's token
    if not confirmed():
        return ask(url_for('.resend', message_id=message.id), _(
            'Send message %(id)d ("%(subject)s") again to %(recipient)s.', id=message.id,
            subject=message.subject, recipient=message.recipient), _back(message),
            1 if message.customer_id else 0, 1, extra={'next': _back(message)})
    try:
        sent = resending.resend(message.id, current_user._get_current_object(),
                                current_app.config['NOC']['maintenance']['provider'])
    except Refused as exc:
        flash(_('Not sent again: %(reason)s', reason=str(exc)), 'error')
    else:
        if sent.id == message.id:
            flash(_('The message goes again in the next pass of the worker.'), 'info')
        else:
            flash(_('A new copy (message %(id)d) goes in the next pass of the worker.',
                    id=sent.id), 'info')
    return redirect(_back(message))


# The local capture: the .eml files the 'capture' backend writes.

def _capture_dir():
    conf = current_app.config['NOC']['mail']
    return project_path(conf['capture_dir']) if conf['backend'] == 'capture' else None


def _captured_names(directory):
    """The newest CAPTURE_LIMIT captured files, newest first."""
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    found = []
    for name in names:
        match = CAPTURE_NAME.match(name)
        if match:
            found.append((match.group(1), int(match.group(2)), name))
    found.sort(reverse=True)
    return [name for _, _, name in found[:CAPTURE_LIMIT]]


def _read_headers(path):
    try:
        with open(path, encoding='ascii', errors='replace', newline='') as fh:
            return email.parser.Parser().parse(fh, headersonly=True)
    except OSError:
        return None


@bp.route('/mail/capture')
@require('viewer')
def capture_list():
    directory = _capture_dir()
    if directory is None:
        conf = current_app.config['NOC']['mail']
        return render_template('outbox/capture_list.html', smtp=conf, page=None, rows=[])
    names = _captured_names(directory)
    size = _page_size()
    last = max(1, -(-len(names) // size))
    number = min(page_number(), last)
    rows = []
    for name in names[(number - 1) * size:number * size]:
        headers = _read_headers(os.path.join(directory, name))
        if headers is not None:
            rows.append({'name': name, 'date': header_text(headers['Date']),
                         'to': header_text(headers['To']),
                         'subject': header_text(headers['Subject'])})
    page = Page(rows, number, size, len(names))
    return render_template('outbox/capture_list.html', smtp=None, page=page, rows=rows,
                           limit=CAPTURE_LIMIT)


def _captured(name):
    """The path of a captured file named exactly as the transport names them, or 404."""
    directory = _capture_dir()
    if directory is None or not CAPTURE_NAME.match(name or ''):
        abort(404)
    path = os.path.join(directory, name)
    if not os.path.isfile(path):
        abort(404)
    return path


def _read(path):
    try:
        with open(path, encoding='ascii', errors='replace', newline='') as fh:
            return fh.read()
    except OSError:
        abort(404)


HEADERS = ('From', 'To', 'Subject', 'Date', 'Message-ID', 'Content-Language',
           'Auto-Submitted', 'X-Janela-Maintenance')


@bp.route('/mail/capture/<name>')
@require('viewer')
def capture_show(name):
    msg = parts.message_of(_read(_captured(name)))
    headers = [(h, header_text(msg[h])) for h in HEADERS if msg[h] is not None]
    return render_template('outbox/capture_show.html', name=name, headers=headers,
                           text=parts.text(msg),
                           **shown_parts.context(msg, url_for('.capture_html', name=name)))


@bp.route('/mail/capture/<name>/html')
@require('viewer')
def capture_html(name):
    """A captured message's HTML part alone, for the sandboxed frame of its page."""
    return shown_parts.html_response(parts.message_of(_read(_captured(name))))


@bp.route('/mail/capture/<name>/raw')
@require('viewer')
def capture_raw(name):
    return Response(_read(_captured(name)), mimetype='message/rfc822', headers={
        'Content-Disposition': f'attachment; filename="{name}"'})


def register(app):
    app.register_blueprint(bp)
