"""axe-core on every page of the crawl (issue 17): no serious or critical
violation of WCAG 2.0/2.1 A and AA (nor of axe's best practices) in either
language, at 1366 px, and at 360 px on the main pages.

axe-core comes from the npm registry, pinned by tests/axe/package-lock.json and
installed by scripts/setup-axe.sh into tests/axe/node_modules (git-ignored;
`make test` runs the script). Without it the test fails and says so: an
accessibility check that skips itself would pass with every page broken.

axe is evaluated through Playwright, not added as a <script> element: the NOC
pages' Content-Security-Policy refuses inline scripts, and loosening it for the
test (bypass_csp) would also let through inline styles that the real pages
refuse, so axe would judge colours the users never see.

A failure lists every offender at once, grouped by rule, with the page, the
element's selector and a piece of its HTML, so each fix can be made from the
report alone. Every violation found (any impact) is also written to
tests/artifacts/axe-<language>-<width>.json for counting.
"""
import json
import pathlib
import re
from collections import defaultdict

import pytest

pytestmark = pytest.mark.browser

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
AXE = ROOT / 'tests' / 'axe' / 'node_modules' / 'axe-core' / 'axe.min.js'
ARTIFACTS = ROOT / 'tests' / 'artifacts'
TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']
BLOCKING = ('critical', 'serious')
# The main pages checked on a phone too: the first page of the crawl whose path
# matches each pattern (a window, a customer page, the lists engineers live in).
PHONE_PAGES = [r'^/$', r'^/maintenance$', r'^/maintenance/\d+$', r'^/maintenance/calendar',
               r'^/reschedules?/\d+$', r'^/inventory/circuits/$', r'^/inventory/customers/\d+$',
               r'^/prefixes/$', r'^/prefixes/\d+$', r'^/c/']
SNIPPET = 160

# Frames are audited one by one (axe in each, `iframes: false`): axe's own
# frame messaging would wait a minute for a sandboxed frame, where no script
# runs (see scripted()).
RUN = """options => axe.run(document, options).then(result => result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                              summary: n.failureSummary}))})))"""


@pytest.fixture(scope='module')
def axe_source():
    if not AXE.is_file():
        pytest.fail(f'axe-core is not installed ({AXE.relative_to(ROOT)} is missing): run '
                    '`bash scripts/setup-axe.sh` (make test runs it), which installs the '
                    'version pinned in tests/axe/package-lock.json from the npm registry.',
                    pytrace=False)
    return AXE.read_text()


def audit(page, url, source):
    """The violations axe finds on `url` (frames included)."""
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    return check(page, source)


def check(page, source):
    """The violations axe finds on the page as it is now, frames included (a
    frame's selectors are prefixed with 'iframe →')."""
    options = {'runOnly': {'type': 'tag', 'values': TAGS}, 'iframes': False,
               'resultTypes': ['violations']}
    found = []
    for frame in page.frames:
        if frame != page.main_frame and not scripted(frame):
            continue
        frame.evaluate(source)
        for violation in frame.evaluate(RUN, options):
            if frame != page.main_frame:
                for node in violation['nodes']:
                    node['target'] = 'iframe → ' + node['target']
            found.append(violation)
    return found


def scripted(frame):
    """Whether a child frame may run scripts. A sandboxed one (a mail's HTML part)
    runs none, axe's neither: Playwright would wait forever for its context. Its
    <iframe> element (title and all) is audited in the page that holds it."""
    sandbox = frame.frame_element().get_attribute('sandbox')
    return sandbox is None or 'allow-scripts' in sandbox.split()


def audit_all(demo_site, language, width, urls, source):
    """{path: [violation]} of every page in `urls`."""
    context = demo_site.context(language, width)
    try:
        page = context.new_page()
        return {url: audit(page, demo_site.server.url + url, source) for url in urls}
    finally:
        context.close()


