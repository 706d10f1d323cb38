"""The shape every casework viewset shares: reads through the app's selectors, writes through its services.

`SelectorViewSet` lists with `list_selector(user=)` and fetches one record with `get_selector(user=, pk=)`
(the one place that decides what a user may see: a record outside the scope is a 404), serializes by action
(`list_`, `create_`, `update_serializer_class`; else `serializer_class`, the record as the API answers it)
and answers a record with `_detail(pk)`, as `LifecycleActionsMixin` expects. `ServiceWritesMixin` adds create
and update: the payload validated by the action's serializer, handed to `create_record(data)` /
`update_record(obj, data)` (the app's service), the record answered as `serializer_class`. The factories
below give the extra actions that several viewsets share: the timeline (`events_action`), a file upload
(`upload_action`) and the attendance of the activity behind a record (`attendance_action`).
"""

from collections.abc import Callable
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

WRITE_ACTIONS = ("create", "update", "partial_update")


class RecordAnswerSchema(AutoSchema):
    """Documents create (201), update and partial update (200) as answering the record (`serializer_class`),
    not the payload."""

    def get_response_serializers(self):
        if getattr(self.view, "action", None) in WRITE_ACTIONS and self.method in ("POST", "PUT", "PATCH"):
            return self.view.serializer_class
        return super().get_response_serializers()


class SelectorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and retrieve through the app's selectors (plain functions, not methods). The schema generator,
    which has no user, gets an empty queryset of the model of `serializer_class`."""

    list_selector: Callable[..., Any]
    get_selector: Callable[..., Any]
    list_ordering: tuple[str, ...] = ()
    # The serializer of each action; `serializer_class` (the record as answered) for the others.
    list_serializer_class = None
    create_serializer_class = None
    update_serializer_class = None  # update and partial update; by default the create's

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.serializer_class.Meta.model.objects.none()
        records = type(self).list_selector(user=self.request.user)
        return records.order_by(*self.list_ordering) if self.list_ordering else records

    def get_object(self):
        return type(self).get_selector(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_class(self):
        update = self.update_serializer_class or self.create_serializer_class
        by_action = {
            "list": self.list_serializer_class,
            "create": self.create_serializer_class,
            "update": update,
            "partial_update": update,
        }
        return by_action.get(self.action) or self.serializer_class

    def _detail(self, pk, code=status.HTTP_200_OK):
        record = type(self).get_selector(user=self.request.user, pk=pk)
        return Response(self.serializer_class(record, context=self.get_serializer_context()).data, status=code)


class ServiceWritesMixin(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create and update through the app's services; both answer the record as `_detail` does."""

    schema = RecordAnswerSchema()

    def create_record(self, data: dict):
        raise NotImplementedError

    def update_record(self, obj, data: dict):
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer_class()(data=request.data)
        payload.is_valid(raise_exception=True)
        record = self.create_record(dict(payload.validated_data))
        return self._detail(record.pk, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        payload = self.get_serializer_class()(record, data=request.data, partial=kwargs.get("partial", False))
        payload.is_valid(raise_exception=True)
        self.update_record(record, dict(payload.validated_data))
        return self._detail(record.pk)


def events_action(serializer_class, rows: Callable[[Any, Any], Any]):
    """`GET /{id}/events/`: the record's timeline, unpaginated; `rows(view, pk)` gives the events (scoped)."""

    @extend_schema(responses=serializer_class(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        return Response(serializer_class(rows(self, pk), many=True).data)

    return events


def _named(view, name: str):
    view.__name__ = name
    return view


def upload_action(name: str, upload_serializer, file_serializer, add: Callable[..., Any]):
    """`POST /{id}/{name}/` (multipart): a file attached to the record, answered 201 as `file_serializer`;
    `add(actor, obj, upload)` is the app's service that checks and stores it."""

    def view(self, request, pk=None):
        obj = self.get_object()
        upload = upload_serializer(data=request.data)
        upload.is_valid(raise_exception=True)
        stored = add(request.user, obj, upload.validated_data["file"])
        return Response(file_serializer(stored).data, status=status.HTTP_201_CREATED)

    return extend_schema(
        request={"multipart/form-data": upload_serializer},
        responses={201: file_serializer},
    )(action(detail=True, methods=["post"], parser_classes=[MultiPartParser])(_named(view, name)))


def attendance_action(row_serializer, write_serializer, result_serializer, *, rows, record: Callable[..., int]):
    """`GET /{id}/attendance/`: the members at the activity behind the record (`rows(activity=)`);
    `POST`: the office records them (`record(actor, obj, entries)`, the number written), answered with the rows."""

    @extend_schema(methods=["GET"], request=None, responses=row_serializer(many=True), summary="参加委员")
    @extend_schema(methods=["POST"], request=write_serializer, responses=result_serializer, summary="登记参加委员")
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def attendance(self, request, pk=None):
        obj = self.get_object()
        if request.method == "POST":
            payload = write_serializer(data=request.data)
            payload.is_valid(raise_exception=True)
            written = record(request.user, obj, payload.validated_data["entries"])
            attendances = row_serializer(rows(activity=obj.activity), many=True).data
            return Response({"written": written, "attendances": attendances})
        return Response(row_serializer(rows(activity=obj.activity), many=True).data)

    return attendance
