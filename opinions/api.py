from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cppcc.api import action_roles, role_permission
from cppcc.lifecycle import LifecycleActionsMixin
from cppcc.roles import Role

from . import selectors, serializers, services
from .filters import OpinionFilterSet
from .models import OpinionReport
from .workflow import OPINION

OpinionReaders = role_permission(*selectors.OPINION_READ_ROLES, write_roles=selectors.OPINION_READ_ROLES)
OpinionWriters = action_roles(**dict.fromkeys(("create", "update", "partial_update"), (Role.MEMBER, Role.OFFICE)))


class OpinionViewSet(
    LifecycleActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """社情民意信息：委员撰写提交，机关编辑、编报，登记各级采用、领导批示，转交部门并收取反馈。
    列表与详情按角色限定范围；状态流转通过 `POST /opinions/{id}/{action}/`。"""

    permission_classes = [OpinionReaders, OpinionWriters]
    filterset_class = OpinionFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = OpinionReport.objects.none()  # for the schema; requests use the selector
    lifecycle = OPINION
    action_response_serializer = OpenApiResponse(
        serializers.OpinionDetailSerializer,
        description="操作后的社情民意信息；若已不在操作人的可见范围（如撤回的草稿），只返回 id 与新状态",
    )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OpinionReport.objects.none()
        return selectors.opinion_list(user=self.request.user).order_by("-created_at", "-id")

    def get_object(self):
        return selectors.opinion_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.OpinionListSerializer
        if self.action in ("create", "update", "partial_update"):
            return serializers.OpinionWriteSerializer
        return serializers.OpinionDetailSerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        report = selectors.opinion_get(user=self.request.user, pk=pk)
        context = self.get_serializer_context()
        return Response(serializers.OpinionDetailSerializer(report, context=context).data, status=code)

    @extend_schema(responses={201: serializers.OpinionDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = serializers.OpinionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        coauthors = data.pop("coauthors", [])
        report = services.opinion_create(actor=request.user, data=data, coauthors=coauthors)
        return self._detail(report.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.OpinionDetailSerializer})
    def update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = serializers.OpinionWriteSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        coauthors = data.pop("coauthors", None)
        services.opinion_update(actor=request.user, report=report, data=data, coauthors=coauthors)
        return self._detail(report.pk)

    @extend_schema(responses=serializers.OpinionEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        events = selectors.opinion_events(user=request.user, report=self.get_object())
        return Response(serializers.OpinionEventSerializer(events, many=True).data)

    @extend_schema(
        request={"multipart/form-data": serializers.OpinionAttachmentUploadSerializer},
        responses={201: serializers.OpinionAttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        report = self.get_object()
        upload = serializers.OpinionAttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = services.opinion_attachment_add(
            actor=request.user, report=report, upload=upload.validated_data["file"]
        )
        return Response(serializers.OpinionAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
