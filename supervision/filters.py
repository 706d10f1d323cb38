import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from cppcc.filters import IdFilter, YearFilter
from members.models import HandlingUnit, SpecialCommittee

from .models import Inspection, Kind, Recommendation, State

YES_NO = [("", "全部"), ("true", "是"), ("false", "否")]


def _style(filterset, text_fields=("q", "year")):
    for name, field in filterset.form.fields.items():
        css = "form-control form-control-sm" if name in text_fields else "form-select form-select-sm"
        field.widget.attrs.setdefault("class", css)


class InspectionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(activity__title__icontains=value) | Q(topic__icontains=value))


class RecommendationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="关键词")
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(text__icontains=value)
            | Q(inspection__topic__icontains=value)
            | Q(inspection__activity__title__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(state=Recommendation.State.SENT, due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)
