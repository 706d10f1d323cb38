"""Filters shared by the apps' FilterSets, and the same bounds for values views read by hand."""

import datetime as dt
import operator
from functools import reduce

import django_filters
from django import forms
from django.db.models import Q

YEAR_MIN, YEAR_MAX = 1900, 2100
# The largest id a database column holds (bigint); a larger number is no id of anything.
ID_MAX = 2**63 - 1
# The choices of a yes/no filter shown as a select ("" for either).
YES_NO = [("", "全部"), ("true", "是"), ("false", "否")]


class _WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField
    min_value = max_value = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", self.min_value)
        kwargs.setdefault("max_value", self.max_value)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None


class YearFilter(_WholeNumberFilter):
    """A calendar year, a whole number from 1900 to 2100.

    A plain NumberFilter takes any decimal up to 1e50; `__year` lookups then overflow in
    `datetime.date()` and integer columns overflow on PostgreSQL — a 500 for `?year=-1e20`.
    Bounded, a wrong year is a form error, i.e. a 400 on the API and an ignored filter on pages.
    """

    min_value, max_value = YEAR_MIN, YEAR_MAX


class IdFilter(_WholeNumberFilter):
    """An id given as a number: a whole number from 1 to the largest bigint. A plain NumberFilter passes
    10**30 to the database, which cannot bind it (OverflowError on SQLite: a 500)."""

    min_value, max_value = 1, ID_MAX


def _whole_number(value) -> int | None:
    # str.isdigit() also accepts "²" (int() refuses it: a 500) and other scripts' digits; only ASCII counts.
    value = str(value if value is not None else "").strip()
    return int(value) if value.isascii() and value.isdigit() else None


def parse_year(value, default: int | None = None) -> int | None:
    """A year read by hand from request data (views without a FilterSet), bounded like YearFilter:
    anything that is not a whole number from YEAR_MIN to YEAR_MAX gives `default`."""
    year = _whole_number(value)
    return year if year is not None and YEAR_MIN <= year <= YEAR_MAX else default


def parse_id(value) -> int | None:
    """A positive id read by hand from request data, or None for an empty, malformed or impossible one."""
    pk = _whole_number(value)
    return pk if pk is not None and 0 < pk <= ID_MAX else None


def parse_date_param(value) -> dt.date | None:
    """A YYYY-MM-DD date read by hand from request data, or None for anything else (99999-01-01, 2026-02-30)."""
    try:
        return dt.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        return None


class StyledFilterSet(django_filters.FilterSet):
    """A FilterSet whose form fields carry Bootstrap's small classes: an input for `text_fields`, a select
    for the others; the fields in `unstyled` keep their widget's own look."""

    text_fields: tuple[str, ...] = ("q", "year")
    unstyled: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            if name in self.unstyled:
                continue
            css = "form-control form-control-sm" if name in self.text_fields else "form-select form-select-sm"
            field.widget.attrs.setdefault("class", css)


class KeywordFilterSet(StyledFilterSet):
    """A styled FilterSet with `q`, a keyword looked for (icontains) in any of `search_fields`;
    a list that searches otherwise overrides `search_q`."""

    q = django_filters.CharFilter(method="search", label="关键词")
    search_fields: tuple[str, ...] = ()

    def search_q(self, value: str) -> Q:
        return reduce(operator.or_, (Q(**{f"{name}__icontains": value}) for name in self.search_fields))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(self.search_q(value))


def submitted_in_year(queryset, name, value):
    """A `year` filter's method for records submitted in that year, or not yet submitted and created in it."""
    if not value:
        return queryset
    return queryset.filter(Q(submitted_at__year=value) | Q(submitted_at__isnull=True, created_at__year=value))
