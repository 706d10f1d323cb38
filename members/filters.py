import django_filters
from django import forms
from django.db.models import Q

from cppcc.filters import YES_NO, KeywordFilterSet

from .models import HandlingUnit, Member, MemberGroup, Party, Sector, SpecialCommittee, Term


class MemberFilterSet(KeywordFilterSet):
    sector = django_filters.ModelChoiceFilter(queryset=Sector.objects.all(), label="界别", empty_label="全部")
    party = django_filters.ModelChoiceFilter(queryset=Party.objects.all(), label="党派", empty_label="全部")
    group = django_filters.ModelChoiceFilter(queryset=MemberGroup.objects.all(), label="委员组", empty_label="全部")
    committee = django_filters.ModelChoiceFilter(
        field_name="committees", queryset=SpecialCommittee.objects.all(), label="专委会", empty_label="全部"
    )
    term = django_filters.ModelChoiceFilter(
        field_name="terms", queryset=Term.objects.all(), label="届次", empty_label="全部"
    )
    status = django_filters.ChoiceFilter(choices=Member.Status.choices, label="状态", empty_label="全部")
    gender = django_filters.ChoiceFilter(choices=Member.Gender.choices, label="性别", empty_label="全部")
    post = django_filters.ChoiceFilter(choices=Member.Post.choices[1:], label="领导职务", empty_label="全部")
    is_standing = django_filters.BooleanFilter(label="常委", widget=forms.Select(choices=YES_NO))
    order = django_filters.ChoiceFilter(
        method="order_by",
        choices=[("stroke", "按姓氏笔画"), ("pinyin", "按拼音")],
        label="排序",
        empty_label="按姓氏笔画",
    )

    class Meta:
        model = Member
        fields = ["q", "sector", "party", "group", "committee", "term", "status", "gender", "post", "is_standing"]

    def search_q(self, value):
        return (
            Q(name__icontains=value)
            | Q(name_pinyin__icontains=value.lower())
            | Q(employer__icontains=value)
            | Q(title__icontains=value)
        )

    def order_by(self, queryset, name, value):
        if value == "pinyin":
            return queryset.order_by("name_pinyin", "id")
        return queryset.order_by("name_stroke_key", "id")


class HandlingUnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="名称")

    class Meta:
        model = HandlingUnit
        fields = ["q", "kind", "is_active"]
