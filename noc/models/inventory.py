"""The network and its customers: sites, segments, circuits, contacts."""
import peewee as pw
from flask_babel import lazy_gettext as _l

from noc.core.choices import ChoiceSet
from noc.core.db import database
from noc.models.base import BaseModel, TimestampedModel, UTCDateTimeField


class CustomerKind(ChoiceSet):
    ISP = 'isp'
    ENTERPRISE = 'enterprise'
    CARRIER = 'carrier'
    CHOICES = ((ISP, _l('ISP')), (ENTERPRISE, _l('Enterprise')), (CARRIER, _l('Carrier')))


class ContactRole(ChoiceSet):
    """What a contact is told about; each is a boolean column role_<value>."""
    MAINTENANCE = 'maintenance'
    BGP = 'bgp'
    TECHNICAL = 'technical'
    COMMERCIAL = 'commercial'
    CHOICES = ((MAINTENANCE, _l('Maintenance')), (BGP, _l('BGP')),
               (TECHNICAL, _l('Technical')), (COMMERCIAL, _l('Commercial')))


class NoticeFormat(ChoiceSet):
    """How a contact gets maintenance notices: an iTIP invitation, or the VEVENT alone."""
    INVITATION = 'invitation'
    PLAIN = 'plain'
    CHOICES = ((INVITATION, _l('Calendar invitation')),
               (PLAIN, _l('Plain machine-readable notice')))


class SiteKind(ChoiceSet):
    POP = 'pop'
    DATACENTER = 'datacenter'
    TOWER = 'tower'
    CUSTOMER = 'customer'
    CHOICES = ((POP, _l('PoP')), (DATACENTER, _l('Data centre')), (TOWER, _l('Tower')),
               (CUSTOMER, _l('Customer premises')))


class SegmentKind(ChoiceSet):
    SPAN = 'span'
    RING = 'ring'
    DEVICE = 'device'
    CHOICES = ((SPAN, _l('Fibre span')), (RING, _l('Ring')), (DEVICE, _l('Device')))


class Service(ChoiceSet):
    IP_TRANSIT = 'ip-transit'
    L2_TRANSPORT = 'l2-transport'
    L3VPN = 'l3vpn'
    DARK_FIBRE = 'dark-fibre'
    WAVELENGTH = 'wavelength'
    COLOCATION = 'colocation'
    CHOICES = ((IP_TRANSIT, _l('IP transit')), (L2_TRANSPORT, _l('L2 transport')),
               (L3VPN, _l('L3VPN')), (DARK_FIBRE, _l('Dark fibre')),
               (WAVELENGTH, _l('Wavelength')), (COLOCATION, _l('Colocation')))


class CircuitStatus(ChoiceSet):
    ACTIVE = 'active'
    PLANNED = 'planned'
    DECOMMISSIONED = 'decommissioned'
    CHOICES = ((ACTIVE, _l('Active')), (PLANNED, _l('Planned')),
               (DECOMMISSIONED, _l('Decommissioned')))


class Customer(TimestampedModel):
    KINDS = CustomerKind.values()
    account_id = pw.CharField(max_length=32, unique=True)
    name = pw.CharField(max_length=200, index=True)
    kind = pw.CharField(max_length=16)
    notice_language = pw.CharField(max_length=8, default='pt_BR')
    time_zone = pw.CharField(max_length=64, default='America/Sao_Paulo')
    notes = pw.TextField(default='')
    search_text = pw.TextField(default='')

    def __str__(self):
        return f'{self.name} ({self.account_id})'


class CustomerAsn(BaseModel):
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='asns')
    asn = pw.BigIntegerField(unique=True)


class ChangeFreeze(BaseModel):
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='freezes')
    starts_on = pw.DateField()
    ends_on = pw.DateField()
    reason = pw.CharField(max_length=200, default='')


