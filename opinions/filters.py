"""One FilterSet for the report lists, used by the pages and the API alike."""

import django_filters
from django import forms
from django.db.models import Q

from cppcc.filters import YES_NO, KeywordFilterSet, YearFilter, submitted_in_year
from members.models import HandlingUnit

from .models import (
    OpinionAdoption,
    OpinionAuthor,
    OpinionCategory,
    OpinionLevel,
    OpinionReferral,
    OpinionReport,
    OpinionState,
)


class OpinionFilterSet(KeywordFilterSet):
    unstyled = ("state",)
    state = django_filters.MultipleChoiceFilter(choices=OpinionState.choices, label="状态")
    category = django_filters.ModelChoiceFilter(
        queryset=OpinionCategory.objects.all(), label="类别", empty_label="全部"
    )
    level = django_filters.ChoiceFilter(
        choices=OpinionLevel.choices, method="filter_level", label="采用层级", empty_label="全部"
    )
    year = YearFilter(method=submitted_in_year, label="年度")
    unit = django_filters.ModelChoiceFilter(
        queryset=HandlingUnit.objects.all(), method="filter_unit", label="转交部门", empty_label="全部"
    )
    from_proposal = django_filters.BooleanFilter(
        field_name="proposal",
        lookup_expr="isnull",
        exclude=True,
        label="由提案转来",
        widget=forms.Select(choices=YES_NO),
    )

    class Meta:
        model = OpinionReport
        fields = ["q", "state", "category", "level", "year", "unit", "from_proposal"]

    def search_q(self, value):
        by_author = OpinionAuthor.objects.filter(member__name__icontains=value).values("report_id")
        return Q(title__icontains=value) | Q(content__icontains=value) | Q(pk__in=by_author)

    def filter_level(self, queryset, name, value: str):
        if not value:
            return queryset
        return queryset.filter(pk__in=OpinionAdoption.objects.filter(level=value).values("report_id"))

    def filter_unit(self, queryset, name, value: HandlingUnit):
        if not value:
            return queryset
        return queryset.filter(pk__in=OpinionReferral.objects.filter(unit=value).values("report_id"))
