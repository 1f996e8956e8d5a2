"""Report workflows: each verb checks permission, changes records atomically, and audits."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from cchc.audit.models import AuditEntry
from cchc.audit.services import audit_entry, log_action, log_actions
from cchc.base.sources import register_values
from cchc.catalog.models import Indicator, OutlineSection, ReportTemplate
from cchc.catalog.values import display_value, parse_value
from cchc.org import access
from cchc.org.models import Unit, UnitKind
from cchc.periods.models import Period, working_calendar
from cchc.reports import evidence_files, signals
from cchc.reports.citations import parse_citation
from cchc.reports.drafting import DraftError, PendingDraft, drafts_version, unsaved_drafts
from cchc.reports.models import (
    DeadlineExtension,
    Evidence,
    NarrativeText,
    Report,
    Source,
    Status,
    Value,
    text_version,
    value_version,
)
from cchc.reports.narrative_basis import basis_for, changes, heading
from cchc.reports.sheet import ReportSheet


class WorkflowError(ValueError):
    """A step that cannot be taken now; the message is shown to the user as is."""


def _require(allowed: bool, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
    if not allowed:
        raise PermissionDenied(message)


# Templates meant for some period kinds only, by code (a template not named here fits every
# period: so-nganh and xa serve quarters, halves, nine months and years alike). The template
# model has no field for it yet, so the built-in annual form is declared here.
TEMPLATE_PERIOD_KINDS: dict[str, frozenset[str]] = {"so-nganh-nam": frozenset({"year"})}


def _fits(template: ReportTemplate, unit_kind: str | None, period_kind: str | None) -> bool:
    kinds = template.unit_kinds or []
    periods = TEMPLATE_PERIOD_KINDS.get(template.code)
    return (unit_kind is None or not kinds or unit_kind in kinds) and (
        period_kind is None or periods is None or period_kind in periods
    )


def templates_for(
    unit_kind: str | None = None, period_kind: str | None = None
) -> list[ReportTemplate]:
    """The newest active version of every template that fits a unit of `unit_kind` and a
    period of `period_kind`, best fit first: one made for the unit's kind before one for
    every kind, one made for the period's kind before one for every period, then by code."""
    newest: dict[str, ReportTemplate] = {}
    for template in ReportTemplate.objects.filter(is_active=True).order_by("code", "-version"):
        newest.setdefault(template.code, template)
    fitting = [t for t in newest.values() if _fits(t, unit_kind, period_kind)]
    return sorted(
        fitting,
        key=lambda t: (
            not (unit_kind and unit_kind in (t.unit_kinds or [])),
            not (period_kind and period_kind in TEMPLATE_PERIOD_KINDS.get(t.code, ())),
            t.code,
        ),
    )


def default_template(
    unit_kind: str | None = None, period_kind: str | None = None
) -> ReportTemplate:
    """The template a report is started with when none is chosen: the best fit for the unit's
    kind and the period's kind when given (templates_for), else the first active one."""
    fitting = templates_for(unit_kind, period_kind) if unit_kind or period_kind else []
    if fitting:
        return fitting[0]
    if unit_kind is not None:
        label = UnitKind(unit_kind).label if unit_kind in UnitKind.values else unit_kind
        raise WorkflowError(
            f"Chưa có biểu mẫu báo cáo nào dùng cho loại đơn vị «{label}»; "
            "hãy nạp biểu mẫu phù hợp (cchc template load)."
        )
    template = ReportTemplate.objects.filter(is_active=True).order_by("code", "-version").first()
    if template is None:
        raise WorkflowError(
            "Chưa có biểu mẫu báo cáo nào; hãy nạp biểu mẫu (cchc template builtin)."
        )
    return template


def template_deadline(period: Period, unit_kind: str | None = None) -> datetime.date | None:
    """The deadline of a report started now for `period` (the template start_report picks
    for the period's kind and, when given, the unit's kind), for pages about a period; None
    while no template fits."""
    try:
        template = default_template(unit_kind, period.kind)
    except WorkflowError:
        return None
    return period.deadline_for(template.deadline_working_days)


