"""The `flask --app app noc …` commands."""
import getpass
import sys

import click
from flask.cli import AppGroup

from noc.accounts import users
from noc.core.db import database, init_db, migration_runner
from noc.inventory import csvio
from noc.inventory.entities import ENTITIES

noc_cli = AppGroup('noc', help='Janela: database, users, inventory import/export, demo, '
                               'maintenance windows, the worker.')


@noc_cli.command('init-db')
def init_db_command():
    """Create the database from schema.sql, or apply pending migrations."""
    with database.connection_context():
        applied = init_db(database.obj)
    click.echo('Database ready' + (f'; migrations applied: {", ".join(applied)}'
                                   if applied else '.'))


@noc_cli.command('migrations')
def migrations_command():
    """List migrations and whether each is applied."""
    with database.connection_context():
        for migration in migration_runner(database.obj).status():
            state = migration.applied.isoformat(' ', 'seconds') if migration.applied \
                else 'pending'
            click.echo(f'{migration.name:40} {state}')


@noc_cli.command('create-user')
@click.argument('username')
@click.option('--role', type=click.Choice(['viewer', 'engineer', 'admin']), default='admin',
              show_default=True)
@click.option('--name', 'full_name', default='', help='Full name.')
@click.option('--email', default='')
@click.option('--language', type=click.Choice(['pt_BR', 'en']), default='pt_BR',
              show_default=True)
@click.option('--time-zone', default='America/Sao_Paulo', show_default=True)
@click.option('--password', envvar='NOC_NEW_PASSWORD',
              help='Password (or NOC_NEW_PASSWORD); asked for when not given.')
def create_user_command(username, role, full_name, email, language, time_zone, password):
    """Create a NOC user (the first admin, typically)."""
    if password is None:
        if not sys.stdin.isatty():
            raise click.UsageError('give --password or NOC_NEW_PASSWORD when not at a terminal')
        password = getpass.getpass('Password: ')
        if password != getpass.getpass('Again: '):
            raise click.UsageError('the passwords differ')
    with database.connection_context():
        try:
            user = users.create_user(
                {'username': username, 'full_name': full_name, 'email': email,
                 'role': role, 'language': language, 'time_zone': time_zone,
                 'password': password}, actor=None)
        except users.UserInvalid as exc:
            raise click.ClickException('; '.join(f'{k}: {v}' for k, v in exc.errors.items())) from exc
    click.echo(f'User {user.username} ({user.role}) created.')


@noc_cli.command('import')
@click.argument('kind', type=click.Choice(sorted(ENTITIES)))
@click.argument('file', type=click.File('rb'))
@click.option('--dry-run', is_flag=True, help='Check and report; change nothing.')
def import_command(kind, file, dry_run):
    """Import KIND rows from a CSV FILE ('-' for standard input); all or nothing."""
    with database.connection_context():
        result = csvio.import_csv(ENTITIES[kind], file.read(), actor=None,
                                  commit=not dry_run)
    for line, column, message in result.errors:
        click.echo(f'{file.name}:{line}: {column or "-"}: {message}', err=True)
    summary = (f'{result.count("created")} created, {result.count("updated")} updated, '
               f'{result.count("unchanged")} unchanged')
    if not result.ok:
        raise click.ClickException(f'{len(result.errors)} error(s); nothing was changed.')
    click.echo(summary + ('' if result.committed else ' (dry run: nothing was changed)'))


@noc_cli.command('export')
@click.argument('kind', type=click.Choice(sorted(ENTITIES)))
@click.argument('file', type=click.File('w', encoding='utf-8'), default='-')
def export_command(kind, file):
    """Export KIND rows as CSV to FILE (standard output by default)."""
    with database.connection_context():
        csvio.export_csv(ENTITIES[kind], out=file)


@noc_cli.command('demo')
@click.option('--if-empty', is_flag=True, help='Do nothing when the database holds customers.')
@click.option('--seed', default=2026, show_default=True, help='Random seed (same seed, same data).')
def demo_command(if_empty, seed):
    """Load the demo operator: PoPs, rings, ~60 customers, ~400 circuits, users."""
    from noc.demo import inventory as demo
    from noc.models import Customer
    with database.connection_context():
        if if_empty and Customer.select().exists():
            click.echo('The database already holds data; demo not loaded.')
            return
        try:
            counts = demo.load(seed=seed)
            from noc.demo import maintenance as maintenance_demo
            counts['maintenance windows'] = maintenance_demo.load()
            from noc.demo import routing as routing_demo
            counts['prefix requests'] = routing_demo.load()
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo('Demo loaded: ' + ', '.join(f'{n} {k}' for k, n in counts.items()))


@noc_cli.command('serve')
@click.option('--host', help='Address to listen on (web.host).')
@click.option('--port', type=int, help='Port (web.port).')
def serve_command(host, port):
    """Start Janela on this machine (development server); Ctrl-C stops it."""
    from flask import current_app

    from noc.demo import inventory as demo
    settings = current_app.config['NOC']['web']
    host, port = host or settings['host'], port or settings['port']
    click.echo(f'\n  Janela is at http://{host}:{port}/')
    with database.connection_context():
        from noc.demo import routing as routing_demo
        for line in demo.login_hint() + routing_demo.token_hint():
            click.echo('  ' + line)
    click.echo('  Ctrl-C stops it.\n')
    app = current_app._get_current_object()
    if app.config['NOC']['worker']['enabled']:
        from noc import worker
        worker.start_thread(app)
        mail = app.config['NOC']['mail']
        click.echo('  The worker runs beside it: notices go to '
                   + (f'files in {mail["capture_dir"]} (Mail capture in the menu).'
                      if mail['backend'] == 'capture' else f'{mail["server"]}:{mail["port"]}.'))
    # Flask refuses app.run() inside its own CLI; werkzeug's server is what it would use.
    from werkzeug.serving import run_simple
    run_simple(host, port, app, use_reloader=False,
               threaded=True)


@noc_cli.command('worker')
@click.option('--once', is_flag=True, help='One pass, then exit (cron, tests).')
def worker_command(once):
    """Send the outbox, move windows along, queue reminders; until stopped."""
    import logging
    import signal

    from flask import current_app

    from noc import worker
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(name)s %(message)s')
    runner = worker.Worker(current_app._get_current_object())
    if once:
        done = runner.run_once()
        click.echo(', '.join(f'{k}: {v}' for k, v in sorted(done.items())))
        return
    # SIGTERM (systemd, docker stop) finishes the message in flight, then exits.
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    try:
        runner.run_forever()
    except KeyboardInterrupt:
        runner.stop()


def _add_window_commands():
    from noc.cli.mail import mail_in_command
    from noc.cli.routing import COMMANDS
    from noc.cli.tokens import token_cli
    from noc.cli.windows import window_cli
    noc_cli.add_command(token_cli)
    noc_cli.add_command(window_cli)
    noc_cli.add_command(mail_in_command)
    for command in COMMANDS:
        noc_cli.add_command(command)


_add_window_commands()
