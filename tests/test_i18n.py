"""Each user reads Janela in their language, with dates in their time zone."""
import datetime

import pytest

from noc.core.db import database
from noc.models import Site

UTC = datetime.timezone.utc


def _site(app, when):
    with app.app_context():
        database.connect(reuse_if_open=True)
        site = Site.create(code='BHZ01', name='BH', city='Belo Horizonte', state='MG')
        Site.update(created_at=when, updated_at=when).where(Site.id == site.id).execute()
        database.close()
    return site


def _as(as_role, app, username, language, zone):
    browser = as_role('viewer', language=language, username=username)
    with app.app_context():
        database.connect(reuse_if_open=True)
        from noc.models import User
        User.update(time_zone=zone).where(User.username == username).execute()
        database.close()
    return browser


@pytest.mark.dates      # dates in the reader's zone
def test_dates_in_the_users_time_zone(as_role, app):
    site = _site(app, datetime.datetime(2026, 3, 10, 15, 30, tzinfo=UTC))
    tokyo = _as(as_role, app, 'tokyo', 'en', 'Asia/Tokyo')
    page = tokyo.get(f'/inventory/sites/{site.id}').get_data(as_text=True)
    assert '2026-03-11 00:30 UTC+09:00' in page            # 15:30 UTC = 00:30 next day JST
    sao_paulo = _as(as_role, app, 'sp', 'pt_BR', 'America/Sao_Paulo')
    page = sao_paulo.get(f'/inventory/sites/{site.id}').get_data(as_text=True)
    assert '2026-03-10 12:30 UTC-03:00' in page            # 15:30 UTC = 12:30 BRT


def test_language_per_user(as_role, app):
    english = as_role('viewer', language='en', username='ana')
    portuguese = as_role('viewer', language='pt_BR', username='joao')
    assert 'Customers' in english.get('/').get_data(as_text=True)
    page = portuguese.get('/').get_data(as_text=True)
    assert 'Clientes' in page and 'Customers' not in page


def test_login_page_language_follows_browser_then_choice(app):
    client = app.test_client()
    page = client.get('/login', headers={'Accept-Language': 'en-US,en;q=0.9'})
    assert 'Log in to Janela' in page.get_data(as_text=True)
    page = client.get('/login', headers={'Accept-Language': 'pt-BR,pt;q=0.9'})
    assert 'Entrar no Janela' in page.get_data(as_text=True)


def test_form_errors_in_the_users_language(as_role):
    browser = as_role('engineer', language='pt_BR')
    response = browser.post_form('/inventory/sites/new', {'code': '', 'name': '', 'kind': 'pop',
                                                          'city': '', 'state': 'MG'})
    assert response.status_code == 400
    assert 'é obrigatório' in response.get_data(as_text=True)


def test_every_message_of_the_code_and_templates_has_its_pt_br_translation(tmp_path):
    """What the extraction finds (make messages) is translated, not fuzzy, in
    pt_BR: a NOC engineer never meets an English sentence in a Portuguese page."""
    import subprocess
    import sys
    from pathlib import Path

    from babel.messages.pofile import read_po
    project = Path(__file__).resolve().parent.parent
    pot = tmp_path / 'messages.pot'
    subprocess.run([sys.executable, '-m', 'babel.messages.frontend', 'extract', '-F',
                    'babel.cfg', '-k', '_l', '-k', 'lazy_gettext', '-k', 'lazy_pgettext:1c,2',
                    '-o', str(pot), '.'], cwd=project, check=True, capture_output=True)
    with open(pot, 'rb') as fh:
        wanted = [m for m in read_po(fh) if m.id]
    with open(project / 'noc/translations/pt_BR/LC_MESSAGES/messages.po', 'rb') as fh:
        catalogue = read_po(fh)
    untranslated = []
    for message in wanted:
        found = catalogue.get(message.id, context=message.context)
        strings = found.string if found and isinstance(found.string, tuple) else (
            (found.string,) if found else ('',))
        if found is None or found.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert len(wanted) > 1000 and untranslated == []


def test_the_pt_br_catalogue_defines_each_message_once():
    """Branches that add translations side by side can leave one message twice:
    msgfmt refuses such a catalogue and babel silently keeps one of them, so a
    later fix of the other would be lost."""
    import re
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / 'noc/translations/pt_BR/LC_MESSAGES/messages.po'
    seen, twice = set(), []
    for entry in path.read_text(encoding='utf-8').split('\n\n'):
        lines = [line for line in entry.splitlines() if not line.startswith('#')]
        if not lines:
            continue
        body = '\n'.join(lines)
        context = re.search(r'^msgctxt ((?:".*"\n?)+)', body, re.M)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', body, re.M)
        key = (context.group(1) if context else None, msgid.group(1) if msgid else None)
        if key[1] and key[1].strip() != '""':
            if key in seen:
                twice.append(key)
            seen.add(key)
    assert len(seen) > 1000 and twice == []
