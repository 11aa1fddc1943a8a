"""A small routing world for prefix-tracking tests, in documentation space.

ACME (AS64500, pt_BR BGP contact) and GLOBEX (AS64501, English BGP contact)
each have an IP transit session. The VRPs and the IRR dump below make every
RPKI and IRR case reachable with the lab setting on:

  192.0.2.0/24     AS64500  ROA 192.0.2.0/24-24 AS64500, route object in TC   -> valid
  198.51.100.0/24  AS64501  ROA for AS64501, route object only in RADB         -> valid
  203.0.113.0/24   AS64500  ROA for AS64510 only                               -> invalid (AS)
  2001:db8:1::/48  AS64500  ROA 2001:db8::/32-48 AS64500 (loose), route6 in TC -> valid
  3fff:100::/48    AS64500  no ROA, route6 in TC                               -> not-found, IRR only
  3fff:200::/48    AS64500  nothing anywhere                                   -> not-found
"""
import json

from noc.models import Circuit, Contact, Customer, CustomerAsn, Site

VRPS = [
    ('192.0.2.0/24', 24, 64500),
    ('198.51.100.0/24', 24, 64501),
    ('203.0.113.0/24', 24, 64510),
    ('2001:db8::/32', 48, 64500),
]

RPSL = """\
route:      192.0.2.0/24
descr:      ACME
origin:     AS64500
mnt-by:     MAINT-ACME
source:     TC

route6:     2001:db8:1::/48
origin:     AS64500
source:     TC

route6:     3fff:100::/48
origin:     AS64500
source:     TC

as-set:     AS-ACME
members:    AS64500, AS-ACME-DOWNSTREAM
source:     TC

as-set:     AS-ACME-DOWNSTREAM
members:    AS64502,
            AS-ACME
source:     TC
"""

RADB = """\
route:      198.51.100.0/24
origin:     AS64501
source:     RADB
"""


def write_vrps(path, vrps=VRPS, expires=None):
    roas = []
    for prefix, max_length, asn in vrps:
        roa = {'prefix': prefix, 'maxLength': max_length, 'asn': asn, 'ta': 'lacnic'}
        if expires is not None:
            roa['expires'] = expires
        roas.append(roa)
    path.write_text(json.dumps({'metadata': {'buildtime': '2026-11-24T10:00:00Z',
                                             'vrps': len(roas)}, 'roas': roas}))
    return str(path)


def write_rpsl(path, text=RPSL):
    path.write_text(text)
    return str(path)


def build_isps():
    site = Site.create(code='BHZ01', name='BHZ01', city='Belo Horizonte', state='MG')
    acme = Customer.create(account_id='ACME-1', name='Acme Provedor', kind='isp')
    globex = Customer.create(account_id='GLOBEX-7', name='Globex Net', kind='isp',
                             notice_language='en')
    CustomerAsn.create(customer=acme, asn=64500)
    CustomerAsn.create(customer=globex, asn=64501)
    contacts = {
        'acme_bgp': Contact.create(customer=acme, name='Rede Acme', email='bgp@acme.example.com',
                                   role_bgp=True, language='pt_BR'),
        'acme_noc': Contact.create(customer=acme, name='Ana', email='ana@acme.example.com',
                                   role_maintenance=True, language='pt_BR'),
        'globex_bgp': Contact.create(customer=globex, name='Globex NOC',
                                     email='peering@globex.example.com', role_bgp=True,
                                     language='en'),
    }
    circuits = {
        'acme': Circuit.create(circuit_id='JAN-IPT-001', customer=acme, service='ip-transit',
                               a_site=site, bgp_asn=64500, bgp_as_set='AS-ACME'),
        'acme_l2': Circuit.create(circuit_id='JAN-L2-009', customer=acme,
                                  service='l2-transport', a_site=site),
        'globex': Circuit.create(circuit_id='JAN-IPT-003', customer=globex,
                                 service='ip-transit', a_site=site, bgp_asn=64501),
    }
    return dict(acme=acme, globex=globex, contacts=contacts, circuits=circuits, site=site)
