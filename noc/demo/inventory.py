"""The demo operator: a regional fibre network in Minas Gerais, made from a seed.

`flask noc demo` loads it so Janela can be tried without real data. Every row
goes through service.parse and service.save, as a CSV import does, so the
same rules and the audit log apply, and loading twice changes nothing.
Customer names are invented; ASNs are reserved for documentation or private
use (RFC 5398, RFC 6996) and email domains for examples (RFC 2606), so no
real network can be mailed or confused with a demo one. Phone numbers stay
empty for the same reason. The demo users share a public password
(DEMO_PASSWORD): this is a local demo only.
"""
import datetime
import heapq
import random
import re
import unicodedata
from dataclasses import dataclass, field

from werkzeug.security import check_password_hash

from noc.accounts import users
from noc.core.db import database
from noc.inventory import service
from noc.inventory.entities import ENTITIES, IMPORT_ORDER
from noc.models import Role, User

ACTOR = 'demo'
DEMO_PASSWORD = 'janela-demo'   # public on purpose: documented for the local demo
DEMO_USERS = (
    {'username': 'admin', 'full_name': 'Administração da demo', 'role': Role.ADMIN,
     'language': 'pt_BR'},
    {'username': 'engenheira', 'full_name': 'Ana Paula Ribeiro', 'role': Role.ENGINEER,
     'language': 'pt_BR'},
    {'username': 'engineer', 'full_name': 'Demo Engineer', 'role': Role.ENGINEER,
     'language': 'en'},
    {'username': 'viewer', 'full_name': 'Consulta (somente leitura)', 'role': Role.VIEWER,
     'language': 'pt_BR'},
)

# Network ----------------------------------------------------------------------

# (code, name, kind, city, state, address)
SITES = (
    ('BHZ01', 'Data center Belo Horizonte – Centro', 'datacenter', 'Belo Horizonte', 'MG',
     'Av. Afonso Pena, 1500 – Centro'),
    ('BHZ02', 'PoP Belo Horizonte – Savassi', 'pop', 'Belo Horizonte', 'MG',
     'Rua Pernambuco, 900 – Savassi'),
    ('BHZ03', 'PoP Belo Horizonte – Barreiro', 'pop', 'Belo Horizonte', 'MG',
     'Av. Afonso Vaz de Melo, 640 – Barreiro'),
    ('BHZ04', 'PoP Belo Horizonte – Pampulha', 'pop', 'Belo Horizonte', 'MG',
     'Av. Antônio Carlos, 6000 – Pampulha'),
    ('CTG01', 'PoP Contagem – Eldorado', 'pop', 'Contagem', 'MG',
     'Av. João César de Oliveira, 2100 – Eldorado'),
    ('BET01', 'PoP Betim', 'pop', 'Betim', 'MG', 'Av. Governador Valadares, 1200 – Centro'),
    ('SLA01', 'PoP Sete Lagoas', 'pop', 'Sete Lagoas', 'MG', 'Rua Monsenhor Messias, 300'),
    ('DIV01', 'PoP Divinópolis', 'pop', 'Divinópolis', 'MG', 'Av. Primeiro de Junho, 450'),
    ('JDF01', 'PoP Juiz de Fora', 'pop', 'Juiz de Fora', 'MG', 'Av. Rio Branco, 2300'),
    ('UDI01', 'Data center Uberlândia', 'datacenter', 'Uberlândia', 'MG',
     'Av. Rondon Pacheco, 4100'),
    ('UBA01', 'PoP Uberaba', 'pop', 'Uberaba', 'MG', 'Av. Leopoldino de Oliveira, 3000'),
    ('MOC01', 'PoP Montes Claros', 'pop', 'Montes Claros', 'MG',
     'Av. Deputado Esteves Rodrigues, 800'),
    ('IPN01', 'PoP Ipatinga', 'pop', 'Ipatinga', 'MG', 'Av. Pedro Linhares Gomes, 1500'),
    ('GVR01', 'PoP Governador Valadares', 'pop', 'Governador Valadares', 'MG',
     'Av. Minas Gerais, 700'),
    ('POC01', 'PoP Poços de Caldas', 'pop', 'Poços de Caldas', 'MG', 'Rua Assis Figueiredo, 1000'),
    ('PSA01', 'PoP Pouso Alegre', 'pop', 'Pouso Alegre', 'MG', 'Av. Dr. Lisboa, 500'),
    ('VAG01', 'PoP Varginha', 'pop', 'Varginha', 'MG', 'Av. Rio Branco, 250'),
    ('PTM01', 'PoP Patos de Minas', 'pop', 'Patos de Minas', 'MG', 'Av. Getúlio Vargas, 900'),
    ('TOT01', 'PoP Teófilo Otoni', 'pop', 'Teófilo Otoni', 'MG', 'Av. Getúlio Vargas, 1300'),
    ('LAV01', 'PoP Lavras', 'pop', 'Lavras', 'MG', 'Rua Santana, 150'),
    ('BAR01', 'PoP Barbacena', 'pop', 'Barbacena', 'MG', 'Rua XV de Novembro, 400'),
    ('CLF01', 'Estação de repetição Conselheiro Lafaiete', 'tower', 'Conselheiro Lafaiete',
     'MG', 'Rodovia BR-040, km 620'),
    ('JMV01', 'Estação de repetição João Monlevade', 'tower', 'João Monlevade', 'MG',
     'Rodovia BR-381, km 370'),
    ('ITB01', 'Estação de repetição Itabira', 'tower', 'Itabira', 'MG', 'Rodovia MG-129, km 8'),
    ('CVL01', 'Estação de repetição Curvelo', 'tower', 'Curvelo', 'MG', 'Rodovia BR-135, km 630'),
    ('AAX01', 'Estação de repetição Araxá', 'tower', 'Araxá', 'MG', 'Rodovia BR-262, km 680'),
    ('SPO01', 'Data center São Paulo', 'datacenter', 'São Paulo', 'SP',
     'Av. das Nações Unidas, 12000 – Brooklin'),
    ('CPQ01', 'PoP Campinas', 'pop', 'Campinas', 'SP', 'Av. Norte-Sul, 600'),
    ('RIO01', 'Data center Rio de Janeiro', 'datacenter', 'Rio de Janeiro', 'RJ',
     'Av. Presidente Vargas, 2000 – Centro'),
    ('VIX01', 'PoP Vitória', 'pop', 'Vitória', 'ES', 'Av. Nossa Senhora da Penha, 1000'),
    ('GYN01', 'PoP Goiânia', 'pop', 'Goiânia', 'GO', 'Av. T-63, 1200 – Setor Bueno'),
    ('BSB01', 'PoP Brasília', 'pop', 'Brasília', 'DF', 'SIA Trecho 3, lote 500'),
    ('SSA01', 'PoP Salvador', 'pop', 'Salvador', 'BA', 'Av. Tancredo Neves, 1500'),
)

