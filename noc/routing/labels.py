"""How prefix tracking reads to people: states in their language, requests as PR-12."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

# In their own context: the same English words are audit verbs and other
# objects' states elsewhere, which Portuguese words differently.
STATE_LABELS = {'received': lazy_pgettext('prefix state', 'received'),
                'checked': lazy_pgettext('prefix state', 'checked'),
                'approved': lazy_pgettext('prefix state', 'approved'),
                'configured': lazy_pgettext('prefix state', 'configured'),
                'withdrawn': lazy_pgettext('prefix state', 'withdrawn'),
                'rejected': lazy_pgettext('prefix state', 'rejected')}
VERDICT_LABELS = {'accept': _l('accept'), 'attention': _l('needs attention'),
                  'reject': _l('reject'), '': _l('not checked yet')}
RPKI_LABELS = {'valid': _l('valid'), 'invalid': _l('invalid'), 'not-found': _l('not found'),
               '': _l('not checked yet')}
IRR_LABELS = {'match': _l('route object matches'), 'other': _l('other origins only'),
              'none': _l('no route object'), 'unknown': _l('IRR unavailable'),
              '': _l('not checked yet')}


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
