import django_filters
from django import forms

from cppcc.filters import YES_NO, KeywordFilterSet, YearFilter, submitted_in_year
from members.models import HandlingUnit, Member, Session, Term

from .models import Proposal, ProposalCategory, State


class ProposalFilterSet(KeywordFilterSet):
    search_fields = ("title", "background", "suggestions")
    unstyled = ("state",)
    state = django_filters.MultipleChoiceFilter(choices=State.choices, label="状态", distinct=False)
    category = django_filters.ModelChoiceFilter(
        queryset=ProposalCategory.objects.all(), label="类别", empty_label="全部"
    )
    term = django_filters.ModelChoiceFilter(queryset=Term.objects.all(), label="届次", empty_label="全部")
    session = django_filters.ModelChoiceFilter(queryset=Session.objects.all(), label="会议", empty_label="全部")
    year = YearFilter(method=submitted_in_year, label="年度")
    unit = django_filters.ModelChoiceFilter(
        queryset=HandlingUnit.objects.all(), method="filter_unit", label="承办单位", empty_label="全部"
    )
    proposer = django_filters.ModelChoiceFilter(
        queryset=Member.objects.all(), field_name="lead_proposer", label="提案人", empty_label="全部"
    )
    kind = django_filters.ChoiceFilter(choices=Proposal.Kind.choices, label="提案方式", empty_label="全部")
    is_key = django_filters.BooleanFilter(label="重点提案", widget=forms.Select(choices=YES_NO))
    overdue = django_filters.BooleanFilter(field_name="is_overdue", label="逾期", widget=forms.Select(choices=YES_NO))
    # 收到: submitted and not withdrawn (the statistics' "submitted"; the dashboard's links carry it).
    received = django_filters.BooleanFilter(
        method="filter_received", label="收到（不含撤回）", widget=forms.HiddenInput
    )
    reply_pending = django_filters.BooleanFilter(
        method="filter_reply_pending", label="待审核答复", widget=forms.Select(choices=YES_NO)
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("number", "number"),
            ("submitted_at", "submitted_at"),
            ("created_at", "created_at"),
            ("title", "title"),
        ),
        field_labels={"number": "提案号", "submitted_at": "提交时间", "created_at": "创建时间", "title": "案题"},
        label="排序",
    )

    class Meta:
        model = Proposal
        fields = [
            "q", "state", "category", "term", "session", "year", "unit", "proposer", "kind", "is_key", "overdue",
            "reply_pending", "received",
        ]  # fmt: skip

    def filter_received(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(submitted_at__isnull=False).exclude(state=State.WITHDRAWN)

    def filter_reply_pending(self, queryset, name, value):
        from .selectors import reply_pending

        if value is None:
            return queryset
        return queryset.filter(reply_pending()) if value else queryset.exclude(reply_pending())

    def filter_unit(self, queryset, name, value: HandlingUnit):
        if not value:
            return queryset
        return queryset.filter(pk__in=value.assignments.filter(is_active=True).values("proposal_id"))
