from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cppcc.api import action_roles, role_permission
from cppcc.lifecycle import LifecycleActionsMixin
from cppcc.roles import Role
from supervision.serializers import (
    ActivityAttendanceResultSerializer,
    ActivityAttendanceSerializer,
    ActivityAttendanceWriteSerializer,
)

from . import selectors, serializers, services, workflow
from .filters import ActivityFilterSet, OutcomeFilterSet, TopicFilterSet
from .models import ConsultationActivity, ConsultationOutcome, ConsultationPlan, ConsultationTopic

# Writes are decided by the services (role → scope → state), so every reader may reach them.
PlanReaders = role_permission(*selectors.PLAN_READ_ROLES, write_roles=selectors.PLAN_READ_ROLES)
TopicReaders = role_permission(*selectors.TOPIC_READ_ROLES, write_roles=selectors.TOPIC_READ_ROLES)
ActivityReaders = role_permission(*selectors.ACTIVITY_READ_ROLES, write_roles=selectors.ACTIVITY_READ_ROLES)
OutcomeReaders = role_permission(*selectors.OUTCOME_READ_ROLES, write_roles=selectors.OUTCOME_READ_ROLES)

WRITE = ("create", "update", "partial_update")


class ConsultationPlanViewSet(
    LifecycleActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """年度协商计划：机关编制，经区委审定（`approve`）。"""

    permission_classes = [PlanReaders, action_roles(**dict.fromkeys(WRITE, (Role.OFFICE,)))]
    queryset = ConsultationPlan.objects.none()  # for the schema; requests use the selector
    filterset_fields = ["year", "state"]
    lifecycle = workflow.PLAN
    action_response_serializer = serializers.ConsultationPlanDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConsultationPlan.objects.none()
        return selectors.plan_list(user=self.request.user)

    def get_object(self):
        return selectors.plan_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ConsultationPlanSerializer
        if self.action in WRITE:
            return serializers.ConsultationPlanWriteSerializer
        return serializers.ConsultationPlanDetailSerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        plan = selectors.plan_get(user=self.request.user, pk=pk)
        return Response(
            serializers.ConsultationPlanDetailSerializer(plan, context=self.get_serializer_context()).data, code
        )

    @extend_schema(responses={201: serializers.ConsultationPlanDetailSerializer})
    def create(self, request, *args, **kwargs):
        payload = serializers.ConsultationPlanWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = services.plan_create(actor=request.user, **payload.validated_data)
        return self._detail(plan.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.ConsultationPlanDetailSerializer})
    def update(self, request, *args, **kwargs):
        plan = self.get_object()
        payload = serializers.ConsultationPlanWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = {k: v for k, v in payload.validated_data.items() if k in ("title", "description")}
        services.plan_update(actor=request.user, plan=plan, data=data)
        return self._detail(plan.pk)


