"""Generate a fibre operator's inventory at scale, for the benchmarks.

    python bench/generate.py --url sqlite:///bench/out/janela.db
    python bench/generate.py --url postgresql://postgres@127.0.0.1:5432/janela_bench

The database must be new (or empty): the schema is applied with init_db and
every table is filled with multi-row INSERTs, one transaction per table, ids
reserved in one block per table from id_sequence (the schema has no
autoincrement). The shape follows a real operator: PoPs, data centres and
towers in Brazilian cities; fibre rings made of spans; ISPs with
documentation or private ASNs, enterprises and carriers; a few big customers
holding thousands of circuits and a long tail holding a handful.
The same seed always gives the same data.
"""
import argparse
import datetime
import os
import random
import re
import sys
import time
import unicodedata

from peewee import PostgresqlDatabase

PROJECT_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if PROJECT_DIR not in sys.path:
    sys.path.insert(0, PROJECT_DIR)

from noc.core.db import bind, init_db, next_ids, open_database
from noc.core.text import search_key
from noc.inventory.entities import ENTITIES
from noc.models import (
    ChangeFreeze,
    Circuit,
    CircuitSegment,
    Contact,
    Customer,
    CustomerAsn,
    RedundancyGroup,
    Segment,
    Site,
)

# Fixed "now" so that one seed always gives the same rows.
NOW = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.timezone.utc)
# Rows per INSERT: 1,000 rows of the widest table (16 columns) stay well under
# SQLite's limit of 32,766 bound parameters per statement.
CHUNK = 1000

SITES = 150
RINGS = 70
SEGMENTS = 600

# City, state, relative size (how many of the sites it gets).
CITIES = [
    ('São Paulo', 'SP', 'SPO', 24), ('Campinas', 'SP', 'CPS', 8), ('Santos', 'SP', 'STS', 4),
    ('Sorocaba', 'SP', 'SOD', 3), ('Ribeirão Preto', 'SP', 'RAO', 3),
    ('São José dos Campos', 'SP', 'SJK', 3), ('Rio de Janeiro', 'RJ', 'RIO', 14),
    ('Niterói', 'RJ', 'NIT', 3), ('Belo Horizonte', 'MG', 'BHZ', 9),
    ('Uberlândia', 'MG', 'UDI', 3), ('Juiz de Fora', 'MG', 'JDF', 2),
    ('Curitiba', 'PR', 'CWB', 8), ('Londrina', 'PR', 'LDB', 3),
    ('Florianópolis', 'SC', 'FLN', 5), ('Joinville', 'SC', 'JOI', 3),
    ('Porto Alegre', 'RS', 'POA', 8), ('Caxias do Sul', 'RS', 'CXJ', 2),
    ('Brasília', 'DF', 'BSB', 7), ('Goiânia', 'GO', 'GYN', 4), ('Salvador', 'BA', 'SSA', 6),
    ('Recife', 'PE', 'REC', 6), ('Fortaleza', 'CE', 'FOR', 6), ('Natal', 'RN', 'NAT', 2),
    ('João Pessoa', 'PB', 'JPA', 2), ('Maceió', 'AL', 'MCZ', 2), ('Vitória', 'ES', 'VIX', 3),
    ('Belém', 'PA', 'BEL', 3), ('Manaus', 'AM', 'MAO', 3), ('Cuiabá', 'MT', 'CGB', 2),
    ('Campo Grande', 'MS', 'CGR', 2),
]
SITE_KINDS = (('pop', 60), ('datacenter', 15), ('tower', 25))

ISP_WORDS = (['Rede', 'Net', 'Via', 'Conecta', 'Fibra', 'Giga', 'Link', 'Mega', 'Tele',
              'Infinita', 'Onda', 'Sinal', 'Ponto', 'Nova', 'Super', 'Ultra', 'Top', 'Max'],
             ['Norte', 'Sul', 'Vale', 'Serra', 'Litoral', 'Cerrado', 'Sertão', 'Pampa',
              'Mar', 'Rio', 'Campo', 'Planalto', 'Oeste', 'Leste', 'Centro', 'Alto', 'Sol',
              'Estrela', 'Horizonte', 'Brasil'],
             ['Telecom', 'Internet', 'Net', 'Fibra', 'Provedor', 'Conexões', 'Digital'])
