"""The calendar (issue 17): readable entries (reference and title, the full title
in the tooltip), coloured by impact with a shape beside and a legend in both
languages, and a week view with the hours down the side and each entry placed
on the hours it covers; all without script."""
import re

import pytest
from test_accessibility import contrast, rules
from test_maintenance_web import (  # noqa: F401  (net, engineer: the fixtures)
    at,
    calendar_cell,
    engineer,
    get_window,
    local_day,
    net,
    new_window,
)

from noc.models import Impact
from noc.web.maintenance.calendar import Entry

LABELS = {'en': ['No impact', 'Reduced redundancy', 'Degraded', 'Outage'],
          'pt_BR': ['Sem impacto', 'Redundância reduzida', 'Degradação', 'Indisponibilidade']}


@pytest.mark.parametrize('starts, ends, first, hours', [
    ('23:30', '23:59', 23, 1),      # the hour it touches
    ('22:00', '', 22, 2),           # goes on after midnight
    ('', '02:00', 0, 2),            # began the day before
    ('', '', 0, 24),                # the whole day
    ('01:15', '04:00', 1, 3),
    ('01:15', '04:01', 1, 4),
    ('09:00', '09:00', 9, 1),       # never less than a row
])
def test_an_entry_covers_the_hours_it_touches(starts, ends, first, hours):
    entry = Entry(None, starts, ends)
    assert (entry.first_hour, entry.hours) == (first, hours)


@pytest.mark.parametrize('language', ['en', 'pt_BR'])
def test_the_legend_names_every_impact_in_the_readers_language(as_role, language):
    page = as_role('viewer', language=language).get('/maintenance/calendar').get_data(
        as_text=True)
    legend = page.split('class="calendar-legend"', 1)[1].split('</div>', 1)[0]
    items = re.findall(r'<li class="entry impact-([a-z-]+)"><span class="mark" '
                       r'aria-hidden="true">(.)</span> ([^<]+)</li>', legend)
    assert [impact for impact, _, _ in items] == [i.lower() for i in Impact.SEVERITY]
    assert [label for _, _, label in items] == LABELS[language]
    assert len({mark for _, mark, _ in items}) == 4     # a shape each, not colour alone


@pytest.mark.parametrize('view', ['month', 'week'])
def test_entries_show_reference_title_and_impact(app, net, engineer, view):  # noqa: F811
    window_id = new_window(engineer, segments='', circuits='JAN-IPT-003', impact='DEGRADED',
                           title_en='Amplifier replacement on the long BH-CTG span',
                           starts_at=at(15, '01:00'), ends_at=at(15, '04:30'))
    window = get_window(app, window_id)
    cell = calendar_cell(engineer, view, local_day(15))
    entry = re.search(r'<li class="entry impact-degraded [^"]*"[^>]*>(.*?)</li>', cell, re.S)
    assert entry, cell
    body = entry.group(1)
    assert f'<strong class="ref">{window.reference}</strong>' in body
    assert '<span class="title">Amplifier replacement on the long BH-CTG span</span>' in body
    assert re.search(r'title="[^"]*Amplifier replacement on the long BH-CTG span[^"]*"', body)
    assert '<span class="mark" aria-hidden="true">▲</span>' in body
    assert 'Impact: Degraded' in body                    # said, for screen readers


def test_the_week_has_an_hour_axis_and_places_entries_by_hour(app, net, engineer):  # noqa: F811
    early = new_window(engineer, segments='', circuits='JAN-IPT-003',
                       starts_at=at(15, '01:00'), ends_at=at(15, '04:30'))
    overnight = new_window(engineer, segments='', circuits='JAN-IPT-004',
                           starts_at=at(15, '22:00'), ends_at=at(16, '02:00'))
    page = engineer.get('/maintenance/calendar', query_string={
        'view': 'week', 'date': local_day(15).isoformat()}).get_data(as_text=True)
    axis = page.split('<th scope="row" class="axis">', 1)[1].split('</th>', 1)[0]
    assert re.findall(r'<li>(\d\d:\d\d)</li>', axis) == [f'{h:02d}:00' for h in range(24)]

    def placed(day, window_id):
        reference = get_window(app, window_id).reference
        cell = calendar_cell(engineer, 'week', local_day(day))
        return re.search(rf'class="entry [^"]* at-(\d+) span-(\d+)" data-reference="{reference}"',
                         cell).groups()
    assert placed(15, early) == ('1', '4')              # 01:00 to 04:30: rows 1 to 4
    assert placed(15, overnight) == ('22', '2')         # to midnight
    assert placed(16, overnight) == ('0', '2')          # and on until 02:00


def test_the_stylesheet_places_every_hour_and_length():
    selectors = {selector: props for found, props in rules() for selector in found}
    for hour in range(24):
        assert selectors[f'table.calendar.week li.at-{hour}']['grid-row-start'] == str(hour + 1)
    for hours in range(1, 25):
        assert selectors[f'table.calendar.week li.span-{hours}']['grid-row-end'] == \
            f'span {hours}'


@pytest.mark.parametrize('impact', Impact.SEVERITY)
def test_entry_text_is_readable_on_its_impact_colour(impact):
    selector = f'table.calendar li.entry.impact-{impact.lower()} a'
    [props] = [props for found, props in rules() if selector in found]
    assert contrast(props['color'], props['background']) >= 4.5
    # The legend shows the same colours.
    assert f'.calendar-legend li.entry.impact-{impact.lower()}' in \
        next(found for found, p in rules() if selector in found)
