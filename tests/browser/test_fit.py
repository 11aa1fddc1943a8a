"""Pages that fit (issue 17): no page of the demo console's crawl scrolls
sideways on a phone (360 px), a tablet (768 px) or a laptop (1366 px), in
either language.

Each offender is named with the element that sticks out furthest: a table,
a detail box, a long token. A wide element inside a scroll container that
itself fits (a table in its own scrolling box) does not make the page scroll,
and is not counted.
"""
import pytest

pytestmark = pytest.mark.browser

WIDTHS = (360, 768, 1366)
LANGUAGES = ('pt_BR', 'en')

# The page's width beyond the viewport, and the deepest element reaching
# furthest right (by its box or by text spilling out of it) that no fitting
# scroll container clips.
MEASURE = """() => {
  const limit = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= limit) return null;
  const clipped = (element) => {
    for (let parent = element.parentElement; parent; parent = parent.parentElement) {
      if (parent === document.body || parent === document.documentElement) return false;
      if (getComputedStyle(parent).overflowX !== 'visible'
          && parent.getBoundingClientRect().right <= limit + 0.5) return true;
    }
    return false;
  };
  let widest = null, right = limit + 0.5;
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    // Text that runs out of its box (a long address) reaches past the box itself.
    const spills = getComputedStyle(element).overflowX === 'visible'
      ? box.left + element.scrollWidth : box.right;
    const reach = Math.max(box.right, spills);
    if (box.width && reach >= right && !clipped(element)) {
      widest = element;
      right = reach;
    }
  }
  const name = (element) => element.tagName.toLowerCase()
    + (element.id ? '#' + element.id : '')
    + [...element.classList].map((c) => '.' + c).join('');
  let path = '';
  for (let element = widest; element && element !== document.body; element = element.parentElement) {
    path = name(element) + (path ? ' > ' + path : '');
    if (path.split(' > ').length >= 4) break;
  }
  return {scrollWidth, right: Math.round(right), element: path,
          text: widest ? widest.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60) : ''};
}"""


# On a laptop no box scrolls sideways either: a table in its own scrolling box
# would hide its last columns (the window page's notices). The calendar's
# cells cut their entries on purpose, and a mail's frame is its own page.
CUT = """() => [...document.querySelectorAll('main *')].filter((element) => {
    const style = getComputedStyle(element);
    return ['auto', 'scroll'].includes(style.overflowX)
      && element.scrollWidth > element.clientWidth + 1;
  }).map((element) => element.tagName.toLowerCase()
    + [...element.classList].map((c) => '.' + c).join('')
    + ' (' + element.scrollWidth + ' px in ' + element.clientWidth + ')')"""
LAPTOP = 1366


def logged_in(demo_site, language, width):
    """A logged-in context (demo_site logs in afresh for each: a session signed
    in an earlier test would read as signed in the future once the clock
    restarts, and every page would be the login page: see the /login check)."""
    return demo_site.context(language, width)


def overflow(page, url):
    """None when `url` fits the page's viewport, else what sticks out."""
    page.goto(url, wait_until='load')
    # A page that fits because it is the login page would prove nothing.
    assert '/login' not in page.url, f'{url}: not logged in'
    return page.evaluate(MEASURE)


@pytest.mark.parametrize('language', LANGUAGES)
@pytest.mark.parametrize('width', WIDTHS)
def test_no_page_scrolls_sideways(demo_site, width, language):
    assert len(demo_site.urls) > 30, demo_site.urls
    context = logged_in(demo_site, language, width)
    try:
        page = context.new_page()
        offenders = []
        for url in demo_site.urls:
            found = overflow(page, demo_site.server.url + url)
            if found:
                offenders.append(
                    f"{url} at {width} px in {language}: {found['scrollWidth']} px wide; "
                    f"widest: {found['element']} (right edge {found['right']} px) "
                    f"«{found['text']}»")
            if width >= LAPTOP:
                offenders += [f'{url} at {width} px in {language}: {box} scrolls sideways'
                              for box in page.evaluate(CUT)]
    finally:
        context.close()
    assert not offenders, f'{len(offenders)} pages scroll sideways:\n' + '\n'.join(offenders)


