"""`flask --app app noc demo | serve | worker`: running Janela on this machine."""
import click
from flask.cli import with_appcontext

from noc.core.db import database


@click.command('demo')
@with_appcontext
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


@click.command('serve')
@with_appcontext
@click.option('--host', help='Address to listen on (web.host).')
@click.option('--port', type=int, help='Port (web.port).')
def serve_command(host, port):
    """Start Janela on this machine (development server); Ctrl-C stops it."""
    from flask import current_app

    from noc.demo import inventory as demo
    settings = current_app.config['NOC']['web']
    host, port = host or settings['host'], port or settings['port']
    # What it listens on is what links follow when app.base_url is empty (the
    # worker beside it composes notices with config.public_base_url).
    settings['host'], settings['port'] = host, port
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


@click.command('worker')
@with_appcontext
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


COMMANDS = (demo_command, serve_command, worker_command)
