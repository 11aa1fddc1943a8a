"""`flask --app app noc mail-in`: one received message on standard input.

For an MTA pipe (Postfix `pipe`, Exim, procmail, fetchmail's mda): exit 0
once the message is stored, 75 (EX_TEMPFAIL) for any failure before, so the
MTA keeps it and tries again later (noc/inbound/mail_in.py says which; app.py
exits 75 too when Janela cannot start for this command). `python mail_in.py`
is the same without Flask's command line in front, for the MTA.
"""
import sys

import click
from flask.cli import with_appcontext

from noc.inbound import mail_in


@click.command('mail-in')
@with_appcontext
def mail_in_command():
    """Store and handle one message (RFC 5322) read on standard input."""
    raw = mail_in.read_stdin()
    status = mail_in.EX_TEMPFAIL if raw is None else mail_in.receive(raw)
    if status:
        sys.exit(status)
