"""API of the performance assessment: `/api/v1/assessments/?year=YYYY` and `/api/v1/assessments/{member_id}/`.

Office and leaders read every member's result; a member reads their own only (another member's id
answers 404). The numbers come from `engine.score()`, the same computation as the pages.
"""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from cppcc.api import role_permission
from cppcc.filters import YEAR_MAX, YEAR_MIN, parse_id, parse_year
from cppcc.roles import Role, has_role
from members.models import Member

from . import engine, selectors
from .models import AssessmentScheme
from .serializers import AssessmentDetailSerializer, AssessmentSerializer

Readers = role_permission(*selectors.ASSESSMENT_READ_ROLES)
YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="考核年度，默认今年")
LIST_FILTERS = [
    YEAR,
    OpenApiParameter("group", OpenApiTypes.INT, description="委员组 id"),
    OpenApiParameter("sector", OpenApiTypes.INT, description="界别 id"),
    OpenApiParameter("party", OpenApiTypes.INT, description="党派 id"),
]


def _year(params) -> int:
    value = params.get("year")
    if value in (None, ""):
        return timezone.localdate().year
    year = parse_year(value)
    if year is None:
        raise serializers.ValidationError({"year": [f"年度应为 {YEAR_MIN}–{YEAR_MAX} 之间的四位数字。"]})
    return year


class AssessmentViewSet(viewsets.GenericViewSet):
    """委员履职量化考核结果：名次、总分、等次和各类得分；单个委员另含每一条计分明细（数量 × 分值 = 得分）
    和手工加减分理由。"""

    permission_classes = [Readers]
    serializer_class = AssessmentSerializer
    queryset = Member.objects.none()  # for the schema; results come from engine.score()
    lookup_url_kwarg = "member_id"
    lookup_value_regex = r"\d+"
    filter_backends = []

    @extend_schema(parameters=LIST_FILTERS)
    def list(self, request):
        year = _year(request.query_params)
        results = engine.score(year=year)
        user = request.user
        if not has_role(user, Role.OFFICE, Role.LEADER):
            results = [r for r in results if r.member.user_id == user.pk]
        for key, attr in (("group", "group_id"), ("sector", "sector_id"), ("party", "party_id")):
            value = parse_id(request.query_params.get(key))
            if value:
                results = [r for r in results if getattr(r.member, attr) == value]
        page = self.paginate_queryset(results)
        data = AssessmentSerializer(page, many=True, context={"year": year, "request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        parameters=[YEAR, OpenApiParameter("member_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=AssessmentDetailSerializer,
    )
    def retrieve(self, request, member_id=None):
        year = _year(request.query_params)
        member = selectors.assessment_member_get(user=request.user, pk=member_id)
        if not AssessmentScheme.objects.filter(year=year).exists():
            raise Http404(f"{year}年度尚无考核办法。")
        result = engine.member_score(year=year, member=member)
        return Response(AssessmentDetailSerializer(result, context={"year": year, "request": request}).data)
