"""How the prefix mails say things to a customer: whole sentences, not labels.

A customer reads "configured on our routers: we accept it from you", not
"status: configured, verdict: accept", and knows a BGP session by the circuit
they hold and their AS number, not by an id of our database. Every sentence
is a literal msgid (the catalogue carries it), chosen by the stored value
through the vocabularies beside the models, and read in the current locale
(the notice code forces the contact's language around it).
"""
from flask_babel import gettext as _

from noc.models.routing import PrefixState, Verdict


def known_as(circuit):
    """A circuit as the customer knows it: their reference when they gave one,
    our circuit id (on their invoices and notices), and the AS number their
    side of the session speaks from."""
    if circuit.customer_ref:
        named = _('%(known)s (our id %(circuit)s)', known=circuit.customer_ref,
                  circuit=circuit.circuit_id)
    else:
        named = circuit.circuit_id
    return f'{named}, AS{circuit.bgp_asn}' if circuit.bgp_asn else named


def session(circuit):
    """The BGP session within a sentence. No article in Portuguese: the
    sentence holds it ("na", "da", "para a"), which English does not need."""
    if circuit is None:
        return _('your BGP session')
    return _('the BGP session of your circuit %(circuit)s', circuit=known_as(circuit))


def where_it_stands(state):
    """Where a prefix stands, as a sentence."""
    return {
        PrefixState.RECEIVED: _('We received it and have not checked it yet.'),
        PrefixState.CHECKED: _('We checked it; our engineers have not decided yet.'),
        PrefixState.APPROVED: _('Approved; it is not configured on our routers yet.'),
        PrefixState.CONFIGURED: _('Configured on our routers: we accept it from you.'),
        PrefixState.WITHDRAWN: _('Withdrawn: we no longer accept it from you.'),
        PrefixState.REJECTED: _('Rejected: we do not accept it from you.'),
    }.get(state, str(PrefixState.label(state)))


def what_the_check_says(verdict):
    """What our RPKI and IRR check concluded, as a sentence."""
    return {
        Verdict.ACCEPT: _('Our RPKI and IRR check found no problem.'),
        Verdict.ATTENTION: _('Our RPKI and IRR check found something to look at.'),
        Verdict.REJECT: _('Our RPKI and IRR check found that we should not accept it.'),
    }.get(verdict, _('It has not been checked against RPKI and the IRR yet.'))


def what_it_said_before(verdict):
    """The check's previous conclusion, for a mail about a change."""
    return {
        Verdict.ACCEPT: _('Before, the check found no problem.'),
        Verdict.ATTENTION: _('Before, the check found something to look at.'),
        Verdict.REJECT: _('Before, the check found that we should not accept it.'),
    }.get(verdict, _('It had not been checked before.'))


def helpers():
    """The sentences, as the mail templates call them."""
    return dict(session=session, known_as=known_as, where_it_stands=where_it_stands,
                what_the_check_says=what_the_check_says,
                what_it_said_before=what_it_said_before)
