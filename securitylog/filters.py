import django_filters
from django import forms

from .models import SecurityEvent


class SecurityEventFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_username", lookup_expr="icontains", label="操作人")
    action = django_filters.ChoiceFilter(choices=SecurityEvent.Action.choices, label="事件", empty_label="全部")
    outcome = django_filters.ChoiceFilter(choices=SecurityEvent.Outcome.choices, label="结果", empty_label="全部")
    object_type = django_filters.CharFilter(lookup_expr="iexact", label="对象类型")
    object_id = django_filters.CharFilter(label="对象ID")
    ip = django_filters.CharFilter(lookup_expr="startswith", label="来源地址")
    date_from = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label="起始日期", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label="截止日期", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = SecurityEvent
        fields = ["actor", "action", "outcome", "object_type", "object_id", "ip", "date_from", "date_to"]