# (code, name, sites around the ring, road km between consecutive sites, the
# last one closing the ring back to the first)
RINGS = (
    ('RING-METRO-BH', 'Anel metropolitano de Belo Horizonte',
     ('BHZ01', 'BHZ02', 'BHZ04', 'CTG01', 'BET01', 'BHZ03'), (6, 12, 14, 15, 22, 11)),
    ('RING-CENTRO-OESTE', 'Anel Centro-Oeste mineiro',
     ('BHZ04', 'SLA01', 'DIV01', 'BET01'), (65, 130, 100, 30)),
    ('RING-VALE-DO-ACO', 'Anel Vale do Aço',
     ('BHZ02', 'ITB01', 'IPN01', 'JMV01'), (105, 125, 95, 110)),
    ('RING-NORTE-MG', 'Anel Norte e Leste de Minas',
     ('SLA01', 'CVL01', 'MOC01', 'TOT01', 'GVR01', 'IPN01'), (95, 330, 440, 140, 105, 250)),
    ('RING-TRIANGULO', 'Anel Triângulo Mineiro e Alto Paranaíba',
     ('DIV01', 'AAX01', 'UBA01', 'UDI01', 'PTM01'), (240, 120, 110, 220, 250)),
    ('RING-SUDESTE-MG', 'Anel Campos das Vertentes e Zona da Mata',
     ('BHZ03', 'CLF01', 'BAR01', 'JDF01', 'LAV01', 'BET01'), (95, 75, 100, 250, 210, 25)),
    ('RING-SUL-MG', 'Anel Sul de Minas',
     ('LAV01', 'VAG01', 'POC01', 'PSA01'), (90, 190, 110, 160)),
)

# Long-haul spans to the neighbouring states: (a, z, road km, route)
LONG_HAUL = (
    ('PSA01', 'SPO01', 200, 'Rodovia Fernão Dias'),
    ('POC01', 'CPQ01', 160, 'SP-340'),
    ('CPQ01', 'SPO01', 95, 'Rodovia dos Bandeirantes'),
    ('UBA01', 'CPQ01', 420, 'Rodovia Anhanguera'),
    ('JDF01', 'RIO01', 185, 'BR-040'),
    ('SPO01', 'RIO01', 440, 'Rodovia Presidente Dutra'),
    ('IPN01', 'VIX01', 360, 'BR-381/BR-262'),
    ('GVR01', 'VIX01', 400, 'BR-259'),
    ('UDI01', 'GYN01', 340, 'BR-050/BR-153'),
    ('GYN01', 'BSB01', 210, 'BR-060'),
    ('PTM01', 'BSB01', 420, 'BR-040 via Paracatu'),
    ('MOC01', 'SSA01', 900, 'BR-122/BR-116'),
)

# Data centres carry two PE routers, so redundant circuits land on different boxes.
DUAL_PE_KINDS = ('datacenter',)


