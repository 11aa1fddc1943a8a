"""Accessibility basics (issue 17): a skip link, a favicon, colours with
enough contrast, computed from static/janela.css itself (WCAG 2 formulas), and
form errors a screen reader finds: every error shown, each tied to its field.
axe-core checks the rendered pages in tests/browser/test_axe.py."""
import html
import pathlib
import re

import pytest

CSS = (pathlib.Path(__file__).parent.parent / 'static' / 'janela.css').read_text()
WHITE = '#ffffff'


def rules():
    """[(selectors, {property: value})] of the stylesheet, comments dropped."""
    text = re.sub(r'/\*.*?\*/', '', CSS, flags=re.S)
    found = []
    for selectors, body in re.findall(r'([^{}]+)\{([^{}]*)\}', text):
        props = {k.strip(): v.strip() for k, v in
                 (p.split(':', 1) for p in body.split(';') if ':' in p)}
        found.append(([s.strip() for s in selectors.split(',')], props))
    return found


def variables():
    return {k: v for selectors, props in rules() if ':root' in selectors
            for k, v in props.items() if k.startswith('--')}


def colour(value):
    names = variables()
    value = value.strip()
    while value.startswith('var('):
        value = names[value[4:-1].strip()]
    value = {'#fff': WHITE, '#000': '#000000'}.get(value, value)
    assert re.fullmatch(r'#[0-9a-fA-F]{6}', value), value
    return value


def luminance(hex_colour):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one, other):
    a, b = sorted((luminance(colour(one)), luminance(colour(other))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_the_formula_on_known_pairs():
    assert round(contrast('#000000', WHITE), 1) == 21.0
    assert round(contrast('#767676', WHITE), 2) == 4.54


def badges():
    """{selector: (background, colour)} of every badge, the plain badge's where a
    rule leaves one out."""
    base = next(props for selectors, props in rules() if '.badge' in selectors)
    found = {}
    for selectors, props in rules():
        for selector in selectors:
            if selector.startswith('.badge') and ('background' in props or 'color' in props):
                bg, fg = found.get(selector, (base['background'], base['color']))
                found[selector] = (props.get('background', bg), props.get('color', fg))
    return found


@pytest.mark.parametrize('selector', sorted(badges()))
def test_badge_text_has_at_least_4_5_to_1(selector):
    background, text = badges()[selector]
    assert contrast(background, text) >= 4.5, (selector, background, text)


def test_input_borders_have_at_least_3_to_1_against_the_page_and_the_field():
    props = next(props for selectors, props in rules() if 'input' in selectors)
    border = props['border'].split()[-1]
    for background in (props['background'], variables()['--bg'], WHITE):
        assert contrast(border, background) >= 3, (border, background)


@pytest.mark.parametrize('language, words', [('en', 'Skip to content'),
                                             ('pt_BR', 'Pular para o conteúdo')])
def test_the_skip_link_is_the_first_thing_to_focus_and_reaches_main(as_role, language, words):
    viewer = as_role('viewer', language=language)
    for url in ('/', '/maintenance', '/inventory/customers/'):
        page = viewer.get(url).get_data(as_text=True)
        body = page[page.index('<body'):]
        first = re.search(r'<(a|button|input|select|textarea)\b[^>]*>', body)
        assert 'class="skip-link"' in first.group(0) and 'href="#content"' in first.group(0)
        assert body[first.end():].startswith(words)
        assert re.search(r'<main id="content"', body)


def test_the_favicon_is_linked_and_answers(app):
    client = app.test_client()
    page = client.get('/login').get_data(as_text=True)
    assert '<link rel="icon" type="image/svg+xml" href="/static/favicon.svg">' in page
    icon = client.get('/static/favicon.svg')
    assert icon.status_code == 200 and icon.data.startswith(b'<svg')
    response = client.get('/favicon.ico')
    assert response.status_code in (301, 302, 308)
    assert response.headers['Location'].endswith('/static/favicon.svg')
    assert client.get('/favicon.ico', follow_redirects=True).status_code == 200


def tied_errors(page):
    """[(field id, error text)] of the fields marked invalid, each through its
    aria-describedby to an error shown on the page; fails on an error shown
    that no invalid field points at, or a field pointing at nothing."""
    errors = dict(re.findall(r'<p class="(?:field-)?error" id="([^"]+)">([^<]*)</p>', page))
    tied, pointed = [], set()
    for tag in re.findall(r'<(?:input|select|textarea)\b[^>]*>', page):
        if 'aria-invalid="true"' not in tag:
            continue
        field = re.search(r'\bid="([^"]+)"', tag).group(1)
        described = re.search(r'aria-describedby="([^"]+)"', tag)
        assert described, f'{field} is invalid but says nothing about why'
        for ref in described.group(1).split():
            assert ref in errors, f'{field} points at #{ref}, which is not on the page'
            pointed.add(ref)
            tied.append((field, errors[ref]))
    assert set(errors) <= pointed, f'errors no field points at: {set(errors) - pointed}'
    return tied


def refused(browser, url, data):
    response = browser.post_form(url, data)
    assert response.status_code == 400, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_every_error_of_the_user_form_is_shown_and_tied_to_its_field(as_role):
    admin = as_role('admin')
    base = {'username': 'ana', 'full_name': 'Ana', 'email': 'ana@example.net',
            'role': 'viewer', 'language': 'en', 'time_zone': 'UTC', 'password': 'x' * 20}
    # Lengths are checked first, together.
    page = refused(admin, '/admin/users/new', {**base, 'full_name': 'A' * 500,
                                               'email': 'a' * 400 + '@example.net'})
    assert [field for field, _ in tied_errors(page)] == ['full_name', 'email']
    # Then every other field at once.
    page = refused(admin, '/admin/users/new', {**base, 'username': 'Ana Maria!', 'role': 'boss',
                                               'language': 'xx', 'time_zone': 'Mars/Base',
                                               'password': '1'})
    assert [field for field, _ in tied_errors(page)] == [
        'username', 'role', 'language', 'time_zone', 'password']


def test_every_error_of_the_token_form_is_tied_to_its_field(as_role):
    admin = as_role('admin')
    page = refused(admin, '/admin/tokens/', {'name': '', 'kind': 'provider', 'customer': '',
                                             'role': 'viewer', 'expires': '2000-01-01'})
    assert [field for field, _ in tied_errors(page)] == ['t-name', 't-customer', 't-expires']


def test_preference_errors_are_tied_to_their_fields(as_role):
    viewer = as_role('viewer')
    page = refused(viewer, '/preferences', {'full_name': 'A' * 500, 'language': 'en',
                                            'time_zone': 'UTC'})
    assert [field for field, _ in tied_errors(page)] == ['full_name']
    page = refused(viewer, '/preferences', {'full_name': 'Ana', 'language': 'en',
                                            'time_zone': 'UTC', 'current_password': 'wrong',
                                            'new_password': 'y' * 20})
    assert [field for field, _ in tied_errors(page)] == ['current_password']