def check_template_fits(template: ReportTemplate, unit: Unit) -> None:
    """Refuse a template made for other kinds of unit (WorkflowError naming both)."""
    kinds = template.unit_kinds or []
    if kinds and unit.kind not in kinds:
        meant = ", ".join(UnitKind(kind).label for kind in kinds if kind in UnitKind.values)
        raise WorkflowError(
            f"Biểu mẫu «{template.name}» dùng cho {meant}; {unit.name} là "
            f"{unit.get_kind_display()}, không lập báo cáo theo biểu mẫu này."
        )


@transaction.atomic
def start_report(
    user, unit: Unit, period: Period, template: ReportTemplate | None = None
) -> Report:
    """Start the unit's report for the period with `template`, or the best fit for the
    unit's kind and the period's kind (default_template); a template made for other kinds of
    unit is refused. Returns the existing report when there is one."""
    _require(access.can_start_report(user, unit))
    if period.pk is None:  # a page's read-only lookup: the period is stored only now
        period = Period.objects.for_code(period.code)
    existing = Report.objects.filter(unit=unit, period=period).first()
    if existing is not None:
        return existing
    if template is None:
        template = default_template(unit.kind, period.kind)
    check_template_fits(template, unit)
    report = Report.objects.create(unit=unit, period=period, template=template, created_by=user)
    if access.can_edit_report(user, report):
        prefill_from_registers(user, report)
    log_action(
        user, "report.create", f"Tạo báo cáo {period.label} theo biểu mẫu {template}", report=report
    )
    return report


def _store_derived(report: Report, sheet: ReportSheet) -> None:
    """Keep the computed values of derived indicators stored beside the entered ones."""
    by_key = {i.key: i for i in sheet.indicators}
    created: list[Value] = []
    updated: list[Value] = []
    for key, number in sheet.derived.items():
        indicator = by_key[key]
        value = sheet.values.get(indicator.pk)
        if value is None:
            if number is not None:
                created.append(
                    Value(report=report, indicator=indicator, number=number, source=Source.FORMULA)
                )
            continue
        if value.number == number and value.source == Source.FORMULA:
            continue
        value.number, value.source, value.updated_at = number, Source.FORMULA, timezone.now()
        updated.append(value)
    Value.objects.bulk_create(created)
    Value.objects.bulk_update(updated, ["number", "source", "updated_at"])


def _value_entry(user, report: Report, indicator: Indicator, field: str, before, after):
    label = "ghi chú" if field == "note" else "số liệu"
    return audit_entry(
        user,
        f"value.{field}",
        f"Sửa {label} {indicator.quoted_label}: {before or '(trống)'} → {after or '(trống)'}",
        report=report,
        coalesce_key=f"{indicator.key}.{field}",
        data={"indicator": indicator.key, "field": field, "before": before, "after": after},
    )


def _audit_value(user, report: Report, indicator: Indicator, field: str, before: Any, after: Any):
    _value_entry(user, report, indicator, field, before, after).save()


class StaleValue(WorkflowError):
    """The value changed since the writer read it (another tab, another user, the API)."""

    def __init__(self, indicator: Indicator, value: Value) -> None:
        self.indicator, self.value = indicator, value
        self.current = display_value(indicator, value.content)
        self.version = value_version(value)
        super().__init__(
            f"Chỉ tiêu {indicator.quoted_label} đã được người khác sửa thành "
            f"'{self.current or '(trống)'}' sau khi bạn mở báo cáo; giá trị của bạn chưa được "
            "lưu. Xin xem lại hai giá trị rồi nhập lại."
        )