class Network:
    """Spans between sites and the PE routers at them, with shortest routes."""

    def __init__(self):
        self.links = {}      # site -> [(km, span code, other site)]
        self.devices = {}    # site -> [device codes], PE01 first
        self._distances = {}

    def add_span(self, code, a, z, km):
        self.links.setdefault(a, []).append((km, code, z))
        self.links.setdefault(z, []).append((km, code, a))

    def route(self, a, z, avoid=frozenset()):
        """(km, [span codes]) of the shortest route not using `avoid`, or None."""
        queue, done = [(0.0, a, ())], set()
        while queue:
            km, site, spans = heapq.heappop(queue)
            if site == z:
                return km, list(spans)
            if site in done:
                continue
            done.add(site)
            for length, code, other in self.links.get(site, ()):
                if code not in avoid and other not in done:
                    heapq.heappush(queue, (km + length, other, spans + (code,)))
        return None

    def device(self, site, index=0):
        pes = self.devices[site]
        return pes[min(index, len(pes) - 1)]

    def near(self, site, max_km):
        """Sites with PE routers within `max_km` of fibre, nearest first."""
        if site not in self._distances:     # asked for again and again while planning
            self._distances[site] = sorted((self.route(site, other)[0], other)
                                           for other in sorted(self.devices) if other != site)
        return [other for km, other in self._distances[site] if km <= max_km]


def _km_text(rng, road_km):
    """Fibre is longer than the road (slack loops, detours): 8 to 25 % more."""
    centi = round(road_km * rng.uniform(1.08, 1.25) * 100)
    return f'{centi // 100}.{centi % 100:02d}'


def _site_rows():
    return [{'code': code, 'name': name, 'kind': kind, 'city': city, 'state': state,
             'address': address} for code, name, kind, city, state, address in SITES]


def _span_code(a, z, taken):
    code = f'SPAN-{a}-{z}'
    # Two rings may run separate cables between the same sites.
    return code if code not in taken else code + '-B'


def _ring_rows(rng, net, taken):
    rows = []
    for ring, name, sites, road in RINGS:
        spans = []
        for i, a in enumerate(sites):
            z = sites[(i + 1) % len(sites)]
            code = _span_code(a, z, taken)
            taken.add(code)
            km = _km_text(rng, road[i])
            net.add_span(code, a, z, float(km))
            spans.append({'code': code, 'name': _span_name(a, z), 'kind': 'span',
                          'a_site': a, 'z_site': z, 'parent': ring, 'length_km': km,
                          'description': 'Cabo óptico do ' + name[0].lower() + name[1:]})
        total = sum(int(s['length_km'].replace('.', '')) for s in spans)
        rows.append({'code': ring, 'name': name, 'kind': 'ring', 'a_site': '', 'z_site': '',
                     'parent': '', 'length_km': f'{total // 100}.{total % 100:02d}',
                     'description': f'{len(spans)} vãos: ' + ' – '.join(sites)})
        rows.extend(spans)
    return rows


def _long_haul_rows(rng, net):
    rows = []
    for a, z, road, route in LONG_HAUL:
        code, km = f'LH-{a}-{z}', _km_text(rng, road)
        net.add_span(code, a, z, float(km))
        rows.append({'code': code, 'name': f'Longa distância {a} – {z} ({_city(a)} – {_city(z)})',
                     'kind': 'span', 'a_site': a, 'z_site': z, 'parent': '',
                     'length_km': km, 'description': f'Rota {route}'})
    return rows


def _device_rows(net):
    rows = []
    for code, _name, kind, city, _state, _address in SITES:
        if kind == 'tower':
            continue    # repeater huts: amplifiers only, no router a circuit ends on
        count = 2 if kind in DUAL_PE_KINDS else 1
        net.devices[code] = [f'{code}-PE{n:02d}' for n in range(1, count + 1)]
        for device in net.devices[code]:
            rows.append({'code': device, 'name': f'Roteador de agregação {device}',
                         'kind': 'device', 'a_site': code, 'z_site': '', 'parent': '',
                         'length_km': '', 'description': f'PE de {city}'})
    return rows


def _city(code):
    return next(s[3] for s in SITES if s[0] == code)


def _span_name(a, z):
    cities = _city(a) if _city(a) == _city(z) else f'{_city(a)} – {_city(z)}'
    return f'Vão {a} – {z} ({cities})'


def build_network(rng):
    """(Network, segment rows): rings and their spans, long haul, then devices."""
    net, taken = Network(), set()
    rows = _ring_rows(rng, net, taken) + _long_haul_rows(rng, net) + _device_rows(net)
    return net, rows


# Customers --------------------------------------------------------------------

