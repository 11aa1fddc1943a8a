"""The README quotes the Postfix recipe that tests/test_postfix_e2e.py runs:
every line of deploy/postfix's files is in it, so the two cannot drift."""
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
RECIPE = ('master.cf', 'main.cf', 'transport')


@pytest.mark.parametrize('name', RECIPE)
def test_the_readme_quotes_each_line_of_the_recipe(name):
    readme = {line.strip() for line in (ROOT / 'README.md').read_text().splitlines()}
    lines = [line.strip() for line in (ROOT / 'deploy' / 'postfix' / name).read_text().splitlines()
             if line.strip() and not line.lstrip().startswith('#')]
    assert lines, f'deploy/postfix/{name} holds no setting'
    missing = [line for line in lines if line not in readme]
    assert missing == [], f'README.md does not quote deploy/postfix/{name}: {missing}'
