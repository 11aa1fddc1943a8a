"""`flask --app app noc window …`: maintenance windows from a shell or a script.

The same domain functions as the browser: the same rules, warnings that must
be acknowledged (--ack KEY, or --ack-all after reading them) and notices.
"""
import click
from flask import current_app
from flask.cli import AppGroup

from noc.core.db import database
from noc.maintenance import input as window_input
from noc.maintenance import windows
from noc.models import MaintenanceWindow

window_cli = AppGroup('window', help='Maintenance windows: list, create, confirm, '
                                        'start, complete, cancel.')


def _find(reference):
    window = MaintenanceWindow.get_or_none(MaintenanceWindow.reference == reference.upper())
    if window is None:
        raise click.ClickException(f'no window {reference}')
    return window


def _refused(exc):
    lines = [f'{field}: {message}' for field, message in exc.errors.items()]
    for finding in exc.findings:
        tag = 'error' if finding.is_error else f'warning {finding.key}'
        lines.append(f'{tag}: {finding.message}')
    return click.ClickException('refused:\n  ' + '\n  '.join(lines)
                                + '\nAcknowledge warnings with --ack KEY (or --ack-all).')


def _acks(values, window, ack, ack_all):
    if not ack_all:
        return list(ack)
    return [f.key for f in windows.evaluate(values, window) if not f.is_error] + list(ack)


@window_cli.command('list')
@click.option('--status', type=click.Choice(MaintenanceWindow.STATUSES))
@click.option('--all', 'show_all', is_flag=True, help='Past windows too.')
def list_command(status, show_all):
    """Windows, soonest first (UTC times)."""
    from noc.models import utcnow
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
@click.option('--impact', default='OUTAGE', show_default=True)
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
    zone = zone or current_app.config['NOC']['app']['time_zone']
    with database.connection_context():
        values, errors = window_input.parse(raw, zone)
        if errors:
            raise _refused(windows.WindowInvalid(errors))
        try:
            window = windows.create(values, None, _acks(values, None, ack, ack_all))
            if confirm_now:
                window = windows.confirm(window, None)
        except windows.WindowInvalid as exc:
            raise _refused(exc) from None
        click.echo(f'{window.reference} {window.status}: {len(values["scope"])} circuits')


def _transition(name, action, needs_reason=False):
    @click.argument('reference')
    @click.option('--reason', default='', help='Why (required to cancel).')
    @click.option('--ack', multiple=True)
    @click.option('--ack-all', is_flag=True)
    def command(reference, reason, ack, ack_all):
        with database.connection_context():
            window = _find(reference)
            try:
                if name == 'confirm':
                    window = action(window, None, _acks(windows.values_of(window), window,
                                                        ack, ack_all))
                elif needs_reason:
                    window = action(window, None, reason)
                else:
                    window = action(window, None)
            except windows.WindowInvalid as exc:
                raise _refused(exc) from None
            click.echo(f'{window.reference} {window.status} (SEQUENCE {window.sequence})')
    command.__doc__ = f'{name.capitalize()} a window.'
    window_cli.command(name)(command)


_transition('confirm', windows.confirm)
_transition('start', windows.start)
_transition('complete', windows.complete)
_transition('cancel', windows.cancel, needs_reason=True)
