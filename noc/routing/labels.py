"""How the states of prefix tracking read to people, in their language."""
from flask_babel import lazy_gettext as _l

STATE_LABELS = {'received': _l('received'), 'checked': _l('checked'),
                'approved': _l('approved'), 'configured': _l('configured'),
                'withdrawn': _l('withdrawn'), 'rejected': _l('rejected')}
VERDICT_LABELS = {'accept': _l('accept'), 'attention': _l('needs attention'),
                  'reject': _l('reject'), '': _l('not checked yet')}
RPKI_LABELS = {'valid': _l('valid'), 'invalid': _l('invalid'), 'not-found': _l('not found'),
               '': _l('not checked yet')}
IRR_LABELS = {'match': _l('route object matches'), 'other': _l('other origins only'),
              'none': _l('no route object'), 'unknown': _l('IRR unavailable'),
              '': _l('not checked yet')}


def label(table, value):
    return str(table.get(value, value))
