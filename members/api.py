from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from cppcc.api import role_permission

from . import selectors, serializers, services
from .filters import HandlingUnitFilterSet, MemberFilterSet
from .models import HandlingUnit, MemberGroup, Party, Sector, Session, SpecialCommittee, Term

Casework = role_permission(*selectors.READ_ROLES, write_roles=selectors.WRITE_ROLES)


class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """委员：列表按姓氏笔画排序（`order=pinyin` 按拼音）；非机关工作人员只见公开字段，身份证号码掩码显示。"""

    permission_classes = [Casework]
    filterset_class = MemberFilterSet
    serializer_class = serializers.MemberSerializer

    def get_queryset(self):
        return selectors.member_list(user=self.request.user)

    def get_object(self):
        return selectors.member_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return serializers.MemberWriteSerializer
        return serializers.MemberSerializer

    def _respond(self, member, status):
        member = selectors.member_get(user=self.request.user, pk=member.pk)
        return Response(serializers.MemberSerializer(member, context=self.get_serializer_context()).data, status)

    @extend_schema(responses={201: serializers.MemberSerializer})
    def create(self, request, *args, **kwargs):
        serializer = serializers.MemberWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.member_create(actor=request.user, data=serializer.validated_data)
        return self._respond(member, 201)

    @extend_schema(responses={200: serializers.MemberSerializer})
    def update(self, request, *args, **kwargs):
        member = self.get_object()
        partial = kwargs.get("partial", False)
        serializer = serializers.MemberWriteSerializer(member, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        member = services.member_update(actor=request.user, member=member, data=serializer.validated_data)
        return self._respond(member, 200)


class ReferenceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reference data: readable by every casework role, maintained by the office."""

    permission_classes = [Casework]
    filter_backends = [*viewsets.GenericViewSet.filter_backends, SearchFilter]
    search_fields = ["name"]

    def perform_create(self, serializer):
        services.reference_save(actor=self.request.user, serializer=serializer)

    def perform_update(self, serializer):
        services.reference_save(actor=self.request.user, serializer=serializer)


def _reference_viewset(model, serializer, doc, **extra):
    attrs = {"queryset": model.objects.all(), "serializer_class": serializer, "__doc__": doc, **extra}
    return type(f"{model.__name__}ViewSet", (ReferenceViewSet,), attrs)


TermViewSet = _reference_viewset(Term, serializers.TermSerializer, "届次", search_fields=["name"])
SessionViewSet = _reference_viewset(
    Session,
    serializers.SessionSerializer,
    "全体会议（次会议）",
    filterset_fields=["term"],
    queryset=Session.objects.select_related("term"),
)
SectorViewSet = _reference_viewset(Sector, serializers.SectorSerializer, "界别")
PartyViewSet = _reference_viewset(Party, serializers.PartySerializer, "党派")
SpecialCommitteeViewSet = _reference_viewset(SpecialCommittee, serializers.SpecialCommitteeSerializer, "专门委员会")
MemberGroupViewSet = _reference_viewset(MemberGroup, serializers.MemberGroupSerializer, "委员组")
HandlingUnitViewSet = _reference_viewset(
    HandlingUnit, serializers.HandlingUnitSerializer, "承办单位", filterset_class=HandlingUnitFilterSet
)
