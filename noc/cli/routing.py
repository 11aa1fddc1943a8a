"""`flask --app app noc vrps|irr|revalidate|prefix-list|rov`: prefix tracking
from the command line (cron, scripts, operators checking a list)."""
import sys

import click
from flask.cli import AppGroup, with_appcontext

from noc.core.db import database
from noc.models.routing import LoadStatus

vrps_cli = AppGroup('vrps', help='RPKI VRP snapshots.')


@vrps_cli.command('load')
@click.argument('source')
@click.option('--name', help='Name of the source when SOURCE is a file or URL '
                             '(default: "manual").')
@click.option('--force', is_flag=True, help='Accept a set that shrank past '
                                            'rpki.max_shrink_percent.')
def vrps_load_command(source, name, force):
    """Load SOURCE now: a source named in config.toml [rpki] sources, or a file
    path or http(s) URL (rpki-client JSON, Routinator json/jsonext, CSV)."""
    from flask import current_app

    from noc.routing.rpki import snapshots
    conf = current_app.config['NOC']['rpki']
    configured = conf['sources']
    if source in configured:
        name, location = source, configured[source]
    else:
        name, location = name or 'manual', source
    with database.connection_context():
        result = snapshots.load(name, location, conf, force=force)
        used = name in snapshots.current_names(configured)
    snapshot = result.snapshot
    if not result.good:
        click.echo(f'{name}: refused: {snapshot.error}', err=True)
        sys.exit(1)
    click.echo(f'{name}: {snapshot.vrp_count} VRPs ({snapshot.v4_count} IPv4, '
               f'{snapshot.v6_count} IPv6, {snapshot.expired_count} expired dropped, '
               f'{snapshot.format})' + ('' if result.changed else '; unchanged'))
    if not used:
        click.echo(f'{name}: not in config.toml [rpki] sources, so not part of the current '
                   'set; use `noc rov --vrps FILE` to check a list against a file', err=True)


@vrps_cli.command('list')
def vrps_list_command():
    """The current snapshot of every source."""
    from flask import current_app

    from noc.routing.rpki import snapshots
    configured = current_app.config['NOC']['rpki']['sources']
    with database.connection_context():
        for s in snapshots.current_snapshots(configured):
            click.echo(f'{s.source:16} {s.loaded_at:%Y-%m-%d %H:%M} UTC {s.vrp_count:>9} VRPs '
                       f'{s.format:20} {s.location}')


@vrps_cli.command('forget')
@click.argument('name')
def vrps_forget_command(name):
    """Drop every snapshot of source NAME (no longer part of the current set)."""
    from noc.routing.rpki import snapshots
    with database.connection_context():
        snapshots.forget(name)
    click.echo(f'{name}: forgotten')


irr_cli = AppGroup('irr', help="IRR data in Janela's own database.")


@irr_cli.command('load')
@click.argument('file', type=click.Path(exists=True, dir_okay=False))
@click.option('--source', required=True, help='IRR source name, e.g. TC, RADB, LACNIC.')
@click.option('--force', is_flag=True, help='Load even when the file did not change, or '
                                            'shrank by more than half.')
def irr_load_command(file, source, force):
    """Load an RPSL dump (plain or gzip) as SOURCE, replacing its objects."""
    from noc.routing.irr import store as irr_store
    with database.connection_context():
        load, changed = irr_store.load_dump(file, source, force=force)
    if load.status != LoadStatus.GOOD:
        click.echo(f'{source}: refused: {load.error}', err=True)
        sys.exit(1)
    click.echo(f'{load.source}: {load.route_count} route objects, {load.as_set_count} '
               f'as-sets, {load.skipped} skipped' + ('' if changed else '; unchanged'))


@click.command('revalidate')
@with_appcontext
def revalidate_command():
    """Check new requests and revalidate every approved and configured prefix now."""
    from flask import current_app

    from noc.routing.prefix_requests import commands
    from noc.routing.settings import RoutingSettings
    settings = RoutingSettings.of(current_app.config['NOC'])
    with database.connection_context():
        checked = commands.check_pending(settings)
        outcome = commands.revalidate(settings)
    click.echo(f'{checked} new prefixes checked; {outcome.checked} revalidated, '
               f'{outcome.changed} changed, {outcome.alerts} alerts, '
               f'{outcome.notices} notices queued')


@click.command('prefix-list')
@with_appcontext
@click.argument('customer')
@click.option('--format', 'fmt', default='cisco', show_default=True,
              help='cisco, cisco-xr, juniper, bird, json or plain.')
@click.option('--session', help='Only this IP transit circuit (its circuit id).')
@click.option('--name', help='Name of the list (default from the customer).')
@click.option('--family', type=click.Choice(['4', '6', 'both']), default='both',
              show_default=True)
def prefix_list_command(customer, fmt, session, name, family):
    """The router prefix-list of CUSTOMER's configured prefixes (account id,
    ASN such as AS64500, or name)."""
    from noc.routing.prefix_requests import filters
    with database.connection_context():
        try:
            text = filters.for_cli(customer, fmt, session, name, family)
        except filters.FilterRefused as exc:
            click.echo(f'prefix-list: {exc}', err=True)
            sys.exit(2)
    click.echo(text, nl=not text.endswith('\n'))


@click.command('rov')
@with_appcontext
@click.option('--vrps', 'vrps_file', help='Validate against this VRP file (any supported '
                                          'format) instead of the current snapshot.')
def rov_command(vrps_file):
    """Route origin validation of `PREFIX ORIGIN` lines on standard input
    (e.g. "192.0.2.0/24 64500" or "… AS64500"), as CSV on standard output:
    prefix,origin,state,reason."""
    from flask import current_app

    from noc.routing.rpki import rov_csv, snapshots
    from noc.routing.rpki.fetch import VrpFetchError
    from noc.routing.rpki.vrps import VrpFormatError
    try:
        if vrps_file:
            index = snapshots.index_from_file(vrps_file)
        else:
            with database.connection_context():
                index, current = snapshots.current_index(
                    current_app.config['NOC']['rpki']['sources'])
            if index is None:
                click.echo('rov: no VRP snapshot loaded; run `noc vrps load` or give --vrps',
                           err=True)
                sys.exit(2)
    except (VrpFetchError, VrpFormatError) as exc:
        click.echo(f'rov: {exc}', err=True)
        sys.exit(2)
    stdin = open(sys.stdin.fileno(), encoding='utf-8', errors='replace',
                 newline=None, closefd=False, buffering=1 << 20)
    stdout = open(sys.stdout.fileno(), 'w', encoding='utf-8', newline='',
                  closefd=False, buffering=1 << 20)
    try:
        counts = rov_csv.run(index, stdin, stdout)
    finally:
        stdout.flush()
    click.echo(f'rov: {counts}', err=True)


COMMANDS = [vrps_cli, irr_cli, revalidate_command, prefix_list_command, rov_command]
