"""The seams of inventory and accounts (issue 15): their adapters only translate,
their domain takes its settings as values. Read from the source, no app."""
import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / 'noc'
ADAPTERS = ['web/inventory/views.py', 'web/inventory/related.py', 'web/accounts/admin.py',
            'web/accounts/api_tokens.py', 'web/accounts/auth.py', 'web/mail/inbox.py',
            'web/mail/outbox.py', 'web/dashboard.py', 'web/form_errors.py', 'api/inventory.py',
            'api/inventory_kinds.py', 'api/inventory_document.py', 'api/json_schema.py',
            'cli/__init__.py', 'cli/database.py', 'cli/users.py', 'cli/inventory.py',
            'cli/run.py', 'cli/tokens.py', 'cli/refusals.py']
DOMAIN = [*sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'inventory').glob('*.py')),
          *sorted(str(p.relative_to(ROOT)) for p in (ROOT / 'accounts').glob('*.py')),
          'mail/resend.py', 'inbound/commands.py']
TRANSACTIONS = {'lock_rows', 'write_transaction', 'atomic'}


def _tree(name):
    return ast.parse((ROOT / name).read_text(encoding='utf-8'))


def _names(tree):
    """Every name a module calls or reads, attributes included (database.atomic)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Attribute):
            yield node.attr


@pytest.mark.parametrize('name', ADAPTERS)
def test_adapters_neither_lock_nor_hold_transactions_nor_define_limits(name):
    tree = _tree(name)
    assert not TRANSACTIONS & set(_names(tree)), f'{name}: that is a command\'s job'
    limits = [target.id for node in tree.body if isinstance(node, ast.Assign)
              for target in node.targets
              if isinstance(target, ast.Name) and re.fullmatch(r'MAX_\w+', target.id)]
    assert limits == [], f'{name}: limits live in noc.core.limits'
    assert '2 ** 63' not in (ROOT / name).read_text(encoding='utf-8')


@pytest.mark.parametrize('name', DOMAIN)
def test_the_domain_takes_its_settings_as_values(name):
    assert 'current_app' not in set(_names(_tree(name))), name


@pytest.mark.parametrize('name', ADAPTERS + DOMAIN)
def test_modules_stay_small(name):
    assert len((ROOT / name).read_text(encoding='utf-8').splitlines()) <= 400
