"""A command's Refused as a page shows it: the pages' one translation of a refusal.

Forms show errors beside their fields; what names no field (rule findings, a
refusal's own words) above the form; pasted text's bad lines in a table of
their own, each with its text.
"""


def field_errors(exc):
    """{field: message}, for the errors that name a field."""
    return {field: str(message) for field, message in exc.errors.items()}


def line_errors(exc):
    """[(line, the line's text, message)] for multi-line input (pasted prefixes, CSV)."""
    texts = getattr(exc, 'texts', {})
    return [(line, texts.get(line, ''), str(message)) for line, _, message in exc.lines]


def form_errors(exc):
    """{field: message} beside each field; what names no field (findings, line
    errors, a refusal's own words) under '_form', above the form."""
    errors = field_errors(exc)
    general = [str(f.message) for f in exc.findings]
    general += [f'{line}: {message}' for line, _, message in exc.lines]
    if general or not errors:
        errors['_form'] = '; '.join(general) or str(exc)
    return errors
