"""Flask extensions, created here and bound to the app in create_app()."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_wtf import CSRFProtect

babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
mailer = Mail()
# No default limits: only the login form is limited (see web/auth.py).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
