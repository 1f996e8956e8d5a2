"""Why a dossier got its verdict, in Vietnamese, step by step: start day, each day off
skipped, pauses, due date, end date. Mirrors classify.py for one dossier, so a unit can check
any figure the statistics give."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from cchc.periods.workdays import WorkingCalendar
from cchc.registers.models import NOT_COUNTED_STATUSES, Dossier, Procedure, TimeUnit, Verdict
from cchc.registers.regimes import regime_on

WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


def _day(day: datetime.date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


def _start(
    moment: datetime.datetime, calendar: WorkingCalendar, cut_off: int, what: str
) -> tuple[datetime.date, str]:
    local = timezone.localtime(moment)
    day = local.date()
    minutes = local.hour * 60 + local.minute
    limit = f"{cut_off // 60:02d}:{cut_off % 60:02d}"
    reason = calendar.day_off_reason(day)
    # A file that gives the day only stores midnight: say so rather than "lúc 00:00".
    said = (
        f"{what} {_day(day)} (tệp không ghi giờ)"
        if minutes == 0
        else f"{what} lúc {local:%H:%M} {_day(day)}"
    )
    if reason is None and minutes < cut_off:
        before = "" if minutes == 0 else f", trước {limit} của ngày làm việc"
        return day, f"{said}{before}: tính từ chính ngày này."
    start = calendar.next_working_day(day)
    why = f"là ngày nghỉ ({reason})" if reason else f"sau {limit}"
    return start, f"{said}, {why}: tính từ ngày làm việc tiếp theo, {_day(start)}."


def _skipped(calendar: WorkingCalendar, start: datetime.date, end: datetime.date) -> str:
    days = calendar.skipped_days(start, end + datetime.timedelta(days=1))
    if not days:
        return ""
    listed = "; ".join(f"{day:%d/%m/%Y} ({reason})" for day, reason in days)
    return f"Không tính các ngày nghỉ: {listed}."


def explain(
    dossier: Dossier,
    procedure: Procedure | None,
    calendar: WorkingCalendar,
    cut_off: int | None = None,
) -> list[str]:
    """The steps, one sentence each; `cut_off` (minutes after midnight) defaults to the
    CCHC_DOSSIER_CUTOFF setting the imports use."""
    cut_off = settings.CCHC_DOSSIER_CUTOFF if cut_off is None else cut_off
    lines: list[str] = []
    received = timezone.localtime(dossier.received_at).date()
    regime = regime_on(received)
    if regime is not None:
        lines.append(f"Hồ sơ tiếp nhận ngày {received:%d/%m/%Y}: áp dụng {regime.name}.")
    if dossier.status in NOT_COUNTED_STATUSES:
        lines.append(
            f"Trạng thái {dossier.status} ({NOT_COUNTED_STATUSES[dossier.status]}): hồ sơ không "
            "được tính vào số liệu Biểu II.06a (tiếp nhận, đã giải quyết, đang giải quyết) và "
            "không phải gửi văn bản xin lỗi."
        )
    start, text = _start(dossier.received_at, calendar, cut_off, "Tiếp nhận")
    lines.append(text)
    due: datetime.date | None
    if procedure is None:
        due = dossier.promised_on
        lines.append(
            f"TTHC {dossier.procedure_code} chưa có trong danh mục của đơn vị: dùng ngày hẹn trả "
            f"của hệ thống nguồn ({due:%d/%m/%Y})."
            if due
            else f"TTHC {dossier.procedure_code} chưa có trong danh mục và hệ thống nguồn "
            "không ghi ngày hẹn trả: chưa xác định được hạn."
        )
    else:
        days = procedure.processing_time
        working = procedure.time_unit == TimeUnit.WORKING_DAYS
        unit = "ngày làm việc" if working else "ngày"
        lines.append(f"Thời hạn giải quyết TTHC {procedure.code}: {days} {unit}.")
        base: datetime.date | None = start
        remaining = days
        if dossier.supplement_count >= 1 and dossier.supplement_requested_at:
            asked = timezone.localtime(dossier.supplement_requested_at).date()
            if working:
                used = sum(
                    1
                    for offset in range(1, (asked - start).days + 1)
                    if calendar.is_working_day(start + datetime.timedelta(days=offset))
                )
            else:
                used = (asked - start).days
            used = max(0, used)
            remaining = days - used
            lines.append(
                f"Yêu cầu bổ sung {_day(asked)}: đã dùng {used} {unit}, dừng tính thời "
                f"gian trong lúc chờ công dân bổ sung."
            )
            if used > days:
                remaining = days
                lines.append("Yêu cầu bổ sung khi đã quá hạn: hạn giải quyết không được lùi lại.")
            elif dossier.supplement_completed_at is None:
                base = None
                lines.append("Công dân chưa bổ sung đủ hồ sơ: thời hạn đang dừng.")
            else:
                base, text = _start(
                    dossier.supplement_completed_at, calendar, cut_off, "Nhận hồ sơ bổ sung đủ"
                )
                lines.append(f"{text} Còn {remaining} {unit}.")
        if base is None:
            due = None
        elif working:
            due = calendar.add_working_days(base, remaining)
            skipped = _skipped(calendar, base, due)
            if skipped:
                lines.append(skipped)
        else:
            due = base + datetime.timedelta(days=remaining)
            reason = calendar.day_off_reason(due)
            if reason is not None:
                moved = calendar.next_working_day(due)
                lines.append(
                    f"Ngày cuối thời hạn, {_day(due)}, là ngày nghỉ ({reason}): hạn chuyển sang "
                    f"ngày làm việc tiếp theo, {_day(moved)} (Điều 148 Bộ luật Dân sự 2015)."
                )
                due = moved
        if due:
            lines.append(f"Hạn giải quyết: {_day(due)}.")
        if due and dossier.promised_on and dossier.promised_on != due:
            lines.append(
                f"Lưu ý: hệ thống nguồn hẹn trả {dossier.promised_on:%d/%m/%Y}, khác hạn "
                f"tính theo quy định ({due:%d/%m/%Y})."
            )
    if due != dossier.due_on and dossier.pk is not None:
        stored = f"{dossier.due_on:%d/%m/%Y}" if dossier.due_on else "chưa xác định"
        lines.append(
            f"Lưu ý: hạn đã tính khi nhập hồ sơ ({stored}) khác hạn tính theo lịch ngày nghỉ và "
            "giờ chốt hiện hành; kết quả thống kê dùng hạn đã lưu cho đến khi tính lại "
            "(cchc dossiers reclassify)."
        )
    if dossier.supplement_count > 1:
        lines.append(
            f"Yêu cầu bổ sung {dossier.supplement_count} lần: tính là quá hạn (QĐ 766/QĐ-TTg)."
        )
    if dossier.result_on is None:
        lines.append("Chưa có kết quả.")
    else:
        verdict = Verdict(dossier.verdict).label.lower() if dossier.verdict else "chưa xác định"
        lines.append(f"Có kết quả {_day(dossier.result_on)}: {verdict}.")
    if dossier.apology_number and dossier.apology_on:
        promise = (
            f", hẹn trả kết quả lại vào {_day(dossier.new_due_on)}" if dossier.new_due_on else ""
        )
        lines.append(
            f"Đơn vị đã gửi {regime.apology if regime else 'văn bản xin lỗi (Mẫu 04)'} số "
            f"{dossier.apology_number} "
            f"ngày {dossier.apology_on:%d/%m/%Y}{promise}. Hồ sơ vẫn tính là quá hạn."
        )
    return lines
