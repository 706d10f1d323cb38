from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from cppcc.api import role_permission
from cppcc.roles import CASEWORK_ROLES

from . import selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at", "is_read"]

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


class TodoItemSerializer(serializers.Serializer):
    lifecycle = serializers.CharField(
        help_text="流程：proposal、opinion、consultation_topic、consultation_outcome、recommendation；activity（履职活动）"
    )
    noun = serializers.CharField(help_text="对象类别（提案、信息、议题…）")
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    todo = serializers.CharField(source="label", help_text="要做的事（审查提案、签收交办…）")
    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="此刻可执行的待办操作（POST /{id}/{action}/）；跟进事项（督办、催办、活动）为空",
    )
    state = serializers.CharField()
    state_display = serializers.CharField()
    url = serializers.CharField(help_text="办理页面")
    due = serializers.DateField(allow_null=True, help_text="期限（无期限时为空）")
    overdue = serializers.SerializerMethodField()
    days_left = serializers.IntegerField(allow_null=True, help_text="距期限天数（当天为 0；无期限或已逾期时为空）")

    def get_overdue(self, item) -> bool:
        return item.overdue(self.context["today"])


class TodoView(APIView):
    """我的待办：等待本人处理的提案、社情民意信息、协商议题与成果、视察建议，期限早的在前。
    与页面“待办”同一来源：各流程此刻允许本人执行的待办操作。"""

    permission_classes = [role_permission(*CASEWORK_ROLES)]

    @extend_schema(
        responses=inline_serializer(
            "TodoList",
            {
                "count": serializers.IntegerField(),
                "overdue": serializers.IntegerField(),
                "results": TodoItemSerializer(many=True),
            },
        )
    )
    def get(self, request):
        items = selectors.todo_list(user=request.user)
        today = timezone.localdate()
        summary = selectors.todo_summary(items, today)
        results = TodoItemSerializer(items, many=True, context={"today": today}).data
        return Response({"count": summary["total"], "overdue": summary["overdue"], "results": results})


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """我的通知：每个用户只能看到发给自己的通知。"""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; requests use the selector
    filterset_fields = {"read_at": ["isnull"]}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notification_list(user=self.request.user)

    @extend_schema(request=None, responses=inline_serializer("MarkRead", {"updated": serializers.IntegerField()}))
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        return Response({"updated": services.notification_mark_read(user=request.user, pk=pk)})

    @extend_schema(request=None, responses=inline_serializer("MarkAllRead", {"updated": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"updated": services.notification_mark_read(user=request.user)})

    @extend_schema(responses=inline_serializer("UnreadCount", {"unread": serializers.IntegerField()}))
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})
