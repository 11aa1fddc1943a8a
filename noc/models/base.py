"""What every model shares: UTC timestamps, ids from id_sequence, the database."""
import datetime

import peewee as pw

from noc.core.db import database, next_ids

UTC = datetime.timezone.utc


def utcnow():
    return datetime.datetime.now(UTC)


class UTCDateTimeField(pw.DateTimeField):
    """TIMESTAMP holding UTC without a zone; Python sees aware datetimes."""
    field_type = 'TIMESTAMP'

    def db_value(self, value):
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return super().db_value(value)

    def python_value(self, value):
        value = super().python_value(value)
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class BaseModel(pw.Model):
    id = pw.BigIntegerField(primary_key=True)

    class Meta:
        database = database
        legacy_table_names = False

    def save(self, force_insert=False, only=None):
        if self.id is None:
            self.id = next_ids(self._meta.table_name)
            force_insert = True
        return super().save(force_insert=force_insert, only=only)


class TimestampedModel(BaseModel):
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    def save(self, *args, now=None, **kwargs):
        """`now`: the time of the change, when a command was given its clock."""
        self.updated_at = now or utcnow()
        return super().save(*args, **kwargs)


class IdSequence(pw.Model):
    table_name = pw.CharField(max_length=64, primary_key=True)
    last_id = pw.BigIntegerField(default=0)

    class Meta:
        database = database
        table_name = 'id_sequence'
