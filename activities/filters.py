"""Filters of the activity and attendance lists — one FilterSet per list, for the page and the API."""

import django_filters

from cppcc.filters import KeywordFilterSet, StyledFilterSet, YearFilter
from members.models import MemberGroup, SpecialCommittee

from .models import Activity, Attendance


class ActivityFilterSet(KeywordFilterSet):
    search_fields = ("title", "place")
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices, label="类型", empty_label="全部")
    year = YearFilter(field_name="start_date", lookup_expr="year", label="年度")
    organiser_group = django_filters.ModelChoiceFilter(
        queryset=MemberGroup.objects.all(), label="组织委员组", empty_label="全部"
    )
    organiser_committee = django_filters.ModelChoiceFilter(
        queryset=SpecialCommittee.objects.all(), label="组织专委会", empty_label="全部"
    )

    class Meta:
        model = Activity
        fields = ["q", "kind", "year", "organiser_group", "organiser_committee"]


class AttendanceFilterSet(StyledFilterSet):
    year = YearFilter(field_name="activity__start_date", lookup_expr="year", label="年度")
    kind = django_filters.ChoiceFilter(
        field_name="activity__kind", choices=Activity.Kind.choices, label="活动类型", empty_label="全部"
    )
    status = django_filters.ChoiceFilter(choices=Attendance.Status.choices, label="出勤", empty_label="全部")

    class Meta:
        model = Attendance
        fields = ["activity", "member", "year", "kind", "status"]