ENTERPRISE_WORDS = (['Banco', 'Grupo', 'Hospital', 'Universidade', 'Supermercados',
                     'Transportadora', 'Indústrias', 'Construtora', 'Seguradora',
                     'Laboratórios', 'Farmácias', 'Cooperativa', 'Lojas', 'Editora'],
                    ['Almeida', 'Oliveira', 'Santos', 'Pereira', 'Costa', 'Rodrigues',
                     'Ferreira', 'Carvalho', 'Gomes', 'Martins', 'Araújo', 'Ribeiro',
                     'Barbosa', 'Cardoso', 'Teixeira', 'Moreira', 'Mendes', 'Nunes',
                     'Rocha', 'Vieira', 'Monteiro', 'Batista', 'Freitas', 'Campos'],
                    ['S.A.', 'Ltda', 'do Brasil', 'Associados', 'Participações'])
CARRIER_WORDS = (['Atlântica', 'Transbrasil', 'Austral', 'Meridional', 'Equatorial',
                  'Continental', 'Andina', 'Pacífico', 'Cruzeiro', 'Tropical', 'Boreal'],
                 ['Carrier', 'Telecomunicações', 'Networks', 'Backbone', 'Fiber'],
                 ['', ' International', ' Wholesale'])
FIRST_NAMES = ['Ana', 'Bruno', 'Carla', 'Daniel', 'Eduarda', 'Felipe', 'Gabriela',
               'Henrique', 'Isabela', 'João', 'Larissa', 'Marcos', 'Natália', 'Otávio',
               'Paula', 'Rafael', 'Sofia', 'Thiago', 'Vanessa', 'Wagner', 'Luiza', 'Pedro']
LAST_NAMES = ENTERPRISE_WORDS[1]

# Services each kind of customer buys, with relative weights.
SERVICE_MIX = {
    'isp': (('ip-transit', 45), ('l2-transport', 25), ('wavelength', 10),
            ('dark-fibre', 10), ('colocation', 10)),
    'enterprise': (('l3vpn', 50), ('l2-transport', 25), ('ip-transit', 15),
                   ('dark-fibre', 5), ('colocation', 5)),
    'carrier': (('l2-transport', 35), ('wavelength', 35), ('dark-fibre', 20),
                ('ip-transit', 10)),
}
SERVICE_PREFIX = {'ip-transit': 'IPT', 'l2-transport': 'L2T', 'l3vpn': 'VPN',
                  'dark-fibre': 'DFB', 'wavelength': 'WAV', 'colocation': 'COL'}
BANDWIDTHS = {'ip-transit': (100, 1000, 10_000, 100_000), 'l2-transport': (100, 1000, 10_000),
              'l3vpn': (10, 50, 100, 500, 1000), 'wavelength': (10_000, 100_000, 400_000),
              'dark-fibre': (None,), 'colocation': (None,)}
STATUSES = (('active', 90), ('planned', 6), ('decommissioned', 4))
# Share of circuits that get a redundancy partner (paired in groups of two).
REDUNDANT_SHARE = 0.10


def _weighted(rng, pairs):
    values, weights = zip(*pairs)
    return rng.choices(values, weights)[0]


def _slug(text):
    plain = unicodedata.normalize('NFKD', text).encode('ascii', 'ignore').decode()
    return re.sub(r'[^a-z0-9]+', '', plain.lower())


def _timestamp(rng, max_days=3650):
    return NOW - datetime.timedelta(days=rng.randint(0, max_days),
                                    seconds=rng.randint(0, 86399))


SEARCHED = {entity.model: entity.search_fields for entity in ENTITIES.values()}


def _insert(model, fields, rows):
    """Insert `rows` (tuples without the id) with ids from one reserved block.

    Returns the ids, in the order of the rows.
    """
    if not rows:
        return []
    if model in SEARCHED:
        # The folded search text the domain would store (service._write_columns).
        names = [f.name for f in fields]
        places = [names.index(n) for n in SEARCHED[model]]
        rows = [row + (search_key(*(row[p] for p in places)),) for row in rows]
        fields = fields + [model.search_text]
    with model._meta.database.atomic():
        first = next_ids(model._meta.table_name, len(rows))
        ids = list(range(first, first + len(rows)))
        for start in range(0, len(rows), CHUNK):
            batch = [(i,) + row for i, row in zip(ids[start:start + CHUNK],
                                                  rows[start:start + CHUNK])]
            model.insert_many(batch, fields=[model.id] + fields).execute()
    return ids


