"""Error pages: a person sees what went wrong in their language, never a traceback."""
from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def _page(status, title, message, exc=None):
    if request.path.startswith('/api/'):
        # The JSON API speaks problem+json (RFC 9457), whatever went wrong.
        from noc.api.problems import exception_headers, response
        return response(status, message, headers=exception_headers(exc) if exc else None)
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
        # werkzeug's titles and texts are English only; say it in the user's language.
        titles = {
            400: (_('Bad request'), _('The request could not be understood; go back and '
                                      'try again.')),
            403: (_('Not allowed'), _('Your role does not allow this. Ask an administrator.')),
            404: (_('Not found'), _('There is nothing at this address.')),
            405: (_('Not allowed here'), _('This address does not take that kind of request.')),
            413: (_('Too large'), _('The file is too large (at most 20 MB).')),
            429: (_('Too many attempts'), _('Too many attempts. Wait a minute and try again.')),
        }
        title, message = titles.get(exc.code, (_('Error %(code)d', code=exc.code or 500),
                                               _('The request failed.')))
        return _page(exc.code, title, message, exc)

    @app.errorhandler(Exception)
    def unexpected(exc):
        app.logger.exception('unexpected error on %s', request.path)
        return _page(500, _('Internal error'),
                     _('Something went wrong on our side; it was logged. Try again, '
                       'and tell the NOC administrators if it persists.'))
