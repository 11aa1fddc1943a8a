"""The NOC's side of rescheduling in the browser: the request queue and its
decisions, received mail, the window's answers (links, reminders) and the
dashboard, on both engines."""
import datetime

import pytest
from conftest import db
from helpers import inbound_fixtures as mail
from helpers.maintenance_fixtures import build_network, confirmed
from helpers.maintenance_fixtures import settings as area_settings
from test_inventory_web import form_values

from noc.inbound import receive as inbound
from noc.maintenance import answer_commands, answers, links, reschedule_commands
from noc.models import (
    Contact,
    InboundMessage,
    MaintenanceWindow,
    OutboxMessage,
    RescheduleRequest,
    WindowCustomer,
    utcnow,
)

pytestmark = pytest.mark.usefixtures('quick_password_hash')
H = datetime.timedelta(hours=1)


@pytest.fixture
def world(app):
    with db(app):
        net = build_network()
        window = confirmed()
        start = window.starts_at + 20 * 24 * H
        request = reschedule_commands.ask(window.id, net['globex'].id,
                                          [(start, start + 3 * H), (start + 24 * H, start + 27 * H)],
                                          'Congelamento de mudanças', 'page',
                                          settings=area_settings())
    return net, window, request


def proposals(app, request):
    with db(app):
        return RescheduleRequest.get_by_id(request.id).proposals


@pytest.mark.dates
def test_the_queue_lists_open_requests_with_what_each_proposal_would_break(app, world,
                                                                           as_role):
    net, window, request = world
    page = as_role('viewer').get('/reschedules/').get_data(as_text=True)
    assert f'data-request="{request.id}"' in page and window.reference in page
    assert 'Globex Corp' in page and '1 other customer' in page and '1 other customers' not in page
    detail = as_role('viewer', username='v2').get(f'/reschedules/{request.id}').get_data(
        as_text=True)
    assert 'Congelamento de mudanças' in detail and detail.count('class="proposal"') == 2
    assert 'Move the window here' not in detail          # a viewer cannot decide


def test_an_engineer_moves_the_window_from_the_request_page(app, world, as_role):
    net, window, request = world
    engineer = as_role('engineer')
    first = proposals(app, request)[0]
    response = engineer.post_form(f'/reschedules/{request.id}/move', {'confirmed': '1', 'proposal': first.id},
                                  page_url=f'/reschedules/{request.id}')
    assert response.status_code == 302
    with db(app):
        moved = MaintenanceWindow.get_by_id(window.id)
        assert moved.starts_at == first.starts_at and moved.sequence == window.sequence + 1
        assert RescheduleRequest.get_by_id(request.id).state == 'moved'
        assert OutboxMessage.select().where(OutboxMessage.kind == 'rescheduled').count() == 3
    again = engineer.post_form(f'/reschedules/{request.id}/move', {'confirmed': '1', 'proposal': first.id},
                               page_url=f'/reschedules/{request.id}')
    assert again.status_code == 409


def test_a_viewer_cannot_decide(app, world, as_role):
    net, window, request = world
    viewer = as_role('viewer')
    first = proposals(app, request)[0]
    response = viewer.post_form(f'/reschedules/{request.id}/move', {'confirmed': '1', 'proposal': first.id},
                                page_url='/reschedules/')
    assert response.status_code == 403
    with db(app):
        assert RescheduleRequest.get_by_id(request.id).state == 'open'


def test_splitting_and_declining_from_the_page(app, world, as_role):
    net, window, request = world
    engineer = as_role('engineer')
    url = f'/reschedules/{request.id}'
    missing = engineer.post_form(url + '/decline', {'confirmed': '1', 'reason': ''}, page_url=url)
    assert missing.status_code == 400 and 'say why the request is declined' in \
        missing.get_data(as_text=True)
    nul = engineer.post_form(url + '/decline', {'confirmed': '1', 'reason': 'Equipe\x00alocada'},
                             page_url=url)
    assert nul.status_code == 400 and 'NUL' in nul.get_data(as_text=True)
    bad = engineer.post_form(url + '/split', {'confirmed': '1', 'proposal': 'x'}, page_url=url)
    assert bad.status_code == 400 and 'choose one of the proposed periods' in \
        bad.get_data(as_text=True)
    second = proposals(app, request)[1]
    response = engineer.post_form(url + '/split', {'confirmed': '1', 'proposal': second.id}, page_url=url)
    assert response.status_code == 302
    with db(app):
        decided = RescheduleRequest.get_by_id(request.id)
        assert decided.state == 'split' and decided.new_window.starts_at == second.starts_at
    page = engineer.get(url).get_data(as_text=True)
    assert decided.new_window.reference in page


def test_declining_sends_the_reason(app, world, as_role):
    net, window, request = world
    engineer = as_role('engineer')
    url = f'/reschedules/{request.id}'
    response = engineer.post_form(url + '/decline', {'confirmed': '1', 'reason': 'Equipe alocada'},
                                  page_url=url)
    assert response.status_code == 302
    with db(app):
        [message] = OutboxMessage.select().where(OutboxMessage.kind == 'declined')
        assert message.recipient == 'carla@globex.example.com'
        assert 'Equipe alocada' in message.raw or 'Equipe alocada' in mail_text(message.raw)


def mail_text(raw):
    import email
    parsed = email.message_from_string(raw)
    return ''.join(p.get_payload(decode=True).decode() for p in parsed.walk()
                   if p.get_content_type() == 'text/plain')


