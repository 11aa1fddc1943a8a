"""Entry point: `flask --app app …` and `gunicorn app:app`."""
import sys

from noc import create_app
from noc.core.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # A wrong setting is the operator's to fix: say which, without a traceback.
    sys.exit(f'Janela cannot start: {exc}')