def keep(results, language, width):
    """All violations (any impact) as JSON, for counting by rule and impact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f'axe-{language}-{width}.json'
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    return path


def report(results, language, width):
    """The blocking violations as text, grouped by rule, every offender listed;
    '' when there is none."""
    by_rule = defaultdict(list)
    for url, violations in results.items():
        for violation in violations:
            if violation['impact'] in BLOCKING:
                by_rule[violation['id'], violation['impact'], violation['help'],
                        violation['helpUrl']].extend((url, node) for node in violation['nodes'])
    if not by_rule:
        return ''
    total = sum(len(nodes) for nodes in by_rule.values())
    lines = [f'axe: {total} serious or critical violations on '
             f'{len({url for nodes in by_rule.values() for url, _ in nodes})} of '
             f'{len(results)} pages ({language}, {width} px):']
    for (rule, impact, help_text, help_url), nodes in sorted(by_rule.items()):
        lines.append(f'\n[{impact}] {rule}: {help_text} ({len(nodes)}) {help_url}')
        for url, node in nodes:
            html = re.sub(r'\s+', ' ', node['html'])
            html = html if len(html) <= SNIPPET else html[:SNIPPET] + '…'
            lines.append(f'  {url}  {node["target"]}\n      {html}')
            summary = (node.get('summary') or '').splitlines()
            if rule == 'color-contrast' and len(summary) > 1:
                lines.append(f'      {summary[1].strip()}')
    return '\n'.join(lines)


def fail_on(text):
    if text:
        pytest.fail(text, pytrace=False)


def phone_pages(urls):
    chosen = []
    for pattern in PHONE_PAGES:
        match = next((url for url in urls if re.search(pattern, url)), None)
        assert match, f'no page of the crawl matches {pattern}: update PHONE_PAGES'
        chosen.append(match)
    return chosen


@pytest.mark.parametrize('language', ['pt_BR', 'en'])
def test_no_serious_violation_on_any_page_at_1366(demo_site, axe_source, language):
    results = audit_all(demo_site, language, 1366, demo_site.urls, axe_source)
    keep(results, language, 1366)
    assert len(results) == len(demo_site.urls) > 50
    fail_on(report(results, language, 1366))


@pytest.mark.parametrize('language', ['pt_BR', 'en'])
def test_no_serious_violation_on_the_main_pages_at_360(demo_site, axe_source, language):
    results = audit_all(demo_site, language, 360, phone_pages(demo_site.urls), axe_source)
    keep(results, language, 360)
    fail_on(report(results, language, 360))


# Pages a link never reaches, each (name, path, form to submit there or None,
# what must be on the page reached): the login page (with and without a
# refusal), error pages, confirmations (an action's form posted without
# `confirmed`, which acts on nothing) and a form refused with its errors. None
# of them changes the demo's data.
WINDOW = r'^/maintenance/\d+$'
CONFIRMATION = 'form input[name=confirmed]'
BEYOND_LOGGED_OUT = [('login', '/login', None, '#password'),
                     ('login refused', '/login', 'form:has(#password)', '.flash.error, .error'),
                     ('customer page, bad link', '/c/not-a-link', None, 'h1')]
BEYOND_LOGGED_IN = [('not found', '/maintenance/999999', None, 'p.error'),
                    ('confirm start (time guard)', WINDOW, 'form[action$="/start"]',
                     '#override_reason'),
                    ('confirm remind', WINDOW, 'form[action$="/remind"]', CONFIRMATION),
                    ('confirm cancel', WINDOW, 'form[action$="/cancel"]', 'main h1'),
                    ('confirm decline', r'^/reschedules?/\d+$', 'form[action$="/decline"]',
                     'main h1'),
                    ('customer form refused', '/inventory/customers/new',
                     'main form[method=post]', '[aria-invalid=true]')]


# Forms with search-as-you-type pickers (static/picker.js, issue 17), audited
# with a picker's list open and an option active: the list exists only then.
PICKERS = ROOT / 'static' / 'picker.js'
PICKER_FORMS = ['/maintenance/new', '/inventory/circuits/new', '/prefixes/new']


def open_pickers(page, base, source):
    """{name: [violation]} of each picker form with its first picker open."""
    results = {}
    for path in PICKER_FORMS:
        page.goto(base + path)
        box = page.locator('.picker-box:visible').first
        assert box.count(), f'{path}: no visible picker (.picker-box)'
        box.fill('a')
        page.locator('.picker-list:not([hidden]) [role=option]').first.wait_for()
        box.press('ArrowDown')
        results[f'picker open ({path})'] = check(page, source)
    return results


def refused_request(page, base, urls, source):
    """The customer page after an empty request for another date (refused, so
    nothing is stored): errors beside the fields the customer is looking at."""
    form = 'form:has(#reason)'
    for url in (url for url in urls if url.startswith('/c/')):
        page.goto(base + url)
        if page.locator(form).count():
            with page.expect_navigation():
                page.locator(form).first.evaluate('form => form.submit()')
            assert page.locator('[aria-invalid=true]').count(), (url, 'no field marked invalid')
            return {f'customer page, request refused ({url})': check(page, source)}
    raise AssertionError('no customer page of the crawl has the request form')


def beyond(page, base, urls, steps, source):
    """{name (path): [violation]} of each step's page."""
    results = {}
    for name, path, form, expected in steps:
        if path.startswith('^'):
            path = next(url for url in urls if re.search(path, url))
        response = page.goto(base + path)
        if form is None:
            assert response.status in (200, 404), (path, response.status)
        else:
            # submit() skips the browser's own checks of required fields: the
            # server's answer is the page under test.
            with page.expect_navigation():
                page.locator(form).first.evaluate('form => form.submit()')
        assert page.locator(expected).count(), (name, page.url, expected)
        results[f'{name} ({path})'] = check(page, source)
    return results


