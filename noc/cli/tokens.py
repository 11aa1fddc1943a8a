"""`flask --app app noc token create|list|revoke`: the JSON API's bearer tokens."""
import datetime
import sys

import click
from flask.cli import AppGroup

from noc.cli.refusals import lines
from noc.core.db import database
from noc.core.errors import NotFound
from noc.models import Role, TokenKind

token_cli = AppGroup('token', help='Bearer tokens of the JSON API.')


@token_cli.command('create')
@click.option('--name', required=True, help='What the token is for, e.g. "Acme automation".')
@click.option('--customer', help='Account id of the customer (a provider token).')
@click.option('--role', type=click.Choice(Role.values()),
              help='Role of a NOC token.')
@click.option('--expires', help='Last day it works (YYYY-MM-DD, UTC); default: no expiry.')
def create_command(name, customer, role, expires):
    """Make a token; its secret is printed once, on standard output."""
    from noc.accounts import commands, tokens
    if bool(customer) == bool(role):
        click.echo('token: give --customer (a provider token) or --role (a NOC token)', err=True)
        sys.exit(2)
    expires_at = None
    if expires:
        try:
            day = datetime.date.fromisoformat(expires)
        except ValueError:
            click.echo(f'token: --expires {expires!r} is not a date (YYYY-MM-DD)', err=True)
            sys.exit(2)
        expires_at = datetime.datetime.combine(day, datetime.time(23, 59, 59),
                                               datetime.timezone.utc)
    with database.connection_context():
        try:
            token, secret = commands.create_token(
                {'name': name, 'kind': TokenKind.PROVIDER if customer else TokenKind.NOC,
                 'customer': customer, 'role': role, 'expires_at': expires_at}, None)
        except tokens.TokenRefused as exc:
            for line in lines(exc):
                click.echo(f'token: {line}', err=True)
            sys.exit(2)
    click.echo(f'token #{token.id} {token.name!r} made; it is shown only now:', err=True)
    click.echo(secret)


@token_cli.command('list')
def list_command():
    """Every token: id, prefix, kind, customer or role, state, expiry, last use."""
    from noc.accounts import tokens
    with database.connection_context():
        for token in tokens.listing():
            owner = token.customer.account_id if token.customer_id else token.role
            expires = f'{token.expires_at:%Y-%m-%d}' if token.expires_at else '-'
            used = f'{token.last_used_at:%Y-%m-%d %H:%M}' if token.last_used_at else 'never'
            click.echo(f'{token.id:>6} {token.prefix}… {token.kind:8} {owner:16} '
                       f'{tokens.state(token):8} expires {expires:10} used {used:16} '
                       f'{token.name}')


@token_cli.command('revoke')
@click.argument('token_id', type=int)
def revoke_command(token_id):
    """Revoke token TOKEN_ID (see `token list`); it stops working at once."""
    from noc.accounts import commands
    with database.connection_context():
        try:
            token = commands.revoke_token(token_id, None)
        except NotFound:
            click.echo(f'token: no token #{token_id}', err=True)
            sys.exit(2)
    click.echo(f'token #{token.id} {token.prefix}… revoked')
