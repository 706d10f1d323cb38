import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from cppcc.filters import YES_NO, IdFilter, KeywordFilterSet, YearFilter
from members.models import HandlingUnit, SpecialCommittee

from .models import Inspection, Kind, Recommendation, State


class InspectionFilterSet(KeywordFilterSet):
    search_fields = ("activity__title", "topic")
    type = django_filters.ChoiceFilter(field_name="kind", choices=Kind.choices, label="类型", empty_label="全部")
    state = django_filters.ChoiceFilter(choices=State.choices, label="状态", empty_label="全部")
    year = YearFilter(field_name="activity__start_date", lookup_expr="year", label="年度")
    committee = django_filters.ModelChoiceFilter(
        queryset=SpecialCommittee.objects.all(),
        field_name="activity__organiser_committee",
        label="专委会",
        empty_label="全部",
    )

    class Meta:
        model = Inspection
        fields = ["q", "type", "state", "year", "committee"]


class RecommendationFilterSet(KeywordFilterSet):
    search_fields = ("text", "inspection__topic", "inspection__activity__title")
    state = django_filters.ChoiceFilter(choices=Recommendation.State.choices, label="状态", empty_label="全部")
    type = django_filters.ChoiceFilter(
        field_name="inspection__kind", choices=Kind.choices, label="类型", empty_label="全部"
    )
    inspection = IdFilter(field_name="inspection_id", label="活动")
    unit = django_filters.ModelChoiceFilter(queryset=HandlingUnit.objects.all(), label="承办单位", empty_label="全部")
    year = YearFilter(field_name="inspection__activity__start_date", lookup_expr="year", label="年度")
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期", widget=forms.Select(choices=YES_NO))

    class Meta:
        model = Recommendation
        fields = ["q", "state", "type", "inspection", "unit", "year", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(state=Recommendation.State.SENT, due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
