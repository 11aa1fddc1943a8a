"""Field types of the inventory: how a value is read and written back.

Forms and CSV files both arrive as text, so one parser per field gives both
the same rules and the same messages (naming the value and what is accepted).
The API sends typed values (numbers, lists, periods as objects): fields that
hold such values take them as they are (`take`), with the same rules, and
never through text.
"""
import datetime
import decimal
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from noc.core.errors import Refused
from noc.core.i18n import valid_time_zone
from noc.core.text import clean_text, multi_line_problem, single_line_problem
from noc.models import ChangeFreeze

EMAIL_RE = re.compile(r'^[^@\s<>(),;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?'
                      r'(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$')
CODE_RE = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._/-]*$')
AS_SET_RE = re.compile(r'^(AS\d+:)?AS-[A-Za-z0-9_-]+(:AS-[A-Za-z0-9_-]+)*$', re.I)
LIST_SPLIT = re.compile(r'[;\n,]+')


class ValueRefused(Refused, ValueError):
    """A value a field refuses; str() is the message. A ValueError for parsers."""

    def __init__(self, message):
        super().__init__(message=message)


@dataclass
class Field:
    name: str
    label: Any
    required: bool = False
    max_length: int = 200
    help: Any = ''
    widget: str = 'text'          # text, textarea, select, checkboxes, checkbox
    default: Any = ''
    # For a select: [(value, label)]; a callable is called per request.
    choices: Any = None
    parse_value: Callable = None  # str -> value, raises ValueRefused
    show: Callable = None         # value -> str (forms, CSV, pages)
    multiple: bool = False
    # An empty value is stored as None (NULL) if parsed, or '' in NOT NULL columns.
    nullable: bool = True
    # For a reference: the model it names (CSV import orders rows by it).
    target: Any = None
    # A typed value (a number, a list) -> value, raises ValueRefused; text goes to
    # parse_value. A value of another shape raises TypeError (or a KeyError,
    # AttributeError on the way) and is read as text, as it always was.
    take: Callable = None
    multiline: bool = False     # new lines accepted: a list split on them, an address

    def parse(self, raw):
        # Refused, not cleaned away: a CR/LF in a name would break a mail's headers.
        problem = (multi_line_problem if self.widget == 'textarea' or self.multiline
                   else single_line_problem)(raw)
        if problem is not None:
            raise ValueRefused(problem)
        if self.take is not None and raw not in (None, []) and not isinstance(raw, str):
            try:
                return self.take(raw)
            except (TypeError, KeyError, AttributeError):
                pass
        text = raw if self.multiple and isinstance(raw, (list, tuple)) else clean_text(raw)
        if not text and text != 0:
            if self.required:
                raise ValueRefused(_l('is required'))
            return self.empty()
        if not self.multiple and len(text) > self.max_length:
            raise ValueRefused(_l('is too long (%(length)d characters; at most %(max)d)',
                             length=len(text), max=self.max_length))
        return self.parse_value(text) if self.parse_value else text

    def empty(self):
        # List fields (ASNs, freezes, segments) are empty lists, never None:
        # the code that writes them iterates.
        if self.multiple or isinstance(self.default, list):
            return []
        return None if self.parse_value and self.nullable else ''

    def format(self, value):
        if self.show:
            return self.show(value)
        if value is None:
            return ''
        return str(value)

    def options(self):
        return self.choices() if callable(self.choices) else (self.choices or [])


def text(name, label, required=False, max_length=200, **kw):
    return Field(name, label, required=required, max_length=max_length, **kw)


def code(name, label, max_length=48, **kw):
    def parse(value):
        if not CODE_RE.match(value):
            raise ValueRefused(_l('"%(value)s" is not a valid code; use letters, digits, '
                             'and . _ / - (no spaces)', value=value))
        return value.upper()
    return Field(name, label, required=True, max_length=max_length,
                 parse_value=parse, **kw)


def choice(name, label, choices, required=True, **kw):
    """`choices` is [(stored value, label)]."""
    def parse(value):
        for stored, shown in choices:
            # Accept the label too (a person typing "Enterprise" in a CSV).
            if value.lower() in (stored.lower(), str(shown).lower()):
                return stored
        raise ValueRefused(_l('"%(value)s" is not accepted; expected one of: %(choices)s',
                         value=value, choices=', '.join(c for c, _ in choices)))
    kw.setdefault('default', choices[0][0] if required else '')
    return Field(name, label, required=required, widget='select', choices=choices,
                 parse_value=parse, max_length=64, **kw)


def _whole_number(value):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(value)          # not a number: read as text
    return value


def integer(name, label, low, high, required=False, **kw):
    def in_range(number):
        if not low <= number <= high:
            raise ValueRefused(_l('%(value)s is out of range; expected %(low)s to %(high)s',
                             value=number, low=low, high=high))
        return number

    def parse(value):
        # '10.000' and '10 000' are ten thousand (pt-BR grouping); '2.5' is refused.
        grouped = re.fullmatch(r'\d{1,3}([. ]\d{3})+', value)
        cleaned = re.sub(r'[. ]', '', value) if grouped else value
        try:
            number = int(cleaned)
        except ValueError:
            raise ValueRefused(_l('"%(value)s" is not a whole number', value=value)) from None
        return in_range(number)
    return Field(name, label, required=required, parse_value=parse, max_length=20,
                 take=lambda v: in_range(_whole_number(v)), **kw)