@pytest.mark.parametrize('language', ['pt_BR', 'en'])
def test_no_serious_violation_on_pages_beyond_the_crawl(demo_site, axe_source, language):
    locale = {'pt_BR': 'pt-BR', 'en': 'en-US'}[language]
    anonymous = demo_site.chromium.new_context(locale=locale,
                                               viewport={'width': 1366, 'height': 900})
    try:
        page = anonymous.new_page()
        results = beyond(page, demo_site.server.url, demo_site.urls, BEYOND_LOGGED_OUT,
                         axe_source)
        results.update(refused_request(page, demo_site.server.url, demo_site.urls, axe_source))
    finally:
        anonymous.close()
    context = demo_site.context(language, 1366)
    try:
        page = context.new_page()
        results.update(beyond(page, demo_site.server.url, demo_site.urls,
                              BEYOND_LOGGED_IN, axe_source))
        # Until the pickers' script exists there is no list to open; from then on
        # every picker form must open one.
        if PICKERS.exists():
            results.update(open_pickers(page, demo_site.server.url, axe_source))
    finally:
        context.close()
    keep(results, language, 'beyond')
    fail_on(report(results, language, 1366))


def test_axe_finds_a_violation_when_there_is_one(demo_site, axe_source):
    """The check is not blind: an image without alt text, a field without a label
    and grey-on-white text, put into a real page, are each reported."""
    context = demo_site.context('en', 1366)
    try:
        page = context.new_page()
        page.goto(demo_site.server.url + '/')
        page.evaluate("""() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend',
                '<img src="/static/favicon.svg"><input id="unlabelled" type="text">');
            const faint = document.createElement('p');
            faint.textContent = 'faint text';
            faint.style.color = '#bbbbbb';
            faint.style.background = '#ffffff';
            main.appendChild(faint);
        }""")
        page.evaluate(axe_source)
        options = {'runOnly': {'type': 'tag', 'values': TAGS}, 'resultTypes': ['violations']}
        found = {'/': page.main_frame.evaluate(RUN, options)}
    finally:
        context.close()
    text = report(found, 'en', 1366)
    assert '[critical] image-alt' in text
    assert '[critical] label' in text and '#unlabelled' in text
    assert '[serious] color-contrast' in text and 'faint text' in text