# Regional ISPs ("provedores") and the PoP each one is homed at.
ISPS = (
    ('FibraMinas Telecom', 'BHZ02'), ('Conecta Vale Internet', 'IPN01'),
    ('Alterosa Telecom', 'BHZ04'), ('UaiNet Telecom', 'CTG01'),
    ('Trem Bão Internet', 'BET01'), ('Horizonte Fibra', 'BHZ01'),
    ('Lagoa Santa Link', 'BHZ04'), ('Sete Lagos Net', 'SLA01'),
    ('Oeste Mineiro Fibra', 'DIV01'), ('Divinet Telecom', 'DIV01'),
    ('Rio Doce Internet', 'GVR01'), ('Ibituruna Fibra', 'GVR01'),
    ('Vale do Aço Net', 'IPN01'), ('Mucuri Conecta', 'TOT01'),
    ('Jequitinhonha Net', 'TOT01'), ('Gerais Online', 'MOC01'),
    ('Velho Chico Internet', 'MOC01'), ('Sertão Mineiro Fibra', 'MOC01'),
    ('Cerrado Link', 'UDI01'), ('Triângulo Fibra', 'UDI01'),
    ('Zebu Net Telecom', 'UBA01'), ('Paranaíba Telecom', 'PTM01'),
    ('Canastra Internet', 'PTM01'), ('Pequi Net', 'UDI01'),
    ('Mantiqueira Conecta', 'PSA01'), ('NetCafé Sul de Minas', 'VAG01'),
    ('Caldas Fibra', 'POC01'), ('Águas Termais Net', 'POC01'),
    ('Ipê Amarelo Telecom', 'LAV01'), ('Vertentes Net', 'BAR01'),
    ('Rosa dos Ventos Internet', 'BAR01'), ('Mineira Fibra', 'JDF01'),
    ('Zona da Mata Online', 'JDF01'), ('Barreiro Conecta', 'BHZ03'),
    ('Pampulha Net', 'BHZ04'), ('Betinense Fibra', 'BET01'),
    ('Serra do Curral Internet', 'BHZ02'), ('Monlevade Net', 'IPN01'),
    ('Cerrado Goiano Net', 'GYN01'), ('Capixaba Conecta', 'VIX01'),
    ('Recôncavo Fibra', 'SSA01'), ('Planalto Central Internet', 'BSB01'),
)

# (name, slug for email and references, home PoP, sector, has its own ASN)
ENTERPRISES = (
    ('Mineração Quadrilátero S.A.', 'quadrilatero', 'BHZ02', 'mining', False),
    ('Siderúrgica Vale do Piracicaba', 'siderpiracicaba', 'IPN01', 'industry', False),
    ('Mineração Serra do Espinhaço', 'espinhaco', 'MOC01', 'mining', False),
    ('Cooperativa Agropecuária do Alto Paranaíba', 'coopaltoparanaiba', 'PTM01',
     'agribusiness', False),
    ('Cerrado Dourado Agronegócio', 'cerradodourado', 'UDI01', 'agribusiness', False),
    ('Cooperativa dos Cafeicultores do Sul de Minas', 'coopcafesul', 'VAG01',
     'agribusiness', False),
    ('Hospital Santa Aurora', 'santaaurora', 'BHZ02', 'health', False),
    ('Hospital Regional Serra Verde', 'hrserraverde', 'JDF01', 'health', False),
    ('Universidade Estadual das Alterosas', 'uealterosas', 'BHZ04', 'education', True),
    ('Centro Universitário Pedra Branca', 'unipedrabranca', 'PSA01', 'education', False),
    ('Banco Cooperativo Serrano', 'bancoserrano', 'BHZ01', 'bank', True),
    ('Banco Itacolomi S.A.', 'bancoitacolomi', 'BHZ01', 'bank', True),
    ('Laticínios Campo Verde', 'campoverde', 'JDF01', 'food', False),
    ('Betim Componentes Automotivos', 'betimcomponentes', 'BET01', 'industry', False),
)

# (name, slug, home, notice language, time zone)
CARRIERS = (
    ('Oceanic Transit Networks Ltd.', 'oceanictransit', 'SPO01', 'en', 'UTC'),
    ('Tejo Carrier Networks S.A.', 'tejocarrier', 'RIO01', 'en', 'Europe/Lisbon'),
    ('Rede Nordeste Transporte', 'nordestetransporte', 'SSA01', 'pt_BR', 'America/Bahia'),
    ('Centro-Oeste Backbone Telecom', 'cobackbone', 'BSB01', 'pt_BR', 'America/Sao_Paulo'),
)

