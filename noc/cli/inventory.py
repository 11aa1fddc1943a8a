"""`flask --app app noc import | export`: inventory rows as CSV files."""
import click
from flask.cli import with_appcontext

from noc.core.db import database
from noc.inventory import commands, csvio
from noc.inventory.entities import ENTITIES


@click.command('import')
@with_appcontext
@click.argument('kind', type=click.Choice(sorted(ENTITIES)))
@click.argument('file', type=click.File('rb'))
@click.option('--dry-run', is_flag=True, help='Check and report; change nothing.')
def import_command(kind, file, dry_run):
    """Import KIND rows from a CSV FILE ('-' for standard input); all or nothing."""
    with database.connection_context():
        result = commands.import_csv(ENTITIES[kind], file.read(), actor=None,
                                     commit=not dry_run)
    for line, column, message in result.errors:
        click.echo(f'{file.name}:{line}: {column or "-"}: {message}', err=True)
    summary = (f'{result.count("created")} created, {result.count("updated")} updated, '
               f'{result.count("unchanged")} unchanged')
    if not result.ok:
        raise click.ClickException(f'{len(result.errors)} error(s); nothing was changed.')
    click.echo(summary + ('' if result.committed else ' (dry run: nothing was changed)'))


@click.command('export')
@with_appcontext
@click.argument('kind', type=click.Choice(sorted(ENTITIES)))
@click.argument('file', type=click.File('w', encoding='utf-8'), default='-')
def export_command(kind, file):
    """Export KIND rows as CSV to FILE (standard output by default)."""
    with database.connection_context():
        csvio.export_csv(ENTITIES[kind], out=file)


COMMANDS = (import_command, export_command)
