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
from .filters import ProposalFilterSet
from .workflow import PROPOSAL

Readers = role_permission(*selectors.READ_ROLES, write_roles=selectors.READ_ROLES)
# Writing a proposal is for members and the office; units and leaders act on it through its actions.
Writers = action_roles(**dict.fromkeys(WRITE_ACTIONS, (Role.MEMBER, Role.OFFICE)))


class ProposalViewSet(LifecycleActionsMixin, ServiceWritesMixin, SelectorViewSet):
    """提案：列表与详情按角色限定范围；状态流转通过 `POST /proposals/{id}/{action}/`。"""

    permission_classes = [Readers, Writers]
    filterset_class = ProposalFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    list_selector = selectors.proposal_list
    get_selector = selectors.proposal_get
    serializer_class = serializers.ProposalDetailSerializer
    list_serializer_class = serializers.ProposalListSerializer
    create_serializer_class = serializers.ProposalWriteSerializer
    lifecycle = PROPOSAL
    action_response_serializer = OpenApiResponse(
        serializers.ProposalDetailSerializer,
        description="操作后的提案；若提案已不在操作人的可见范围（如退回补充、单位退回），只返回 id 与新状态",
    )

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action == "list":
            # The list shows neither 案由 nor 建议: leave the long texts in the database.
            qs = qs.defer("background", "suggestions")
        return qs

    def create_record(self, data):
        cosigners = data.pop("cosigners", [])
        return services.proposal_create(actor=self.request.user, data=data, cosigners=cosigners)

    def update_record(self, proposal, data):
        cosigners = data.pop("cosigners", None)
        services.proposal_update(actor=self.request.user, proposal=proposal, data=data, cosigners=cosigners)

    events = events_action(
        serializers.ProposalEventSerializer, lambda view, pk: selectors.proposal_events(proposal=view.get_object())
    )
    attachments = upload_action(
        "attachments",
        serializers.AttachmentUploadSerializer,
        serializers.AttachmentSerializer,
        lambda actor, proposal, upload: services.attachment_add(actor=actor, proposal=proposal, upload=upload),
    )