def _insert_links(rows):
    """circuit_segment has no id of its own: plain chunked inserts."""
    with CircuitSegment._meta.database.atomic():
        for start in range(0, len(rows), CHUNK):
            CircuitSegment.insert_many(
                rows[start:start + CHUNK],
                fields=[CircuitSegment.circuit, CircuitSegment.segment]).execute()


# Sites and segments -----------------------------------------------------------

def make_sites(rng):
    """~150 sites spread over the cities by size; returns [(id, code, state)]."""
    total = sum(c[3] for c in CITIES)
    rows, codes = [], []
    for city, state, prefix, weight in CITIES:
        for n in range(1, max(1, round(SITES * weight / total)) + 1):
            kind = _weighted(rng, SITE_KINDS)
            code = f'{prefix}{n:02d}'
            created = _timestamp(rng)
            rows.append((code, f'{city} {kind.upper()} {n:02d}', kind, city, state,
                         f'Rua {rng.choice(LAST_NAMES)}, {rng.randint(10, 3000)}',
                         created, created))
            codes.append((code, state))
    ids = _insert(Site, [Site.code, Site.name, Site.kind, Site.city, Site.state,
                         Site.address, Site.created_at, Site.updated_at], rows)
    return [(i, code, state) for i, (code, state) in zip(ids, codes)]


def _ring_members(rng, sites):
    """Sites of each ring: a run of neighbours in (state, code) order, so a
    ring stays mostly within one region, as fibre rings do."""
    ordered = sorted(sites, key=lambda s: (s[2], s[1]))
    for _ in range(RINGS):
        size = rng.randint(4, 10)
        start = rng.randrange(len(ordered))
        yield [ordered[(start + k) % len(ordered)] for k in range(size)]


SEGMENT_FIELDS = [Segment.code, Segment.name, Segment.kind, Segment.a_site, Segment.z_site,
                  Segment.parent, Segment.length_km, Segment.description,
                  Segment.created_at, Segment.updated_at]


def _segment(rng, code, name, kind, a_site=None, z_site=None, parent=None, length_km=None,
             description=''):
    created = _timestamp(rng)
    return (code, name, kind, a_site, z_site, parent, length_km, description, created, created)


def _make_rings(rng, members):
    """One ring per list of sites; returns their (id, code)."""
    rows = [_segment(rng, f'RING-{ring[0][2]}-{n:02d}', f'Anel {ring[0][2]} {n:02d}', 'ring',
                     description=f'{len(ring)} sites')
            for n, ring in enumerate(members, 1)]
    return list(zip(_insert(Segment, SEGMENT_FIELDS, rows), (r[0] for r in rows)))


def _make_spans(rng, rings, members):
    """The spans closing each ring's loop; returns [span ids] per ring."""
    rows, owners = [], []
    for (ring_id, ring_code), ring in zip(rings, members):
        for k, a in enumerate(ring):
            z = ring[(k + 1) % len(ring)]
            rows.append(_segment(rng, f'{ring_code}-{a[1]}-{z[1]}', f'Span {a[1]} – {z[1]}',
                                 'span', a[0], z[0], ring_id, round(rng.uniform(0.5, 180), 2)))
            owners.append(ring_id)
    spans = {ring_id: [] for ring_id, _ in rings}
    for span_id, owner in zip(_insert(Segment, SEGMENT_FIELDS, rows), owners):
        spans[owner].append(span_id)
    return [spans[ring_id] for ring_id, _ in rings]


def _make_devices(rng, sites, count):
    """PE routers, one per site in turn; returns {site_id: [device ids]}."""
    placed = [sites[n % len(sites)] for n in range(count)]
    rows = [_segment(rng, f'{site[1]}-PE{n // len(sites) + 1}', f'PE router at {site[1]}',
                     'device', site[0]) for n, site in enumerate(placed)]
    devices = {}
    for device_id, site in zip(_insert(Segment, SEGMENT_FIELDS, rows), placed):
        devices.setdefault(site[0], []).append(device_id)
    return devices


