"""The console's menu: five sections of pages, and which one the request is in.

One declaration serves the menu, the current-section marker and the tests:
each item names the page it opens and the endpoints (or whole blueprints)
that belong to it, so a window's edit page or a confirmation page marks
"Maintenance › Windows" without the template knowing about it.
"""
from dataclasses import dataclass, field

from flask import g, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.routing import BuildError

from noc.models import Role


@dataclass(frozen=True)
class Item:
    key: str
    label: object
    endpoint: str
    values: dict = field(default_factory=dict)
    # Other endpoints ('blueprint.view') or whole blueprints ('blueprint.') of this item.
    owns: tuple = ()

    def matches(self, endpoint, view_args, exact):
        """Whether the page at `endpoint` belongs here: by its endpoint (exact) or,
        failing every exact match, by its blueprint. Inventory items also compare
        the kind, since one view lists every kind."""
        if any(view_args.get(k) != v for k, v in self.values.items()):
            return False
        if exact:
            return endpoint == self.endpoint or endpoint in self.owns
        return endpoint.split('.')[0] + '.' in self.owns


@dataclass(frozen=True)
class Section:
    key: str
    label: object
    items: tuple
    role: str = Role.VIEWER


def _inventory(kind, label):
    return Item(kind, label, 'inventory.list_rows', {'kind': kind}, owns=('inventory.',))


SECTIONS = (
    Section('maintenance', _l('Maintenance'), (
        Item('windows', _l('Windows'), 'maintenance.index',
             owns=('maintenance.', 'answers.', 'feeds.')),
        Item('calendar', _l('Calendar'), 'maintenance.calendar'),
        # "Requests" alone read like prefix requests: the menu names them in full.
        Item('reschedules', _l('Reschedule requests'), 'reschedules.queue',
             owns=('reschedules.', 'reschedules_moved.', 'reschedules_moved_queue.')),
    )),
    Section('inventory', _l('Inventory'), (
        _inventory('customers', _l('Customers')),
        _inventory('contacts', _l('Contacts')),
        _inventory('circuits', _l('Circuits')),
        _inventory('sites', _l('Sites')),
        _inventory('segments', _l('Segments')),
    )),
    Section('routing', _l('Routing'), (
        Item('prefixes', _l('Prefixes'), 'prefixes.queue', owns=('prefixes.',)),
        Item('prefix-requests', _l('Prefix requests'), 'prefixes.request_list',
             owns=('prefixes.show_request', 'prefixes.new')),
        Item('routing-data', _l('Routing data'), 'routing.index', owns=('routing.',)),
    )),
    Section('mail', _l('Mail'), (
        Item('received', _l('Received mail'), 'inbox.index', owns=('inbox.',)),
        # Labelled with the title of the page it opens.
        Item('outbox', _l('Outbox'), 'outbox.message_list', owns=('outbox.',)),
        Item('capture', _l('Mail capture'), 'outbox.capture_list',
             owns=('outbox.capture_show', 'outbox.capture_raw')),
    )),
    Section('admin', _l('Admin'), (
        Item('users', _l('Users'), 'admin.user_list', owns=('admin.',)),
        Item('audit', _l('Audit log'), 'admin.audit_log'),
        Item('tokens', _l('API tokens'), 'api_tokens.index', owns=('api_tokens.',)),
    ), role=Role.ADMIN),
)


def current(endpoint, view_args=None):
    """(section key, item key) of the page at `endpoint`, or (None, None) for a
    page of no section (the dashboard, preferences)."""
    if not endpoint:
        return None, None
    view_args = view_args or {}
    for exact in (True, False):
        for section in SECTIONS:
            for item in section.items:
                if item.matches(endpoint, view_args, exact):
                    return section.key, item.key
    return None, None


def _url(item):
    try:
        return url_for(item.endpoint, **item.values)
    except BuildError:          # a blueprint this installation leaves out
        return None


def menu(user, endpoint, view_args):
    """The sections `user` may open, each {key, label, current, items: [{key,
    label, url, current}]}, with the request's page marked."""
    section_key, item_key = current(endpoint, view_args)
    found = []
    for section in SECTIONS:
        if not user.can(section.role):
            continue
        items = [{'key': item.key, 'label': item.label, 'url': url,
                  'current': section.key == section_key and item.key == item_key}
                 for item in section.items if (url := _url(item))]
        if items:
            found.append({'key': section.key, 'label': section.label, 'items': items,
                          'current': section.key == section_key})
    return found


def _context():
    """The menu for a page of a logged-in user; none for a mail rendered outside a
    request (the worker's) or for a guest. Made once per request, since a request
    that mails customers renders a template per notice."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return {'navigation': []}
    if 'navigation' not in g:
        g.navigation = menu(current_user, request.endpoint, request.view_args)
    return {'navigation': g.navigation}


def register(app):
    app.context_processor(_context)