def decimal_number(name, label, low, high, places=2, **kw):
    def parse(value):
        try:
            # str() of a JSON number is its shortest exact reading (0.1, not 0.1000…).
            number = decimal.Decimal(str(value).replace(',', '.'))
        except decimal.InvalidOperation:
            raise ValueRefused(_l('"%(value)s" is not a number', value=value)) from None
        if not number.is_finite() or not low <= number <= high:
            raise ValueRefused(_l('%(value)s is out of range; expected %(low)s to %(high)s',
                             value=value, low=low, high=high))
        return number.quantize(decimal.Decimal(1).scaleb(-places))

    def show(value):
        # SQLite hands NUMERIC back as a float (12.5 for 12.50): write it with
        # its places, so what is stored and what a file says compare equal.
        if value is None:
            return ''
        return f'{decimal.Decimal(str(value)).quantize(decimal.Decimal(1).scaleb(-places)):f}'
    def take(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(value)      # not a number: read as text
        return parse(value)
    return Field(name, label, parse_value=parse, max_length=20, show=show, take=take, **kw)


def email(name, label, **kw):
    def parse(value):
        if not EMAIL_RE.match(value):
            raise ValueRefused(_l('"%(value)s" is not an email address; expected '
                             'name@domain.example', value=value))
        local, domain = value.rsplit('@', 1)
        return f'{local}@{domain.lower()}'
    return Field(name, label, required=True, max_length=254, parse_value=parse, **kw)


def time_zone(name, label, **kw):
    def parse(value):
        try:
            known = valid_time_zone(value)
        except OSError:         # "America" is a directory of the zone database
            known = False
        if not known:
            raise ValueRefused(_l('"%(value)s" is not a time zone; expected an IANA name '
                             'such as America/Sao_Paulo', value=value))
        return value
    return Field(name, label, required=True, max_length=64, parse_value=parse,
                 default='America/Sao_Paulo', widget='timezone', **kw)


LANGUAGE_CHOICES = [('pt_BR', _l('Portuguese (Brazil)')), ('en', _l('English'))]


def language(name, label, **kw):
    def parse(value):
        normal = value.replace('-', '_').lower()
        if normal in ('pt_br', 'pt', 'portuguese', 'português', 'portugues'):
            return 'pt_BR'
        if normal in ('en', 'en_us', 'en_gb', 'english', 'inglês', 'ingles'):
            return 'en'
        raise ValueRefused(_l('"%(value)s" is not accepted; expected pt-BR or en', value=value))
    return Field(name, label, required=True, widget='select', choices=LANGUAGE_CHOICES,
                 parse_value=parse, default='pt_BR', max_length=16, **kw)


def asn_value(value):
    text_value = value.upper().removeprefix('AS').strip()
    # isdecimal, not isdigit: "²" is a digit int() refuses.
    if not (text_value.isascii() and text_value.isdecimal()) \
            or not 1 <= int(text_value) <= 4294967295:
        raise ValueRefused(_l('"%(value)s" is not an AS number; expected 1 to 4294967295, '
                         'with or without "AS"', value=value))
    return int(text_value)


def asn_number(value):
    """An AS number given as a number (the API's)."""
    if not 1 <= _whole_number(value) <= 4294967295:
        raise ValueRefused(_l('"%(value)s" is not an AS number; expected 1 to 4294967295, '
                         'with or without "AS"', value=value))
    return value


def asn(name, label, **kw):
    return Field(name, label, parse_value=asn_value, max_length=12,
                 show=lambda v: '' if v is None else f'AS{v}', take=asn_number, **kw)


def _distinct_asns(numbers):
    if len(set(numbers)) != len(numbers):
        raise ValueRefused(_l('lists an AS number twice'))
    return sorted(numbers)


def asn_list(name, label, **kw):
    def parse(value):
        return _distinct_asns([asn_value(part.strip()) for part in re.split(r'[\s;,]+', value)
                               if part.strip()])
    return Field(name, label, parse_value=parse, max_length=2000, multiline=True,
                 show=lambda v: ' '.join(f'AS{n}' for n in v or []), default=[],
                 take=lambda v: _distinct_asns([asn_number(n) for n in v]), **kw)


def as_set(name, label, **kw):
    def parse(value):
        if not AS_SET_RE.match(value):
            raise ValueRefused(_l('"%(value)s" is not an AS-SET name; expected e.g. '
                             'AS-EXAMPLE or AS64500:AS-CUSTOMERS', value=value))
        return value.upper()
    return Field(name, label, parse_value=parse, max_length=128, nullable=False, **kw)


def date_value(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    match = re.match(r'^(\d{1,2})/(\d{1,2})/(\d{4})$', value)  # dd/mm/yyyy, as in Brazil
    if match:
        try:
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            pass
    raise ValueRefused(_l('"%(value)s" is not a date; expected YYYY-MM-DD or DD/MM/YYYY',
                     value=value))


def _period(start, end, reason, shown):
    """One freeze period from its parts (text or dates); `shown` names it in errors."""
    start, end = date_value(start), date_value(end)
    if end < start:
        raise ValueRefused(_l('period "%(value)s" ends before it starts', value=shown))
    reason = clean_text(reason)
    width = ChangeFreeze.reason.max_length
    if len(reason) > width:         # refused, not cut to the column's width
        raise ValueRefused(_l('is too long (%(length)d characters; at most %(max)d)',
                         length=len(reason), max=width))
    return start, end, reason


def freeze_list(name, label, **kw):
    """Change-freeze periods: one per line (or ';'), 'START END [reason]'; from
    the API, a list of {starts_on, ends_on, reason}."""
    def parse(value):
        periods = []
        # Periods split on ';' or new lines only: a reason may hold commas.
        for part in re.split(r'[;\n]+', value):
            bits = part.split(None, 2)
            if not bits:
                continue
            if len(bits) < 2:
                raise ValueRefused(_l('"%(value)s" is not a period; expected START END '
                                 '[reason], e.g. 2026-12-20 2027-01-05 Holidays',
                                 value=part.strip()))
            periods.append(_period(bits[0], bits[1], bits[2] if len(bits) > 2 else '',
                                   part.strip()))
        return sorted(periods)

    def take(value):
        return sorted(_period(p['starts_on'], p['ends_on'], p.get('reason', ''),
                              f'{p["starts_on"]} {p["ends_on"]}') for p in value)
    return Field(name, label, widget='textarea', parse_value=parse, max_length=5000,
                 show=lambda v: '; '.join(f'{s} {e} {r}'.strip() for s, e, r in v or []),
                 default=[], take=take, **kw)


def flag_set(name, label, choices, **kw):
    """Several of a fixed set (checkboxes in forms, 'a;b' in CSV)."""
    def parse(value):
        parts = value if isinstance(value, (list, tuple)) else LIST_SPLIT.split(value)
        chosen = []
        for part in (clean_text(p) for p in parts):
            if not part:
                continue
            match = [c for c, shown in choices if part.lower() in (c, str(shown).lower())]
            if not match:
                raise ValueRefused(_l('"%(value)s" is not accepted; expected any of: '
                                 '%(choices)s', value=part,
                                 choices=', '.join(c for c, _ in choices)))
            chosen.append(match[0])
        return [c for c, _ in choices if c in chosen]
    return Field(name, label, widget='checkboxes', choices=choices, parse_value=parse,
                 multiple=True, show=lambda v: ';'.join(v or []), default=[], multiline=True,
                 **kw)


def boolean(name, label, **kw):
    def parse(value):
        lowered = str(value).strip().lower()
        if lowered in ('1', 'true', 'yes', 'y', 'sim', 's', 'on', 'x'):
            return True
        if lowered in ('0', 'false', 'no', 'n', 'não', 'nao', 'off'):
            return False
        raise ValueRefused(_l('"%(value)s" is not accepted; expected yes or no', value=value))
    return Field(name, label, widget='checkbox', parse_value=parse, max_length=8,
                 show=lambda v: 'yes' if v else 'no', default=False, **kw)


def _shown(value, show):
    """`show(value)`, or the text itself when the value is already shown
    (templates pass formatted rows to Entity.key_of)."""
    if value is None:
        return ''
    return value if isinstance(value, str) else show(value)


def reference(name, label, model, key, required=True, create=False, **kw):
    """A row of another table named by its natural key (a site's code...).

    `create` makes the row when it is missing (redundancy groups exist only
    as the name circuits share).
    """
    column = getattr(model, key)

    def parse(value):
        found = model.get_or_none(column == value.strip().upper() if key != 'account_id'
                                  else column == value.strip())
        if found is None and create:
            if not CODE_RE.match(value):
                raise ValueRefused(_l('"%(value)s" is not a valid name; use letters, digits, '
                                 'and . _ / -', value=value))
            found = model(**{key: value.strip().upper()})
        if found is None:
            raise ValueRefused(_l('"%(value)s" was not found', value=value))
        return found
    return Field(name, label, required=required, parse_value=parse, max_length=64,
                 show=lambda v: _shown(v, lambda m: getattr(m, key)),
                 widget='reference', target=model, **kw)


def reference_list(name, label, model, key, **kw):
    column = getattr(model, key)

    def parse(value):
        return rows(LIST_SPLIT.split(value))

    def rows(names):
        codes = [c.strip().upper() for c in names if c.strip()]
        found = {getattr(m, key): m for m in model.select().where(column.in_(codes))}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValueRefused(_l('not found: %(codes)s', codes=', '.join(missing)))
        # Sorted, as they are read back: the order is not stored, and a file
        # listing "B;A" must match what is stored.
        return [found[c] for c in sorted(set(codes))]
    return Field(name, label, parse_value=parse, max_length=5000, multiline=True,
                 show=lambda v: _shown(v, lambda ms: ';'.join(getattr(m, key) for m in ms)),
                 default=[], take=rows, **kw)