def make_segments(rng, sites):
    """Rings, their spans (a closed loop of sites) and devices at sites; ~600 in all.

    Returns (rings, devices): rings as [(ring_id, code, [span ids], {site ids})],
    devices as {site_id: [device ids]}.
    """
    members = list(_ring_members(rng, sites))
    rings = _make_rings(rng, members)
    spans = _make_spans(rng, rings, members)
    devices = _make_devices(rng, sites, max(0, SEGMENTS - len(rings) - sum(map(len, spans))))
    return ([(ring_id, code, ring_spans, {site[0] for site in ring})
             for (ring_id, code), ring_spans, ring in zip(rings, spans, members)], devices)


# Customers, their ASNs, change freezes and contacts -------------------------

def _asn_pool():
    """Documentation ASNs first (RFC 5398), then private ones (RFC 6996)."""
    yield from range(64496, 64512)
    yield from range(65536, 65552)
    yield from range(64512, 65535)
    yield from range(4_200_000_000, 4_294_967_295)


def _customer_name(rng, kind):
    if kind == 'isp':
        first, middle, last = ISP_WORDS
        return f'{rng.choice(first)} {rng.choice(middle)} {rng.choice(last)}'
    if kind == 'enterprise':
        first, middle, last = ENTERPRISE_WORDS
        return f'{rng.choice(first)} {rng.choice(middle)} {rng.choice(last)}'
    first, middle, last = CARRIER_WORDS
    return f'{rng.choice(first)} {rng.choice(middle)}{rng.choice(last)}'


def _unique_names(rng, kinds):
    seen, names = set(), []
    for kind in kinds:
        name = _customer_name(rng, kind)
        # Real registries hold look-alike names; a city tells them apart.
        while name in seen:
            name = f'{_customer_name(rng, kind)} {rng.choice(CITIES)[0]}'
        seen.add(name)
        names.append(name)
    return names


def make_customers(rng, count):
    """Returns [(id, account_id, name, kind)]."""
    kinds = [_weighted(rng, (('isp', 50), ('enterprise', 40), ('carrier', 10)))
             for _ in range(count)]
    names = _unique_names(rng, kinds)
    rows = []
    for n, (kind, name) in enumerate(zip(kinds, names), 1):
        language = 'en' if kind == 'carrier' and rng.random() < 0.4 else 'pt_BR'
        created = _timestamp(rng)
        rows.append((f'CL{100000 + n}', name, kind, language, 'America/Sao_Paulo', '',
                     created, created))
    ids = _insert(Customer, [Customer.account_id, Customer.name, Customer.kind,
                             Customer.notice_language, Customer.time_zone, Customer.notes,
                             Customer.created_at, Customer.updated_at], rows)
    return [(i, row[0], row[1], row[2]) for i, row in zip(ids, rows)]


def make_asns(rng, customers):
    """ISPs and carriers get one to three ASNs; returns {customer_id: first asn}."""
    pool, rows, first = _asn_pool(), [], {}
    for customer_id, _, _, kind in customers:
        if kind == 'enterprise':
            continue
        for _ in range(_weighted(rng, ((1, 80), (2, 15), (3, 5)))):
            asn = next(pool)
            rows.append((customer_id, asn))
            first.setdefault(customer_id, asn)
    _insert(CustomerAsn, [CustomerAsn.customer, CustomerAsn.asn], rows)
    return first


def make_freezes(rng, customers):
    periods = ((datetime.date(2026, 11, 20), datetime.date(2026, 11, 30), 'Black Friday'),
               (datetime.date(2026, 12, 18), datetime.date(2027, 1, 6), 'Festas de fim de ano'),
               (datetime.date(2027, 2, 12), datetime.date(2027, 2, 18), 'Carnaval'))
    rows = [(c[0],) + rng.choice(periods) for c in customers if rng.random() < 0.1]
    _insert(ChangeFreeze, [ChangeFreeze.customer, ChangeFreeze.starts_on,
                           ChangeFreeze.ends_on, ChangeFreeze.reason], rows)


def _people(rng, domain):
    """Two to eight (name, email) at the customer's domain, the NOC first."""
    people, emails = [('NOC', f'noc@{domain}')], {f'noc@{domain}'}
    for _ in range(rng.randint(1, 7)):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f'{_slug(first)}.{_slug(last)}@{domain}'
        if email not in emails:   # (customer, email) is unique
            emails.add(email)
            people.append((f'{first} {last}', email))
    return people


