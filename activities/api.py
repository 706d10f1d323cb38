"""API of activities and attendance: `/api/v1/activities/`, `/api/v1/attendance/`.

Every casework role reads the activities; the office records them and their attendance; members sign
themselves up (`POST /activities/{id}/signup/`) and read their own attendance only.
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cppcc.api import role_permission
from cppcc.roles import Role

from . import selectors, services
from .filters import ActivityFilterSet, AttendanceFilterSet
from .models import Activity, Attendance
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


class ActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """履职活动（会议、培训、委员组活动、交流、公益、宣传…），含出勤人数。协商活动和视察调研由各自的接口登记，
    这里只读其出勤；过滤：`kind`、`year`、`organiser_group`、`organiser_committee`、`q`。"""

    permission_classes = [ActivityReaders]
    filterset_class = ActivityFilterSet
    queryset = Activity.objects.none()  # for the schema; requests use the selector
    serializer_class = ActivitySerializer

    def get_permissions(self):
        if self.action in ("signup", "cancel_signup"):
            return [MembersOnly()]
        return super().get_permissions()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Activity.objects.none()
        return selectors.activity_list(user=self.request.user)

    def get_object(self):
        return selectors.activity_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return ActivityWriteSerializer
        return ActivitySerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        activity = selectors.activity_get(user=self.request.user, pk=pk)
        return Response(ActivitySerializer(activity, context=self.get_serializer_context()).data, code)

    @extend_schema(responses={201: ActivitySerializer})
    def create(self, request, *args, **kwargs):
        payload = ActivityWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        activity = services.activity_save(actor=request.user, data=payload.validated_data)
        return self._detail(activity.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: ActivitySerializer})
    def update(self, request, *args, **kwargs):
        activity = self.get_object()
        payload = ActivityWriteSerializer(activity, data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        services.activity_save(actor=request.user, activity=activity, data=payload.validated_data)
        return self._detail(activity.pk)

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


class AttendanceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """出勤记录：机关和领导看全部，委员只看本人；机关登记（同一委员同一活动再登记即更新）、修改和移除。
    过滤：`activity`、`member`、`year`、`kind`、`status`。"""

    permission_classes = [AttendanceReaders]
    filterset_class = AttendanceFilterSet
    queryset = Attendance.objects.none()  # for the schema; requests use the selector
    serializer_class = AttendanceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attendance.objects.none()
        return selectors.attendance_list(user=self.request.user)

    def get_object(self):
        return selectors.attendance_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "create":
            return AttendanceWriteSerializer
        if self.action in ("update", "partial_update"):
            return AttendanceUpdateSerializer
        return AttendanceSerializer

    def _record(self, *, activity, member_id, data):
        extra = {}
        if "speeches" in data:
            extra["speeches"] = {member_id: data["speeches"]}
        if "note" in data:
            extra["notes"] = {member_id: data["note"]}
        services.attendance_record(
            actor=self.request.user, activity=activity, entries={member_id: data["status"]}, **extra
        )
        row = selectors.attendance_list(user=self.request.user).get(activity=activity, member_id=member_id)
        return AttendanceSerializer(row).data

    @extend_schema(responses={201: AttendanceSerializer})
    def create(self, request, *args, **kwargs):
        payload = AttendanceWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        activity, member = data.pop("activity"), data.pop("member")
        return Response(self._record(activity=activity, member_id=member.pk, data=data), status.HTTP_201_CREATED)

    @extend_schema(responses={200: AttendanceSerializer})
    def update(self, request, *args, **kwargs):
        row = self.get_object()
        payload = AttendanceUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        data = {"status": row.status, **payload.validated_data}
        return Response(self._record(activity=row.activity, member_id=row.member_id, data=data))

    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        services.attendance_remove(actor=request.user, activity=row.activity, member_ids=[row.member_id])
        return Response(status=status.HTTP_204_NO_CONTENT)
