"""Maintenance windows for the demo operator, so `make run` opens on real work.

Times are relative to now, each window goes through the same commands a
person's would (the row lock, rules, acknowledgements, notices to the
outbox), and the worker beside `make run` delivers the notices to the mail
capture. The settings are the app's, read once here, the adapter.
"""
import datetime
import zoneinfo
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app

from noc.inbound import receive as inbound
from noc.maintenance import answer_commands, notices, reschedule_commands, window_commands, windows
from noc.maintenance import input as window_input
from noc.maintenance.settings import of_app
from noc.models import (
    Circuit,
    CircuitSegment,
    CircuitStatus,
    InboundVia,
    MaintenanceWindow,
    RescheduleVia,
    Segment,
    utcnow,
)

ZONE = 'America/Sao_Paulo'


def _local(now, days, hour, minute=0):
    local = now.astimezone(zoneinfo.ZoneInfo(ZONE)) + datetime.timedelta(days=days)
    return local.strftime('%Y-%m-%d') + f' {hour:02d}:{minute:02d}'


def _spans_with_circuits(limit):
    busy = (CircuitSegment.select(CircuitSegment.segment).join(Circuit)
            .where(Circuit.status == CircuitStatus.ACTIVE))
    return list(Segment.select().where((Segment.kind == 'span') & Segment.id.in_(busy))
                .order_by(Segment.code).limit(limit))


def _create(raw, settings):
    typed, errors = window_input.from_text(raw, ZONE)
    if errors:
        raise RuntimeError(f'demo window refused: {errors}')
    return window_commands.create(typed, 'demo', settings, ack_all=True)


def _confirm(window, settings):
    return window_commands.confirm(window.id, 'demo', settings, ack_all=True)


def load(now=None):
    """Create the demo windows unless some exist; returns how many were made."""
    if MaintenanceWindow.select().exists():
        return 0
    now = now or utcnow()
    settings = of_app(current_app)
    ring = Segment.select().where(Segment.kind == 'ring').order_by(Segment.code).first()
    spans = _spans_with_circuits(4)
    if ring is None or len(spans) < 4:
        return 0
    made = []
    ring_work = _create({
        'title_pt': f'Relançamento de cabo no {ring.name}',
        'title_en': f'Cable re-laying on {ring.code}',
        'description_pt': 'Substituição de 3 km de cabo óptico danificado por obras da '
                          'prefeitura. Os circuitos ficarão sem serviço durante as fusões.',
        'description_en': 'Replacing 3 km of fibre cable damaged by road works. Circuits '
                          'will be down while the fibres are spliced.',
        'internal_notes': 'Equipe de campo B; OS 2026/4471. Caixa de emenda CE-12.',
        'starts_at': _local(now, 14, 0), 'ends_at': _local(now, 14, 5),
        'outage_minutes': '120', 'impact': 'OUTAGE', 'segments': ring.code}, settings)
    ring_work = _confirm(ring_work, settings)
    made.append(ring_work)
    _customers_answer(ring_work, now, settings)
    made.append(_create({
        'title_pt': 'Troca de amplificador', 'title_en': 'Amplifier replacement',
        'description_pt': 'Troca preventiva do amplificador óptico.',
        'description_en': 'Preventive replacement of the optical amplifier.',
        'starts_at': _local(now, 21, 1), 'ends_at': _local(now, 21, 4),
        'outage_minutes': '20', 'impact': 'DEGRADED', 'segments': spans[0].code}, settings))
    urgent = _create({
        'title_pt': 'Reparo emergencial de fibra', 'title_en': 'Emergency fibre repair',
        'description_pt': 'Fibra com atenuação alta; reparo imediato.',
        'description_en': 'High attenuation on the fibre; immediate repair.',
        'starts_at': _local(now, 2, 2), 'ends_at': _local(now, 2, 5),
        'outage_minutes': '45', 'impact': 'OUTAGE', 'emergency': 'on',
        'emergency_reason': 'Atenuação de 9 dB medida no OTDR',
        'segments': spans[1].code}, settings)
    made.append(_confirm(urgent, settings))
    doomed = _create({
        'title_pt': 'Migração de rota', 'title_en': 'Route migration',
        'starts_at': _local(now, 30, 0), 'ends_at': _local(now, 30, 3),
        'outage_minutes': '10', 'impact': 'REDUCED-REDUNDANCY', 'segments': spans[2].code},
        settings)
    _confirm(doomed, settings)
    made.append(window_commands.cancel(doomed.id, 'demo', 'Equipamento não chegou a tempo.',
                                       settings))
    made.append(_create({
        'title_pt': 'Atualização de software dos roteadores',
        'title_en': 'Router software upgrade', 'impact': 'NO-IMPACT',
        'starts_at': _local(now, 11, 2), 'ends_at': _local(now, 11, 4),
        'outage_minutes': '0', 'segments': spans[3].code}, settings))
    return len(made)


def _plain_reply(window, contact, text, now, settings):
    """A customer's reply as their mail client would send it back."""
    message = EmailMessage()
    message['From'] = f'{contact.name} <{contact.email}>'
    message['To'] = settings.sender[1]
    message['Subject'] = f'RE: [{window.reference}] {window.title_pt}'
    message['Date'] = format_datetime(now)
    message['Message-ID'] = make_msgid(domain=contact.email.split('@')[-1])
    message.set_content(f'{text}\n\n> {window.reference}: {window.title_pt}\n')
    return message.as_bytes()


def _customers_answer(window, now, settings):
    """Some customers of the demo's main window answer: one acknowledges on its
    page, one asks for another date, one writes back."""
    customers = notices.audience(windows.by_customer(window))
    with_contacts = [(customer, contacts) for customer, _, contacts in customers if contacts]
    if len(with_contacts) < 3:
        return
    (first, _), (second, _), (third, third_contacts) = with_contacts[:3]
    answer_commands.acknowledge(window.id, first.id, now=now)
    start = window.starts_at + datetime.timedelta(days=7)
    reschedule_commands.ask(window.id, second.id, [(start, start + datetime.timedelta(hours=5)),
                                                   (start + datetime.timedelta(days=1),
                                                    start + datetime.timedelta(days=1, hours=5))],
                            'Temos evento de grande audiência nessa madrugada.',
                            RescheduleVia.PAGE, settings=settings, now=now)
    inbound.receive(_plain_reply(window, third_contacts[0], 'Recebido. Podemos ter um técnico '
                                 'de plantão durante a janela?', now, settings), InboundVia.STDIN, now)