class ConsultationTopicViewSet(
    LifecycleActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """协商议题：来源（出题、征题、选题、点题、汇题），经汇题、定题、安排、协商、报送成果到办结；
    状态流转通过 `POST /consultation-topics/{id}/{action}/`。"""

    permission_classes = [TopicReaders, action_roles(**dict.fromkeys(WRITE, (Role.OFFICE, Role.MEMBER)))]
    filterset_class = TopicFilterSet
    queryset = ConsultationTopic.objects.none()  # for the schema; requests use the selector
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lifecycle = workflow.TOPIC
    action_response_serializer = serializers.ConsultationTopicDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConsultationTopic.objects.none()
        return selectors.topic_list(user=self.request.user)

    def get_object(self):
        return selectors.topic_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ConsultationTopicListSerializer
        if self.action == "create":
            return serializers.ConsultationTopicWriteSerializer
        if self.action in ("update", "partial_update"):
            return serializers.ConsultationTopicUpdateSerializer
        return serializers.ConsultationTopicDetailSerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        topic = selectors.topic_get(user=self.request.user, pk=pk)
        return Response(
            serializers.ConsultationTopicDetailSerializer(topic, context=self.get_serializer_context()).data, code
        )

    @extend_schema(responses={201: serializers.ConsultationTopicDetailSerializer})
    def create(self, request, *args, **kwargs):
        payload = serializers.ConsultationTopicWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        topic = services.topic_create(actor=request.user, data=dict(payload.validated_data))
        return self._detail(topic.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.ConsultationTopicDetailSerializer})
    def update(self, request, *args, **kwargs):
        topic = self.get_object()
        payload = serializers.ConsultationTopicUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        services.topic_update(actor=request.user, topic=topic, data=dict(payload.validated_data))
        return self._detail(topic.pk)

    @extend_schema(responses=serializers.ConsultationEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        events = selectors.topic_events(user=request.user, pk=pk)
        return Response(serializers.ConsultationEventSerializer(events, many=True).data)


class ConsultationActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """协商活动（会议、调研走访）：日期、地点、参加部门、发言；参加委员通过 `attendance` 登记。"""

    permission_classes = [
        ActivityReaders,
        action_roles(**dict.fromkeys((*WRITE, "attendance", "speeches"), (Role.OFFICE,))),
    ]
    filterset_class = ActivityFilterSet
    queryset = ConsultationActivity.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConsultationActivity.objects.none()
        return selectors.activity_list(user=self.request.user)

    def get_object(self):
        return selectors.activity_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ConsultationActivitySerializer
        if self.action == "create":
            return serializers.ConsultationActivityWriteSerializer
        if self.action in ("update", "partial_update"):
            return serializers.ConsultationActivityUpdateSerializer
        return serializers.ConsultationActivityDetailSerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        consultation = selectors.activity_get(user=self.request.user, pk=pk)
        data = serializers.ConsultationActivityDetailSerializer(
            consultation, context=self.get_serializer_context()
        ).data
        return Response(data, code)

    @extend_schema(responses={201: serializers.ConsultationActivityDetailSerializer})
    def create(self, request, *args, **kwargs):
        payload = serializers.ConsultationActivityWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        consultation = services.activity_add(actor=request.user, topic=data.pop("topic"), data=data)
        return self._detail(consultation.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.ConsultationActivityDetailSerializer})
    def update(self, request, *args, **kwargs):
        consultation = self.get_object()
        payload = serializers.ConsultationActivityUpdateSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        payload.is_valid(raise_exception=True)
        services.activity_update(actor=request.user, consultation=consultation, data=dict(payload.validated_data))
        return self._detail(consultation.pk)

    @extend_schema(methods=["GET"], request=None, responses=ActivityAttendanceSerializer(many=True), summary="参加委员")
    @extend_schema(
        methods=["POST"],
        request=ActivityAttendanceWriteSerializer,
        responses=ActivityAttendanceResultSerializer,
        summary="登记参加委员",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def attendance(self, request, pk=None):
        consultation = self.get_object()
        if request.method == "POST":
            payload = ActivityAttendanceWriteSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            written = services.activity_attendance(
                actor=request.user, consultation=consultation, entries=payload.validated_data["entries"]
            )
            rows = selectors.attendance_rows(activity=consultation.activity)
            return Response({"written": written, "attendances": ActivityAttendanceSerializer(rows, many=True).data})
        rows = selectors.attendance_rows(activity=consultation.activity)
        return Response(ActivityAttendanceSerializer(rows, many=True).data)

    @extend_schema(
        request=serializers.ConsultationSpeechWriteSerializer, responses={201: serializers.ConsultationSpeechSerializer}
    )
    @action(detail=True, methods=["post"])
    def speeches(self, request, pk=None):
        consultation = self.get_object()
        payload = serializers.ConsultationSpeechWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        speech = services.speech_add(actor=request.user, consultation=consultation, **payload.validated_data)
        return Response(serializers.ConsultationSpeechSerializer(speech).data, status=status.HTTP_201_CREATED)


class ConsultationOutcomeViewSet(
    LifecycleActionsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """协商成果及其办理：批办（领导）→ 交办（机关，定期限）→ 承办（单位签收）→ 督办（机关或领导）→ 反馈（单位）。
    成果由议题的 `submit_outcome` 报送；承办单位只能看到交给本单位的成果和本单位的办理环节。"""

    permission_classes = [OutcomeReaders]
    filterset_class = OutcomeFilterSet
    queryset = ConsultationOutcome.objects.none()  # for the schema; requests use the selector
    lifecycle = workflow.OUTCOME
    action_response_serializer = serializers.OutcomeDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConsultationOutcome.objects.none()
        return selectors.outcome_list(user=self.request.user)

    def get_object(self):
        return selectors.outcome_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.OutcomeListSerializer
        return serializers.OutcomeDetailSerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        outcome = selectors.outcome_get(user=self.request.user, pk=pk)
        return Response(serializers.OutcomeDetailSerializer(outcome, context=self.get_serializer_context()).data, code)

    @extend_schema(responses=serializers.ConsultationEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        events = selectors.outcome_events(user=request.user, pk=pk)
        return Response(serializers.ConsultationEventSerializer(events, many=True).data)

    @extend_schema(
        request={"multipart/form-data": serializers.OutcomeFileUploadSerializer},
        responses={201: serializers.OutcomeFileSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def files(self, request, pk=None):
        outcome = self.get_object()
        upload = serializers.OutcomeFileUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        stored = services.outcome_file_add(actor=request.user, outcome=outcome, upload=upload.validated_data["file"])
        return Response(serializers.OutcomeFileSerializer(stored).data, status=status.HTTP_201_CREATED)