SECTOR_NOTES = {
    'mining': 'Mineração: telemetria das minas e escritório central.',
    'industry': 'Indústria: rede corporativa entre fábrica e escritórios.',
    'agribusiness': 'Agronegócio: unidades de recebimento e armazéns.',
    'health': 'Saúde: prontuário eletrônico e telemedicina; tratar janelas com cuidado.',
    'education': 'Educação: campi e polos de ensino a distância.',
    'bank': 'Banco: agências e data center; exige janela fora do horário bancário.',
    'food': 'Indústria de alimentos: fábricas e centros de distribuição.',
}
# Words that say what a company is, not who: left out of domains and references.
GENERIC_WORDS = {'telecom', 'internet', 'net', 'online', 'ltda', 's.a.', 'sa'}
DOMAINS = ('example.net', 'example.com', 'example.org')
# Where upstream transit is handed over: the BH data centre, sometimes São Paulo.
GATEWAYS = ('BHZ01', 'BHZ01', 'BHZ01', 'SPO01')


@dataclass
class CustomerPlan:
    name: str
    kind: str
    slug: str
    home: str
    language: str = 'pt_BR'
    time_zone: str = 'America/Sao_Paulo'
    sector: str = ''
    account_id: str = ''
    asns: list = field(default_factory=list)
    domain: str = ''
    ref_style: str = ''
    gateway: str = ''
    branches: list = field(default_factory=list)
    refs: int = 0            # customer references handed out so far
    groups: int = 0          # redundancy groups handed out so far
    circuits: int = 0

    @property
    def abbr(self):
        words = [w for w in _ascii(self.name).split() if w.lower() not in GENERIC_WORDS]
        capitals = ''.join(c for w in words for c in w if c.isupper())
        return (capitals or self.slug[:3]).upper()[:4]


def _ascii(text):
    return unicodedata.normalize('NFKD', text).encode('ascii', 'ignore').decode()


def _slug(name):
    words = [w for w in _ascii(name).lower().split() if w not in GENERIC_WORDS]
    return re.sub(r'[^a-z0-9]', '', ''.join(words))


def _plans():
    plans = [CustomerPlan(name, 'isp', _slug(name), home) for name, home in ISPS]
    plans += [CustomerPlan(name, 'enterprise', slug, home, sector=sector,
                           asns=[None] if has_asn else [])
              for name, slug, home, sector, has_asn in ENTERPRISES]
    plans += [CustomerPlan(name, 'carrier', slug, home, language=lang, time_zone=tz)
              for name, slug, home, lang, tz in CARRIERS]
    for plan in plans:
        if plan.home == 'SSA01':
            plan.time_zone = 'America/Bahia'
    return plans


def _asn(rng, plan, used):
    """A number no customer has yet, from the documentation or private ranges."""
    if plan.kind == 'carrier':
        ranges = ((64496, 64511), (65536, 65551))     # RFC 5398, documentation
    elif rng.random() < 0.7:
        ranges = ((64512, 65534),)                    # RFC 6996, private 16-bit
    else:
        ranges = ((4200000000, 4294967294),)          # RFC 6996, private 32-bit
    while True:
        number = rng.randint(*rng.choice(ranges))
        if number not in used:
            used.add(number)
            return number


def _asns_for(rng, plan, used):
    if plan.kind == 'enterprise':
        wanted = len(plan.asns)       # banks and the university run BGP themselves
    else:
        wanted = 2 if rng.random() < 0.25 else 1
    return sorted(_asn(rng, plan, used) for _ in range(wanted))


def _branches(rng, plan, net):
    """The home PoP first, then other sites the customer's circuits reach."""
    if plan.kind == 'carrier':
        pool = [s for s in ('BHZ01', 'SPO01', 'RIO01', 'SSA01', 'BSB01', 'VIX01', 'UDI01',
                            'GYN01') if s != plan.home]
    else:
        pool = net.near(plan.home, 350 if plan.kind == 'isp' else 600)[:8]
    extra = rng.randint(1, 4) if plan.kind != 'isp' else rng.randint(0, 3)
    return [plan.home] + rng.sample(pool, min(extra, len(pool)))


def _customer_plans(rng, net):
    plans = _plans()
    rng.shuffle(plans)          # account ids mix the kinds, as years of sales do
    number, used = 100, set()
    for plan in plans:
        number += rng.randint(1, 40)
        plan.account_id = f'CLI-{number:06d}'
        plan.asns = _asns_for(rng, plan, used)
        plan.domain = f'{plan.slug}.{rng.choice(DOMAINS)}'
        plan.ref_style = rng.choice(REF_STYLES)
        plan.gateway = rng.choice(GATEWAYS)
        plan.branches = _branches(rng, plan, net)
    return plans


def _black_friday(today):
    """Monday before Black Friday to Cyber Monday, the next such week not over."""
    for year in (today.year, today.year + 1):
        first = datetime.date(year, 11, 1)
        thanksgiving = first + datetime.timedelta(days=(3 - first.weekday()) % 7 + 21)
        start = thanksgiving - datetime.timedelta(days=3)
        end = thanksgiving + datetime.timedelta(days=4)
        if end >= today:
            return start, end, 'Black Friday'


def _year_end(today, language):
    year = today.year if today >= datetime.date(today.year, 1, 7) else today.year - 1
    reason = 'Year-end change freeze' if language == 'en' else 'Congelamento de fim de ano'
    return datetime.date(year, 12, 18), datetime.date(year + 1, 1, 6), reason


