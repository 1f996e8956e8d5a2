"""The consolidator's forms: publish a period's figures or a ranking, withdraw a
publication."""

from __future__ import annotations

from django import forms

from cchc.consolidation.engine import INCLUDE_LABELS
from cchc.opendata.models import LICENCES
from cchc.opendata.services import Details


def _required(what: str) -> dict[str, str]:
    return {"required": f"Nhập {what} của bộ dữ liệu."}


class DetailsForm(forms.Form):
    """What the consolidator writes about a dataset, and the preview's fingerprint."""

    unit = forms.CharField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(
        label="Tiêu đề",
        max_length=255,
        error_messages=_required("tiêu đề"),
        widget=forms.TextInput(attrs={"size": 80}),
    )
    description = forms.CharField(
        label="Mô tả",
        error_messages=_required("mô tả"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
    )
    publisher = forms.CharField(
        label="Cơ quan công bố",
        max_length=255,
        error_messages=_required("cơ quan công bố"),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    contact_name = forms.CharField(
        label="Đầu mối liên hệ",
        max_length=255,
        error_messages=_required("đầu mối liên hệ"),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    contact_email = forms.EmailField(
        label="Thư điện tử liên hệ",
        error_messages={
            "required": "Nhập thư điện tử để người dùng dữ liệu liên hệ khi cần hỏi.",
            "invalid": "Thư điện tử liên hệ không đúng dạng (ví dụ cchc@snv.soctrang.gov.vn).",
        },
    )
    licence = forms.ChoiceField(
        label="Giấy phép", choices=[(key, name) for key, (name, _) in LICENCES.items()]
    )

    def details(self) -> Details:
        data = self.cleaned_data
        return Details(
            title=data["title"],
            description=data["description"],
            publisher=data["publisher"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            licence=data["licence"],
        )


class PublishForm(DetailsForm):
    template = forms.CharField(widget=forms.HiddenInput)
    include = forms.ChoiceField(choices=list(INCLUDE_LABELS.items()), widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Lý do rút",
        error_messages={"required": "Nhập lý do rút số liệu đã công bố."},
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )
