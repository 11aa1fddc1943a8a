"""One received message on standard input, for an MTA's pipe.

`python mail_in.py` (the MTA's entry point, which starts Janela itself:
deploy/postfix/ is the recipe) and `flask --app app noc mail-in` both end
here. The exit status tells the MTA what to do with the message:

- 0 once the message is stored. Handling comes after, and a handler's
  error is kept on the message for the NOC to see on /inbox: it is not the
  MTA's business, and the sender must not get a bounce for it.
- 75 (EX_TEMPFAIL, "try again later") for every failure before the message
  is stored: the settings cannot be read (a config file this user may not
  read, an instance folder it may not enter), Janela cannot be imported,
  the database is unreachable, locked or read-only. The MTA keeps the
  message in its queue and tries again; it never bounces it.

Each run says what became of the message in one line on standard error,
which the MTA logs (a handler's error also logs its traceback).
"""
import sys

EX_OK = 0
EX_TEMPFAIL = 75
KEPT = 'not stored, the MTA keeps it'


def say(line):
    print(f'mail-in: {line}', file=sys.stderr, flush=True)


def reason(exc):
    """An exception in one short line: the MTA logs lines, not tracebacks."""
    text = ' '.join(str(exc).split())
    return f'{type(exc).__name__}: {text}'[:400] if text else type(exc).__name__


def read_stdin():
    """The whole message, or None (said why) when there is none to store."""
    try:
        raw = sys.stdin.buffer.read()
    except Exception as exc:
        say(f'{KEPT} ({reason(exc)})')
        return None
    if not raw.strip():
        say('empty input; nothing stored')
        return None
    return raw


def receive(raw):
    """Store `raw`, then handle it; the exit status. Needs the database
    bound, as `create_app` leaves it."""
    try:
        from noc.core.db import database
        from noc.inbound import receive as inbound
        from noc.models import InboundVia
        with database.connection_context():
            message, new = inbound.store(raw, InboundVia.STDIN)
    except Exception as exc:                # not stored: the MTA must keep it
        say(f'{KEPT} ({reason(exc)})')
        return EX_TEMPFAIL
    if not new:
        say(f'{message.message_key} already received (#{message.id})')
        return EX_OK
    # Stored: whatever happens now, the message is safe and shown to the NOC.
    try:
        with database.connection_context():
            message = inbound.process(message)
    except Exception as exc:
        say(f'#{message.id} stored, not handled ({reason(exc)}); see /inbox')
        return EX_OK
    say(f'#{message.id} {message.kind or "?"} {message.state} {message.outcome or ""}'.rstrip())
    return EX_OK
