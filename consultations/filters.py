import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from cppcc.filters import IdFilter, YearFilter
from cppcc.roles import Role, has_role
from members.models import HandlingUnit, SpecialCommittee

from .models import (
    ConsultationActivity,
    ConsultationOutcome,
    ConsultationPlan,
    ConsultationTopic,
    Form,
    OutcomeAssignment,
    OutcomeState,
    Source,
    TopicState,
)

QUARTERS = [(1, "第一季度"), (2, "第二季度"), (3, "第三季度"), (4, "第四季度")]
YES_NO = [("", "全部"), ("true", "是"), ("false", "否")]


class _Styled(django_filters.FilterSet):
    text_fields = ("q", "year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.form.fields.items():
            css = "form-control form-control-sm" if name in self.text_fields else "form-select form-select-sm"
            field.widget.attrs.setdefault("class", css)


class TopicFilterSet(_Styled):
    q = django_filters.CharFilter(method="search", label="关键词")
    plan = django_filters.ModelChoiceFilter(
        queryset=ConsultationPlan.objects.all(), label="年度计划", empty_label="全部"
    )
    year = YearFilter(field_name="plan__year", label="年度")
    state = django_filters.MultipleChoiceFilter(choices=TopicState.choices, label="状态")
    source = django_filters.ChoiceFilter(choices=Source.choices, label="来源", empty_label="全部")
    form = django_filters.ChoiceFilter(choices=Form.choices, label="协商形式", empty_label="全部")
    committee = django_filters.ModelChoiceFilter(
        queryset=SpecialCommittee.objects.all(), field_name="lead_committee", label="牵头专委会", empty_label="全部"
    )
    quarter = django_filters.ChoiceFilter(
        field_name="planned_quarter", choices=QUARTERS, label="计划季度", empty_label="全部"
    )

    class Meta:
        model = ConsultationTopic
        fields = ["q", "plan", "year", "state", "source", "form", "committee", "quarter"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(suggested_by__icontains=value)
        )


class ActivityFilterSet(_Styled):
    q = django_filters.CharFilter(method="search", label="关键词")
    topic = IdFilter(field_name="topic_id", label="议题")
    year = YearFilter(field_name="activity__start_date", lookup_expr="year", label="年度")
    form = django_filters.ChoiceFilter(choices=Form.choices, label="协商形式", empty_label="全部")

    class Meta:
        model = ConsultationActivity
        fields = ["q", "topic", "year", "form"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(activity__title__icontains=value) | Q(topic__title__icontains=value))


class OutcomeFilterSet(_Styled):
    q = django_filters.CharFilter(method="search", label="关键词")
    state = django_filters.MultipleChoiceFilter(choices=OutcomeState.choices, label="状态")
    year = YearFilter(field_name="topic__plan__year", label="年度")
    unit = django_filters.ModelChoiceFilter(
        queryset=HandlingUnit.objects.all(), method="filter_unit", label="承办单位", empty_label="全部"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期", widget=forms.Select(choices=YES_NO))

    class Meta:
        model = ConsultationOutcome
        fields = ["q", "state", "year", "unit", "overdue"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(topic__title__icontains=value))

    def filter_unit(self, queryset, name, value: HandlingUnit):
        if not value:
            return queryset
        return queryset.filter(pk__in=value.outcome_assignments.values("outcome_id"))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = OutcomeAssignment.objects.filter(fed_back_at__isnull=True, due_date__lt=timezone.localdate())
        user = getattr(self.request, "user", None)
        if user is not None and not has_role(user, Role.OFFICE, Role.LEADER):
            late = late.filter(unit__users=user)  # a unit learns nothing about other units' handling
        late = late.values("outcome_id")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)