@transaction.atomic
def save_value(
    user,
    report: Report,
    key: str,
    raw: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    expected_version: str | None = None,
) -> ReportSheet:
    """Store what the user typed for one indicator; returns the recomputed sheet.

    Raises InvalidValue (a ValueError with a Vietnamese message) for input that cannot be read;
    nothing is written then. With `expected_version` (what value_version gave the writer when
    it read the value) a value changed in between raises StaleValue and nothing is written.
    """
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require(
        access.can_edit_report(user, report),
        "Báo cáo không ở trạng thái được sửa, hoặc bạn không phải người báo cáo của đơn vị.",
    )
    indicator = report.template.indicators.select_related("section").filter(key=key).first()
    if indicator is None:
        raise WorkflowError(f"Biểu mẫu không có chỉ tiêu mã '{key}'.")
    value = Value.objects.filter(report=report, indicator=indicator).first() or Value(
        report=report, indicator=indicator
    )
    if expected_version is not None and expected_version != value_version(value):
        raise StaleValue(indicator, value)
    if raw is not None:
        if indicator.is_derived:
            raise WorkflowError(
                f"Chỉ tiêu {indicator.quoted_label} được tính tự động, không nhập tay."
            )
        content = parse_value(indicator, raw)
        before = display_value(indicator, value.content)
        after = display_value(indicator, content)
        _check_override(indicator, value, content, reason)
        if before != after or reason is not None:
            value.set_content(content)
            value.save()
            _audit_value(user, report, indicator, "value", before, after)
    if note is not None and note.strip() != value.note:
        before_note = value.note
        value.note = note.strip()
        value.save()
        _audit_value(user, report, indicator, "note", before_note, value.note)
    sheet = ReportSheet(report)
    _store_derived(report, sheet)
    return ReportSheet(report)


def _check_override(indicator: Indicator, value: Value, content, reason: str | None) -> None:
    """A value that differs from its register figure needs a reason; one equal to it is the
    register's figure again (not an override, no reason kept)."""
    if value.register_number is None:
        value.source = Source.MANUAL
        return
    if content == value.register_number:
        value.source, value.override_reason = Source.REGISTER, ""
        return
    reason = (reason if reason is not None else value.override_reason).strip()
    if not reason:
        registered = display_value(indicator, value.register_number)
        raise WorkflowError(
            f"Chỉ tiêu {indicator.quoted_label} lấy từ sổ theo dõi ({registered}); "
            "ghi lý do khi nhập số khác."
        )
    value.source, value.override_reason = Source.MANUAL, reason


@transaction.atomic
def prefill_from_registers(user, report: Report) -> int:
    """Fill the indicators the template maps to register queries, over the period's window.

    A register with no rows for the period gives no figure: an empty row stays empty, and a
    figure taken from it earlier is cleared (nobody counted it any more). A value typed by
    hand keeps its figure and gets the register's beside it: equal, it becomes the register's
    figure; different, it is an override that needs a reason (ReportSheet reports it as an
    error until one is given), whether it was typed before or after the register existed.
    Returns how many values changed."""
    _require(access.can_edit_report(user, report))
    sourced = list(report.template.indicators.select_related("section").exclude(source=""))
    period = report.period
    numbers = register_values(
        {indicator.source for indicator in sourced}, report.unit, period.start, period.end
    )
    values = {v.indicator_id: v for v in Value.objects.filter(report=report)}
    created: list[Value] = []
    updated: list[Value] = []
    entries: list[AuditEntry] = []
    for indicator in sourced:
        number = numbers[indicator.source]
        value = values.get(indicator.pk) or Value(report=report, indicator=indicator)
        stored = _stored_fields(value)
        before = display_value(indicator, value.content)
        if number is None:
            value.register_number = None
            if value.source == Source.REGISTER:
                value.set_content(None)
                value.source = Source.MANUAL
        else:
            value.register_number = number
            if value.content is None or value.source == Source.REGISTER:
                value.number, value.source = number, Source.REGISTER
            elif value.content == number:
                value.source, value.override_reason = Source.REGISTER, ""
        after = display_value(indicator, value.content)
        if before != after:
            entries.append(_value_entry(user, report, indicator, "value", before, after))
        if _stored_fields(value) == stored:
            continue
        if value.pk is None:
            created.append(value)
        else:
            value.updated_at = timezone.now()
            updated.append(value)
    Value.objects.bulk_create(created)
    Value.objects.bulk_update(updated, [*PREFILLED_FIELDS, "updated_at"])
    log_actions(entries)
    _store_derived(report, ReportSheet(report))
    if entries:
        log_action(
            user, "report.prefill", f"Lấy {len(entries)} số liệu từ sổ theo dõi", report=report
        )
    return len(entries)


