"""`flask --app app noc init-db | migrations`: the database's schema."""
import click
from flask.cli import with_appcontext

from noc.core.db import database, init_db, migration_runner


@click.command('init-db')
@with_appcontext
def init_db_command():
    """Create the database from schema.sql, or apply pending migrations."""
    with database.connection_context():
        applied = init_db(database.obj)
    click.echo('Database ready' + (f'; migrations applied: {", ".join(applied)}'
                                   if applied else '.'))


@click.command('migrations')
@with_appcontext
def migrations_command():
    """List migrations and whether each is applied."""
    with database.connection_context():
        for migration in migration_runner(database.obj).status():
            state = migration.applied.isoformat(' ', 'seconds') if migration.applied \
                else 'pending'
            click.echo(f'{migration.name:40} {state}')


COMMANDS = (init_db_command, migrations_command)
