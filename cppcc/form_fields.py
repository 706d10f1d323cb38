"""Form fields the apps' pages share: members by name and sector, several files from one input."""

from django import forms


class MemberChoiceMixin:
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.sector.name}）"


class MemberChoiceField(MemberChoiceMixin, forms.ModelChoiceField):
    pass


class MemberMultipleChoiceField(MemberChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type=file multiple>`; each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []
