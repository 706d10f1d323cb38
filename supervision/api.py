from drf_spectacular.utils import extend_schema

from cppcc.api import action_roles, role_permission
from cppcc.drf_viewsets import WRITE_ACTIONS, SelectorViewSet, ServiceWritesMixin, attendance_action, events_action
from cppcc.lifecycle import LifecycleActionsMixin
from cppcc.roles import Role

from . import selectors, serializers, services, workflow
from .filters import InspectionFilterSet, RecommendationFilterSet

InspectionReaders = role_permission(*selectors.INSPECTION_READ_ROLES, write_roles=selectors.INSPECTION_READ_ROLES)
RecommendationReaders = role_permission(
    *selectors.RECOMMENDATION_READ_ROLES, write_roles=selectors.RECOMMENDATION_READ_ROLES
)


class InspectionViewSet(LifecycleActionsMixin, ServiceWritesMixin, SelectorViewSet):
    """视察、调研与民主监督活动（`type` 筛选：inspection / research / supervision）；
    参加委员通过 `attendance` 登记，计入委员履职活动。"""

    permission_classes = [
        InspectionReaders,
        action_roles(**dict.fromkeys((*WRITE_ACTIONS, "attendance"), (Role.OFFICE,))),
    ]
    filterset_class = InspectionFilterSet
    lifecycle = workflow.INSPECTION
    list_selector = selectors.inspection_list
    list_ordering = ("-activity__start_date", "-id")
    get_selector = selectors.inspection_get
    serializer_class = serializers.InspectionDetailSerializer
    list_serializer_class = serializers.InspectionListSerializer
    create_serializer_class = serializers.InspectionWriteSerializer

    def create_record(self, data):
        return services.inspection_create(actor=self.request.user, data=data)

    def update_record(self, inspection, data):
        services.inspection_update(actor=self.request.user, inspection=inspection, data=data)

    @extend_schema(responses={200: serializers.InspectionDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    attendance = attendance_action(
        serializers.ActivityAttendanceSerializer,
        serializers.ActivityAttendanceWriteSerializer,
        serializers.ActivityAttendanceResultSerializer,
        rows=selectors.attendance_rows,
        record=lambda actor, inspection, entries: services.inspection_attendance(
            actor=actor, inspection=inspection, entries=entries
        ),
    )
    events = events_action(
        serializers.InspectionEventSerializer,
        lambda view, pk: selectors.inspection_events(user=view.request.user, pk=pk),
    )


class RecommendationViewSet(LifecycleActionsMixin, ServiceWritesMixin, SelectorViewSet):
    """视察建议：机关交办到承办单位，承办单位在期限内反馈（采纳 / 部分采纳 / 未采纳）。
    承办单位只能看到交给本单位的建议。"""

    permission_classes = [RecommendationReaders, action_roles(create=(Role.OFFICE,))]
    filterset_class = RecommendationFilterSet
    lifecycle = workflow.RECOMMENDATION
    list_selector = selectors.recommendation_list
    list_ordering = ("-inspection__activity__start_date", "inspection_id", "number")
    get_selector = selectors.recommendation_get
    serializer_class = serializers.RecommendationDetailSerializer
    list_serializer_class = serializers.RecommendationSerializer
    create_serializer_class = serializers.RecommendationWriteSerializer
    update_serializer_class = serializers.RecommendationUpdateSerializer

    def create_record(self, data):
        # Only the office adds recommendations, and it sees every inspection: the service's role check
        # is the only gate needed here.
        return services.recommendation_add(
            actor=self.request.user, inspection=data["inspection"], text=data["text"], unit=data.get("unit")
        )

    def update_record(self, recommendation, data):
        services.recommendation_update(actor=self.request.user, recommendation=recommendation, data=data)

    @extend_schema(responses={200: serializers.RecommendationDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    events = events_action(
        serializers.InspectionEventSerializer,
        lambda view, pk: selectors.recommendation_events(user=view.request.user, pk=pk),
    )
