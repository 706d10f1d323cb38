"""Serializer pieces every casework app shares: an optional long text, a stored file's listing and a timeline
event's columns and actor.

The bases carry comments, not docstrings: drf-spectacular would show a docstring as the description of every
subclass's schema.
"""

from django.urls import reverse
from rest_framework import serializers

from .limits import TEXT_MAX_LENGTH


def optional_text(label: str) -> serializers.CharField:
    """A long text a payload may leave out: empty when not given, at most `TEXT_MAX_LENGTH` characters."""
    return serializers.CharField(max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, default="", label=label)


def stored_file_serializer(model, url_name: str):
    """A stored file (a `cppcc.models.StoredFile`) as the API lists it, named `<Model>Serializer`; `url_name`:
    the page that serves it, which checks access again."""

    class Serializer(serializers.ModelSerializer):
        url = serializers.SerializerMethodField()

        class Meta:
            fields = ["id", "original_name", "content_type", "size", "uploaded_at", "url"]

        def get_url(self, obj) -> str:
            return reverse(url_name, args=[obj.pk])

    Serializer.Meta.model = model
    Serializer.__name__ = Serializer.__qualname__ = f"{model.__name__}Serializer"
    return Serializer


def actor_name(user) -> str:
    """Who took a step of a timeline: the person's name, or 系统 for the scheduled jobs."""
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


# A timeline event's own columns (`cppcc.models.WorkflowEvent`), around those of an app's event model: who took
# which action first, its note, details and time last.
EVENT_LEAD_FIELDS = ["id", "action", "actor", "actor_name"]
EVENT_TAIL_FIELDS = ["note", "data", "created_at"]


# `actor_name` of a timeline event (`cppcc.models.WorkflowEvent`).
class EventActorMixin(serializers.Serializer):
    actor_name = serializers.SerializerMethodField()

    def get_actor_name(self, obj) -> str:
        return actor_name(obj.actor)


class ChoiceDisplayField(serializers.CharField):
    """The Chinese name of a choice field — what `get_<field>_display()` gives — for a field of the record
    or of one it refers to (`"topic.form"`). The name is looked up in the field's choices: DRF would
    otherwise check the method's signature (`inspect.signature`) on every row before calling it."""

    _names: dict = {}  # model field → {value: name}, filled once per field

    def __init__(self, path: str, **kwargs):
        self.path = path.split(".")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        record = value
        for name in self.path[:-1]:
            record = getattr(record, name)
        field = record._meta.get_field(self.path[-1])
        names = self._names.get(field)
        if names is None:
            names = self._names[field] = {key: str(name) for key, name in field.flatchoices}
        code = getattr(record, field.attname)
        return None if code is None else names.get(code, str(code))
