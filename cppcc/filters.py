"""Filters shared by the apps' FilterSets."""

import django_filters
from django import forms


class YearFilter(django_filters.NumberFilter):
    """A calendar year, a whole number from 1900 to 2100.

    A plain NumberFilter takes any decimal up to 1e50; `__year` lookups then overflow in
    `datetime.date()` and integer columns overflow on PostgreSQL — a 500 for `?year=-1e20`.
    Bounded, a wrong year is a form error, i.e. a 400 on the API and an ignored filter on pages.
    """

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2100)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None
