"""The forms the pickers serve, without JavaScript: the window's scope taken
from the address, and a prefix request listing only the chosen customer's sessions."""
import html
import re

from test_search_endpoint import picker_rows  # noqa: F401  (the `rows` fixture)

from noc.models import Impact


def _textarea(page, name):
    match = re.search(rf'<textarea id="f-{name}" name="{name}"[^>]*>([^<]*)</textarea>', page)
    assert match, f'no {name} field'
    return html.unescape(match.group(1))


def test_window_form_takes_its_scope_from_the_address(as_role, rows):
    page = as_role('engineer').get(
        '/maintenance/new?sites=BHZ01&segments=RING-METRO-BH'
        '&circuits=JAN-IPT-00001&circuits=JAN-IPT-00003+DEGRADED&circuits=').get_data(
            as_text=True)
    assert _textarea(page, 'sites') == 'BHZ01'
    assert _textarea(page, 'segments') == 'RING-METRO-BH'
    assert _textarea(page, 'circuits') == 'JAN-IPT-00001\nJAN-IPT-00003 DEGRADED'
    # The fields carry their pickers, and the page loads the script.
    assert 'data-search="/search/circuits"' in page
    assert '/static/picker.js' in page


def test_window_prefill_is_text_only(as_role, rows):
    page = as_role('engineer').get('/maintenance/new?sites=%3Cscript%3Ex%3C/script%3E%00'
                                   ).get_data(as_text=True)
    assert '<script>x' not in page
    assert _textarea(page, 'sites') == '<script>x</script>'
    assert _textarea(page, 'circuits') == ''


def test_prefill_then_check_reads_the_codes(as_role, rows):
    """The prefilled text is what checking reads: an unknown code is named."""
    engineer = as_role('engineer')
    page = engineer.post_form('/maintenance/new', {
        'title_pt': 'Troca de placa', 'starts_at': '2026-07-20T01:00',
        'ends_at': '2026-07-20T03:00', 'impact': Impact.OUTAGE, 'outage_minutes': '0',
        'sites': 'NOPE01', 'action': 'check'}).get_data(as_text=True)
    assert 'NOPE01' in page


def _session_options(page):
    select = re.search(r'<select id="f-circuit".*?</select>', page, re.S).group(0)
    return re.findall(r'— (JAN-[A-Z0-9-]+)', select)


def test_prefix_request_lists_the_chosen_customers_sessions(as_role, rows):
    engineer = as_role('engineer')
    every = engineer.get('/prefixes/new').get_data(as_text=True)
    assert _session_options(every) == ['JAN-IPT-00001', 'JAN-IPT-00003']
    chosen = engineer.get(f'/prefixes/new?customer={rows["acme"]}').get_data(as_text=True)
    assert _session_options(chosen) == ['JAN-IPT-00001']
    # Every customer stays choosable, and the list can be widened again.
    assert 'Globex Telecom' in chosen
    assert 'href="/prefixes/new"' in chosen
    assert 'data-follows="f-customer"' in chosen


def test_inventory_forms_mark_their_references_for_pickers(as_role, rows):
    page = as_role('engineer').get('/inventory/circuits/new').get_data(as_text=True)
    customer = re.search(r'<select id="f-customer"[^>]*>', page).group(0)
    assert 'data-search="/search/customers"' in customer
    assert 'data-search="/search/sites"' in re.search(r'<select id="f-a_site"[^>]*>', page).group(0)
    segments = re.search(r'<input id="f-segments"[^>]*>', page).group(0)
    assert 'data-search="/search/segments"' in segments and 'data-multiple=";"' in segments
    assert 'data-search' not in re.search(r'<input id="f-redundancy_group"[^>]*>', page).group(0)


def test_pickers_speak_portuguese(as_role, rows):
    page = as_role('engineer', language='pt_BR').get('/maintenance/new').get_data(as_text=True)
    assert 'data-picker-label="Buscar circuitos para incluir: id, cliente, site ou cidade"' in page
    assert 'Nada encontrado; tente parte de um código' in page
    assert 'ex.: &#34;JAN-IPT-00026 DEGRADED&#34;' in page or 'ex.: "JAN-IPT-00026 DEGRADED"' in page
