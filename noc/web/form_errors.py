"""A command's Refused as the errors a form shows: one translation for the pages."""


def form_errors(exc):
    """{field: message} beside each field; what names no field (findings, line
    errors, a refusal's own words) under '_form', above the form."""
    errors = {field: str(message) for field, message in exc.errors.items()}
    general = [str(f.message) for f in exc.findings]
    general += [f'{line}: {message}' for line, _, message in exc.lines]
    if general or not errors:
        errors['_form'] = '; '.join(general) or str(exc)
    return errors