# What a pre-fill may change on a value.
PREFILLED_FIELDS = ["number", "text", "date", "source", "override_reason", "register_number"]


def _stored_fields(value: Value) -> tuple:
    return tuple(getattr(value, field) for field in PREFILLED_FIELDS)


class StaleText(WorkflowError):
    """A section's text changed since the writer read it."""

    def __init__(self, section: OutlineSection, item: NarrativeText) -> None:
        self.section, self.current, self.version = section, item.text, text_version(item.text)
        super().__init__(
            f"Mục {section.number} {section.title} đã được người khác sửa sau khi bạn mở; nội "
            "dung của bạn chưa được lưu."
        )


@transaction.atomic
def save_narrative(
    user,
    report: Report,
    section: OutlineSection,
    text: str,
    basis: dict[str, str] | None = None,
    expected_version: str | None = None,
) -> NarrativeText:
    """Store a section's text. `basis` (the figures a draft was made from) is given when the
    text comes from drafting; text saved without it keeps the basis it had. With
    `expected_version` (text_version of the text the writer read) a text changed in between
    raises StaleText and nothing is written."""
    _require(access.can_edit_report(user, report))
    if section.template_id != report.template_id:
        raise WorkflowError("Mục đề cương không thuộc biểu mẫu của báo cáo.")
    item, _ = NarrativeText.objects.select_for_update().get_or_create(
        report=report, section=section
    )
    if expected_version is not None and expected_version != text_version(item.text):
        raise StaleText(section, item)
    fields = []
    if basis is not None and item.basis != basis:
        item.basis = basis
        fields.append("basis")
    if item.text != text:
        before = item.text
        item.text = text
        fields.append("text")
        if item.drafted_at_approval:  # someone's own words now, no longer the system's draft
            item.drafted_at_approval = False
            fields.append("drafted_at_approval")
        log_action(
            user,
            "narrative.edit",
            f"Sửa nội dung mục {section.number} {section.title}",
            report=report,
            coalesce_key=f"narrative.{section.pk}",
            data={"section": section.number, "before": before, "after": text},
        )
    if fields:
        item.save(update_fields=[*fields, "updated_at"])
    return item


@transaction.atomic
def confirm_narrative(user, report: Report, section: OutlineSection) -> NarrativeText:
    """The reporter confirms a drafted section still reads true after its figures changed:
    the figures as they are now become its new basis."""
    report = _lock(report)
    _require(access.can_edit_report(user, report))
    item = NarrativeText.objects.filter(report=report, section=section).first()
    title = heading(section, report)
    if item is None or not item.text.strip():
        raise WorkflowError(f"Mục {title} chưa có nội dung để xác nhận.")
    if not item.basis:
        raise WorkflowError(f"Mục {title} không được soạn từ số liệu nên không cần xác nhận.")
    sheet = ReportSheet(report)
    changed = changes(sheet, item)
    item.basis = {**item.basis, **basis_for(sheet, section)}
    item.save(update_fields=["basis", "updated_at"])
    figures = "; ".join(
        f"{indicator.quoted_label} {before or '(trống)'} → {now or '(trống)'}"
        for indicator, before, now in changed
    )
    log_action(
        user,
        "narrative.confirm",
        f"Xác nhận nội dung mục {title} vẫn đúng"
        + (f" sau khi số liệu đổi ({figures})" if figures else ""),
        report=report,
        data={
            "section": section.number,
            "changes": [
                {"indicator": indicator.key, "before": before, "after": now}
                for indicator, before, now in changed
            ],
        },
    )
    return item


DOCUMENT_FIELDS = {
    "number": "số ký hiệu",
    "report_date": "ngày báo cáo",
    "signer_authority": "thẩm quyền ký",
    "signer_title": "chức vụ người ký",
    "signer_name": "người ký",
    "recipients": "nơi nhận",
    "opening": "đoạn mở đầu",
    "closing": "đoạn kết",
}


