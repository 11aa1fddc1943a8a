"""Who may do what: every view says the least role it needs."""
import functools

from flask import abort
from flask_login import current_user, login_required


def require(role):
    """Decorator: logged in, and at least `role` (viewer < engineer < admin)."""
    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.can(role):
                abort(403)
            return view(*args, **kwargs)
        wrapper.required_role = role
        return wrapper
    return decorate
