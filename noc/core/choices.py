"""Statuses, impacts, kinds and roles: each declared once, with its label.

In the manner of NetBox's ChoiceSet: a class per vocabulary whose CHOICES
pair each stored value with the words a person reads, translated lazily so
that a label is in the reader's language wherever it is shown (a page, a
mail, a CSV, the API). Code names a value through the class
(`WindowStatus.CONFIRMED`), never as a string literal spelled again.
"""


class ChoiceSet:
    """Subclasses set CHOICES = ((value, label), ...) and name each value as an attribute."""
    CHOICES = ()

    @classmethod
    def values(cls):
        return tuple(value for value, _ in cls.CHOICES)

    @classmethod
    def labels(cls):
        return dict(cls.CHOICES)

    @classmethod
    def label(cls, value):
        """The label of `value`; a value no longer declared reads as itself."""
        return dict(cls.CHOICES).get(value, value)

    @classmethod
    def accepted(cls):
        """'A, B or C' for a message naming what is accepted."""
        return ', '.join(cls.values())
