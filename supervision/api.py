from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cppcc.api import action_roles, role_permission
from cppcc.lifecycle import LifecycleActionsMixin
from cppcc.roles import Role

from . import selectors, serializers, services, workflow
from .filters import InspectionFilterSet, RecommendationFilterSet
from .models import Inspection, Recommendation

InspectionReaders = role_permission(*selectors.INSPECTION_READ_ROLES, write_roles=selectors.INSPECTION_READ_ROLES)
RecommendationReaders = role_permission(
    *selectors.RECOMMENDATION_READ_ROLES, write_roles=selectors.RECOMMENDATION_READ_ROLES
)


class InspectionViewSet(
    LifecycleActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """视察、调研与民主监督活动（`type` 筛选：inspection / research / supervision）；
    参加委员通过 `attendance` 登记，计入委员履职活动。"""

    permission_classes = [
        InspectionReaders,
        action_roles(**dict.fromkeys(("create", "update", "partial_update", "attendance"), (Role.OFFICE,))),
    ]
    filterset_class = InspectionFilterSet
    lifecycle = workflow.INSPECTION
    action_response_serializer = serializers.InspectionDetailSerializer
    queryset = Inspection.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Inspection.objects.none()
        return selectors.inspection_list(user=self.request.user).order_by("-activity__start_date", "-id")

    def get_object(self):
        return selectors.inspection_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.InspectionListSerializer
        if self.action in ("create", "update", "partial_update"):
            return serializers.InspectionWriteSerializer
        return serializers.InspectionDetailSerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        inspection = selectors.inspection_get(user=self.request.user, pk=pk)
        data = serializers.InspectionDetailSerializer(inspection, context=self.get_serializer_context()).data
        return Response(data, status=code)

    @extend_schema(responses={201: serializers.InspectionDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = serializers.InspectionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        inspection = services.inspection_create(actor=request.user, data=dict(serializer.validated_data))
        return self._detail(inspection.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.InspectionDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(responses={200: serializers.InspectionDetailSerializer})
    def update(self, request, *args, **kwargs):
        inspection = self.get_object()
        serializer = serializers.InspectionWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        services.inspection_update(actor=request.user, inspection=inspection, data=dict(serializer.validated_data))
        return self._detail(inspection.pk)

    @extend_schema(
        methods=["GET"], request=None, responses=serializers.ActivityAttendanceSerializer(many=True), summary="参加委员"
    )
    @extend_schema(
        methods=["POST"],
        request=serializers.ActivityAttendanceWriteSerializer,
        responses=serializers.ActivityAttendanceResultSerializer,
        summary="登记参加委员",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def attendance(self, request, pk=None):
        inspection = self.get_object()
        if request.method == "POST":
            payload = serializers.ActivityAttendanceWriteSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            written = services.inspection_attendance(
                actor=request.user, inspection=inspection, entries=payload.validated_data["entries"]
            )
            rows = selectors.attendance_rows(activity=inspection.activity)
            return Response(
                {"written": written, "attendances": serializers.ActivityAttendanceSerializer(rows, many=True).data}
            )
        rows = selectors.attendance_rows(activity=inspection.activity)
        return Response(serializers.ActivityAttendanceSerializer(rows, many=True).data)

    @extend_schema(responses=serializers.InspectionEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        events = selectors.inspection_events(user=request.user, pk=pk)
        return Response(serializers.InspectionEventSerializer(events, many=True).data)


class RecommendationViewSet(
    LifecycleActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """视察建议：机关交办到承办单位，承办单位在期限内反馈（采纳 / 部分采纳 / 未采纳）。
    承办单位只能看到交给本单位的建议。"""

    permission_classes = [RecommendationReaders, action_roles(create=(Role.OFFICE,))]
    filterset_class = RecommendationFilterSet
    lifecycle = workflow.RECOMMENDATION
    action_response_serializer = serializers.RecommendationDetailSerializer
    queryset = Recommendation.objects.none()  # for the schema; requests use the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Recommendation.objects.none()
        return selectors.recommendation_list(user=self.request.user).order_by(
            "-inspection__activity__start_date", "inspection_id", "number"
        )

    def get_object(self):
        return selectors.recommendation_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.RecommendationSerializer
        if self.action == "create":
            return serializers.RecommendationWriteSerializer
        if self.action in ("update", "partial_update"):
            return serializers.RecommendationUpdateSerializer
        return serializers.RecommendationDetailSerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        recommendation = selectors.recommendation_get(user=self.request.user, pk=pk)
        context = self.get_serializer_context()
        return Response(serializers.RecommendationDetailSerializer(recommendation, context=context).data, code)

    @extend_schema(responses={201: serializers.RecommendationDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = serializers.RecommendationWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Only the office adds recommendations, and it sees every inspection: the service's role check
        # is the only gate needed here.
        recommendation = services.recommendation_add(
            actor=request.user, inspection=data["inspection"], text=data["text"], unit=data.get("unit")
        )
        return self._detail(recommendation.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.RecommendationDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(responses={200: serializers.RecommendationDetailSerializer})
    def update(self, request, *args, **kwargs):
        recommendation = self.get_object()
        serializer = serializers.RecommendationUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        services.recommendation_update(
            actor=request.user, recommendation=recommendation, data=dict(serializer.validated_data)
        )
        return self._detail(recommendation.pk)

    @extend_schema(responses=serializers.InspectionEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        events = selectors.recommendation_events(user=request.user, pk=pk)
        return Response(serializers.InspectionEventSerializer(events, many=True).data)
