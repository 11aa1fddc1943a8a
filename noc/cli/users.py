"""`flask --app app noc create-user`: a NOC user (the first admin, typically);
`noc unlock-user`: lift a user's login locks."""
import getpass
import sys

import click
from flask.cli import with_appcontext

from noc.accounts import commands
from noc.accounts.users import UserRefused
from noc.cli.refusals import lines
from noc.core.db import database
from noc.models import Role, User


@click.command('create-user')
@with_appcontext
@click.argument('username')
@click.option('--role', type=click.Choice(User.ROLES), default=Role.ADMIN, show_default=True)
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
            user = commands.create_user(
                {'username': username, 'full_name': full_name, 'email': email,
                 'role': role, 'language': language, 'time_zone': time_zone,
                 'password': password}, actor=None)
        except UserRefused as exc:
            raise click.ClickException('; '.join(lines(exc))) from exc
    click.echo(f'User {user.username} ({user.role}) created.')


@click.command('unlock-user')
@with_appcontext
@click.argument('username')
def unlock_user_command(username):
    """Lift USERNAME's login locks (after wrong passwords), audited."""
    with database.connection_context():
        user = User.get_or_none(User.username == username.strip().lower())
        if user is None:
            raise click.ClickException(f'no user {username}')
        unlocked = commands.unlock_user(user.id, actor=None)
    click.echo(f'User {user.username} unlocked: it may log in from every address.'
               if unlocked else f'User {user.username} was not locked.')


COMMANDS = (create_user_command, unlock_user_command)
