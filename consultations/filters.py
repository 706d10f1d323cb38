import django_filters
from django import forms
from django.utils import timezone

from cppcc.filters import YES_NO, IdFilter, KeywordFilterSet, YearFilter
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


class TopicFilterSet(KeywordFilterSet):
    search_fields = ("title", "description", "suggested_by")
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


class ActivityFilterSet(KeywordFilterSet):
    search_fields = ("activity__title", "topic__title")
    topic = IdFilter(field_name="topic_id", label="议题")
    year = YearFilter(field_name="activity__start_date", lookup_expr="year", label="年度")
    form = django_filters.ChoiceFilter(choices=Form.choices, label="协商形式", empty_label="全部")

    class Meta:
        model = ConsultationActivity
        fields = ["q", "topic", "year", "form"]


class OutcomeFilterSet(KeywordFilterSet):
    search_fields = ("title", "topic__title")
    state = django_filters.MultipleChoiceFilter(choices=OutcomeState.choices, label="状态")
    year = YearFilter(field_name="topic__plan__year", label="年度")
    unit = django_filters.ModelChoiceFilter(
        queryset=HandlingUnit.objects.all(), method="filter_unit", label="承办单位", empty_label="全部"
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期", widget=forms.Select(choices=YES_NO))

    class Meta:
        model = ConsultationOutcome
        fields = ["q", "state", "year", "unit", "overdue"]

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
