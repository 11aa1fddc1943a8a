"""The customer page's error pages, and the blueprint put together.

The page itself is web.public_page, its forms web.public_forms. Nothing here
reads a user session; the token travels in the URL, so no response may leak
it (no referrer) or be kept (no store), errors included: they are pages of
this kind, never the NOC's.
"""
from flask import current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from noc.maintenance import links
from noc.web import public_forms  # noqa: F401  (its routes join the blueprint)
from noc.web.public_page import LANGUAGES, bp, language_of, page_url

# Links that do not open, and errors, on a page of this kind (never the NOC's).

def _note(language, title, message):
    with force_locale(language):
        return {'lang': 'pt-BR' if language == 'pt_BR' else 'en', 'title': str(title),
                'message': str(message), 'back': _('Back to the maintenance page')}


def _notes_page(notes, status, back=None):
    return render_template('public/invalid.html', notes=notes, back=back,
                           operator=current_app.config['NOC']['app']['operator_name'],
                           html_lang=notes[0]['lang']), status


@bp.errorhandler(links.LinkRefused)
def invalid_link(exc):
    if exc.reason == 'unknown':
        # Whose link it was is unknown, so which language too: both.
        return _notes_page([_note(language, _l('This link is not valid'), _l(
            'Check that the whole address in the notice was opened, or reply to the notice '
            'to reach the NOC.')) for language in LANGUAGES], 404)
    reference = exc.window.reference
    if exc.reason == 'revoked':
        title, message = _l('This link was replaced'), _l(
            'Use the link in the latest notice about %(reference)s.', reference=reference)
    else:
        title, message = _l('The maintenance %(reference)s has ended', reference=reference), \
            _l('This page is no longer available.')
    return _notes_page([_note(language_of(exc.customer), title, message)], 410)


ERRORS = {
    400: (_l('Bad request'), _l('The request could not be understood; go back and try again.')),
    404: (_l('Not found'), _l('There is nothing at this address.')),
    405: (_l('Not allowed here'), _l('This address does not take that kind of request.')),
    429: (_l('Too many attempts'), _l('Too many attempts. Wait a minute and try again.')),
}


def _back():
    token = (request.view_args or {}).get('token')
    return page_url(token) if token else None


@bp.errorhandler(CSRFError)
def csrf_error(exc):
    return _notes_page([_note(language, _l('Form expired'), _l(
        'The form was open too long or came from elsewhere; go back, reload the page and '
        'send it again.')) for language in LANGUAGES], 400, _back())


@bp.errorhandler(HTTPException)
def http_error(exc):
    code = exc.code or 500
    title, message = ERRORS.get(code, (_l('Error %(code)d', code=code),
                                       _l('The request failed.')))
    return _notes_page([_note(language, title, message) for language in LANGUAGES],
                       code, _back())


@bp.errorhandler(Exception)
def unexpected(exc):
    current_app.logger.exception('unexpected error on %s', request.path)
    try:
        return _notes_page([_note(language, _l('Internal error'), _l(
            'Something went wrong on our side; it was logged. Try again, and tell the NOC '
            'administrators if it persists.')) for language in LANGUAGES], 500)
    except Exception:  # the page itself failed: still no traceback
        current_app.logger.exception('error page failed')
        return '500 Internal error', 500, {'Content-Type': 'text/plain; charset=utf-8'}


def register(app):
    app.register_blueprint(bp)
