"""One ModelForm per register, built from its spec: dates typed dd/mm/yyyy, and the natural
key checked so that the form refuses what a re-import would merge."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django import forms
from django.db import models

from cchc.org.models import Unit
from cchc.records.registry import RegisterSpec

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def _formfield(db_field: models.Field, **kwargs) -> forms.Field | None:
    field = db_field.formfield(**kwargs)
    if field is None:
        return None
    label = str(db_field.verbose_name)
    field.label = label[:1].upper() + label[1:]
    if isinstance(db_field, models.DateField):
        field.input_formats = DATE_INPUT_FORMATS  # type: ignore[attr-defined]
        field.widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})
        field.error_messages["invalid"] = "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 27/01/2022."
    elif isinstance(db_field, models.TextField):
        field.widget = forms.Textarea(attrs={"rows": 3})
    return field


class RecordForm(forms.ModelForm):
    spec: RegisterSpec

    def __init__(self, *args, unit: Unit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.instance.unit = unit

    def clean(self):
        data = super().clean()
        key = {name: data.get(name) for name in self.spec.key}
        if all(name in data for name in self.spec.key):
            twins = self.spec.model.objects.filter(unit=self.unit, **key)
            if self.instance.pk:
                twins = twins.exclude(pk=self.instance.pk)
            if twins.exists():
                labels = ", ".join(
                    str(self.spec.model._meta.get_field(name).verbose_name)
                    for name in self.spec.key
                )
                raise forms.ValidationError(
                    f"Sổ đã có một {self.spec.verbose_name} trùng {labels}; hãy sửa dòng đó "
                    "thay vì thêm mới."
                )
        return data


def form_class(spec: RegisterSpec) -> type[RecordForm]:
    # django-stubs types the callback as never returning None, which Django allows.
    callback = cast(Callable[[models.Field], forms.Field], _formfield)
    form = forms.modelform_factory(
        spec.model,
        form=type(f"{spec.model.__name__}Form", (RecordForm,), {"spec": spec}),
        fields=spec.fields,
        formfield_callback=callback,
    )
    return cast(type[RecordForm], form)
