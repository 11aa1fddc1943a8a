"""Every ChoiceSet of noc.models as a template global, so that a template
compares with `WindowStatus.CONFIRMED` or asks `current_user.can(Role.ENGINEER)`
and never spells a stored value again (tests/test_vocabulary.py checks)."""
import noc.models
from noc.core.choices import ChoiceSet
from noc.models import routing


def choice_sets():
    """{class name: class} of the ChoiceSets the models declare."""
    found = {}
    for module in (noc.models, routing):
        for name in dir(module):
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, ChoiceSet) and value is not ChoiceSet:
                found[name] = value
    return found


def register(app):
    app.jinja_env.globals.update(choice_sets())