def _contact_rows(rng, customer):
    customer_id, _, name, kind = customer
    domain = _slug(name)[:30] + ('.net.br' if kind == 'isp' else '.com.br')
    for k, (person, email) in enumerate(_people(rng, domain)):
        # Roles: maintenance, bgp, technical, commercial. The NOC gets notices.
        roles = (k == 0 or rng.random() < 0.5, kind != 'enterprise' and rng.random() < 0.4,
                 rng.random() < 0.5, rng.random() < 0.3)
        phone = f'+55 11 9{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}'
        language = 'en' if rng.random() < 0.1 else 'pt_BR'
        notice_format = 'plain' if rng.random() < 0.2 else 'invitation'
        created = _timestamp(rng)
        yield ((customer_id, person, email, phone) + roles
               + (language, 'America/Sao_Paulo', notice_format, created, created))


def make_contacts(rng, customers):
    rows = [row for customer in customers for row in _contact_rows(rng, customer)]
    _insert(Contact, [Contact.customer, Contact.name, Contact.email, Contact.phone,
                      Contact.role_maintenance, Contact.role_bgp, Contact.role_technical,
                      Contact.role_commercial, Contact.language, Contact.time_zone,
                      Contact.notice_format, Contact.created_at, Contact.updated_at], rows)
    return len(rows)


# Circuits ---------------------------------------------------------------------

def _owners(rng, customers, count):
    """Owner of each circuit: a few big customers and a long tail (Zipf, s=0.8)."""
    order = customers[:]
    rng.shuffle(order)
    weights = [1 / (rank ** 0.8) for rank in range(1, len(order) + 1)]
    return rng.choices(order, weights, k=count)


def _slug_words(text):
    return [w for w in re.split(r'\W+', unicodedata.normalize('NFKD', text)
                                .encode('ascii', 'ignore').decode().upper()) if w]


def _ref_style(rng, customer):
    """How a customer names its circuits: its own tag, a purchase order or nothing."""
    tag = ''.join(w[0] for w in _slug_words(customer[2]))[:4] or 'X'
    return rng.choice((f'{tag}-{{n:04d}}', f'{tag}-WAN-{{n:03d}}', 'PO-2026-{n:05d}',
                       f'{tag}/LINK/{{n}}', ''))


def _path(rng, a_site, rings, rings_at, devices):
    """Segments a circuit rides on: one to three neighbouring spans of a ring
    through its A site, sometimes plus the PE router there (1 to 4 in all)."""
    ring = rng.choice(rings_at.get(a_site) or rings)
    spans = ring[2]
    start, length = rng.randrange(len(spans)), rng.randint(1, min(3, len(spans)))
    path = [spans[(start + k) % len(spans)] for k in range(length)]
    if devices.get(a_site) and rng.random() < 0.3:
        path.append(rng.choice(devices[a_site]))
    return path


def _circuit_row(rng, serial, customer, service, ref, sites, first_asn):
    a_site, z_site = rng.sample(sites, 2)
    # Colocation has no far end; half the transit is handed over at our PoP.
    if service == 'colocation' or (service == 'ip-transit' and rng.random() < 0.5):
        z_site = None
    asn = first_asn.get(customer[0]) if service == 'ip-transit' else None
    as_set = f'AS-{_slug(customer[2])[:20].upper()}' if asn and rng.random() < 0.6 else ''
    created = _timestamp(rng)
    return (f'{SERVICE_PREFIX[service]}-{serial}', customer[0], ref, service,
            rng.choice(BANDWIDTHS[service]), _weighted(rng, STATUSES), a_site[0],
            z_site and z_site[0], None, asn, as_set, '', created, created)


CIRCUIT_FIELDS = [Circuit.circuit_id, Circuit.customer, Circuit.customer_ref, Circuit.service,
                  Circuit.bandwidth_mbps, Circuit.status, Circuit.a_site, Circuit.z_site,
                  Circuit.redundancy_group, Circuit.bgp_asn, Circuit.bgp_as_set,
                  Circuit.notes, Circuit.created_at, Circuit.updated_at]


