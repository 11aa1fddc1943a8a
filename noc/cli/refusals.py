"""A command's Refused as the lines a person reads on a terminal: one
translation for every CLI command."""


def lines(exc):
    """['field: message', 'line N: message', …] of a Refused, or its message."""
    found = [f'{field}: {message}' for field, message in exc.errors.items()]
    found += [str(f.message) for f in exc.findings]
    found += [f'line {line}: ' + (f'{column}: ' if column else '') + str(message)
              for line, column, message in exc.lines]
    return found or [str(exc)]