def _freezes(rng, plan, today):
    periods = []
    if plan.sector == 'bank' or (plan.kind == 'isp' and rng.random() < 0.1):
        periods.append(_black_friday(today))
    if plan.sector == 'bank' or (plan.kind == 'carrier' and plan.language == 'en'):
        periods.append(_year_end(today, plan.language))
    if plan.sector == 'education':
        start = today + datetime.timedelta(days=rng.randint(8, 20))
        periods.append((start, start + datetime.timedelta(days=3), 'Vestibular'))
    return '; '.join(f'{s.isoformat()} {e.isoformat()} {r}' for s, e, r in sorted(periods))


def _customer_notes(rng, plan):
    city = _city(plan.home)
    if plan.kind == 'isp':
        return (f'Provedor regional em {city}; cerca de {rng.randint(3, 90)} mil '
                'assinantes FTTH.')
    if plan.kind == 'enterprise':
        return SECTOR_NOTES[plan.sector]
    if plan.language == 'en':
        return 'Partner carrier: long-haul transport. Their NOC works in English.'
    return 'Operadora parceira: transporte de longa distância.'


def _customer_row(rng, plan, today):
    return {'account_id': plan.account_id, 'name': plan.name, 'kind': plan.kind,
            'asns': ' '.join(f'AS{n}' for n in plan.asns),
            'notice_language': plan.language, 'time_zone': plan.time_zone,
            'freezes': _freezes(rng, plan, today), 'notes': _customer_notes(rng, plan)}


# Contacts ---------------------------------------------------------------------

FIRST_NAMES = ('Ana', 'Maria', 'Juliana', 'Fernanda', 'Patrícia', 'Camila', 'Luciana',
               'Beatriz', 'Mariana', 'Larissa', 'Renata', 'Aline', 'Cláudia', 'João', 'José',
               'Carlos', 'Paulo', 'Lucas', 'Rafael', 'Marcos', 'Gustavo', 'Thiago',
               'Rodrigo', 'Bruno', 'Felipe', 'Diego', 'Sérgio', 'Antônio')
SURNAMES = ('Silva', 'Souza', 'Oliveira', 'Santos', 'Pereira', 'Costa', 'Rodrigues',
            'Almeida', 'Nascimento', 'Lima', 'Araújo', 'Fernandes', 'Carvalho', 'Gomes',
            'Martins', 'Rocha', 'Ribeiro', 'Alves', 'Barbosa', 'Mendes', 'Teixeira',
            'Moreira', 'Campos', 'Andrade', 'Faria', 'Guimarães', 'Vieira', 'Drummond')
EN_FIRST_NAMES = ('James', 'Emily', 'Oliver', 'Sarah', 'Daniel', 'Laura', 'Thomas')
EN_SURNAMES = ('Carter', 'Hughes', 'Bennett', 'Walsh', 'Turner', 'Murphy', 'Clarke')
CONTACT_ROLES = ('maintenance', 'bgp', 'technical', 'commercial')


def _contact(plan, name, email, roles, notice_format='invitation'):
    return {'customer': plan.account_id, 'name': name, 'email': email, 'phone': '',
            'roles': ';'.join(roles), 'language': plan.language,
            'time_zone': plan.time_zone, 'notice_format': notice_format}


def _person(rng, plan, roles=None):
    english = plan.time_zone == 'UTC'
    first = rng.choice(EN_FIRST_NAMES if english else FIRST_NAMES)
    last = rng.choice(EN_SURNAMES if english else SURNAMES)
    local = _ascii(rng.choice((f'{first}.{last}', f'{first[0]}{last}', first))).lower()
    roles = roles or sorted(rng.sample(CONTACT_ROLES, rng.randint(1, 2)))
    # Parsers of maintenance mail want the plain format; few people do.
    row = _contact(plan, f'{first} {last}', f'{local}@{plan.domain}', roles,
                   'plain' if rng.random() < 0.1 else 'invitation')
    if rng.random() < 0.1:
        row['language'] = 'en' if plan.language == 'pt_BR' else 'pt_BR'
    return row


def _contact_rows(rng, plan):
    """A maintenance contact first (with BGP for networks), then 0 to 3 people."""
    roles = ['maintenance', 'technical'] + (['bgp'] if plan.asns else [])
    if rng.random() < 0.75:
        rows = [_contact(plan, f'NOC {plan.name}', f'noc@{plan.domain}', roles,
                         'plain' if rng.random() < 0.3 else 'invitation')]
    else:
        rows = [_person(rng, plan, roles)]
    for _ in range(rng.randint(0, 3)):
        person = _person(rng, plan)
        if all(person['email'] != row['email'] for row in rows):
            rows.append(person)
    return rows


# Circuits ---------------------------------------------------------------------