@transaction.atomic
def update_document_details(user, report: Report, **fields: Any) -> Report:
    """Number, date, signer, recipients, opening and closing of the report document."""
    _require(access.can_edit_report(user, report))
    unknown = set(fields) - set(DOCUMENT_FIELDS)
    if unknown:
        raise WorkflowError(f"Không có trường {', '.join(sorted(unknown))}.")
    changed = {}
    for name, value in fields.items():
        value = value.strip() if isinstance(value, str) else value
        before = getattr(report, name)
        if before != value:
            changed[name] = {"before": str(before or ""), "after": str(value or "")}
            setattr(report, name, value)
    if changed:
        report.save(update_fields=list(changed))
        labels = ", ".join(DOCUMENT_FIELDS[name] for name in changed)
        log_action(user, "report.details", f"Sửa {labels}", report=report, data=changed)
    return report


@transaction.atomic
def add_evidence(
    user,
    report: Report,
    key: str,
    fields: dict[str, Any],
    upload: tuple[str, bytes] | None = None,
) -> Evidence:
    """Cite a document for a value; `upload` (file name, content) attaches a copy of it.
    A refused file raises EvidenceFileError and nothing is written."""
    _require(access.can_edit_report(user, report))
    indicator = report.template.indicators.filter(key=key).first()
    if indicator is None:
        raise WorkflowError(f"Biểu mẫu không có chỉ tiêu mã '{key}'.")
    if not fields.get("doc_type") or not fields.get("number_symbol"):
        raise WorkflowError("Văn bản minh chứng cần có loại văn bản và số, ký hiệu.")
    evidence = Evidence(report=report, indicator=indicator, **fields)
    if upload is not None:
        checked = evidence_files.check_file(*upload)
        evidence.file_name = checked.name
        evidence.file_type = checked.content_type
        evidence.file_size = len(checked.content)
        evidence.file_path = evidence_files.store(report.pk, checked)
    try:
        evidence.save()
        attached = f" (kèm tệp {evidence.file_name})" if evidence.file_name else ""
        log_action(
            user,
            "evidence.add",
            f"Thêm minh chứng cho {indicator.quoted_label}: {evidence}{attached}",
            report=report,
            data={"indicator": key, "after": str(evidence), "file": evidence.file_name},
            obj=evidence,
        )
    except BaseException:
        # Nothing half-written: a row that could not be stored leaves no file behind.
        evidence_files.delete(evidence.file_path)
        raise
    return evidence


def evidence_from_citation(text: str, report: Report) -> dict[str, Any] | None:
    """Evidence fields read from a citation typed as officials write it; the issuer is
    taken from the symbol (02/KH-STTTT → the unit whose symbol is STTTT) when not named."""
    citation = parse_citation(text)
    if citation is None:
        return None
    issuer = citation.issuer
    if not issuer and citation.issuer_symbol:
        unit = Unit.objects.filter(doc_symbol__iexact=citation.issuer_symbol).order_by("pk").first()
        if unit is not None:
            issuer = unit.name
    return {
        "doc_type": citation.doc_type,
        "number_symbol": citation.number_symbol,
        "issued_on": citation.issued_on,
        "issuer": issuer,
        "summary": citation.summary,
    }


@transaction.atomic
def remove_evidence(user, evidence: Evidence) -> None:
    """Remove a cited document and its uploaded file (the file once the removal commits)."""
    report = evidence.report
    _require(access.can_edit_report(user, report))
    attached = f" (kèm tệp {evidence.file_name})" if evidence.file_name else ""
    log_action(
        user,
        "evidence.remove",
        f"Xóa minh chứng {evidence}{attached}",
        report=report,
        data={"before": str(evidence), "file": evidence.file_name},
        obj=evidence,
    )
    stored = evidence.file_path
    evidence.delete()
    if stored:
        transaction.on_commit(lambda: evidence_files.delete(stored))


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("period", "unit").get(pk=report.pk)


