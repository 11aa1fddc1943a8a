"""A command's Refused as the lines a shell user reads (one translator for the CLI).

Field errors as `field: message`, findings as `error: …` or `warning KEY: …`
(the key is what --ack takes back), line errors as `line N: …`; a not-found
as one line. Exit status 1, no traceback.
"""
import click


def refused(exc, hint=''):
    """A click.ClickException for a noc.core.errors.Refused."""
    if exc.kind == 'not-found':
        return click.ClickException(str(exc))
    lines = [f'{field}: {message}' for field, message in exc.errors.items()]
    for finding in exc.findings:
        tag = 'error' if finding.is_error else f'warning {finding.key}'
        lines.append(f'{tag}: {finding.message}')
    lines += [f'line {line}: {message}' for line, _, message in exc.lines]
    return click.ClickException('refused:\n  ' + '\n  '.join(lines or [str(exc)])
                                + (f'\n{hint}' if hint else ''))
