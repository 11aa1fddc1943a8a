"""NOC users, their audit trail, and the JSON API's bearer tokens."""
import peewee as pw
from flask_babel import lazy_gettext as _l

from noc.core.choices import ChoiceSet
from noc.models.base import BaseModel, UTCDateTimeField, utcnow
from noc.models.inventory import Customer


class Role(ChoiceSet):
    """What a NOC user or NOC token may do, each role all the ones before it and more."""
    VIEWER = 'viewer'
    ENGINEER = 'engineer'
    ADMIN = 'admin'
    CHOICES = ((VIEWER, _l('Viewer')), (ENGINEER, _l('Engineer')), (ADMIN, _l('Administrator')))

    @classmethod
    def at_least(cls, role, wanted):
        """True when `role` is `wanted` or above it."""
        order = cls.values()
        return role in order and order.index(role) >= order.index(wanted)


class TokenKind(ChoiceSet):
    """A provider token acts for one customer; a NOC token with a role."""
    PROVIDER = 'provider'
    NOC = 'noc'
    CHOICES = ((PROVIDER, _l('provider')), (NOC, _l('NOC')))


class User(BaseModel):
    ROLES = Role.values()
    username = pw.CharField(max_length=64, unique=True)
    full_name = pw.CharField(max_length=200, default='')
    email = pw.CharField(max_length=254, default='')
    password_hash = pw.CharField(max_length=255)
    role = pw.CharField(max_length=16, default=Role.VIEWER)
    language = pw.CharField(max_length=8, default='pt_BR')
    time_zone = pw.CharField(max_length=64, default='America/Sao_Paulo')
    active = pw.BooleanField(default=True)
    created_at = UTCDateTimeField(default=utcnow)
    last_login_at = UTCDateTimeField(null=True)
    failed_logins = pw.IntegerField(default=0)
    locked_until = UTCDateTimeField(null=True)
    session_token = pw.CharField(max_length=64, default='')

    class Meta:
        table_name = 'app_user'

    # Flask-Login's user protocol.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        # Flask-Login keeps this in the session; web/auth.load_user checks the token.
        return f'{self.id}:{self.session_token}'

    def can(self, role):
        """True when this user's role is `role` or above."""
        return Role.at_least(self.role, role)


class AuditLog(BaseModel):
    at = UTCDateTimeField(default=utcnow, index=True)
    user = pw.ForeignKeyField(User, null=True, on_delete='SET NULL', backref='audit')
    username = pw.CharField(max_length=64)
    action = pw.CharField(max_length=32)
    entity = pw.CharField(max_length=32)
    entity_id = pw.BigIntegerField(null=True)
    entity_key = pw.CharField(max_length=200, default='')
    before_json = pw.TextField(null=True)
    after_json = pw.TextField(null=True)

    class Meta:
        indexes = ((('entity', 'entity_id'), False),)


class LoginAddress(BaseModel):
    """One client address (an IPv6 client's /64) an account was tried from."""
    user = pw.ForeignKeyField(User, on_delete='CASCADE', backref='+', index=False)
    address = pw.CharField(max_length=64)
    failures = pw.IntegerField(default=0)
    last_failed_at = UTCDateTimeField(null=True)
    locked_until = UTCDateTimeField(null=True)
    last_login_at = UTCDateTimeField(null=True)

    class Meta:
        table_name = 'login_address'
        indexes = ((('user', 'address'), True),)


class ApiToken(BaseModel):
    KINDS = TokenKind.values()
    name = pw.CharField(max_length=100)
    kind = pw.CharField(max_length=16)
    customer = pw.ForeignKeyField(Customer, null=True, on_delete='CASCADE', backref='+')
    role = pw.CharField(max_length=16, default='')
    prefix = pw.CharField(max_length=16)
    secret_hash = pw.CharField(max_length=64, unique=True)
    created_at = UTCDateTimeField(default=utcnow)
    created_by = pw.CharField(max_length=64, default='')
    expires_at = UTCDateTimeField(null=True)
    last_used_at = UTCDateTimeField(null=True)
    revoked_at = UTCDateTimeField(null=True)
    revoked_by = pw.CharField(max_length=64, default='')

    class Meta:
        table_name = 'api_token'