@transaction.atomic
def submit_report(user, report: Report, at: datetime.datetime | None = None) -> Report:
    """Send the report to the province. `at` records a submission made earlier (imports, demo)."""
    report = _lock(report)
    _require(access.can_submit_report(user, report))
    errors = ReportSheet(report).blocking
    if errors:
        raise WorkflowError(
            "Chưa gửi được báo cáo vì còn lỗi: "
            + " ".join(e.message for e in errors[:5])
            + (f" (và {len(errors) - 5} lỗi khác)" if len(errors) > 5 else "")
        )
    before = report.status
    report.status = Status.SUBMITTED
    report.submitted_at = at or timezone.now()
    report.submitted_by = user
    report.save(update_fields=["status", "submitted_at", "submitted_by"])
    deadline = f"{report.deadline:%d/%m/%Y}"
    log_action(
        user,
        "report.submit",
        f"Gửi báo cáo ({report.timeliness_label}, hạn {deadline})",
        report=report,
        data={
            "before": before,
            "after": report.status,
            "late": report.is_late,
            "deadline": deadline,
        },
        at=report.submitted_at,
    )
    signals.send_on_commit(signals.report_submitted, report, user=user, at=at)
    return report


@transaction.atomic
def approve_report(
    user, report: Report, at: datetime.datetime | None = None, drafts_seen: str | None = None
) -> Report:
    """Approve and lock a submitted report. The sections nobody saved are drafted now and
    stored as its text, marked as drafted by the system at approval, so the approved document
    prints what the approver approved. `drafts_seen` (drafts_version of the drafts the
    approval page showed) refuses an approval whose drafts changed since they were read."""
    report = _lock(report)
    _require(access.can_approve_report(user, report))
    if report.status != Status.SUBMITTED:
        raise WorkflowError("Chỉ phê duyệt được báo cáo đã gửi.")
    try:
        drafts = unsaved_drafts(report)
    except DraftError as exc:
        raise WorkflowError(f"Chưa phê duyệt được: {exc}") from exc
    if drafts_seen is not None and drafts_seen != drafts_version(drafts):
        raise WorkflowError(
            "Nội dung soạn tự động của báo cáo đã thay đổi từ khi bạn xem; hãy xem lại trước "
            "khi phê duyệt."
        )
    report.status = Status.APPROVED
    report.approved_at = at or timezone.now()
    report.approved_by = user
    _store_approval_drafts(user, report, drafts)
    report.save(update_fields=["status", "approved_at", "approved_by"])
    log_action(
        user,
        "report.approve",
        "Phê duyệt báo cáo; báo cáo được khóa",
        report=report,
        data={"before": Status.SUBMITTED, "after": Status.APPROVED},
        at=report.approved_at,
    )
    return report


def _store_approval_drafts(user, report: Report, drafts: list[PendingDraft]) -> None:
    for section, text, basis in drafts:
        item, _ = NarrativeText.objects.select_for_update().get_or_create(
            report=report, section=section
        )
        item.text, item.basis, item.drafted_at_approval = text, basis, True
        item.save(update_fields=["text", "basis", "drafted_at_approval", "updated_at"])
        log_action(
            user,
            "narrative.approval_draft",
            f"Hệ thống soạn nội dung mục {heading(section, report)} khi phê duyệt (mục chưa ai "
            "lưu; người phê duyệt đã xem nội dung này)",
            report=report,
            data={"section": section.number, "after": text, "basis": basis},
            at=report.approved_at,
        )


def _release_approval_drafts(user, report: Report, at: datetime.datetime | None) -> None:
    """A reopened report is no longer what was approved: the sections the system drafted at
    approval, untouched since, go back to being drafted from the figures (the unit corrects
    them), and the next approval stores them anew. The audit trail keeps what was approved."""
    items = list(
        NarrativeText.objects.filter(report=report, drafted_at_approval=True).select_related(
            "section"
        )
    )
    if not items:
        return
    numbers = [item.section.number for item in items]
    NarrativeText.objects.filter(pk__in=[item.pk for item in items]).delete()
    log_action(
        user,
        "narrative.approval_draft_release",
        f"Các mục hệ thống soạn khi phê duyệt ({', '.join(numbers)}) trở lại được soạn từ số "
        "liệu vì báo cáo được mở khóa",
        report=report,
        data={"sections": numbers},
        at=at,
    )


