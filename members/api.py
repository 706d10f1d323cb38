from rest_framework import mixins, viewsets
from rest_framework.filters import SearchFilter

from cppcc.api import role_permission
from cppcc.drf_viewsets import SelectorViewSet, ServiceWritesMixin

from . import selectors, serializers, services
from .filters import HandlingUnitFilterSet, MemberFilterSet
from .models import HandlingUnit, MemberGroup, Party, Sector, Session, SpecialCommittee, Term

Casework = role_permission(*selectors.READ_ROLES, write_roles=selectors.WRITE_ROLES)


class MemberViewSet(ServiceWritesMixin, SelectorViewSet):
    """委员：列表按姓氏笔画排序（`order=pinyin` 按拼音）；非机关工作人员只见公开字段，身份证号码掩码显示。"""

    permission_classes = [Casework]
    filterset_class = MemberFilterSet
    list_selector = selectors.member_list
    get_selector = selectors.member_get
    serializer_class = serializers.MemberSerializer
    create_serializer_class = serializers.MemberWriteSerializer

    def create_record(self, data):
        return services.member_create(actor=self.request.user, data=data)

    def update_record(self, member, data):
        services.member_update(actor=self.request.user, member=member, data=data)


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