class Contact(TimestampedModel):
    ROLES = ContactRole.values()
    FORMATS = NoticeFormat.values()
    customer = pw.ForeignKeyField(Customer, on_delete='CASCADE', backref='contacts',
                                  index=False)  # led by contact_customer_email
    name = pw.CharField(max_length=200)
    email = pw.CharField(max_length=254, index=True)
    phone = pw.CharField(max_length=40, default='')
    role_maintenance = pw.BooleanField(default=False)
    role_bgp = pw.BooleanField(default=False)
    role_technical = pw.BooleanField(default=False)
    role_commercial = pw.BooleanField(default=False)
    language = pw.CharField(max_length=8, default='pt_BR')
    time_zone = pw.CharField(max_length=64, default='America/Sao_Paulo')
    notice_format = pw.CharField(max_length=16, default=NoticeFormat.INVITATION)
    search_text = pw.TextField(default='')
    bounced_at = UTCDateTimeField(null=True)
    bounce_reason = pw.TextField(default='')

    class Meta:
        indexes = ((('customer', 'email'), True),)

    def __str__(self):
        return f'{self.name} <{self.email}>'

    @property
    def roles(self):
        return [r for r in self.ROLES if getattr(self, 'role_' + r)]


class Site(TimestampedModel):
    KINDS = SiteKind.values()
    code = pw.CharField(max_length=32, unique=True)
    name = pw.CharField(max_length=200)
    kind = pw.CharField(max_length=16, default=SiteKind.POP)
    city = pw.CharField(max_length=100, index=True)
    state = pw.CharField(max_length=2)
    address = pw.CharField(max_length=300, default='')
    search_text = pw.TextField(default='')

    def __str__(self):
        return self.code


class Segment(TimestampedModel):
    KINDS = SegmentKind.values()
    code = pw.CharField(max_length=48, unique=True)
    name = pw.CharField(max_length=200)
    kind = pw.CharField(max_length=16)
    a_site = pw.ForeignKeyField(Site, null=True, on_delete='RESTRICT', backref='+')
    z_site = pw.ForeignKeyField(Site, null=True, on_delete='RESTRICT', backref='+')
    parent = pw.ForeignKeyField('self', null=True, on_delete='SET NULL', backref='children')
    length_km = pw.DecimalField(max_digits=8, decimal_places=2, null=True)
    description = pw.TextField(default='')
    search_text = pw.TextField(default='')

    def __str__(self):
        return self.code


class RedundancyGroup(BaseModel):
    name = pw.CharField(max_length=64, unique=True)
    description = pw.CharField(max_length=200, default='')

    def __str__(self):
        return self.name


class Circuit(TimestampedModel):
    SERVICES = Service.values()
    STATUSES = CircuitStatus.values()
    circuit_id = pw.CharField(max_length=48, unique=True)
    customer = pw.ForeignKeyField(Customer, on_delete='RESTRICT', backref='circuits')
    customer_ref = pw.CharField(max_length=100, default='', index=True)
    service = pw.CharField(max_length=24, index=True)
    bandwidth_mbps = pw.BigIntegerField(null=True)
    status = pw.CharField(max_length=16, default=CircuitStatus.ACTIVE)
    a_site = pw.ForeignKeyField(Site, on_delete='RESTRICT', backref='+')
    z_site = pw.ForeignKeyField(Site, null=True, on_delete='RESTRICT', backref='+')
    redundancy_group = pw.ForeignKeyField(RedundancyGroup, null=True,
                                          on_delete='SET NULL', backref='circuits')
    bgp_asn = pw.BigIntegerField(null=True)
    bgp_as_set = pw.CharField(max_length=128, default='')
    notes = pw.TextField(default='')
    search_text = pw.TextField(default='')

    def __str__(self):
        return self.circuit_id


class CircuitSegment(pw.Model):
    circuit = pw.ForeignKeyField(Circuit, on_delete='CASCADE', backref='segment_links',
                                 index=False)  # led by the primary key
    segment = pw.ForeignKeyField(Segment, on_delete='RESTRICT', backref='circuit_links')

    class Meta:
        database = database
        table_name = 'circuit_segment'
        primary_key = pw.CompositeKey('circuit', 'segment')
