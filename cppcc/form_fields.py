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


# --- Bootstrap classes on the widgets -----------------------------------------------------------------


def default_widget_classes(form) -> None:
    """Bootstrap's class on each widget that has none yet: `form-select` on selects, `form-control` else."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


def widget_classes(form, *, check=(forms.CheckboxInput,), mark_errors: bool = True) -> None:
    """Bootstrap's class on every widget: `form-check-input` on the `check` widgets, `form-select` on
    selects, `form-control` on the rest; with `mark_errors`, `is-invalid` on the fields with errors
    (reading `form.errors` validates a bound form)."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, check):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"
        if mark_errors and form.errors.get(name):
            widget.attrs["class"] += " is-invalid"


def mark_invalid(form, names, *, skip=()) -> None:
    """`is-invalid` (once) on the widgets of the fields `names` that the form has, except `skip` widgets."""
    for name in names:
        widget = form.fields[name].widget if name in form.fields else None
        if widget is not None and not isinstance(widget, skip):
            css = widget.attrs.get("class", "")
            if "is-invalid" not in css:
                widget.attrs["class"] = f"{css} is-invalid".strip()
