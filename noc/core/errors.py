"""One exception base for Janela, and the one refusal every command raises.

`JanelaError` is what Janela raises on purpose; faults of the outside
(an IRRd that stops answering, a VRP file that is not one) are JanelaErrors
named `…Error`. `Refused` is a command saying no: nothing was stored, and the
reasons are data each adapter turns into its own form (form errors,
problem+json, CLI lines). Subclasses are named `…Refused`.
"""


class JanelaError(Exception):
    """Raised by Janela on purpose (not a bug)."""


# Why a command refused (Refused.kind); adapters map them to 422, 409 and 404.
INVALID, CONFLICT, NOT_FOUND = 'invalid', 'conflict', 'not-found'


class Refused(JanelaError):
    """A command refused: nothing was stored.

    errors    {field: message} for the value the caller sent
    findings  rule results (maintenance.rules.Finding: severity, code, key, field, message);
              warnings name the key an acknowledgement must repeat
    lines     [(line, column, message)] for multi-line input (CSV, pasted prefixes)
    kind      'invalid' (the input is wrong), 'conflict' (the row's state forbids it),
              'not-found' (no such row for this caller)
    """

    def __init__(self, errors=None, findings=(), lines=(), kind=INVALID, message=None):
        self.errors = dict(errors or {})
        self.findings = list(findings)
        self.lines = list(lines)
        self.kind = kind
        super().__init__(message or self._summary())

    def _summary(self):
        parts = [f'{field}: {text}' for field, text in self.errors.items()]
        parts += [str(f.message) for f in self.findings]
        parts += [f'line {line}: {text}' for line, _, text in self.lines]
        return '; '.join(parts) or 'refused'


class NotFound(Refused):
    """No such row, or not one this caller may see (the same answer, on purpose)."""

    def __init__(self, what='', message=None):
        super().__init__(kind=NOT_FOUND, message=message or f'{what or "row"} not found')
        self.what = what
