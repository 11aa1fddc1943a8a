"""The API docs page: the app's layout in both languages, every operation listed without
JavaScript, Swagger UI served from the installed package (no CDN), examples that name
rows of the demo, and an OpenAPI document that validates."""
import html
import re

import pytest
from conftest import make_app
from openapi_spec_validator import validate

from noc.api.docs_page import ASSETS
from noc.core.db import database, init_db
from noc.demo import inventory as demo
from noc.demo import maintenance as maintenance_demo
from noc.demo import routing as routing_demo
from noc.inventory.entities import ENTITIES
from noc.models import Circuit, MaintenanceWindow, RescheduleRequest
from noc.models.routing import PrefixCheck, PrefixRequest, TrackedPrefix


@pytest.fixture(scope='module')
def demo_app(tmp_path_factory):
    """The demo operator, loaded once, with the lab setting its prefix requests need."""
    url = 'sqlite:///' + str(tmp_path_factory.mktemp('docs') / 'demo.db')
    app = make_app(url, prefixes={'lab': True})
    with app.test_request_context():
        database.connect(reuse_if_open=True)
        init_db(database.obj)
        demo.load()
        maintenance_demo.load()
        routing_demo.load()
        database.close()
    return app


def visible(response):
    body = response.get_data(as_text=True)
    body = re.sub(r'<(script|style)\b.*?</\1>', ' ', body, flags=re.S)
    return ' '.join(html.unescape(re.sub(r'<[^>]+>', ' ', body)).split())


@pytest.mark.parametrize('language, words', [
    ('en', ('API documentation', 'Operations', 'Request body', 'Answers', 'Skip to content')),
    ('pt-BR', ('Documentação da API', 'Operações', 'Corpo da requisição', 'Respostas',
               'Pular para o conteúdo')),
])
def test_the_page_in_the_apps_layout_and_the_readers_language(demo_app, language, words):
    response = demo_app.test_client().get('/api/v1/docs',
                                          headers={'Accept-Language': language})
    assert response.status_code == 200
    text = visible(response)
    for word in words:
        assert word in text, word
    assert 'href="/static/janela.css"' in response.get_data(as_text=True)
    # Every operation, its body's fields and its answers, server-side.
    assert 'POST /api/v1/prefix-requests' in text and 'GET /api/v1/prefixes/{prefix_id}' in text
    assert re.search(r'circuit string (yes|sim) The BGP session', text)
    assert 'NewPrefixRequest' in text and 'PrefixRequest' in text
    assert '`' not in text                       # markdown's code spans became <code>


def test_nothing_is_loaded_from_elsewhere(demo_app):
    client = demo_app.test_client()
    page = client.get('/api/v1/docs').get_data(as_text=True)
    addresses = re.findall(r'\b(?:src|href)="([^"]+)"', page)
    assert addresses and all(a.startswith(('/', '#')) for a in addresses), addresses
    assert not re.search(r'https?://(?!localhost/)', page.replace('http://localhost/', ''))
    types = {'swagger-ui-bundle.js': 'text/javascript', 'swagger-ui.css': 'text/css'}
    for name in ASSETS:
        url = f'/api/v1/docs/assets/{name}'
        assert f'src="{url}"' in page or f'href="{url}"' in page
        asset = client.get(url)
        assert asset.status_code == 200 and asset.mimetype == types[name]
        assert len(asset.data) > 10000
    script = client.get('/static/api-docs.js')
    assert script.status_code == 200 and 'validatorUrl: null' in script.get_data(as_text=True)
    for name in ('index.html', '..%2F__init__.py', 'LICENSE', 'swagger-ui.js'):
        assert client.get(f'/api/v1/docs/assets/{name}').status_code == 404


CIRCUIT_ID = re.compile(r'\bJAN-[A-Z0-9]+-\d+\b')
ID_MODELS = {'/prefix-requests/{request_id}': PrefixRequest, '/prefixes/{prefix_id}': TrackedPrefix,
             '/reschedule-requests/{request_id}': RescheduleRequest,
             '/checks/{check_id}': PrefixCheck, '/windows/{window}': MaintenanceWindow,
             **{f'/{kind.name}/{{row_id}}': kind.model for kind in ENTITIES.values()}}


def examples(value):
    """Every example (or examples) value anywhere in the document."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == 'example':
                yield item
            elif key == 'examples':
                yield from (item if isinstance(item, list) else item.values())
            else:
                yield from examples(item)
    elif isinstance(value, list):
        for item in value:
            yield from examples(item)


def test_every_example_names_a_row_of_the_demo(demo_app):
    document = demo_app.test_client().get('/api/v1/openapi.json').get_json()
    with demo_app.test_request_context():
        database.connect(reuse_if_open=True)
        named = set(CIRCUIT_ID.findall(repr(list(examples(document)))))
        assert named, 'no circuit in the examples'
        known = {c for (c,) in Circuit.select(Circuit.circuit_id)
                 .where(Circuit.circuit_id.in_(sorted(named))).tuples()}
        assert named == known
        for path, operations in document['paths'].items():
            for operation in operations.values():
                for parameter in operation.get('parameters', []):
                    if parameter['in'] != 'path' or 'example' not in parameter:
                        continue
                    model = next(m for prefix, m in ID_MODELS.items() if path.startswith(prefix))
                    assert model.get_or_none(model.id == parameter['example']), \
                        (path, parameter['example'])
        database.close()


def test_the_document_validates(demo_app):
    validate(demo_app.test_client().get('/api/v1/openapi.json').get_json())


def test_every_operations_summary_reads_in_portuguese(demo_app):
    """The document keeps its summaries in English (programs read it); the page
    shows each in the reader's language, and a new operation without its entry
    in noc/api/operation_summaries.py fails here."""
    from flask_babel import force_locale

    from noc.api.docs import DOCUMENT
    from noc.api.operation_summaries import SUMMARIES, translated
    summaries = [op['summary'] for methods in DOCUMENT['paths'].values()
                 for op in methods.values() if isinstance(op, dict) and 'summary' in op]
    assert len(summaries) > 40 and set(summaries) <= set(SUMMARIES), \
        sorted(set(summaries) - set(SUMMARIES))
    with demo_app.test_request_context(), force_locale('pt_BR'):
        untranslated = [s for s in summaries if translated(s) == s]
    assert untranslated == []
    page = visible(demo_app.test_client().get('/api/v1/docs',
                                              headers={'Accept-Language': 'pt-BR'}))
    assert 'Listar pedidos de prefixos' in page and 'Cadastrar um circuito' in page
    assert 'List prefix requests' not in page
