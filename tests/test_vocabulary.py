"""One vocabulary: a stored status, kind or role is spelled once, in its ChoiceSet.

Code names a value through its class (`WindowStatus.CONFIRMED`,
`MessageState.SENT`), so a renamed or mistyped value is an AttributeError on
the first run rather than a comparison that silently never matches. This
test reads every module outside noc/models (where the sets are declared) and
noc/migrations (frozen history, which must keep the words it wrote) and fails
on a string literal compared with, assigned to or passed as one of the
vocabulary fields.
"""
import ast
import pathlib

import pytest

from noc.core.choices import ChoiceSet

NOC = pathlib.Path(__file__).resolve().parent.parent / 'noc'
DECLARED_IN = ('models', 'migrations')
# The fields whose values are declared vocabularies, whichever model holds them.
FIELDS = {'state', 'status', 'outcome', 'partstat', 'role', 'impact', 'verdict',
          'rpki_state', 'irr_state', 'acknowledged_via'}


def modules():
    for path in sorted(NOC.rglob('*.py')):
        if path.relative_to(NOC).parts[0] not in DECLARED_IN:
            yield path


def relative(path):
    return path.relative_to(NOC).as_posix()


def _field(node):
    """'state' for `row.state`, `OutboxMessage.state`, or a bare name `state`."""
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def _literals(node):
    """The non-empty string constants of `node`, a constant or a tuple/list/set of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [value for element in node.elts for value in _literals(element)]
    return []


def spelled_again(tree):
    """(line, field, literal) for each vocabulary value written out as a string."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for field in filter(None, map(_field, sides)):
                if field in FIELDS:
                    for side in sides:
                        for value in _literals(side):
                            yield node.lineno, field, value
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = (zip(target.elts, node.value.elts)
                         if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                         else [(target, node.value)])
                for left, right in pairs:
                    if isinstance(left, ast.Attribute) and left.attr in FIELDS:
                        for value in _literals(right):
                            yield node.lineno, left.attr, value
        elif isinstance(node, ast.Call):
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr in ('in_', 'not_in')
                    and _field(func.value) in FIELDS):
                for value in (v for arg in node.args for v in _literals(arg)):
                    yield node.lineno, _field(func.value), value
            for keyword in node.keywords:
                if keyword.arg in FIELDS:
                    for value in _literals(keyword.value):
                        yield node.lineno, keyword.arg, value


@pytest.mark.parametrize('path', list(modules()), ids=relative)
def test_no_vocabulary_value_is_spelled_outside_its_choice_set(path):
    found = list(spelled_again(ast.parse(path.read_text())))
    assert found == [], (f'{relative(path)}: {found}: name these values through their '
                         'ChoiceSet in noc/models')


def test_the_guard_sees_each_way_of_spelling_a_value():
    source = ("if row.state == 'sent': pass\n"
              "x = M.select().where(M.status.in_(('A',)))\n"
              "row.outcome = 'answered'\n"
              "M.create(role='viewer')\n"
              "row.state, row.outcome = 'handled', 'ok'\n"
              "if status in ('CONFIRMED', 'TENTATIVE'): pass\n")
    found = {(field, value) for _, field, value in spelled_again(ast.parse(source))}
    assert {('state', 'sent'), ('outcome', 'answered'), ('role', 'viewer'),
            ('state', 'handled'), ('outcome', 'ok'), ('status', 'CONFIRMED'),
            ('status', 'A')} <= found


def every_choice_set():
    import noc.models  # noqa: F401  (declares them)
    pending = list(ChoiceSet.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        yield cls


@pytest.mark.parametrize('choices', list(every_choice_set()), ids=lambda c: c.__name__)
def test_each_choice_set_names_every_value_once_with_a_label(choices):
    values = choices.values()
    assert len(values) == len(set(values)), f'{choices.__name__} repeats a value'
    assert all(str(label).strip() for label in choices.labels().values())


TEMPLATES = NOC.parent / 'templates'


def template_spellings(source):
    """(line, field, literal) for vocabulary values a template writes out: compared
    with `x.state`, `window.status`…, or a role given to `current_user.can(…)`."""
    from jinja2 import Environment, nodes
    tree = Environment(extensions=['jinja2.ext.i18n']).parse(source)

    def field(node):
        return node.attr if isinstance(node, nodes.Getattr) else None

    def literals(node):
        if isinstance(node, nodes.Const) and isinstance(node.value, str) and node.value:
            return [node.value]
        if isinstance(node, (nodes.Tuple, nodes.List)):
            return [v for item in node.items for v in literals(item)]
        return []

    for compare in tree.find_all(nodes.Compare):
        sides = [compare.expr, *(op.expr for op in compare.ops)]
        for name in filter(None, map(field, sides)):
            if name in FIELDS:
                for side in sides:
                    for value in literals(side):
                        yield compare.lineno, name, value
    for call in tree.find_all(nodes.Call):
        if field(call.node) == 'can':
            for value in (v for arg in call.args for v in literals(arg)):
                yield call.lineno, 'role', value


@pytest.mark.parametrize('path', sorted(TEMPLATES.rglob('*.html')) + sorted(TEMPLATES.rglob('*.txt')),
                         ids=lambda p: p.relative_to(TEMPLATES).as_posix())
def test_no_template_spells_a_vocabulary_value(path):
    found = list(template_spellings(path.read_text()))
    assert found == [], (f'{path.relative_to(TEMPLATES)}: {found}: compare with the ChoiceSet '
                         '(a template global, e.g. WindowStatus.CONFIRMED)')


def test_the_template_guard_sees_comparisons_and_roles():
    source = ("{% if window.status in ('TENTATIVE', 'CONFIRMED') %}{% endif %}"
              "{% if r.state == 'open' and current_user.can('engineer') %}{% endif %}")
    found = {(field, value) for _, field, value in template_spellings(source)}
    assert found == {('status', 'TENTATIVE'), ('status', 'CONFIRMED'), ('state', 'open'),
                     ('role', 'engineer')}