@transaction.atomic
def return_report(user, report: Report, reason: str, at: datetime.datetime | None = None) -> Report:
    """Send a submitted report back to its unit for correction (reason mandatory)."""
    report = _lock(report)
    _require(access.can_return_report(user, report))
    if report.status != Status.SUBMITTED:
        raise WorkflowError("Chỉ trả lại được báo cáo đã gửi; báo cáo đã phê duyệt phải mở khóa.")
    return _back_to_unit(user, report, reason, "report.return", "Trả lại báo cáo", at)


@transaction.atomic
def reopen_report(user, report: Report, reason: str) -> Report:
    """Unlock an approved report so the unit can correct it (audited, reason mandatory)."""
    report = _lock(report)
    _require(access.can_reopen_report(user, report))
    if report.status != Status.APPROVED:
        raise WorkflowError("Chỉ mở khóa được báo cáo đã phê duyệt.")
    return _back_to_unit(
        user, report, reason, "report.reopen", "Mở khóa báo cáo đã phê duyệt", None
    )


def _back_to_unit(
    user, report: Report, reason: str, action: str, verb: str, at: datetime.datetime | None
) -> Report:
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Phải ghi lý do khi trả lại hoặc mở khóa báo cáo.")
    before = report.status
    if before == Status.APPROVED:
        _release_approval_drafts(user, report, at)
    report.status = Status.RETURNED
    report.return_reason = reason
    report.approved_at = None
    report.approved_by = None
    report.save(update_fields=["status", "return_reason", "approved_at", "approved_by"])
    log_action(
        user,
        action,
        f"{verb}. Lý do: {reason}",
        report=report,
        data={"before": before, "after": Status.RETURNED, "reason": reason},
        at=at,
    )
    signals.send_on_commit(
        signals.report_returned,
        report,
        user=user,
        reason=reason,
        reopened=action == "report.reopen",
        at=at,
    )
    return report


# Deadline extensions and acknowledgement of receipt: Sở Nội vụ's side of the submission.

MAX_EXTENSION = datetime.timedelta(days=366)


def regular_deadline(unit: Unit, period: Period) -> datetime.date | None:
    """The deadline a unit has for a period before any extension: its report's (by the
    report's template), or that of a report started now; None while no template is loaded."""
    report = (
        Report.objects.filter(unit=unit, period__code=period.code)
        .select_related("period", "template")
        .first()
    )
    if report is not None:
        return report.regular_deadline
    return template_deadline(period)


def _extension_text(extension: DeadlineExtension | None) -> str:
    return f"{extension.deadline:%d/%m/%Y}" if extension is not None else ""


def _locked_extension(unit: Unit, period: Period) -> tuple[Unit, DeadlineExtension | None]:
    # The unit row is the lock: two consolidators granting at once are applied one by one.
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    extension = (
        DeadlineExtension.objects.select_for_update()
        .filter(unit=unit, period__code=period.code)
        .first()
    )
    return unit, extension


