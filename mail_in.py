"""The MTA's pipe: `.venv/bin/python /opt/janela/mail_in.py` reads one
message on standard input and exits 0 once Janela has stored it, 75
(EX_TEMPFAIL: the MTA keeps the message and tries again) for any failure
before, even one that stops Janela from being imported or started at all
(`flask --app app` fails before its command runs). deploy/postfix/ holds the
recipe; noc/inbound/mail_in.py does the work."""
import sys

EX_TEMPFAIL = 75


def _kept(why, exc):
    text = ' '.join(str(exc).split())
    print(f'mail-in: not stored, the MTA keeps it: Janela cannot {why} '
          f'({type(exc).__name__}: {text})'[:500], file=sys.stderr)
    return EX_TEMPFAIL


def main():
    try:
        from noc.inbound import mail_in
    except BaseException as exc:       # a broken install: keep the mail, say why
        return _kept('be loaded', exc)
    raw = mail_in.read_stdin()         # first: the MTA is writing it
    if raw is None:
        return EX_TEMPFAIL
    try:
        from noc import create_app
        context = create_app().app_context()
    except Exception as exc:           # settings, permissions, the database's URL
        return _kept('start', exc)
    with context:
        return mail_in.receive(raw)


if __name__ == '__main__':
    sys.exit(main())
