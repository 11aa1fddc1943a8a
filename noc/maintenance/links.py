"""The customer page link: one per customer and window, signed, no login.

The token carries (window id, customer id, nonce) signed with the app's
secret key by itsdangerous, as Flask signs its own sessions, so it cannot be
made up or moved to another customer. It is good while the window has not
ended and its nonce is the one on record and not revoked: the NOC revokes a
link that went astray and issues a new one, which the next notice carries.
"""
import secrets

from itsdangerous import BadSignature, URLSafeSerializer

from noc.core.db import database
from noc.core.errors import NotFound
from noc.models import Customer, MaintenanceWindow, WindowCustomer, audit, utcnow

SALT = 'janela.customer-page'
PATH = '/c/{token}'


class LinkRefused(NotFound):
    """A customer page link that opens nothing. `reason`: 'unknown' (not ours or
    altered), 'revoked', 'expired'; the window and customer when the link was ours."""

    def __init__(self, reason, window=None, customer=None):
        super().__init__('customer page link', message=reason)
        self.reason, self.window, self.customer = reason, window, customer



def _serializer(secret_key):
    return URLSafeSerializer(secret_key, salt=SALT)


def _nonce():
    return secrets.token_hex(8)


def states(window, customer_ids):
    """{customer id: WindowCustomer}, made for the customers that have none yet."""
    found = {row.customer_id: row for row in WindowCustomer.select().where(
        (WindowCustomer.window == window)
        & WindowCustomer.customer.in_(list(customer_ids) or [-1]))}
    missing = [dict(window=window.id, customer=cid, link_nonce=_nonce())
               for cid in customer_ids if cid not in found]
    if missing:
        for start in range(0, len(missing), 500):
            WindowCustomer.insert_many(missing[start:start + 500]).execute()
        return states(window, customer_ids)
    return found


def state(window, customer_id):
    return states(window, [customer_id])[customer_id]


def token(row, secret_key):
    """The signed token of a WindowCustomer row; `secret_key` the app's."""
    return _serializer(secret_key).dumps([row.window_id, row.customer_id, row.link_nonce])


def url(row, secret_key, base_url):
    """The customer page's address at Janela's public `base_url`."""
    return base_url.rstrip('/') + PATH.format(token=token(row, secret_key))


def resolve(text, secret_key, now=None):
    """(window, customer, WindowCustomer) of a token, or LinkRefused."""
    try:
        window_id, customer_id, nonce = _serializer(secret_key).loads(text)
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused('unknown') from None
    row = WindowCustomer.get_or_none(window=window_id, customer=customer_id)
    if row is None:
        raise LinkRefused('unknown')
    window = MaintenanceWindow.get_by_id(window_id)
    customer = Customer.get_by_id(customer_id)
    # Signed by us but replaced (a new nonce) or revoked: say so, not "unknown".
    if row.link_revoked_at or not secrets.compare_digest(str(nonce), row.link_nonce):
        raise LinkRefused('revoked', window, customer)
    if window.ends_at <= (now or utcnow()):
        raise LinkRefused('expired', window, customer)
    return window, customer, row


def revoke(window, customer, actor, now=None):
    """Kill the customer's link to this window; `reissue` makes a new one."""
    with database.atomic():
        row = state(window, customer.id)
        row.link_revoked_at = now or utcnow()
        _save(row)
        audit.record(actor, audit.Action.REVOKE, audit.Entity.CUSTOMER_LINK, window.id,
                     f'{window.reference} {customer.account_id}', None, None)
    return row


def reissue(window, customer, actor):
    with database.atomic():
        row = state(window, customer.id)
        row.link_nonce, row.link_revoked_at = _nonce(), None
        _save(row)
        audit.record(actor, audit.Action.ISSUE, audit.Entity.CUSTOMER_LINK, window.id,
                     f'{window.reference} {customer.account_id}', None, None)
    return row


def _save(row):
    # A composite key: save() would insert; update the row in place.
    (WindowCustomer.update(link_nonce=row.link_nonce, link_revoked_at=row.link_revoked_at)
     .where((WindowCustomer.window == row.window_id)
            & (WindowCustomer.customer == row.customer_id)).execute())