def test_the_measure_names_a_page_that_is_too_wide(demo_site):
    """The check itself: a page made wider than a phone is caught, and the
    element that sticks out is named."""
    context = logged_in(demo_site, 'en', 360)
    try:
        page = context.new_page()
        assert overflow(page, demo_site.server.url + '/') is None
        page.evaluate("""() => { const wide = document.createElement('p');
            wide.className = 'too-wide'; wide.style.width = '900px';
            wide.textContent = 'wide'; document.querySelector('main').append(wide); }""")
        found = page.evaluate(MEASURE)
    finally:
        context.close()
    assert found and found['scrollWidth'] >= 900 and 'p.too-wide' in found['element'], found


def without_script(page):
    """The page with static/nav.js refused: the menu must work on HTML and CSS."""
    page.route('**/static/nav.js', lambda route: route.abort())
    return page


def test_the_phone_menu_opens_and_leads_to_every_section(demo_site):
    context = logged_in(demo_site, 'pt_BR', 360)
    try:
        page = without_script(context.new_page())
        page.goto(demo_site.server.url + '/maintenance', wait_until='load')
        menu = page.locator('details.menu > summary')
        calendar = page.locator('nav.main a', has_text='Calendário')
        assert menu.is_visible() and not calendar.is_visible()
        menu.focus()
        page.keyboard.press('Enter')                     # a keyboard opens it
        assert calendar.is_visible()
        for label in ('Clientes', 'Circuitos', 'Pedidos de prefixos', 'Caixa de saída',
                      'Registro de auditoria'):
            assert page.locator('nav.main a', has_text=label).is_visible(), label
        assert page.evaluate(MEASURE) is None             # the open menu fits too
        current = page.locator('nav.main a[aria-current="page"]')
        assert current.inner_text() == 'Janelas'
        calendar.click()
        page.wait_for_url('**/maintenance/calendar')
        assert page.locator('nav.subnav a[aria-current="page"]').inner_text() == 'Calendário'
    finally:
        context.close()


def test_the_wide_menu_is_dropdowns_a_keyboard_can_use(demo_site):
    context = logged_in(demo_site, 'en', 1366)
    try:
        page = without_script(context.new_page())
        page.goto(demo_site.server.url + '/', wait_until='load')
        assert not page.locator('details.menu > summary').is_visible()
        inventory = page.locator('nav.main summary', has_text='Inventory')
        circuits = page.locator('nav.main a', has_text='Circuits')
        assert inventory.is_visible() and not circuits.is_visible()
        assert not page.locator('nav.main [aria-current]').count()     # the dashboard
        inventory.focus()
        page.keyboard.press('Enter')
        page.keyboard.press('Tab')
        page.keyboard.press('Tab')
        page.keyboard.press('Tab')
        assert page.evaluate('document.activeElement.textContent') == 'Circuits'
        page.keyboard.press('Enter')
        page.wait_for_url('**/inventory/circuits/')
        assert page.locator('nav.main summary[aria-current="true"]').inner_text() == 'Inventory'
        assert page.locator('nav.main a[aria-current="page"]').get_attribute('class') == \
            'item-circuits'
    finally:
        context.close()


@pytest.mark.parametrize('width, opener, link', [
    (LAPTOP, 'nav.main li.section-routing > details > summary', 'Routing data'),
    (360, 'details.menu > summary', 'Outbox')])
def test_an_open_menu_closes_on_escape_and_on_a_click_elsewhere(demo_site, width, opener,
                                                                 link):
    context = logged_in(demo_site, 'en', width)
    try:
        page = context.new_page()
        page.goto(demo_site.server.url + '/', wait_until='load')
        summary, target = page.locator(opener), page.locator('nav.main a', has_text=link)
        summary.click()
        assert target.is_visible()
        page.keyboard.press('Escape')
        assert not target.is_visible()
        assert page.evaluate('(s) => document.activeElement === document.querySelector(s)',
                             opener)
        summary.click()
        page.mouse.click(width // 2, 880)          # the page below, outside the menu
        assert not target.is_visible()
    finally:
        context.close()
