"""The `flask --app app noc …` commands, one module per area, gathered here."""
from flask.cli import AppGroup

noc_cli = AppGroup('noc', help='Janela: database, users, inventory import/export, demo, '
                               'maintenance windows, the worker.')


def _add_commands():
    from noc.cli import database, inventory, run, users
    from noc.cli.mail import mail_in_command
    from noc.cli.routing import COMMANDS
    from noc.cli.tokens import token_cli
    from noc.cli.windows import window_cli
    for module in (database, users, inventory, run):
        for command in module.COMMANDS:
            noc_cli.add_command(command)
    noc_cli.add_command(token_cli)
    noc_cli.add_command(window_cli)
    noc_cli.add_command(mail_in_command)
    for command in COMMANDS:
        noc_cli.add_command(command)


_add_commands()
