"""Alerts for the NOC: a tracked prefix whose validation changed, a data source
that failed. Kept as a code and values, shown in the reader's language; open
until an engineer closes them (a source alert also closes itself when the
source loads well again)."""
from flask_babel import lazy_gettext as _l

from noc.models import utcnow
from noc.models.routing import AlertKind, RoutingAlert, Verdict
from noc.routing.labels import IRR_LABELS, RPKI_LABELS, VERDICT_LABELS, label

MESSAGES = {
    'rpki_refused': _l('RPKI source %(source)s: load refused, the last good snapshot stays '
                       'in use: %(error)s'),
    'irr_refused': _l('IRR source %(source)s: load refused: %(error)s'),
    'irr_unreachable': _l('IRR server %(source)s could not be read: %(error)s'),
    'prefix_changed': _l('%(prefix)s AS%(origin)s: %(changes)s'),
}
# What changed, part by part; only the parts that did change are told.
PARTS = (('rpki', _l('RPKI %(before)s → %(after)s')),
         ('irr', _l('IRR %(before)s → %(after)s')),
         ('verdict', _l('verdict %(before)s → %(after)s')))


def message(alert):
    params = dict(alert.params or {})
    tables = {'verdict': VERDICT_LABELS, 'rpki': RPKI_LABELS, 'irr': IRR_LABELS}
    if alert.code == 'prefix_changed':
        params['changes'] = ', '.join(
            str(text) % {'before': label(tables[part], params.get(part + '_before', '')),
                         'after': label(tables[part], params.get(part + '_after', ''))}
            for part, text in PARTS
            if params.get(part + '_before') != params.get(part + '_after'))
    template = MESSAGES.get(alert.code)
    try:
        return str(template) % params if template else alert.code
    except (KeyError, TypeError, ValueError):
        return alert.code


def raise_source(kind, source, code, params, now=None):
    """One open alert per source and code: a repeated failure updates it."""
    open_one = (RoutingAlert.select()
                .where((RoutingAlert.kind == kind) & (RoutingAlert.source == source)
                       & (RoutingAlert.code == code) & RoutingAlert.closed_at.is_null())
                .first())
    if open_one:
        open_one.params = params
        open_one.save()
        return open_one
    return RoutingAlert.create(created_at=now or utcnow(), kind=kind, severity='error',
                               source=source[:64], code=code, params=params)


def close_source(kind, source, now=None, by='worker'):
    return (RoutingAlert.update(closed_at=now or utcnow(), closed_by=by)
            .where((RoutingAlert.kind == kind) & (RoutingAlert.source == source)
                   & RoutingAlert.closed_at.is_null()).execute())


def prefix_alert_row(prefix, before, after, now):
    """The alert row (for a bulk insert) saying a tracked prefix's validation
    changed; its severity from where the verdict went."""
    severity = {Verdict.REJECT: 'error', Verdict.ATTENTION: 'warning'}.get(after['verdict'], 'info')
    params = {'prefix': prefix.prefix, 'origin': prefix.origin,
              'rpki_before': before['rpki_state'], 'rpki_after': after['rpki_state'],
              'irr_before': before['irr_state'], 'irr_after': after['irr_state'],
              'verdict_before': before['verdict'], 'verdict_after': after['verdict']}
    return {'created_at': now, 'kind': AlertKind.PREFIX, 'severity': severity, 'prefix': prefix.id,
            'source': '', 'code': 'prefix_changed', 'params': params, 'closed_by': ''}


def open_alerts(limit=200):
    return list(RoutingAlert.select().where(RoutingAlert.closed_at.is_null())
                .order_by(RoutingAlert.created_at.desc()).limit(limit))


def close(alert_id, actor_name, now=None):
    return (RoutingAlert.update(closed_at=now or utcnow(), closed_by=actor_name[:64])
            .where((RoutingAlert.id == alert_id) & RoutingAlert.closed_at.is_null())
            .execute())


def of_prefix(prefix):
    return list(RoutingAlert.select().where(RoutingAlert.prefix == prefix)
                .order_by(RoutingAlert.created_at.desc()))



def note_servers(lookup):
    """An IRRd server that failed in a run has an open alert until a run reads it again."""
    for host, port in lookup.asked:
        name = f'{host}:{port}'
        if (host, port) in lookup.failed:
            raise_source(AlertKind.IRR_SOURCE, name, 'irr_unreachable',
                         {'source': name, 'error': lookup.failed[(host, port)]})
        else:
            close_source(AlertKind.IRR_SOURCE, name)
