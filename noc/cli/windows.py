"""`flask --app app noc window …`: maintenance windows from a shell or a script.

The same commands as the browser (maintenance.window_commands): the same
rules, row locks, warnings that must be acknowledged (--ack KEY, or --ack-all
after reading them) and notices. This module only reads the options and
prints the outcome.
"""
import click
from flask import current_app
from flask.cli import AppGroup

from noc.cli.refusals import lines
from noc.core.db import database
from noc.core.errors import NOT_FOUND, Refused
from noc.maintenance import input as window_input
from noc.maintenance import settings as maintenance_settings
from noc.maintenance import window_commands, windows
from noc.models import Impact, MaintenanceWindow, utcnow

window_cli = AppGroup('window', help='Maintenance windows: list, create, confirm, '
                                        'start, complete, cancel.')
ACK_HINT = 'Acknowledge warnings with --ack KEY (or --ack-all).'
OVERRIDE_HINT = 'Give the reason with --override-reason TEXT (kept in the audit log).'


def refused(exc):
    """A Refused as the CLI's lines (cli.refusals), the rule findings each with
    its key: a warning is acknowledged by giving that key to --ack."""
    found = [f'error: {f.message}' if f.is_error else f'warning {f.key}: {f.message}'
             for f in exc.findings]
    if exc.errors or exc.lines or not found:
        found = lines(Refused(exc.errors, lines=exc.lines, kind=exc.kind,
                              message=None if exc.errors or exc.lines else str(exc))) + found
    # A hint where it helps: a warning waits, or a time guard wants a reason.
    hint = ''.join('\n' + text for text, wanted in (
        (ACK_HINT, any(not f.is_error for f in exc.findings)),
        (OVERRIDE_HINT, {'start', 'complete'} & set(exc.errors))) if wanted)
    return click.ClickException('refused:\n  ' + '\n  '.join(found) + hint)


def _settings():
    return maintenance_settings.of_app(current_app)


@window_cli.command('list')
@click.option('--status', type=click.Choice(MaintenanceWindow.STATUSES))
@click.option('--all', 'show_all', is_flag=True, help='Past windows too.')
def list_command(status, show_all):
    """Windows, soonest first (UTC times)."""
    with database.connection_context():
        query = MaintenanceWindow.select().order_by(MaintenanceWindow.starts_at)
        if status:
            query = query.where(MaintenanceWindow.status == status)
        if not show_all:
            query = query.where(MaintenanceWindow.ends_at >= utcnow())
        for w in query:
            click.echo(f'{w.reference}  {w.starts_at:%Y-%m-%d %H:%M}Z  {w.ends_at:%H:%M}Z  '
                       f'{w.status:10} {w.impact:18} {w.title_pt}')


@window_cli.command('create')
@click.option('--title', required=True, help='Title in Portuguese.')
@click.option('--title-en', default='')
@click.option('--description', default='')
@click.option('--description-en', default='')
@click.option('--notes', default='', help='Internal notes (never sent).')
@click.option('--start', required=True, help='Local start, YYYY-MM-DD HH:MM.')
@click.option('--end', required=True, help='Local end, YYYY-MM-DD HH:MM.')
@click.option('--zone', default=None, help='Zone of --start/--end (app.time_zone).')
@click.option('--impact', default=Impact.OUTAGE, show_default=True)
@click.option('--outage-minutes', default='0', show_default=True)
@click.option('--circuit', 'circuits', multiple=True, help='CIRCUIT-ID [IMPACT]; repeat.')
@click.option('--site', 'sites', multiple=True)
@click.option('--segment', 'segments', multiple=True)
@click.option('--emergency-reason', default='', help='Makes it an emergency window.')
@click.option('--ack', multiple=True, help='Acknowledge the warning with this key.')
@click.option('--ack-all', is_flag=True, help='Acknowledge every warning.')
@click.option('--confirm', 'confirm_now', is_flag=True, help='Confirm it at once (notices).')
def create_command(title, title_en, description, description_en, notes, start, end, zone,
                   impact, outage_minutes, circuits, sites, segments, emergency_reason, ack,
                   ack_all, confirm_now):
    """Create a window (TENTATIVE, or CONFIRMED with --confirm)."""
    raw = {'title_pt': title, 'title_en': title_en, 'description_pt': description,
           'description_en': description_en, 'internal_notes': notes, 'starts_at': start,
           'ends_at': end, 'impact': impact, 'outage_minutes': outage_minutes,
           'circuits': '\n'.join(circuits), 'sites': '\n'.join(sites),
           'segments': '\n'.join(segments), 'emergency': bool(emergency_reason),
           'emergency_reason': emergency_reason}
    settings = _settings()
    typed, errors = window_input.from_text(raw, zone or settings.time_zone)
    with database.connection_context():
        try:
            if errors:       # with what the rules say of the rest, as the form shows
                raise Refused({**window_input.check(typed)[1], **errors})
            window = window_commands.create(typed, None, settings, ack, ack_all=ack_all)
            if confirm_now:
                window = window_commands.confirm(window.id, None, settings)
        except Refused as exc:
            raise refused(exc) from None
        click.echo(f'{window.reference} {window.status}: {len(windows.scope_of(window))} circuits')


def _lifecycle(name, run):
    @click.argument('reference')
    @click.option('--reason', default='', help='Why (required to cancel).')
    @click.option('--ack', multiple=True, help='Acknowledge the warning with this key.')
    @click.option('--ack-all', is_flag=True, help='Acknowledge every warning.')
    @click.option('--override-reason', default=None,
                  help='Why a window is started or completed ahead of time (audited).')
    def command(reference, reason, ack, ack_all, override_reason):
        with database.connection_context():
            try:
                window_id = window_commands.id_of_reference(reference)
                window = run(window_id, _settings(), reason=reason, ack=ack, ack_all=ack_all,
                             override_reason=override_reason)
            except Refused as exc:
                if exc.kind == NOT_FOUND:
                    raise click.ClickException(f'no window {reference}') from None
                raise refused(exc) from None
            click.echo(f'{window.reference} {window.status} (SEQUENCE {window.sequence})')
    command.__doc__ = f'{name.capitalize()} a window.'
    window_cli.command(name)(command)


_lifecycle('confirm', lambda window_id, settings, ack, ack_all, **_: window_commands.confirm(
    window_id, None, settings, ack, ack_all=ack_all))
_lifecycle('start', lambda window_id, settings, override_reason, **_: window_commands.start(
    window_id, None, settings, override_reason=override_reason))
_lifecycle('complete', lambda window_id, settings, override_reason, **_:
           window_commands.complete(window_id, None, settings, override_reason=override_reason))
_lifecycle('cancel', lambda window_id, settings, reason, **_: window_commands.cancel(
    window_id, None, reason, settings))
