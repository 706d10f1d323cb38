"""API of activities and attendance: `/api/v1/activities/`, `/api/v1/attendance/`.

Every casework role reads the activities; the office records them and their attendance; members sign
themselves up (`POST /activities/{id}/signup/`) and read their own attendance only.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from cppcc.api import role_permission
from cppcc.drf_viewsets import SelectorViewSet, ServiceWritesMixin
from cppcc.roles import Role

from . import selectors, services
from .filters import ActivityFilterSet, AttendanceFilterSet
from .serializers import (
    ActivitySerializer,
    ActivityWriteSerializer,
    AttendanceSerializer,
    AttendanceUpdateSerializer,
    AttendanceWriteSerializer,
)

ActivityReaders = role_permission(*selectors.ACTIVITY_READ_ROLES, write_roles=(Role.OFFICE,))
AttendanceReaders = role_permission(*selectors.ATTENDANCE_READ_ROLES, write_roles=(Role.OFFICE,))
MembersOnly = role_permission(Role.MEMBER, write_roles=(Role.MEMBER,))
SIGNUP_RESPONSES = {
    200: AttendanceSerializer,
    403: OpenApiResponse(description="只有在任委员本人可以报名"),
    404: OpenApiResponse(description="活动不存在"),
    409: OpenApiResponse(description="未开放报名、已截止、名额已满或已登记"),
}
CANCEL_RESPONSES = {code: response for code, response in SIGNUP_RESPONSES.items() if code != 200}


class ActivityViewSet(ServiceWritesMixin, SelectorViewSet):
    """履职活动（会议、培训、委员组活动、交流、公益、宣传…），含出勤人数。协商活动和视察调研由各自的接口登记，
    这里只读其出勤；过滤：`kind`、`year`、`organiser_group`、`organiser_committee`、`q`。"""

    permission_classes = [ActivityReaders]
    filterset_class = ActivityFilterSet
    list_selector = selectors.activity_list
    get_selector = selectors.activity_get
    serializer_class = ActivitySerializer
    create_serializer_class = ActivityWriteSerializer

    def get_permissions(self):
        if self.action in ("signup", "cancel_signup"):
            return [MembersOnly()]
        return super().get_permissions()

    def create_record(self, data):
        return services.activity_save(actor=self.request.user, data=data)

    def update_record(self, activity, data):
        services.activity_save(actor=self.request.user, activity=activity, data=data)

    @extend_schema(request=None, responses=SIGNUP_RESPONSES, summary="委员报名")
    @action(detail=True, methods=["post"])
    def signup(self, request, pk=None):
        attendance = services.activity_signup(actor=request.user, activity=self.get_object())
        return Response(AttendanceSerializer(attendance).data)

    @extend_schema(request=None, responses={204: None, **CANCEL_RESPONSES}, summary="委员取消报名")
    @action(detail=True, methods=["post"], url_path="cancel-signup")
    def cancel_signup(self, request, pk=None):
        services.activity_signup_cancel(actor=request.user, activity=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttendanceViewSet(ServiceWritesMixin, mixins.DestroyModelMixin, SelectorViewSet):
    """出勤记录：机关和领导看全部，委员只看本人；机关登记（同一委员同一活动再登记即更新）、修改和移除。
    过滤：`activity`、`member`、`year`、`kind`、`status`。"""

    permission_classes = [AttendanceReaders]
    filterset_class = AttendanceFilterSet
    list_selector = selectors.attendance_list
    get_selector = selectors.attendance_get
    serializer_class = AttendanceSerializer
    create_serializer_class = AttendanceWriteSerializer
    update_serializer_class = AttendanceUpdateSerializer

    def _record(self, *, activity, member_id, data):
        extra = {}
        if "speeches" in data:
            extra["speeches"] = {member_id: data["speeches"]}
        if "note" in data:
            extra["notes"] = {member_id: data["note"]}
        services.attendance_record(
            actor=self.request.user, activity=activity, entries={member_id: data["status"]}, **extra
        )
        return selectors.attendance_list(user=self.request.user).get(activity=activity, member_id=member_id)

    def create_record(self, data):
        activity, member = data.pop("activity"), data.pop("member")
        return self._record(activity=activity, member_id=member.pk, data=data)

    def update_record(self, row, data):
        self._record(activity=row.activity, member_id=row.member_id, data={"status": row.status, **data})

    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        services.attendance_remove(actor=request.user, activity=row.activity, member_ids=[row.member_id])
        return Response(status=status.HTTP_204_NO_CONTENT)
