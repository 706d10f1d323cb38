from drf_spectacular.utils import OpenApiResponse
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from cppcc.api import action_roles, role_permission
from cppcc.drf_viewsets import (
    WRITE_ACTIONS,
    SelectorViewSet,
    ServiceWritesMixin,
    events_action,
    upload_action,
)
from cppcc.lifecycle import LifecycleActionsMixin
from cppcc.roles import Role

from . import selectors, serializers, services
from .filters import OpinionFilterSet
from .workflow import OPINION

OpinionReaders = role_permission(*selectors.OPINION_READ_ROLES, write_roles=selectors.OPINION_READ_ROLES)
OpinionWriters = action_roles(**dict.fromkeys(WRITE_ACTIONS, (Role.MEMBER, Role.OFFICE)))


class OpinionViewSet(LifecycleActionsMixin, ServiceWritesMixin, SelectorViewSet):
    """社情民意信息：委员撰写提交，机关编辑、编报，登记各级采用、领导批示，转交部门并收取反馈。
    列表与详情按角色限定范围；状态流转通过 `POST /opinions/{id}/{action}/`。"""

    permission_classes = [OpinionReaders, OpinionWriters]
    filterset_class = OpinionFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    list_selector = selectors.opinion_list
    list_ordering = ("-created_at", "-id")
    get_selector = selectors.opinion_get
    serializer_class = serializers.OpinionDetailSerializer
    list_serializer_class = serializers.OpinionListSerializer
    create_serializer_class = serializers.OpinionWriteSerializer
    lifecycle = OPINION
    action_response_serializer = OpenApiResponse(
        serializers.OpinionDetailSerializer,
        description="操作后的社情民意信息；若已不在操作人的可见范围（如撤回的草稿），只返回 id 与新状态",
    )

    def create_record(self, data):
        coauthors = data.pop("coauthors", [])
        return services.opinion_create(actor=self.request.user, data=data, coauthors=coauthors)

    def update_record(self, report, data):
        coauthors = data.pop("coauthors", None)
        services.opinion_update(actor=self.request.user, report=report, data=data, coauthors=coauthors)

    events = events_action(
        serializers.OpinionEventSerializer,
        lambda view, pk: selectors.opinion_events(user=view.request.user, report=view.get_object()),
    )
    attachments = upload_action(
        "attachments",
        serializers.OpinionAttachmentUploadSerializer,
        serializers.OpinionAttachmentSerializer,
        lambda actor, report, upload: services.opinion_attachment_add(actor=actor, report=report, upload=upload),
    )
