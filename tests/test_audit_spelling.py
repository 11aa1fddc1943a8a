"""One spelling in the audit log: declared once, used by inventory and
accounts, labelled in both languages, and stored rows rewritten by 0011."""

from noc.core.db import database, migration_runner
from noc.models import AuditLog, audit

OLD_ROWS = [('created', 'customers'), ('updated', 'sites'), ('deleted', 'contacts'),
            ('created', 'redundancy_groups'), ('locked', 'users'), ('updated', 'users'),
            ('create', 'maintenance_window'), ('revoke', 'api_token')]


def test_every_declared_word_has_a_label_and_every_label_a_declared_word():
    assert set(audit.ACTION_LABELS) == {a.value for a in audit.Action}
    assert set(audit.ENTITY_LABELS) == {e.value for e in audit.Entity}


def test_old_spellings_read_as_the_new_ones():
    assert audit.current_action('created') == 'create'
    assert audit.current_action('confirm') == 'confirm'
    assert audit.current_entity('sites') == 'site'
    assert audit.current_entity('maintenance_window') == 'maintenance_window'


def _stored():
    return sorted((e.action, e.entity, e.entity_key) for e in AuditLog.select())


def test_0011_rewrites_stored_rows_and_reverts_them(bare):
    runner = migration_runner(database.obj)
    runner.down('0011_audit_spelling')
    for number, (action, entity) in enumerate(OLD_ROWS):
        AuditLog.create(username='old', action=action, entity=entity, entity_id=number,
                        entity_key=f'K{number}')
    old = _stored()
    assert runner.up('0011_audit_spelling') == ['0011_audit_spelling']
    assert _stored() == sorted([
        ('create', 'customer', 'K0'), ('update', 'site', 'K1'), ('delete', 'contact', 'K2'),
        ('create', 'redundancy_group', 'K3'), ('lock', 'user', 'K4'), ('update', 'user', 'K5'),
        ('create', 'maintenance_window', 'K6'), ('revoke', 'api_token', 'K7')])
    assert {(a, e) for a, e, _ in _stored()} <= {(str(a), str(e)) for a in audit.Action
                                                 for e in audit.Entity}
    runner.down('0011_audit_spelling')
    assert _stored() == old
    runner.up()
