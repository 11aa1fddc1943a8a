"""One translation of a Refused per adapter format: form errors for the pages,
problem+json for the API, lines for the CLI (no app, no database)."""
from noc.api.problems import refused
from noc.cli.refusals import lines
from noc.core.errors import NotFound, Refused
from noc.web.form_errors import form_errors

BY_FIELD = Refused({'name': 'is required', 'code': 'is too long'})
BY_LINE = Refused(lines=[(3, 'state', '"ZZ" is not accepted'), (5, '', 'has 2 cells')])


def test_pages_show_errors_beside_their_fields_and_the_rest_above_the_form():
    assert form_errors(BY_FIELD) == {'name': 'is required', 'code': 'is too long'}
    assert form_errors(BY_LINE) == {'_form': '3: "ZZ" is not accepted; 5: has 2 cells'}
    assert form_errors(Refused(kind='conflict', message='taken')) == {'_form': 'taken'}


def test_the_api_answers_by_kind_with_errors_by_field():
    assert (refused(BY_FIELD).status, refused(NotFound('site')).status,
            refused(Refused(kind='conflict')).status) == (422, 404, 409)
    problem = refused(BY_LINE, 'nothing was stored')
    assert problem.detail == 'nothing was stored'
    assert problem.errors == [
        {'field': 'body', 'line': 3, 'column': 'state', 'message': '"ZZ" is not accepted'},
        {'field': 'body', 'line': 5, 'column': '', 'message': 'has 2 cells'}]
    assert refused(BY_LINE, lines_field='file').errors[0]['field'] == 'file'
    assert refused(BY_FIELD).errors == [{'field': 'name', 'message': 'is required'},
                                        {'field': 'code', 'message': 'is too long'}]


def test_the_cli_prints_one_line_per_reason():
    assert lines(BY_FIELD) == ['name: is required', 'code: is too long']
    assert lines(BY_LINE) == ['line 3: state: "ZZ" is not accepted', 'line 5: has 2 cells']
    assert lines(NotFound('user')) == ['user not found']
