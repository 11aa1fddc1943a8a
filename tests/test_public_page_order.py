"""The customer page's order (issue 17, a phone's reading order): the actions
before the circuits; a refused request for another date first, under an alert;
and the skip link and favicon of the console's pages."""
from test_public_page import local_day, page, post, setup, text


def order(body, *ids):
    return [body.index(f'id="{element_id}"') for element_id in ids]


def test_acknowledge_and_ask_come_before_the_circuits(app):
    body = text(page(setup(app)))
    positions = order(body, 'details', 'acknowledgement', 'ask', 'circuits')
    assert positions == sorted(positions)
    assert 'id="ask-refused"' not in body
    assert '<a class="skip-link" href="#content">' in body and '<main id="content"' in body
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in body


def test_a_refused_request_comes_first_under_an_alert(app):
    t = setup(app)
    day = local_day(t)
    response = post(t, '/request', {'start1': f'{day}T10:00', 'end1': f'{day}T08:00',
                                    'reason': 'Equipe em outro site'})
    assert response.status_code == 400
    body = text(response)
    positions = order(body, 'ask-refused', 'proposal1-error', 'details', 'acknowledgement',
                      'circuits')
    assert positions == sorted(positions)
    assert 'role="alert" id="ask-refused"' in body and body.count('id="ask"') == 1
    assert 'value="Equipe em outro site"' in body or '>Equipe em outro site<' in body


def test_a_refused_acknowledgement_keeps_the_usual_order(app):
    t = setup(app)
    # A tab left open on an earlier version of the window: refused.
    response = post(t, '/acknowledge', {}, shown=text(page(t)).replace(
        'name="sequence" value="', 'name="sequence" value="9'))
    assert response.status_code == 409
    with_errors = text(response)
    assert 'id="acknowledge-error"' in with_errors and 'id="ask-refused"' not in with_errors
    positions = order(with_errors, 'details', 'acknowledgement', 'ask', 'circuits')
    assert positions == sorted(positions)
