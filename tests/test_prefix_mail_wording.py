"""The prefix mails in whole sentences, in the contact's language, naming the BGP
session as the customer knows it (their circuit, their ASN), never as
"status: approved, verdict: reject"."""
import re

import helpers.routing_fixtures as flow
import test_prefix_tracking as prefix_tracking
from helpers.routing_fixtures import VRPS, write_vrps
from test_prefix_tracking import body, mails

from noc.models.routing import PrefixAction

# What the old mails said: labels glued together instead of sentences.
FRAGMENTS = re.compile(r'status:|verdict:|situação:|parecer:|\(was |\(antes |sessão JAN|session JAN',
                       re.I)


# The routing world of tests/test_prefix_tracking.py (Acme in Portuguese, Globex in English).
world = prefix_tracking.world


def test_the_portuguese_checked_mail_speaks_in_sentences(world):
    circuit = world.circuits['acme']
    circuit.customer_ref = 'ACME-TRANSITO-1'
    circuit.save()
    flow.submit(world.acme, circuit, '192.0.2.0/24\n203.0.113.0/24', actor='tester')
    flow.check_pending()
    [mail] = mails()
    text = body(mail)
    assert mail.recipient == 'bgp@acme.example.com'
    assert ('para a sessão BGP do seu circuito ACME-TRANSITO-1 (nosso id JAN-IPT-001), '
            'AS64500.') in text
    # The valid prefix was approved by the policy; the invalid one waits for the NOC.
    assert 'Aprovado; ainda não está configurado nos nossos roteadores.' in text
    assert 'Nossa verificação de RPKI e IRR não encontrou problemas.' in text
    assert 'Nossa verificação de RPKI e IRR concluiu que não devemos aceitá-lo.' in text
    assert not FRAGMENTS.search(text), FRAGMENTS.search(text)
    assert 'recusar' not in text and 'aceitar' not in text.replace('aceitá', '')
    assert 'você' in text.lower() or 'seu' in text


def test_the_english_mails_name_the_session_and_say_what_happened(world):
    request = flow.submit(world.globex, world.circuits['globex'], '198.51.100.0/24',
                          actor='tester')
    flow.check_pending()
    flow.act([request.prefixes[0].id], PrefixAction.CONFIGURE, 'eng')
    text = body(mails()[-1])
    assert 'configured on our routers for the BGP session of your circuit JAN-IPT-003, ' \
        'AS64501.' in text
    assert 'Configured on our routers: we accept it from you.' in text
    assert 'Our RPKI and IRR check found no problem.' in text
    assert not FRAGMENTS.search(text)
    flow.act([request.prefixes[0].id], PrefixAction.WITHDRAW, 'eng', reason='returned block')
    text = body(mails()[-1])
    assert 'withdrawn from the BGP session of your circuit JAN-IPT-003, AS64501.' in text
    assert 'Withdrawn: we no longer accept it from you.' in text and 'returned block' in text


def test_a_change_of_the_check_says_what_it_was_before(world):
    request = flow.submit(world.globex, world.circuits['globex'], '198.51.100.0/24',
                          actor='tester')
    flow.check_pending()
    flow.act([request.prefixes[0].id], PrefixAction.CONFIGURE, 'eng')
    vrps = list(VRPS)
    vrps[1] = ('198.51.100.0/24', 24, 64999)
    flow.load_vrps('test', write_vrps(world.tmp / 'v3.json', vrps))
    flow.revalidate()
    text = body(mails()[-1])
    assert 'Our RPKI and IRR check found that we should not accept it. ' \
        'Before, the check found no problem.' in text
    assert not FRAGMENTS.search(text)
