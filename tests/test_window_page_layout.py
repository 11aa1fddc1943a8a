"""The window page's order (issue 17): a summary, the actions with Cancel among
them, the open request with its proposals, then sections behind a table of
contents; circuits folded by customer, each id a link; answers in words."""
import re

import pytest
from conftest import db
from helpers.maintenance_fixtures import build_network, confirmed
from test_reschedules_web import world  # noqa: F401  (the fixture)

from noc.maintenance import answer_commands
from noc.models import utcnow

pytestmark = pytest.mark.usefixtures('quick_password_hash')


def position(page, marker):
    index = page.find(marker)
    assert index >= 0, marker
    return index


def section(page, name):
    return page.split(f'id="{name}"', 1)[1].split('</section>', 1)[0]


def test_the_page_leads_with_summary_actions_and_the_open_request(app, world, as_role):  # noqa: F811
    net, window, request = world
    page = as_role('engineer').get(f'/maintenance/{window.id}').get_data(as_text=True)
    order = [position(page, marker) for marker in (
        'id="summary"', 'id="actions"', 'id="open-requests"', 'class="toc"',
        'id="details"', 'id="circuits"', 'id="findings"', 'id="notices"', 'id="history"')]
    assert order == sorted(order)
    # Cancel (its reason and red button) sits with the other actions.
    actions = page.split('id="actions"', 1)[1].split('class="toc"', 1)[0]
    assert f'action="/maintenance/{window.id}/cancel"' in actions and 'danger' in actions
    assert page.count(f'action="/maintenance/{window.id}/cancel"') == 1
    # The open request links to itself and lists its proposals.
    lead = section(page, 'open-requests')
    assert f'href="/reschedules/{request.id}"' in lead
    assert lead.count(f'/reschedules/{request.id}#proposal-') == 2
    summary = section(page, 'summary')
    assert '2 customers' in summary and '2 circuits' in summary and '3 contacts' in summary
    # Each table of contents link names a section of the page.
    toc = page.split('class="toc"', 1)[1].split('</nav>', 1)[0]
    for anchor in re.findall(r'href="#([\w-]+)"', toc):
        assert f'id="{anchor}"' in page


def test_circuits_are_folded_by_customer_with_linked_ids(app, as_role):
    with db(app):
        build_network()
        window = confirmed()
    page = as_role('viewer').get(f'/maintenance/{window.id}').get_data(as_text=True)
    circuits = section(page, 'circuits')
    folds = re.findall(r'<details class="customer-circuits[^"]*"([^>]*)>(.*?)</details>',
                       circuits, re.S)
    assert [re.search(r'<strong>([^<]+)</strong>', body).group(1) for _, body in folds] == \
        ['Acme Provedor', 'Globex Corp']
    assert all('open' not in attributes for attributes, _ in folds)
    acme = folds[0][1]
    summary = acme.split('</summary>')[0]
    assert 'impact-outage' in summary and '1 circuit<' in summary and '2 contacts' in summary
    links = re.findall(r'<a class="circuit" href="(/inventory/circuits/\d+)"><code>([^<]+)</code>',
                       acme)
    assert [code for _, code in links] == ['JAN-IPT-001']
    assert as_role('viewer', username='v2').get(links[0][0]).status_code == 200


def test_answers_are_words_with_the_calendar_code_beside(app, world, as_role):  # noqa: F811
    net, window, _ = world
    with db(app):
        answer_commands.record_reply(window.id, net['contacts']['carla'].id, 'TENTATIVE',
                                     window.sequence, utcnow(), '')
    page = as_role('engineer', language='pt_BR').get(f'/maintenance/{window.id}').get_data(
        as_text=True)
    answers = section(page, 'answers')
    badge = re.search(r'<span class="badge partstat-tentative" title="TENTATIVE">([^<]+)</span>',
                      answers)
    assert badge and badge.group(1) == 'aceito provisoriamente'
    assert '>TENTATIVE<' not in page
