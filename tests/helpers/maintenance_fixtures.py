"""A small network for maintenance tests: two customers, a ring, a redundant pair.

ACME (pt_BR) has a redundant pair over the ring's two spans and contacts in
São Paulo (invitation) and Lisbon (plain notice); GLOBEX (en) has a circuit
over span A, a contact in Manaus and a change freeze; INITECH has a circuit
but no maintenance contact.
"""
import datetime

from flask import current_app, has_app_context

from noc.maintenance import input as window_input
from noc.maintenance import window_commands
from noc.maintenance.settings import of_app
from noc.models import (
    ChangeFreeze,
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    RedundancyGroup,
    Segment,
    Site,
)

UTC = datetime.timezone.utc


def build_network():
    sites = {code: Site.create(code=code, name=code, city='Belo Horizonte', state='MG')
             for code in ('BHZ01', 'BHZ02', 'CTG01')}
    ring = Segment.create(code='RING-BH', name='Anel BH', kind='ring')
    span_a = Segment.create(code='SPAN-A', name='A', kind='span', parent=ring,
                            a_site=sites['BHZ01'], z_site=sites['BHZ02'])
    span_b = Segment.create(code='SPAN-B', name='B', kind='span', parent=ring,
                            a_site=sites['BHZ02'], z_site=sites['CTG01'])
    acme = Customer.create(account_id='ACME-1', name='Acme Provedor', kind='isp')
    globex = Customer.create(account_id='GLOBEX-7', name='Globex Corp', kind='enterprise',
                             notice_language='en', time_zone='America/Manaus')
    initech = Customer.create(account_id='INI-3', name='Initech', kind='enterprise')
    contacts = {
        'ana': Contact.create(customer=acme, name='Ana Souza', email='ana@acme.example.com',
                              role_maintenance=True, language='pt_BR',
                              time_zone='America/Sao_Paulo', notice_format='invitation'),
        'bruno': Contact.create(customer=acme, name='Bruno Lopes', email='noc@acme.example.com',
                                role_maintenance=True, language='en',
                                time_zone='Europe/Lisbon', notice_format='plain'),
        'carla': Contact.create(customer=globex, name='Carla Lima',
                                email='carla@globex.example.com', role_maintenance=True,
                                language='en', time_zone='America/Manaus'),
        'sales': Contact.create(customer=globex, name='Sales', email='sales@globex.example.com',
                                role_commercial=True),
        'ivo': Contact.create(customer=initech, name='Ivo', email='ivo@initech.example.com',
                              role_technical=True),
    }
    pair = RedundancyGroup.create(name='RG-ACME-1')

    def circuit(code, customer, ref, span, group=None, **kw):
        c = Circuit.create(circuit_id=code, customer=customer, customer_ref=ref,
                           service='ip-transit', a_site=sites['BHZ01'],
                           z_site=sites['CTG01'], redundancy_group=group, **kw)
        CircuitSegment.create(circuit=c, segment=span)
        return c

    circuits = {
        'acme1': circuit('JAN-IPT-001', acme, 'ACME-LINK-A', span_a, pair),
        'acme2': circuit('JAN-IPT-002', acme, 'ACME-LINK-B', span_b, pair),
        'globex': circuit('JAN-IPT-003', globex, 'GX/CIRC/9', span_a),
        'initech': circuit('JAN-IPT-004', initech, '', span_b),
        'old': circuit('JAN-IPT-005', acme, 'OLD', span_a, status='decommissioned'),
    }
    freeze = ChangeFreeze.create(customer=globex, starts_on=datetime.date(2030, 12, 20),
                                 ends_on=datetime.date(2031, 1, 5), reason='Fim de ano')
    return dict(sites=sites, ring=ring, span_a=span_a, span_b=span_b, acme=acme,
                globex=globex, initech=initech, contacts=contacts, circuits=circuits,
                pair=pair, freeze=freeze)


def local(days, hour=23, minute=0, zone_offset_hours=-3):
    """A local time string `days` from now (São Paulo-ish), as a form sends it."""
    moment = datetime.datetime.now(UTC) + datetime.timedelta(days=days)
    moment = moment.astimezone(datetime.timezone(datetime.timedelta(hours=zone_offset_hours)))
    return moment.strftime('%Y-%m-%d') + f' {hour:02d}:{minute:02d}'


def form(**overrides):
    raw = {'title_pt': 'Troca de cabo óptico', 'title_en': 'Fibre cable replacement',
           'description_pt': 'Substituição de 2 km de cabo.',
           'description_en': 'Replacing 2 km of cable.',
           'internal_notes': 'Equipe B, OS 4471', 'impact': 'OUTAGE',
           'outage_minutes': '30', 'starts_at': local(12, 23), 'ends_at': local(13, 3),
           'circuits': '', 'sites': '', 'segments': 'SPAN-A'}
    raw.update(overrides)
    return raw


def parse(zone='America/Sao_Paulo', **overrides):
    values, errors = window_input.parse(form(**overrides), zone)
    assert not errors, errors
    return values


def settings():
    """The maintenance settings a test passes, as an adapter would: the app's in
    context, else config.toml's (a test with no app at all)."""
    if has_app_context():
        return of_app(current_app)
    from helpers.bare_database import maintenance_settings
    return maintenance_settings()


def create(actor='test', acknowledge=True, zone='America/Sao_Paulo', **overrides):
    """A window through the window commands, as a form's text (read in `zone`),
    acknowledging its warnings when asked."""
    typed, errors = window_input.from_text(form(**overrides), zone)
    assert not errors, errors
    return window_commands.create(typed, actor, settings(), ack_all=acknowledge)


def confirmed(**overrides):
    window = create(**overrides)
    return window_commands.confirm(window.id, 'test', settings())
