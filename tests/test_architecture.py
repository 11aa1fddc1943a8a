"""The layers of ARCHITECTURE.md that import-linter cannot see.

Adapters (web, API, CLI) translate; commands find, lock, limit and decide.
A lock, a transaction or a limit written in an adapter is a command leaking
into the wrong room. Domain modules take their settings as values.
"""
import ast
import pathlib

import pytest

NOC = pathlib.Path(__file__).resolve().parent.parent / 'noc'
ADAPTERS = ('web', 'api', 'cli')
DOMAIN = ('maintenance', 'routing', 'inventory', 'accounts', 'mail', 'models', 'core')
# What only exists while Flask serves a request: the domain never reads it.
FLASK_REQUEST_STATE = {'current_app', 'request', 'g', 'session'}
WRITE_CALLS = {'lock_rows', 'write_transaction', 'atomic', 'serialize'}
# Data, not code: long by nature.
LONG_ALLOWED = {'demo/inventory.py', 'api/openapi.py', 'api/docs.py'}
MAX_LINES = 400


def modules(*packages):
    for package in packages:
        yield from sorted((NOC / package).rglob('*.py'))


def relative(path):
    return path.relative_to(NOC).as_posix()


def names_used(tree):
    """Every name a module reads, calls or imports, attributes included (database.atomic)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            yield node.id, node.lineno
        elif isinstance(node, ast.Attribute):
            yield node.attr, node.lineno
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield alias.name.rsplit('.', 1)[-1], node.lineno


@pytest.mark.parametrize('path', list(modules(*ADAPTERS)), ids=relative)
def test_adapters_neither_lock_nor_open_transactions(path):
    tree = ast.parse(path.read_text())
    found = [(name, line) for name, line in names_used(tree) if name in WRITE_CALLS]
    assert found == [], f'{relative(path)} uses {found}: move it into a command'


@pytest.mark.parametrize('path', list(modules(*ADAPTERS)), ids=relative)
def test_adapters_define_no_limits(path):
    tree = ast.parse(path.read_text())
    limits = [target.id for node in tree.body if isinstance(node, ast.Assign)
              for target in node.targets
              if isinstance(target, ast.Name) and target.id.startswith('MAX_')]
    assert limits == [], f'{relative(path)} defines {limits}: they belong in noc/core/limits.py'
    assert '2 ** 63' not in path.read_text(), f'{relative(path)}: MAX_ID is in noc/core/limits.py'


@pytest.mark.parametrize('path', [p for p in modules(*DOMAIN) if 'migrations' not in p.parts],
                         ids=relative)
def test_domain_takes_settings_as_values(path):
    allowed = {'core/i18n.py', 'core/paging.py'}     # request-scoped by nature
    if relative(path) in allowed:
        return
    tree = ast.parse(path.read_text())
    reads = [line for name, line in names_used(tree) if name == 'current_app']
    reads += [node.lineno for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module == 'flask'
              and {alias.name for alias in node.names} & FLASK_REQUEST_STATE]
    assert reads == [], f'{relative(path)} reads the app or the request on lines {reads}'


def test_no_module_over_400_lines():
    long = {relative(p): len(p.read_text().splitlines()) for p in NOC.rglob('*.py')
            if 'migrations' not in p.parts and relative(p) not in LONG_ALLOWED}
    assert {name: n for name, n in long.items() if n > MAX_LINES} == {}


def test_input_limits_are_defined_once():
    """Every MAX_* constant of the package is in noc/core/limits.py, and only there."""
    elsewhere = {}
    for path in NOC.rglob('*.py'):
        if relative(path) == 'core/limits.py' or 'migrations' in path.parts:
            continue
        tree = ast.parse(path.read_text())
        names = [t.id for node in tree.body if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Name)
                 and t.id in {'MAX_ID', 'MAX_REASON', 'MAX_ASN', 'MAX_EMAIL'}]
        if names:
            elsewhere[relative(path)] = names
    assert elsewhere == {}


def test_one_exception_base():
    """Every exception class Janela defines descends from JanelaError (core/errors.py);
    refusals end in Refused (or are NotFound), faults in Error."""
    import importlib
    import inspect
    import pkgutil

    import noc
    from noc.core.errors import JanelaError, NotFound, Refused
    strays, misnamed = [], []
    for info in pkgutil.walk_packages(noc.__path__, 'noc.'):
        if '.migrations' in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or not issubclass(cls, BaseException):
                continue
            if name.startswith('_'):            # private control flow (a parser's skip)
                continue
            if not issubclass(cls, JanelaError):
                strays.append(f'{module.__name__}.{name}')
            elif issubclass(cls, Refused) and not (name.endswith('Refused') or cls is NotFound):
                misnamed.append(f'{module.__name__}.{name}')
            elif not issubclass(cls, Refused) and not name.endswith(('Error', 'Problem')):
                misnamed.append(f'{module.__name__}.{name}')
    assert strays == [] and misnamed == []
