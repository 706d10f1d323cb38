from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from cppcc.api import action_roles, role_permission
from cppcc.lifecycle import LifecycleActionsMixin
from cppcc.roles import Role

from . import selectors, serializers, services
from .filters import ProposalFilterSet
from .workflow import PROPOSAL

Readers = role_permission(*selectors.READ_ROLES, write_roles=selectors.READ_ROLES)
# Writing a proposal is for members and the office; units and leaders act on it through its actions.
Writers = action_roles(**dict.fromkeys(("create", "update", "partial_update"), (Role.MEMBER, Role.OFFICE)))


class ProposalViewSet(
    LifecycleActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """提案：列表与详情按角色限定范围；状态流转通过 `POST /proposals/{id}/{action}/`。"""

    permission_classes = [Readers, Writers]
    filterset_class = ProposalFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    lifecycle = PROPOSAL
    action_response_serializer = OpenApiResponse(
        serializers.ProposalDetailSerializer,
        description="操作后的提案；若提案已不在操作人的可见范围（如退回补充、单位退回），只返回 id 与新状态",
    )

    def get_queryset(self):
        qs = selectors.proposal_list(user=self.request.user)
        if self.action == "list":
            # The list shows neither 案由 nor 建议: leave the long texts in the database.
            qs = qs.defer("background", "suggestions")
        return qs

    def get_object(self):
        return selectors.proposal_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action == "list":
            return serializers.ProposalListSerializer
        if self.action in ("create", "update", "partial_update"):
            return serializers.ProposalWriteSerializer
        return serializers.ProposalDetailSerializer

    def _detail(self, pk, code=status.HTTP_200_OK):
        proposal = selectors.proposal_get(user=self.request.user, pk=pk)
        context = self.get_serializer_context()
        return Response(serializers.ProposalDetailSerializer(proposal, context=context).data, status=code)

    @extend_schema(responses={201: serializers.ProposalDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = serializers.ProposalWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        cosigners = data.pop("cosigners", [])
        proposal = services.proposal_create(actor=request.user, data=data, cosigners=cosigners)
        return self._detail(proposal.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: serializers.ProposalDetailSerializer})
    def update(self, request, *args, **kwargs):
        proposal = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = serializers.ProposalWriteSerializer(proposal, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        cosigners = data.pop("cosigners", None)
        services.proposal_update(actor=request.user, proposal=proposal, data=data, cosigners=cosigners)
        return self._detail(proposal.pk)

    @extend_schema(responses=serializers.ProposalEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        events = selectors.proposal_events(proposal=self.get_object())
        return Response(serializers.ProposalEventSerializer(events, many=True).data)

    @extend_schema(
        request={"multipart/form-data": serializers.AttachmentUploadSerializer},
        responses={201: serializers.AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        proposal = self.get_object()
        upload = serializers.AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            actor=request.user, proposal=proposal, upload=upload.validated_data["file"]
        )
        return Response(serializers.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
