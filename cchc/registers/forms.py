"""Forms of the dossier register pages: the column mapping (columns, then the values of coded
columns) and the apology letter."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from cchc.registers.mapping import REQUIRED, STANDARD, Mapping, check_mapping
from cchc.registers.models import NOT_COUNTED_STATUSES, Dossier, Verdict
from cchc.registers.valuemap import CodedColumn, ValueMap, chosen_values

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# Typed as dd/mm/yyyy whatever the browser's language (a date picker would show its locale).
DAY_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 12})


class MappingForm(forms.Form):
    """One select per standard column (the file's column that holds it), the header row it
    was read with, and the name of the source to save the mapping under (asked on the value
    step: `name_required` False for the columns step)."""

    source_name = forms.CharField(
        label="Lưu cách ghép cột cho nguồn dữ liệu",
        max_length=200,
        help_text="Ví dụ: Hệ thống một cửa điện tử tỉnh Sóc Trăng. Lần sau tệp cùng nguồn "
        "được nhập ngay, không hỏi lại.",
    )

    header_row = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(
        self, *args, kind: str, headers: list[str], name_required: bool = True, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_name"].required = name_required
        self.kind = kind
        self.headers = headers
        choices = [("", "— không có trong tệp —"), *((h, h) for h in headers)]
        self.columns: list[tuple[str, str]] = []
        for index, standard in enumerate(STANDARD[kind]):
            name = f"col_{index}"
            self.fields[name] = forms.ChoiceField(label=standard, choices=choices, required=False)
            self.columns.append((name, standard))
        self.order_fields([name for name, _ in self.columns] + ["source_name", "header_row"])

    def column_fields(self):
        return [self[name] for name, _ in self.columns]

    def rows(self):
        """(bound field, standard column, required?) for the template."""
        required = REQUIRED[self.kind]
        return [(self[name], standard, standard in required) for name, standard in self.columns]

    def mapping(self) -> Mapping:
        return {
            standard: self.cleaned_data.get(name, "")
            for name, standard in self.columns
            if self.cleaned_data.get(name)
        }

    def clean(self):
        cleaned = super().clean()
        for problem in check_mapping(self.mapping(), self.headers, self.kind):
            self.add_error(None, problem)
        return cleaned


LEAVE = "— để nguyên: các dòng này bị từ chối —"


class ValuesForm(forms.Form):
    """One select per value of a coded column that cchc does not read itself: the code it
    stands for, or none (its rows are then refused)."""

    def __init__(self, *args, columns: list[CodedColumn], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.coded = columns
        for column in columns:
            choices = [
                ("", LEAVE),
                *((key, code.label) for key, code in column.coding.codes.items()),
            ]
            for value in column.unknown:
                self.fields[value.field_name] = forms.ChoiceField(
                    label=f"{column.source}: {value.text}",
                    choices=choices,
                    required=False,
                    initial=value.chosen or "",
                )

    def value_map(self) -> ValueMap:
        """The choices (after is_valid), also written into each column's values."""
        for column in self.coded:
            for value in column.unknown:
                value.chosen = self.cleaned_data.get(value.field_name) or None
        return chosen_values(self.coded)

    def rows(self, column: CodedColumn):
        """(value, its select or None when cchc reads it itself) for the template."""
        return [
            (value, None if value.understood else self[value.field_name]) for value in column.values
        ]


def is_overdue(dossier: Dossier, today: datetime.date | None = None) -> bool:
    """Resolved late, or unfinished and past its due date (or asked for supplements more
    than once): the dossiers QĐ 766 asks an apology letter for."""
    today = today or timezone.localdate()
    if dossier.status in NOT_COUNTED_STATUSES:
        return False
    if dossier.result_on is not None:
        return dossier.verdict == Verdict.LATE
    if dossier.supplement_count > 1:
        return True
    return dossier.due_on is not None and dossier.due_on < today


class ApologyForm(forms.Form):
    number = forms.CharField(label="Số văn bản xin lỗi", max_length=80)
    apology_on = forms.DateField(label="Ngày văn bản", input_formats=DATE_FORMATS, widget=DAY_INPUT)
    new_due_on = forms.DateField(
        label="Ngày hẹn trả mới", input_formats=DATE_FORMATS, widget=DAY_INPUT
    )

    def __init__(self, *args, dossier: Dossier, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier

    def clean(self):
        cleaned = super().clean()
        if not is_overdue(self.dossier):
            raise forms.ValidationError(
                "Hồ sơ này không quá hạn: chỉ ghi văn bản xin lỗi cho hồ sơ quá hạn (Mẫu 04, "
                "QĐ 766/QĐ-TTg)."
            )
        apology_on, new_due_on = cleaned.get("apology_on"), cleaned.get("new_due_on")
        received = timezone.localtime(self.dossier.received_at).date()
        if apology_on and apology_on < received:
            self.add_error(
                "apology_on",
                f"Ngày văn bản xin lỗi ({apology_on:%d/%m/%Y}) không được trước ngày tiếp nhận "
                f"hồ sơ ({received:%d/%m/%Y}).",
            )
        previous = self.dossier.new_due_on
        if previous and new_due_on and new_due_on != previous:
            self.add_error(
                "new_due_on",
                f"Hồ sơ đã được hẹn lại ngày trả ({previous:%d/%m/%Y}); ngày hẹn trả chỉ được "
                "hẹn lại một lần.",
            )
        if apology_on and new_due_on and new_due_on <= apology_on:
            self.add_error(
                "new_due_on",
                f"Ngày hẹn trả mới ({new_due_on:%d/%m/%Y}) phải sau ngày văn bản xin lỗi "
                f"({apology_on:%d/%m/%Y}).",
            )
        return cleaned