SERVICE_CODES = {'ip-transit': 'IPT', 'l2-transport': 'L2', 'l3vpn': 'L3VPN',
                 'dark-fibre': 'DF', 'wavelength': 'WL'}
# Dark fibre and wavelengths ride the optical layer only: no router on the way.
OPTICAL = ('dark-fibre', 'wavelength')
REF_STYLES = ('link', 'link', 'po', 'contract', 'code', 'none')


def _customer_ref(rng, plan, site):
    """The circuit's name in the customer's own books, in their own style."""
    plan.refs += 1
    if plan.ref_style == 'link':
        return f'{plan.abbr}-{site[:3]}-LINK{plan.refs:02d}'
    if plan.ref_style == 'po':
        return f'PO 45000{rng.randint(10000, 99999)}'
    if plan.ref_style == 'contract':
        return f'CT {rng.randint(2018, 2025)}/{plan.refs:03d}'
    if plan.ref_style == 'code':
        return f'{plan.slug[:6].upper()}{plan.refs:04d}'
    return ''


def _as_set(rng, plan, asn):
    draw = rng.random()
    if draw < 0.65:
        return f'AS-{plan.slug.upper()[:20]}'
    return f'AS{asn}:AS-CLIENTES' if draw < 0.8 else ''


class Planner:
    """Numbers circuits and routes them over the network."""

    def __init__(self, rng, net):
        self.rng, self.net, self.rows = rng, net, []
        self.number = rng.randint(20, 60)

    def segments(self, service, a, z, avoid=frozenset(), side=0):
        """Codes the circuit rides on, sorted as the inventory reads them back
        (so loading again compares equal); None when no route avoids `avoid`."""
        found = self.net.route(a, z, avoid) if z else (0, [])
        if found is None:
            return None
        routers = [] if service in OPTICAL else [self.net.device(s, side) for s in (a, z) if s]
        return sorted(found[1] + routers)

    def add(self, plan, service, a, z, bandwidth, pair=False, bgp=False):
        """One circuit, or two in a redundancy group on different spans/routers."""
        first = self.segments(service, a, z)
        second = self.segments(service, a, z, frozenset(first), side=1) if pair else None
        group = ''
        if second is not None and set(second) != set(first):
            plan.groups += 1
            group = f'RG-{plan.account_id}-{plan.groups:02d}'
        asn = self.rng.choice(plan.asns) if bgp and plan.asns else None
        bgp_values = (f'AS{asn}', _as_set(self.rng, plan, asn)) if asn else ('', '')
        common = dict(plan=plan, service=service, a=a, z=z, bandwidth=bandwidth,
                      group=group, bgp=bgp_values)
        self._row(segments=first, notes='', **common)
        if group:
            self._row(segments=second, notes='Rota de proteção (outro lado do anel)', **common)

    def _status(self, group):
        draw = self.rng.random()
        if group or draw >= 0.07:
            return 'active'
        return 'planned' if draw < 0.04 else 'decommissioned'

    def _row(self, plan, service, a, z, bandwidth, group, bgp, segments, notes):
        # Gaps in the numbering: orders cancelled before activation.
        self.number += self.rng.choice((1, 1, 1, 2, 3))
        plan.circuits += 1
        self.rows.append({
            'circuit_id': f'JAN-{SERVICE_CODES[service]}-{self.number:05d}',
            'customer': plan.account_id, 'customer_ref': _customer_ref(self.rng, plan, a),
            'service': service, 'bandwidth_mbps': str(bandwidth or ''),
            'status': self._status(group), 'a_site': a, 'z_site': z or '',
            'segments': ';'.join(segments), 'redundancy_group': group,
            'bgp_asn': bgp[0], 'bgp_as_set': bgp[1], 'notes': notes})


def _isp_transit(p, plan):
    z = None if plan.gateway == plan.home else plan.gateway
    bandwidth = p.rng.choice((100, 1000, 1000, 10000, 10000, 10000, 100000))
    p.add(plan, 'ip-transit', plan.home, z, bandwidth, pair=p.rng.random() < 0.6, bgp=True)


def _isp_backhaul(p, plan):
    """L2 from the ISP's home PoP to a town where it is expanding."""
    if len(plan.branches) > 1:
        p.add(plan, 'l2-transport', plan.home, p.rng.choice(plan.branches[1:]),
              p.rng.choice((1000, 1000, 10000)), pair=p.rng.random() < 0.2)


def _isp_wavelength(p, plan):
    z = p.rng.choice([g for g in ('BHZ01', 'SPO01') if g != plan.home])
    p.add(plan, 'wavelength', plan.home, z, p.rng.choice((10000, 100000)),
          pair=p.rng.random() < 0.3)


def _dark_fibre(p, plan):
    start = 'BHZ01' if plan.kind == 'carrier' else plan.home
    nearby = p.net.near(start, 150)
    if nearby:
        p.add(plan, 'dark-fibre', start, p.rng.choice(nearby), None)


