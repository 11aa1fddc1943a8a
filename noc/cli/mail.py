"""`flask --app app noc mail-in`: one received message on standard input.

For an MTA pipe (Postfix `pipe`, Exim, procmail, fetchmail's mda): the
message is stored before the command exits 0; when it cannot be stored
(database unreachable, a broken pipe) the exit status is 75 (EX_TEMPFAIL),
which tells the MTA to keep it and try again later.
"""
import sys

import click
from flask.cli import with_appcontext

from noc.core.db import database
from noc.models import InboundVia

EX_TEMPFAIL = 75


@click.command('mail-in')
@with_appcontext
def mail_in_command():
    """Store and handle one message (RFC 5322) read on standard input."""
    from noc.inbound import receive as inbound
    try:
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            click.echo('mail-in: empty input; nothing stored', err=True)
            sys.exit(EX_TEMPFAIL)
        with database.connection_context():
            message, new = inbound.store(raw, InboundVia.STDIN)
    except Exception as exc:        # not stored: the MTA must keep the message
        click.echo(f'mail-in: not stored ({type(exc).__name__}: {exc})', err=True)
        sys.exit(EX_TEMPFAIL)
    if not new:
        click.echo(f'mail-in: {message.message_key} already received (#{message.id})', err=True)
        return
    # Stored: whatever happens now, the message is safe and shown to the NOC.
    with database.connection_context():
        message = inbound.process(message)
    click.echo(f'mail-in: #{message.id} {message.kind or "?"} {message.state} '
               f'{message.outcome}'.rstrip(), err=True)
