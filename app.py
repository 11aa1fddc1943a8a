"""Entry point: `flask --app app …` and `gunicorn app:app`."""
import sys

EX_TEMPFAIL = 75


def _keep_piped_mail(exc):
    """`flask … noc mail-in` is an MTA's pipe: a Janela that cannot start
    must say "try again later" (75), never exit 1, which bounces the mail."""
    args = sys.argv[1:]
    if any(args[i:i + 2] == ['noc', 'mail-in'] for i in range(len(args))):
        text = ' '.join(str(exc).split())
        print(f'mail-in: not stored, the MTA keeps it: Janela cannot start '
              f'({type(exc).__name__}: {text})', file=sys.stderr)
        sys.exit(EX_TEMPFAIL)


try:
    from noc import create_app
    from noc.core.config import ConfigError
except Exception as exc:
    _keep_piped_mail(exc)
    raise

try:
    app = create_app()
except Exception as exc:
    _keep_piped_mail(exc)
    if not isinstance(exc, ConfigError):
        raise
    # A wrong setting is the operator's to fix: say which, without a traceback.
    sys.exit(f'Janela cannot start: {exc}')
