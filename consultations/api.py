from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cppcc.api import action_roles, role_permission
from cppcc.drf_viewsets import (
    WRITE_ACTIONS,
    SelectorViewSet,
    ServiceWritesMixin,
    attendance_action,
    events_action,
    upload_action,
)
from cppcc.lifecycle import LifecycleActionsMixin
from cppcc.roles import Role
from supervision.serializers import (
    ActivityAttendanceResultSerializer,
    ActivityAttendanceSerializer,
    ActivityAttendanceWriteSerializer,
)

from . import selectors, serializers, services, workflow
from .filters import ActivityFilterSet, OutcomeFilterSet, TopicFilterSet

# Writes are decided by the services (role → scope → state), so every reader may reach them.
PlanReaders = role_permission(*selectors.PLAN_READ_ROLES, write_roles=selectors.PLAN_READ_ROLES)
TopicReaders = role_permission(*selectors.TOPIC_READ_ROLES, write_roles=selectors.TOPIC_READ_ROLES)
ActivityReaders = role_permission(*selectors.ACTIVITY_READ_ROLES, write_roles=selectors.ACTIVITY_READ_ROLES)
OutcomeReaders = role_permission(*selectors.OUTCOME_READ_ROLES, write_roles=selectors.OUTCOME_READ_ROLES)


class ConsultationPlanViewSet(LifecycleActionsMixin, ServiceWritesMixin, SelectorViewSet):
    """年度协商计划：机关编制，经区委审定（`approve`）。"""

    permission_classes = [PlanReaders, action_roles(**dict.fromkeys(WRITE_ACTIONS, (Role.OFFICE,)))]
    filterset_fields = ["year", "state"]
    lifecycle = workflow.PLAN
    list_selector = selectors.plan_list
    get_selector = selectors.plan_get
    serializer_class = serializers.ConsultationPlanDetailSerializer
    list_serializer_class = serializers.ConsultationPlanSerializer
    create_serializer_class = serializers.ConsultationPlanWriteSerializer

    def create_record(self, data):
        return services.plan_create(actor=self.request.user, **data)

    def update(self, request, *args, **kwargs):
        # Every update is partial: a plan's year stays, only its title and description change.
        return super().update(request, *args, **{**kwargs, "partial": True})

    def update_record(self, plan, data):
        data = {k: v for k, v in data.items() if k in ("title", "description")}
        services.plan_update(actor=self.request.user, plan=plan, data=data)


class ConsultationTopicViewSet(LifecycleActionsMixin, ServiceWritesMixin, SelectorViewSet):
    """协商议题：来源（出题、征题、选题、点题、汇题），经汇题、定题、安排、协商、报送成果到办结；
    状态流转通过 `POST /consultation-topics/{id}/{action}/`。"""

    permission_classes = [TopicReaders, action_roles(**dict.fromkeys(WRITE_ACTIONS, (Role.OFFICE, Role.MEMBER)))]
    filterset_class = TopicFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lifecycle = workflow.TOPIC
    list_selector = selectors.topic_list
    get_selector = selectors.topic_get
    serializer_class = serializers.ConsultationTopicDetailSerializer
    list_serializer_class = serializers.ConsultationTopicListSerializer
    create_serializer_class = serializers.ConsultationTopicWriteSerializer
    update_serializer_class = serializers.ConsultationTopicUpdateSerializer

    def create_record(self, data):
        return services.topic_create(actor=self.request.user, data=data)

    def update_record(self, topic, data):
        services.topic_update(actor=self.request.user, topic=topic, data=data)

    events = events_action(
        serializers.ConsultationEventSerializer,
        lambda view, pk: selectors.topic_events(user=view.request.user, pk=pk),
    )


class ConsultationActivityViewSet(ServiceWritesMixin, SelectorViewSet):
    """协商活动（会议、调研走访）：日期、地点、参加部门、发言；参加委员通过 `attendance` 登记。"""

    permission_classes = [
        ActivityReaders,
        action_roles(**dict.fromkeys((*WRITE_ACTIONS, "attendance", "speeches"), (Role.OFFICE,))),
    ]
    filterset_class = ActivityFilterSet
    list_selector = selectors.activity_list
    get_selector = selectors.activity_get
    serializer_class = serializers.ConsultationActivityDetailSerializer
    list_serializer_class = serializers.ConsultationActivitySerializer
    create_serializer_class = serializers.ConsultationActivityWriteSerializer
    update_serializer_class = serializers.ConsultationActivityUpdateSerializer

    def create_record(self, data):
        return services.activity_add(actor=self.request.user, topic=data.pop("topic"), data=data)

    def update_record(self, consultation, data):
        services.activity_update(actor=self.request.user, consultation=consultation, data=data)

    attendance = attendance_action(
        ActivityAttendanceSerializer,
        ActivityAttendanceWriteSerializer,
        ActivityAttendanceResultSerializer,
        rows=selectors.attendance_rows,
        record=lambda actor, consultation, entries: services.activity_attendance(
            actor=actor, consultation=consultation, entries=entries
        ),
    )

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


class ConsultationOutcomeViewSet(LifecycleActionsMixin, SelectorViewSet):
    """协商成果及其办理：批办（领导）→ 交办（机关，定期限）→ 承办（单位签收）→ 督办（机关或领导）→ 反馈（单位）。
    成果由议题的 `submit_outcome` 报送；承办单位只能看到交给本单位的成果和本单位的办理环节。"""

    permission_classes = [OutcomeReaders]
    filterset_class = OutcomeFilterSet
    lifecycle = workflow.OUTCOME
    list_selector = selectors.outcome_list
    get_selector = selectors.outcome_get
    serializer_class = serializers.OutcomeDetailSerializer
    list_serializer_class = serializers.OutcomeListSerializer

    events = events_action(
        serializers.ConsultationEventSerializer,
        lambda view, pk: selectors.outcome_events(user=view.request.user, pk=pk),
    )
    files = upload_action(
        "files",
        serializers.OutcomeFileUploadSerializer,
        serializers.OutcomeFileSerializer,
        lambda actor, outcome, upload: services.outcome_file_add(actor=actor, outcome=outcome, upload=upload),
    )
