"""Error pages: a person sees what went wrong in their language, never a traceback."""
from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _page(status, title, message):
    if request.accept_mimetypes.best == 'application/json':
        return {'status': status, 'title': title, 'detail': message}, status
    try:
        return render_template('errors/error.html', status=status, title=title,
                               message=message), status
    except Exception:  # the page itself failed: still no traceback for the user
        current_app.logger.exception('error page failed')
        return f'{status} {title}', status, {'Content-Type': 'text/plain; charset=utf-8'}


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _page(400, _('Form expired'),
                     _('The form was open too long or came from elsewhere; go back, '
                       'reload the page and send it again.'))

    @app.errorhandler(HTTPException)
    def http_error(exc):
        messages = {
            403: _('Your role does not allow this. Ask an administrator.'),
            404: _('There is nothing at this address.'),
            413: _('The file is too large (at most 20 MB).'),
            429: _('Too many attempts. Wait a minute and try again.'),
        }
        return _page(exc.code, exc.name, messages.get(exc.code, exc.description))

    @app.errorhandler(Exception)
    def unexpected(exc):
        app.logger.exception('unexpected error on %s', request.path)
        return _page(500, _('Internal error'),
                     _('Something went wrong on our side; it was logged. Try again, '
                       'and tell the NOC administrators if it persists.'))
