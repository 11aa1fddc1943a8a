"""Every error of a form at once: the fields' own errors, the checks across fields and
the natural key's, each beside its field and together in a summary at the top."""
import html
import re

import pytest
from conftest import db
from test_inventory_web import seed

from noc.inventory import commands
from noc.inventory.entities import ENTITIES
from noc.inventory.service import RowRefused
from noc.models import Circuit, Service

pytestmark = [pytest.mark.usefixtures('quick_password_hash'),
              pytest.mark.parametrize('engine', ['sqlite'], indirect=True)]

# Three layers wrong at once: a field that does not parse (bandwidth), a check
# across fields (BGP details on a service that has none) and a taken key.
THREE_BAD = {'circuit_id': 'POA-IPT-0001', 'customer': 'C-1002', 'service': Service.L2_TRANSPORT,
             'bandwidth_mbps': 'lots', 'status': 'active', 'a_site': 'POA-01',
             'bgp_asn': '64500'}


def test_the_command_names_all_three_problems_in_one_refusal(app):
    seed(app)
    with db(app):
        with pytest.raises(RowRefused) as refused:
            commands.create(ENTITIES['circuits'], THREE_BAD, 'test')
        assert set(refused.value.errors) == {'circuit_id', 'bandwidth_mbps', 'bgp_asn'}
        assert Circuit.select().count() == 3            # nothing stored


def test_the_form_shows_all_three_beside_their_fields_and_in_a_summary(app, as_role):
    seed(app)
    engineer = as_role('engineer')
    response = engineer.post_form('/inventory/circuits/new', THREE_BAD)
    assert response.status_code == 400
    body = html.unescape(response.get_data(as_text=True))
    for name in ('circuit_id', 'bandwidth_mbps', 'bgp_asn'):
        assert re.search(rf'<p class="field-error" id="{name}-error">[^<]+</p>', body), name
    summary = re.search(r'<div class="error-summary[^"]*" role="alert" id="error-summary">(.*?)</div>',
                        body, re.S)
    assert summary, 'no error summary'
    assert '3 problems to correct' in summary.group(1)
    links = re.findall(r'<a href="#f-([a-z_]+)">', summary.group(1))
    assert links == ['circuit_id', 'bandwidth_mbps', 'bgp_asn']      # in the form's order
    # Each link lands on its field, and the summary comes before the form.
    for name in links:
        assert f'id="f-{name}"' in body
    assert body.index('id="error-summary"') < body.index('<form method="post" class="form"')


def test_a_customer_form_reports_its_field_and_its_key_together(app, as_role):
    seed(app)
    engineer = as_role('engineer')
    response = engineer.post_form('/inventory/customers/new', {
        'account_id': 'C-1001', 'name': 'Outro', 'kind': 'isp', 'asns': 'AS-nonsense',
        'notice_language': 'pt-BR', 'time_zone': 'Mars/Olympus'})
    body = html.unescape(response.get_data(as_text=True))
    errors = set(re.findall(r'<p class="field-error" id="([a-z_]+)-error">', body))
    assert errors == {'account_id', 'asns', 'time_zone'}


def test_a_prefix_request_reports_bad_fields_and_bad_lines_together(app, as_role):
    seed(app)
    with db(app):
        circuit = Circuit.get(Circuit.circuit_id == 'POA-IPT-0001')
        customer_id, circuit_id = circuit.customer_id, circuit.id
    engineer = as_role('engineer')
    response = engineer.post_form('/prefixes/new', {
        'customer': customer_id, 'circuit': circuit_id, 'as_set': 'NOT A SET!',
        'note': 'x' * 2001, 'prefixes': '192.0.2.0/24\nthis is no prefix\n'})
    assert response.status_code == 400
    body = html.unescape(response.get_data(as_text=True))
    # The fields' errors and the paste's bad line, in one answer.
    assert re.search(r'<p class="field-error" id="as_set-error">[^<]+</p>', body)
    assert re.search(r'<p class="field-error" id="note-error">[^<]+</p>', body)
    assert re.search(r'<tr data-line="2">', body)
