"""The audit log as a before/after diff: labels for fields and codes, readable values,
the row linked while it exists; in English and in Portuguese."""
import html
import re

import pytest
from conftest import db

from noc.inventory import commands
from noc.inventory.entities import ENTITIES
from noc.models import Customer, WindowStatus, audit
from noc.web import audit_diff

pytestmark = pytest.mark.usefixtures('quick_password_hash')

CUSTOMERS, SITES = ENTITIES['customers'], ENTITIES['sites']


@pytest.fixture
def history(app):
    """A customer created then changed, a site created then deleted."""
    with db(app):
        commands.create(CUSTOMERS, {'account_id': 'C-7', 'name': 'Provedor Sete',
                                    'kind': 'isp', 'asns': '64500'}, 'cli:ana')
        customer = Customer.get(Customer.account_id == 'C-7')
        commands.update(CUSTOMERS, customer.id, {'kind': 'enterprise', 'asns': '64500 64501',
                                                 'notes': ''}, 'cli:ana')
        site, _ = commands.create(SITES, {'code': 'poa-01', 'name': 'PoP Porto Alegre',
                                          'kind': 'pop', 'city': 'Porto Alegre',
                                          'state': 'RS'}, 'cli:ana')
        commands.delete(SITES, site.id, 'cli:ana')
        return customer.id


def rows(response):
    """The visible text of each entry of the table, newest first."""
    page = response.get_data(as_text=True)
    body = page[page.index('<tbody>'):page.index('</tbody>')]
    return [' '.join(html.unescape(re.sub(r'<[^>]+>', ' ', row)).split())
            for row in re.findall(r'<tr>(.*?)</tr>', body, re.S)]


def test_the_log_shows_what_changed_with_labels(app, as_role, history):
    browser = as_role('admin')
    response = browser.get('/admin/audit/')
    assert response.status_code == 200
    deleted, created_site, updated, created = [r for r in rows(response) if 'cli:ana' in r]
    # Only the fields that changed, each from its old to its new value.
    assert 'Kind Before: ISP (isp) → After: Enterprise (enterprise)' in updated, updated
    assert 'ASNs Before: AS64500 → After: AS64500 AS64501' in updated, updated
    assert 'Name' not in updated
    # A creation lists what was set; a deletion what the row held.
    assert 'Account id After: C-7' in created and 'Before:' not in created
    assert 'City Before: Porto Alegre' in deleted and 'After:' not in deleted
    for text in (deleted, created_site, updated, created):
        assert 'None' not in text and "['" not in text and '[]' not in text
    page = response.get_data(as_text=True)
    # The customer still exists: linked; the deleted site is not.
    assert f'href="/inventory/customers/{history}"' in page
    assert not re.search(r'href="/inventory/sites/\d', page)


def test_the_log_in_portuguese(app, as_role, history):
    browser = as_role('admin', language='pt_BR', username='ana')
    text = ' '.join(rows(browser.get('/admin/audit/')))
    assert 'Tipo Antes: Provedor (isp) → Depois: Corporativo (enterprise)' in text
    assert 'excluiu site POA-01 Cidade Antes: Porto Alegre' in text
    assert 'Idioma Depois: Português (Brasil) (pt_BR)' in text
    assert 'Idioma dos avisos Depois: Português (Brasil)' in text
    assert 'Kind' not in text and 'Before' not in text and 'None' not in text


def test_values_are_words_not_python(app):
    with db(app):
        _values_in_english()


def _values_in_english():
    entity = audit.Entity.MAINTENANCE_WINDOW
    confirmed, tentative = WindowStatus.CONFIRMED, WindowStatus.TENTATIVE
    assert audit_diff.shown(entity, 'internal_notes', None) == '—'
    assert audit_diff.shown(entity, 'circuits', ['J-1', 'J-2 x']) == 'J-1, J-2 x'
    assert audit_diff.shown(entity, 'emergency', False) == 'no'
    assert audit_diff.shown(entity, 'status', confirmed) == f'Confirmed ({confirmed})'
    # The one time format, in the reader's zone (São Paulo by default).
    assert audit_diff.shown(entity, 'starts_at', '2026-12-09 05:00:00+00:00') \
        == '2026-12-09 02:00 UTC-03:00'
    changes = audit_diff.changes(entity, {'status': tentative, 'sequence': 0},
                                 {'status': confirmed, 'sequence': 0})
    assert [(c.label, c.before, c.after) for c in changes] == \
        [('Status', f'Tentative ({tentative})', f'Confirmed ({confirmed})')]
    # A state that is no dict of fields (an old row's shape) still reads, never a 500.
    assert [(c.before, c.after) for c in audit_diff.changes(entity, ['J-1'], None)] == \
        [('J-1', '')]
