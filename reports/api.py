from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from cppcc.api import role_permission

from . import selectors, statistics


class AnnualReportView(APIView):
    """年度工作报告统计：每个数字都是数据库聚合，与仪表盘、Word 报告和 Excel 工作簿一致。"""

    permission_classes = [role_permission(*selectors.READ_ROLES)]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="年度，默认本年"),
            OpenApiParameter("term", int, description="届次 id（统计整届）"),
            OpenApiParameter("start", OpenApiTypes.DATE, description="起始日期（与 end 一起使用）"),
            OpenApiParameter("end", OpenApiTypes.DATE, description="截止日期"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        period = selectors.period_from_params(request.query_params)
        return Response(statistics.annual(period))
