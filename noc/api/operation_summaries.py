"""The API operations' summaries, for the docs page in the reader's language.

The OpenAPI document (noc/api/docs.py and its parts) keeps them in English, as
programs read them; the page shows each through this table, whose lazy texts
the catalogue translates. tests/test_api_docs_page.py fails when an operation's
summary is missing here, so a new operation cannot reach the page untranslated.
"""
from flask_babel import lazy_gettext as _l

SUMMARIES = {
    'List prefix requests':
        _l('List prefix requests'),
    'Ask for prefixes to be accepted on a BGP session':
        _l('Ask for prefixes to be accepted on a BGP session'),
    'One prefix request with its prefixes':
        _l('One prefix request with its prefixes'),
    'Approve, mark configured, withdraw, reject or check again prefixes of a request (NOC engineer)':
        _l('Approve, mark configured, withdraw, reject or check again prefixes of a request (NOC engineer)'),
    'List tracked prefixes':
        _l('List tracked prefixes'),
    'One tracked prefix with its verdict and evidence':
        _l('One tracked prefix with its verdict and evidence'),
    'Router prefix-list of the configured prefixes':
        _l('Router prefix-list of the configured prefixes'),
    'This document':
        _l('This document'),
    'Check prefixes and origins against RPKI and the IRR, without a request':
        _l('Check prefixes and origins against RPKI and the IRR, without a request'),
    'One ad hoc check and, once done, its answer':
        _l('One ad hoc check and, once done, its answer'),
    'List customers':
        _l('List customers'),
    'Add a customer':
        _l('Add a customer'),
    'One customer':
        _l('One customer'),
    'Change a customer':
        _l('Change a customer'),
    'Delete a customer':
        _l('Delete a customer'),
    'List contacts':
        _l('List contacts'),
    'Add a contact':
        _l('Add a contact'),
    'One contact':
        _l('One contact'),
    'Change a contact':
        _l('Change a contact'),
    'Delete a contact':
        _l('Delete a contact'),
    'List circuits':
        _l('List circuits'),
    'Add a circuit':
        _l('Add a circuit'),
    'One circuit':
        _l('One circuit'),
    'Change a circuit':
        _l('Change a circuit'),
    'Delete a circuit':
        _l('Delete a circuit'),
    'List sites':
        _l('List sites'),
    'Add a site':
        _l('Add a site'),
    'One site':
        _l('One site'),
    'Change a site':
        _l('Change a site'),
    'Delete a site':
        _l('Delete a site'),
    'List segments':
        _l('List segments'),
    'Add a segment':
        _l('Add a segment'),
    'One segment':
        _l('One segment'),
    'Change a segment':
        _l('Change a segment'),
    'Delete a segment':
        _l('Delete a segment'),
    'List requests to move a maintenance window':
        _l('List requests to move a maintenance window'),
    'Ask to move a maintenance window touching your circuits':
        _l('Ask to move a maintenance window touching your circuits'),
    'One request; for NOC tokens with what each proposal would break':
        _l('One request; for NOC tokens with what each proposal would break'),
    'Take back your open request':
        _l('Take back your open request'),
    'Move the whole window to one of the proposals':
        _l('Move the whole window to one of the proposals'),
    "Move only the customer's circuits into a new window at one of the proposals":
        _l("Move only the customer's circuits into a new window at one of the proposals"),
    'Decline, with the reason the customer reads':
        _l('Decline, with the reason the customer reads'),
    'List maintenance windows (provider tokens: published ones over their circuits), by start':
        _l('List maintenance windows (provider tokens: published ones over their circuits), by start'),
    'Create a TENTATIVE window (NOC engineer); nothing is sent until it is confirmed':
        _l('Create a TENTATIVE window (NOC engineer); nothing is sent until it is confirmed'),
    'One window':
        _l('One window'),
    'Change a window (NOC engineer): the fields given; customers already told get the update':
        _l('Change a window (NOC engineer): the fields given; customers already told get the update'),
    'Confirm a TENTATIVE window (NOC engineer): the rules again, then notices':
        _l('Confirm a TENTATIVE window (NOC engineer): the rules again, then notices'),
    'Cancel a window with the reason customers read (NOC engineer)':
        _l('Cancel a window with the reason customers read (NOC engineer)'),
    ('Mark a CONFIRMED window as started (NOC engineer); more than '
     '[maintenance] start_early_minutes before its start only with '
     'override_reason (409 otherwise)'):
        _l('Mark a CONFIRMED window as started (NOC engineer); more than '
           '[maintenance] start_early_minutes before its start only with '
           'override_reason (409 otherwise)'),
    'Mark a window as completed (NOC engineer); before its start only with override_reason (409 otherwise)':
        _l('Mark a window as completed (NOC engineer); before its start '
           'only with override_reason (409 otherwise)'),
}


def translated(summary):
    """`summary` in the reader's language (as it is when it has no entry)."""
    return str(SUMMARIES.get(summary, summary))
