"""Cross-links: a customer's windows and prefixes, a circuit's windows and session
prefixes, "schedule maintenance here" on sites and segments, a prefix page's actions.

Each link must be on the page and must answer 200 when followed.
"""
import datetime
import html
import re

import pytest
from conftest import db
from test_inventory_web import seed

from noc.models import Circuit, Customer, Impact, MaintenanceWindow, Segment, Site, WindowCircuit
from noc.models.routing import PrefixAction, PrefixRequest, PrefixState, PrefixVia, TrackedPrefix, Verdict

pytestmark = [pytest.mark.usefixtures('quick_password_hash'),
              pytest.mark.parametrize('engine', ['sqlite'], indirect=True)]


def _window(reference, circuit, starts):
    window = MaintenanceWindow.create(reference=reference, uid=reference, title_pt=reference,
                                      title_en=reference, starts_at=starts,
                                      ends_at=starts + datetime.timedelta(hours=2),
                                      impact=Impact.OUTAGE)
    WindowCircuit.create(window=window, circuit=circuit)


@pytest.fixture
def world(app, clock):
    """The sample inventory; POA-IPT-0001 with a window ahead, one behind and a
    checked prefix on its session."""
    seed(app)
    now = clock.now()
    with db(app):
        circuit = Circuit.get(Circuit.circuit_id == 'POA-IPT-0001')
        _window('MW-AHEAD', circuit, now + datetime.timedelta(days=5))
        _window('MW-BEHIND', circuit, now - datetime.timedelta(days=5))
        request = PrefixRequest.create(customer=circuit.customer_id, circuit=circuit,
                                       via=PrefixVia.WEB)
        prefix = TrackedPrefix.create(request=request, customer=circuit.customer_id,
                                      circuit=circuit, prefix='192.0.2.0/24', family=4,
                                      origin=64500, state=PrefixState.CHECKED,
                                      verdict=Verdict.ACCEPT)
        return {'circuit': circuit.id, 'prefix': prefix.id, 'request': request.id,
                'gaucho': Customer.get(Customer.account_id == 'C-1001').id,
                'banco': Customer.get(Customer.account_id == 'C-1002').id,
                'site': Site.get(Site.code == 'POA-01').id,
                'segment': Segment.get(Segment.code == 'RING-SUL').id}


def _page(browser, url):
    response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return html.unescape(response.get_data(as_text=True))


def _link(body, label):
    """The href of the link whose text is `label`."""
    match = re.search(rf'<a[^>]*href="([^"]+)"[^>]*>\s*{re.escape(label)}\s*</a>', body)
    assert match, f'no link {label!r}'
    return match.group(1)


def _follows(browser, url):
    assert browser.get(url).status_code == 200, url
    return url


def test_a_customer_links_its_windows_prefixes_and_prefix_lists(world, as_role):
    viewer = as_role('viewer')
    body = _page(viewer, f'/inventory/customers/{world["gaucho"]}')
    upcoming = _follows(viewer, _link(body, 'Upcoming maintenance windows'))
    past = _follows(viewer, _link(body, 'Past maintenance windows'))
    # The window lists, filtered to the customer, find its windows.
    assert 'MW-AHEAD' in _page(viewer, upcoming) and 'MW-BEHIND' in _page(viewer, past)
    requests = _follows(viewer, _link(body, 'Prefix requests'))
    assert f'data-request="{world["request"]}"' in _page(viewer, requests)
    prefixes = _follows(viewer, _link(body, 'Prefixes'))
    assert f'data-prefix="{world["prefix"]}"' in _page(viewer, prefixes)
    _follows(viewer, _link(body, 'Prefix-lists'))
    # A customer with no IP transit session has no prefixes to link to.
    other = _page(viewer, f'/inventory/customers/{world["banco"]}')
    assert 'Upcoming maintenance windows' in other and 'Prefix-lists' not in other


def test_a_circuit_shows_its_windows_and_its_session_prefixes(world, as_role):
    viewer = as_role('viewer')
    body = _page(viewer, f'/inventory/circuits/{world["circuit"]}')
    windows = body[body.index('id="circuit-windows"'):body.index('id="circuit-prefixes"')]
    ahead, behind = windows.index('MW-AHEAD'), windows.index('MW-BEHIND')
    assert windows.index('Upcoming') < ahead < windows.index('Recent') < behind
    for reference in ('MW-AHEAD', 'MW-BEHIND'):
        _follows(viewer, _link(windows, reference))
    prefixes = body[body.index('id="circuit-prefixes"'):]
    assert '192.0.2.0/24' in prefixes
    _follows(viewer, re.search(r'href="(/prefixes/\d+)"', prefixes).group(1))
    _follows(viewer, _link(prefixes, "This session's prefix-list"))


@pytest.mark.parametrize('kind, code, arg', [('site', 'POA-01', 'sites'),
                                              ('segment', 'RING-SUL', 'segments')])
def test_sites_and_segments_schedule_maintenance_there(world, as_role, kind, code, arg):
    engineer = as_role('engineer')
    body = _page(engineer, f'/inventory/{kind}s/{world[kind]}')
    url = _link(body, 'Schedule maintenance here')
    assert url == f'/maintenance/new?{arg}={code}'
    _follows(engineer, url)
    # A viewer cannot schedule: no link that would end in a refusal.
    assert 'Schedule maintenance here' not in _page(as_role('viewer', username='watcher'),
                                                    f'/inventory/{kind}s/{world[kind]}')


def test_the_prefix_page_offers_the_actions_of_its_state(world, app, as_role):
    engineer = as_role('engineer')
    url = f'/prefixes/{world["prefix"]}'
    body = _page(engineer, url)
    form = body[body.index('id="prefix-actions"'):]
    form = form[:form.index('</form>')]
    assert f'action="/prefixes/requests/{world["request"]}/act"' in body
    buttons = re.findall(r'name="action" value="([^"]+)"', form)
    # A checked prefix can be approved, rejected, withdrawn or checked again; not configured.
    assert set(buttons) == {PrefixAction.APPROVE, PrefixAction.REJECT, PrefixAction.WITHDRAW,
                            PrefixAction.RECHECK}
    response = engineer.post_form(f'/prefixes/requests/{world["request"]}/act',
                                  {'prefix': world['prefix'], 'action': PrefixAction.APPROVE,
                                   'reason': ''}, page_url=url)
    assert response.status_code == 302
    with db(app):
        assert TrackedPrefix.get_by_id(world['prefix']).state == PrefixState.APPROVED
    # Approved, it offers the next step and no longer the approval.
    again = _page(engineer, url)
    assert f'value="{PrefixAction.CONFIGURE}"' in again
    assert f'value="{PrefixAction.APPROVE}"' not in again