@transaction.atomic
def grant_extension(
    user, unit: Unit, period: Period, deadline: datetime.date, reason: str
) -> DeadlineExtension:
    """Give `unit` a later deadline for `period` (or change the one it has), with the reason
    (mandatory). The date must fall after the regular deadline, on a working day, within a
    year; lateness everywhere follows it at once. Audited with the deadline before and after."""
    _require(
        access.can_extend_deadline(user, unit),
        "Chỉ người tổng hợp của Sở Nội vụ phụ trách đơn vị mới gia hạn được.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Phải ghi lý do gia hạn.")
    regular = regular_deadline(unit, period)
    if regular is None:
        raise WorkflowError("Chưa có biểu mẫu báo cáo nên chưa có hạn gửi để gia hạn.")
    if deadline <= regular:
        raise WorkflowError(
            f"Hạn gia hạn ({deadline:%d/%m/%Y}) phải sau hạn gửi chung {regular:%d/%m/%Y}."
        )
    if deadline - regular > MAX_EXTENSION:
        raise WorkflowError(
            f"Hạn gia hạn ({deadline:%d/%m/%Y}) cách hạn gửi chung {regular:%d/%m/%Y} "
            "quá một năm; kiểm tra lại năm đã nhập."
        )
    day_off = working_calendar().day_off_reason(deadline)
    if day_off:
        raise WorkflowError(
            f"Ngày {deadline:%d/%m/%Y} là ngày nghỉ ({day_off}); hãy chọn một ngày làm việc."
        )
    if period.pk is None:  # a page's read-only lookup: the period is stored only now
        period = Period.objects.for_code(period.code)
    unit, extension = _locked_extension(unit, period)
    before = _extension_text(extension)
    if extension is not None and extension.deadline == deadline and extension.reason == reason:
        return extension
    changed = extension is not None
    if extension is None:
        extension = DeadlineExtension(unit=unit, period=period)
    extension.deadline, extension.reason = deadline, reason
    extension.granted_at, extension.granted_by = timezone.now(), user
    extension.save()
    after = _extension_text(extension)
    summary = (
        f"Đổi gia hạn gửi báo cáo {period.label}: {before} → {after}. Lý do: {reason}"
        if changed
        else f"Gia hạn gửi báo cáo {period.label}: {regular:%d/%m/%Y} → {after}. Lý do: {reason}"
    )
    log_action(
        user,
        "report.extension.change" if changed else "report.extension.grant",
        summary,
        obj=extension,
        unit=unit,
        report=Report.objects.filter(unit=unit, period=period).first(),
        data={
            "period": period.code,
            "regular": f"{regular:%d/%m/%Y}",
            "before": before or f"{regular:%d/%m/%Y}",
            "after": after,
            "reason": reason,
        },
    )
    return extension


@transaction.atomic
def withdraw_extension(user, unit: Unit, period: Period, reason: str) -> None:
    """Take back a unit's extension (reason mandatory): the regular deadline applies again."""
    _require(
        access.can_extend_deadline(user, unit),
        "Chỉ người tổng hợp của Sở Nội vụ phụ trách đơn vị mới thu hồi gia hạn được.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("Phải ghi lý do thu hồi gia hạn.")
    unit, extension = _locked_extension(unit, period)
    if extension is None:
        raise WorkflowError(f"{unit.name} không được gia hạn gửi báo cáo {period.label}.")
    regular = regular_deadline(unit, period)
    before, after = _extension_text(extension), f"{regular:%d/%m/%Y}" if regular else ""
    log_action(
        user,
        "report.extension.withdraw",
        f"Thu hồi gia hạn gửi báo cáo {period.label}: {before} → {after or '(hạn chung)'}. "
        f"Lý do: {reason}",
        obj=extension,
        unit=unit,
        report=Report.objects.filter(unit=unit, period__code=period.code).first(),
        data={"period": period.code, "before": before, "after": after, "reason": reason},
    )
    extension.delete()


@transaction.atomic
def acknowledge_report(user, report: Report, at: datetime.datetime | None = None) -> Report:
    """Sở Nội vụ marks a sent report "đã tiếp nhận" (who, when). It holds for this submission
    only: once returned or reopened the report is no longer acknowledged (the trail keeps it)."""
    report = _lock(report)
    _require(
        access.can_acknowledge_report(user, report),
        "Chỉ người tổng hợp của Sở Nội vụ phụ trách đơn vị mới tiếp nhận báo cáo được.",
    )
    if not report.is_received:
        raise WorkflowError("Chỉ tiếp nhận được báo cáo đã gửi (chưa bị trả lại).")
    if report.is_acknowledged:
        assert report.acknowledged_at is not None
        when = timezone.localtime(report.acknowledged_at)
        raise WorkflowError(f"Báo cáo đã được tiếp nhận lúc {when:%H:%M %d/%m/%Y}.")
    report.acknowledged_at = at or timezone.now()
    report.acknowledged_by = user
    report.acknowledged_submission = report.submitted_at
    report.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledged_submission"])
    assert report.submitted_at is not None
    sent = timezone.localtime(report.submitted_at)
    log_action(
        user,
        "report.acknowledge",
        f"Tiếp nhận báo cáo gửi lúc {sent:%H:%M %d/%m/%Y} ({report.timeliness_label})",
        report=report,
        data={"submitted_at": report.submitted_at.isoformat(), "late": report.is_late},
        at=at,
    )
    return report