def _branch_vpn(p, plan):
    a = p.rng.choice(plan.branches)
    p.add(plan, 'l3vpn', a, None if a == plan.home else plan.home,
          p.rng.choice((100, 100, 1000, 1000, 10000)), pair=p.rng.random() < 0.3)


def _enterprise_l2(p, plan):
    if len(plan.branches) > 1:
        a, z = p.rng.sample(plan.branches, 2)
        p.add(plan, 'l2-transport', a, z, p.rng.choice((1000, 10000)))


def _enterprise_internet(p, plan):
    """Dedicated internet at the head office; BGP only for those with an ASN."""
    p.add(plan, 'ip-transit', plan.home, None, p.rng.choice((100, 1000, 1000)),
          pair=bool(plan.asns), bgp=True)


def _carrier_wavelength(p, plan):
    a, z = p.rng.sample(plan.branches, 2)
    p.add(plan, 'wavelength', a, z, p.rng.choice((10000, 100000, 100000)),
          pair=p.rng.random() < 0.5)


def _carrier_l2(p, plan):
    z = p.rng.choice([s for s in sorted(p.net.devices) if s != plan.home])
    p.add(plan, 'l2-transport', plan.home, z, p.rng.choice((1000, 10000)))


# Per kind: the main service first (everyone buys it), then (maker, weight).
MAKERS = {
    'isp': ((_isp_transit, 3), (_isp_backhaul, 3), (_isp_wavelength, 1), (_dark_fibre, 1)),
    'enterprise': ((_branch_vpn, 5), (_enterprise_l2, 2), (_enterprise_internet, 1)),
    'carrier': ((_carrier_wavelength, 4), (_carrier_l2, 2), (_dark_fibre, 1)),
}
ORDERS_PER_CUSTOMER = {'isp': (3, 8), 'enterprise': (3, 7), 'carrier': (5, 10)}


def _circuit_rows(rng, net, plans):
    """Orders of all customers, shuffled so circuit ids interleave as sales did."""
    orders = []
    for plan in plans:
        makers, weights = zip(*MAKERS[plan.kind])
        count = rng.randint(*ORDERS_PER_CUSTOMER[plan.kind])
        orders.append((makers[0], plan))
        orders += [(maker, plan) for maker in rng.choices(makers, weights, k=count - 1)]
    rng.shuffle(orders)
    planner = Planner(rng, net)
    for maker, plan in orders:
        maker(planner, plan)
    return planner.rows


# Loading ----------------------------------------------------------------------

def build(seed=2026, today=None):
    """Every demo row as text, by kind: a pure function of the seed and the date."""
    rng = random.Random(seed)
    today = today or datetime.date.today()
    net, segments = build_network(rng)
    plans = _customer_plans(rng, net)
    return {'sites': _site_rows(), 'segments': segments,
            'customers': [_customer_row(rng, plan, today) for plan in plans],
            'contacts': [row for plan in plans for row in _contact_rows(rng, plan)],
            'circuits': _circuit_rows(rng, net, plans)}


def _save_rows(kind, rows):
    """Upsert by natural key, as CSV import does (save_text only creates)."""
    entity = ENTITIES[kind]
    for raw in rows:
        try:
            service.save(entity, service.parse(entity, raw), actor=ACTOR)
        except service.RowRefused as exc:
            # The demo's own rows broke a rule: a bug in this module, or a
            # database holding other rows under the demo's keys.
            raise RuntimeError(f'demo {kind} {raw[entity.key[-1]]}: {exc}') from exc


def _ensure_users():
    for spec in DEMO_USERS:
        if not User.select().where(User.username == spec['username']).exists():
            users.create_user({**spec, 'email': f'{spec["username"]}@janela.example.net',
                               'password': DEMO_PASSWORD}, actor=ACTOR)


def load(seed=2026):
    """Write the demo operator in one transaction; returns the rows per kind.

    Rows are matched by natural key, so loading again leaves them unchanged
    and existing users are left alone.
    """
    rows = build(seed)
    with database.atomic():
        for kind in IMPORT_ORDER:
            _save_rows(kind, rows[kind])
        _ensure_users()
    counts = {kind: len(rows[kind]) for kind in IMPORT_ORDER}
    counts['users'] = len(DEMO_USERS)
    return counts


def login_hint():
    """Lines for `flask noc serve`: the demo login while it still works."""
    admin = User.get_or_none(User.username == 'admin')
    # check_password_hash directly: users.authenticate would record a login.
    if admin is not None and admin.active and check_password_hash(admin.password_hash,
                                                                  DEMO_PASSWORD):
        others = ', '.join(spec['username'] for spec in DEMO_USERS[1:])
        return [f'Demo login: admin / {DEMO_PASSWORD} (also {others})']
    return ['Log in with a user made by: flask --app app noc create-user NAME']
