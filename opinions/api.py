from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cppcc.api import action_roles, role_permission
from cppcc.roles import Role

from . import actions, selectors, serializers, services
from .filters import OpinionFilterSet
from .models import OpinionReport

OpinionReaders = role_permission(*selectors.OPINION_READ_ROLES, write_roles=selectors.OPINION_READ_ROLES)
OpinionWriters = action_roles(**dict.fromkeys(("create", "update", "partial_update"), (Role.MEMBER, Role.OFFICE)))


def _action_view(name: str):
    payload, _ = actions.OPINION_ACTIONS[name]

    def view(self, request, pk=None):
        report = self.get_object()
        actions.perform(name, actor=request.user, report=report, data=request.data)
        try:
            return self._detail(report.pk)
        except Http404:
            report.refresh_from_db(fields=["state"])
            return Response(
                {
                    "id": report.pk,
                    "state": report.state,
                    "state_display": report.get_state_display(),
                    "message": "操作已完成，该信息已不在您的可见范围内。",
                }
            )

    view.__name__ = name
    # @action replaces the function's `kwargs`, where @extend_schema keeps its schema: action first.
    view = action(detail=True, methods=["post"], url_path=name, url_name=name.replace("_", "-"))(view)
    return extend_schema(
        request=payload,
        responses={
            200: OpenApiResponse(
                serializers.OpinionDetailSerializer,
                description="操作后的社情民意信息；若已不在操作人的可见范围（如撤回的草稿），只返回 id 与新状态",
            ),
            400: OpenApiResponse(description="请求数据有误"),
            403: OpenApiResponse(description="角色无权进行此操作"),
            404: OpenApiResponse(description="信息不存在或不在可见范围"),
            409: OpenApiResponse(description="信息当前状态不允许此操作"),
        },
        summary=actions.OPINION_TRANSITIONS[name].label,
    )(view)


class OpinionViewSet(
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

    for _name in actions.OPINION_ACTIONS:
        locals()[_name] = _action_view(_name)
    del _name
