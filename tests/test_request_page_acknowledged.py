"""The request page shows a warning already acknowledged on the window as
acknowledged, not as a box to tick, because the move counts it (issue 17:
unticked boxes, then the window moved anyway); the split's new window does
not inherit it, so there it still needs its tick."""
import datetime
import re

import pytest
from conftest import db
from helpers.maintenance_fixtures import build_network, confirmed, create, local
from helpers.maintenance_fixtures import settings as area_settings

from noc.maintenance import reschedule_commands, window_commands, windows
from noc.models import MaintenanceWindow, RescheduleRequest, RescheduleState, RescheduleVia

pytestmark = pytest.mark.usefixtures('quick_password_hash')
H = datetime.timedelta(hours=1)


@pytest.fixture
def overlapping(app):
    """Acme's JAN-IPT-002 (with JAN-IPT-003 of Globex, so a split is possible) in
    a window over another that takes down its redundant pair JAN-IPT-001: a
    redundancy warning, acknowledged when the window was saved. Acme asks to
    move it an hour later, still over the other window."""
    with db(app):
        build_network()
        confirmed(circuits='JAN-IPT-001', segments='', starts_at=local(12, 20),
                  ends_at=local(13, 4))
        window = create(circuits='JAN-IPT-002\nJAN-IPT-003', segments='',
                        starts_at=local(12, 22), ends_at=local(13, 1))
        window = window_commands.confirm(window.id, 'test', area_settings())
        [key] = [k for k in windows.acknowledged_of(window) if k.startswith('redundancy:')]
        acme = window.circuit_links.first().circuit.customer_id
        start = window.starts_at + H
        request = reschedule_commands.ask(window.id, acme, [(start, start + 2 * H)],
                                          'Equipe em outro site', RescheduleVia.PAGE,
                                          settings=area_settings())
    return window, request, key


def option(page, kind):
    return page.split(f'class="option {kind}"', 1)[1].split('</div>', 1)[0]


def test_acknowledged_warnings_show_as_acknowledged_where_the_command_counts_them(
        app, overlapping, as_role):
    window, request, key = overlapping
    engineer = as_role('engineer')
    page = engineer.get(f'/reschedules/{request.id}').get_data(as_text=True)
    move, split = option(page, 'move'), option(page, 'split')
    # The move: shown as acknowledged, no box to tick.
    assert 'data-code="redundancy"' in move
    assert f'value="{key}"' not in move and 'already acknowledged for this window' in move
    # The split makes a new window, which starts with no acknowledgement.
    assert re.search(rf'<input type="checkbox" name="ack" value="{re.escape(key)}"', split)
    # What the page shows is what the command requires: no tick, and it moves.
    response = engineer.post_form(f'/reschedules/{request.id}/move',
                                  {'proposal': request.proposals[0].id, 'confirmed': '1'},
                                  page_url=f'/reschedules/{request.id}')
    assert response.status_code == 302
    with db(app):
        assert MaintenanceWindow.get_by_id(window.id).starts_at == window.starts_at + H
        assert RescheduleRequest.get_by_id(request.id).state == RescheduleState.MOVED


def test_a_split_without_the_tick_is_refused(app, overlapping, as_role):
    window, request, key = overlapping
    engineer = as_role('engineer')
    response = engineer.post_form(f'/reschedules/{request.id}/split',
                                  {'proposal': request.proposals[0].id, 'confirmed': '1'},
                                  page_url=f'/reschedules/{request.id}')
    assert response.status_code == 400
    with db(app):
        assert RescheduleRequest.get_by_id(request.id).state == RescheduleState.OPEN
