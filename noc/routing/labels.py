"""How prefix tracking reads to people: states in their language, requests as PR-12."""
from noc.models.routing import IrrState, PrefixState, RpkiState, Verdict

# Value -> label tables, derived from the ChoiceSets beside the models (the
# one declaration of each vocabulary and its words).
STATE_LABELS = PrefixState.labels()
VERDICT_LABELS = Verdict.labels()
RPKI_LABELS = RpkiState.labels()
IRR_LABELS = IrrState.labels()


def label(table, value):
    return str(table.get(value, value))


def reference(request_id):
    """How a request is named to people: in mails, pages and (later) email queries."""
    return f'PR-{request_id}'


def parse_reference(text):
    text = (text or '').strip().upper()
    if text.startswith('PR-'):
        text = text[3:]
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else None