def test_received_mail_views_and_review(app, world, as_role):
    net, window, _ = world
    with db(app):
        plain, _ = inbound.receive(mail.plain_reply(
            reference=window.reference, body='Pode ser outro dia?',
            sender='Carla <carla@globex.example.com>'), 'stdin')
        stranger, _ = inbound.receive(mail.plain_reply(
            reference=window.reference, body='<script>alert(1)</script>',
            sender='X <x@evil.example.net>'), 'stdin')
    engineer = as_role('engineer')
    to_read = engineer.get('/inbox/').get_data(as_text=True)
    assert f'data-message="{plain.id}"' in to_read and f'data-message="{stranger.id}"' not in \
        to_read
    unmatched = engineer.get('/inbox/?view=unmatched').get_data(as_text=True)
    assert f'data-message="{stranger.id}"' in unmatched and 'unverified' in unmatched
    shown = engineer.get(f'/inbox/{stranger.id}').get_data(as_text=True)
    assert '<script>alert(1)</script>' not in shown and '&lt;script&gt;' in shown
    raw = engineer.get(f'/inbox/{stranger.id}/raw')
    assert raw.content_type.startswith('text/plain') and b'evil.example.net' in raw.data
    engineer.post_form(f'/inbox/{plain.id}/review', {}, page_url=f'/inbox/{plain.id}')
    with db(app):
        assert InboundMessage.get_by_id(plain.id).reviewed_by == 'engineer'
    assert f'data-message="{plain.id}"' not in engineer.get('/inbox/').get_data(as_text=True)
    assert engineer.get('/inbox/999999999').status_code == 404


def test_the_window_page_shows_answers_and_revokes_and_renews_links(app, world, as_role):
    net, window, _ = world
    with db(app):
        answer_commands.record_reply(window.id, net['contacts']['carla'].id, 'DECLINED',
                                     window.sequence, utcnow(), 'Sem equipe')
        old = links.token(links.state(window, net['acme'].id), area_settings().secret_key)
    engineer = as_role('engineer')
    page = engineer.get(f'/maintenance/{window.id}').get_data(as_text=True)
    assert 'data-customer="GLOBEX-7"' in page and 'DECLINED' in page and 'Sem equipe' in page
    assert '0 of 2 customers acknowledged' in page
    url = f'/maintenance/{window.id}/customers/{net["acme"].id}/link'
    assert engineer.post_form(url + '/revoke', {'confirmed': '1'}, page_url=f'/maintenance/{window.id}') \
        .status_code == 302
    assert app.test_client().get(f'/c/{old}').status_code == 410
    engineer.post_form(url + '/new', {'confirmed': '1'}, page_url=f'/maintenance/{window.id}')
    with db(app):
        fresh = links.token(links.state(window, net['acme'].id), area_settings().secret_key)
    assert fresh != old and app.test_client().get(f'/c/{fresh}').status_code == 200
    other = f'/maintenance/{window.id}/customers/{net["initech"].id}/link/revoke'
    assert engineer.post_form(other, {'confirmed': '1'}, page_url=f'/maintenance/{window.id}') \
        .status_code == 404                        # Initech is not in this window


@pytest.mark.dates
def test_dashboard_lists_unacknowledged_windows_and_the_reminder_goes_out(app, world,
                                                                          as_role, clock):
    net, window, _ = world
    clock.move_to(window.starts_at - 30 * H)
    with db(app):
        answers.acknowledge(window, net['acme'].id, 'page', 'page')
    engineer = as_role('engineer')
    dashboard = engineer.get('/').get_data(as_text=True)
    section = dashboard[dashboard.index('id="unacknowledged"'):]
    assert f'data-reference="{window.reference}"' in section
    assert '1 Reschedule requests waiting' in ' '.join(dashboard.split()).replace(
        '<strong>', '').replace('</strong>', '')
    response = engineer.post_form(f'/maintenance/{window.id}/remind', {'confirmed': '1'}, page_url='/')
    assert response.status_code == 302
    with db(app):
        sent = OutboxMessage.select().where(OutboxMessage.kind == 'ack_request')
        assert {m.recipient for m in sent} == {'carla@globex.example.com'}
        assert WindowCustomer.get(window=window, customer=net['globex']).ack_reminded_at


def test_a_bounced_address_is_flagged_in_the_contact_list_until_it_changes(app, world, as_role):
    net, window, _ = world
    ana = net['contacts']['ana']
    with db(app):
        notice = OutboxMessage.get(OutboxMessage.recipient == ana.email)
        inbound.receive(mail.bounce_postfix(original_message_id=notice.message_id,
                                            failed_recipient=ana.email), 'stdin')
    engineer = as_role('engineer')
    listed = engineer.get('/inventory/contacts/?delivery=failing').get_data(as_text=True)
    assert ana.email in listed and 'address failing since' in listed
    assert 'carla@globex.example.com' not in listed
    url = f'/inventory/contacts/{ana.id}'
    shown = engineer.get(url).get_data(as_text=True)
    assert 'contact-bounced' in shown and '5.1.1' in shown
    form = form_values(engineer.get(url + '/edit'))
    response = engineer.post_form(url + '/edit', {**form, 'email': 'ana.nova@acme.example.com'})
    assert response.status_code == 302
    with db(app):
        assert Contact.get_by_id(ana.id).bounced_at is None
    assert ana.email not in engineer.get('/inventory/contacts/?delivery=failing').get_data(
        as_text=True)


def test_the_queue_moved_from_requests_and_old_addresses_follow(as_role):
    """Reschedule requests are under /reschedules/ (prefix requests have /prefixes/requests/);
    the old addresses answer with a permanent redirect."""
    client = as_role('viewer')
    assert client.get('/requests/').headers['Location'].endswith('/reschedules/')
    moved = client.get('/requests/7')
    assert moved.status_code == 301 and moved.headers['Location'].endswith('/reschedules/7')