def _pair_redundant(rng, rows, customers):
    """Make groups of two circuits of one customer and one service; returns
    the group rows and {row index: group index}."""
    by_owner = {}
    for index, row in enumerate(rows):
        by_owner.setdefault((row[1], row[3]), []).append(index)
    account = {c[0]: c[1] for c in customers}
    groups, member = [], {}
    for (owner, service), indexes in by_owner.items():
        pairs = int(len(indexes) * REDUNDANT_SHARE / 2 + rng.random())
        picked = rng.sample(indexes, min(len(indexes), 2 * pairs))
        for k in range(0, len(picked) - 1, 2):
            member[picked[k]] = member[picked[k + 1]] = len(groups)
            groups.append((f'RG-{account[owner]}-{SERVICE_PREFIX[service]}-{k // 2 + 1:02d}',
                           'Primary and backup paths'))
    return groups, member


def _circuit_rows(rng, customers, count, sites, first_asn):
    styles = {c[0]: _ref_style(rng, c) for c in customers}
    counters = {}
    rows = []
    for serial, customer in enumerate(_owners(rng, customers, count), 100001):
        counters[customer[0]] = n = counters.get(customer[0], 0) + 1
        ref = styles[customer[0]].format(n=n)
        service = _weighted(rng, SERVICE_MIX[customer[3]])
        rows.append(_circuit_row(rng, serial, customer, service, ref, sites, first_asn))
    return rows


def make_circuits(rng, customers, count, sites, rings, devices, first_asn):
    """Circuits with their segments and redundancy groups.

    Returns how many groups and circuit-segment links it made.
    """
    rows = _circuit_rows(rng, customers, count, sites, first_asn)
    groups, member = _pair_redundant(rng, rows, customers)
    group_ids = _insert(RedundancyGroup, [RedundancyGroup.name, RedundancyGroup.description],
                        groups)
    rows = [row[:8] + (group_ids[member[i]] if i in member else None,) + row[9:]
            for i, row in enumerate(rows)]
    circuit_ids = _insert(Circuit, CIRCUIT_FIELDS, rows)
    rings_at = {}
    for ring in rings:
        for site_id in ring[3]:
            rings_at.setdefault(site_id, []).append(ring)
    links = [(circuit_id, segment_id)
             for circuit_id, row in zip(circuit_ids, rows)
             for segment_id in dict.fromkeys(_path(rng, row[6], rings, rings_at, devices))]
    _insert_links(links)
    return len(groups), len(links)


# Entry points -----------------------------------------------------------------

def generate(db_url, customers=2000, circuits=50000, seed=1):
    """Create the schema on a new database at `db_url` and fill it.

    Returns {table: rows} and the seconds it took.
    """
    started = time.perf_counter()
    db = bind(open_database(db_url))
    db.connect(reuse_if_open=True)
    try:
        init_db(db)
        if Customer.select().exists():
            raise ValueError(f'{db_url} already holds customers; generate needs a new database')
        counts = _fill(random.Random(seed), customers, circuits)
        _analyze(db)
    finally:
        db.close()
    return counts, time.perf_counter() - started


def _analyze(db):
    """Give PostgreSQL's planner statistics, as autovacuum would soon after a
    bulk load; without them it plans the fresh tables blind. SQLite is left
    as the app leaves it: Janela never runs ANALYZE there."""
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql('VACUUM ANALYZE')


def _fill(rng, customers, circuits):
    sites = make_sites(rng)
    rings, devices = make_segments(rng, sites)
    owners = make_customers(rng, customers)
    first_asn = make_asns(rng, owners)
    make_freezes(rng, owners)
    contacts = make_contacts(rng, owners)
    groups, links = make_circuits(rng, owners, circuits, sites, rings, devices, first_asn)
    return {'site': len(sites), 'segment': Segment.select().count(), 'customer': len(owners),
            'customer_asn': CustomerAsn.select().count(), 'contact': contacts,
            'circuit': circuits, 'circuit_segment': links, 'redundancy_group': groups}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--url', required=True,
                        help='sqlite:///path.db or postgresql://user@host:port/dbname '
                             '(a new, empty database)')
    parser.add_argument('--customers', type=int, default=2000)
    parser.add_argument('--circuits', type=int, default=50000)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args(argv)
    try:
        counts, seconds = generate(args.url, args.customers, args.circuits, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    print(', '.join(f'{n} {table}' for table, n in counts.items()))
    print(f'generated in {seconds:.1f} s')


if __name__ == '__main__':
    main()
