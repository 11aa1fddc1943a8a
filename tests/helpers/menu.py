"""The console's menu as a person uses it in the browser tests: a link sits in a
section's dropdown, so its section is opened first."""


def menu_link(page, name):
    """The menu's link named `name`, visible: its section opened if it was closed."""
    nav = page.locator('header.top nav.main')
    link = nav.get_by_role('link', name=name, exact=True)
    if not link.is_visible():
        phone_menu = page.locator('header.top details.menu > summary')
        if not nav.is_visible() and phone_menu.is_visible():
            phone_menu.click()
        if not link.is_visible():
            # (a link inside a closed section is hidden: found with include_hidden)
            hidden = page.get_by_role('link', name=name, exact=True, include_hidden=True)
            nav.locator('li.section', has=hidden).locator('summary').first.click()
    return link
