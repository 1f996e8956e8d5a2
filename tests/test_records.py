"""The CCHC work registers: task and feedback status at a date (in Python and in SQL), the
15-working-day feedback deadline, imports, and the register sources a report is pre-filled
from."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from cchc.audit.models import AuditEntry
from cchc.periods.models import CalendarOverride, working_calendar
from cchc.records import services
from cchc.records.imports import import_records, sample_csv
from cchc.records.models import (
    Feedback,
    Inspection,
    OutgoingDocument,
    Post,
    Progress,
    StaffingSnapshot,
    Task,
    TaskKind,
)
from cchc.records.registry import REGISTERS
from cchc.records.sources import SOURCES, reporting_year, year_start
from cchc.registers.imports import ImportRejected, read_table

pytestmark = pytest.mark.django_db

D = datetime.date
Q3_2022 = (D(2022, 6, 15), D(2022, 9, 14))


def task(unit, deadline, completed=None, kind=TaskKind.PPC, **extra) -> Task:
    record = Task(unit=unit, kind=kind, content=f"Nhiệm vụ {deadline}", deadline=deadline, **extra)
    record.completed_on = completed
    record.due_on = record.compute_due(working_calendar())
    record.save()
    return record


def feedback(unit, received, handled=None, channel="hotline") -> Feedback:
    record = Feedback(
        unit=unit, received_on=received, channel=channel, content=f"Phản ánh {received}"
    )
    record.handled_on = handled
    record.due_on = record.compute_due(working_calendar())
    record.save()
    return record


def header(slug: str) -> str:
    """The header line of a register's file, quoted as CSV ("Tên tin, bài")."""
    return sample_csv(REGISTERS[slug]).decode("utf-8-sig").splitlines()[0] + "\n"


def sql_status(model, record, day) -> set[Progress]:
    return {
        status
        for status, condition in model.status_q(day).items()
        if model.objects.filter(condition, pk=record.pk).exists()
    }


@pytest.mark.parametrize(
    ("deadline", "completed", "at", "expected"),
    [
        (D(2022, 7, 29), D(2022, 7, 20), D(2022, 9, 14), Progress.ON_TIME),
        (D(2022, 7, 29), D(2022, 7, 29), D(2022, 9, 14), Progress.ON_TIME),
        (D(2022, 7, 29), D(2022, 8, 3), D(2022, 9, 14), Progress.LATE),
        (D(2022, 12, 31), None, D(2022, 9, 14), Progress.IN_PROGRESS),
        (D(2022, 9, 14), None, D(2022, 9, 14), Progress.IN_PROGRESS),
        (D(2022, 8, 31), None, D(2022, 9, 14), Progress.OVERDUE),
        # Completed after the date asked about: at that date it was still open.
        (D(2022, 8, 31), D(2022, 9, 20), D(2022, 9, 14), Progress.OVERDUE),
        (D(2022, 9, 30), D(2022, 9, 20), D(2022, 9, 14), Progress.IN_PROGRESS),
        # Deadline on Friday 02/9/2022 (Quốc khánh): Monday 05/9 is still on time.
        (D(2022, 9, 2), D(2022, 9, 5), D(2022, 9, 14), Progress.ON_TIME),
        (D(2022, 9, 2), D(2022, 9, 6), D(2022, 9, 14), Progress.LATE),
        # Deadline on Sunday 31/7/2022, open on Monday 01/8: not overdue yet.
        (D(2022, 7, 31), None, D(2022, 8, 1), Progress.IN_PROGRESS),
        (D(2022, 7, 31), None, D(2022, 8, 2), Progress.OVERDUE),
    ],
)
def test_task_status_at_a_date_in_python_and_sql(province, deadline, completed, at, expected):
    record = task(province["ST-STTTT"], deadline, completed)
    assert record.status_at(at) == expected
    assert sql_status(Task, record, at) == {expected}


def test_deadline_on_a_holiday_moves_to_the_next_working_day(province):
    assert task(province["ST-STTTT"], D(2023, 1, 23)).due_on == D(2023, 1, 27)  # Tết 2023
    assert task(province["ST-STTTT"], D(2022, 9, 1)).due_on == D(2022, 9, 5)


def test_feedback_is_due_15_working_days_after_receipt_across_tet_2023(province):
    # 17-19/01 are three working days, 20-26/01/2023 are Tết, then 27/01 … 13/02.
    record = feedback(province["ST-STTTT"], D(2023, 1, 16))
    assert record.due_on == D(2023, 2, 13)
    assert record.status_at(D(2023, 2, 13)) == Progress.IN_PROGRESS
    assert record.status_at(D(2023, 2, 14)) == Progress.OVERDUE
    record.handled_on = D(2023, 2, 10)
    record.save(update_fields=["handled_on"])
    assert record.status_at(D(2023, 3, 14)) == Progress.ON_TIME
    assert sql_status(Feedback, record, D(2023, 3, 14)) == {Progress.ON_TIME}


def test_feedback_deadline_across_30_4_and_1_5_with_a_working_saturday(province):
    # 29/4-03/5/2023 are days off; 21/4 … 28/4 are six working days, then 04/5 onwards.
    assert feedback(province["ST-STTTT"], D(2023, 4, 20)).due_on == D(2023, 5, 16)
    CalendarOverride.objects.create(date=D(2023, 5, 6), is_working_day=True, note="Làm bù")
    assert feedback(province["ST-STTTT"], D(2023, 4, 20), channel="portal").due_on == D(2023, 5, 15)


def test_feedback_received_on_a_saturday_counts_from_monday(province):
    # Saturday 09/7/2022: Monday 11/7 is the first of the 15 working days.
    assert feedback(province["ST-STTTT"], D(2022, 7, 9)).due_on == D(2022, 7, 29)


def test_reporting_year_starts_at_the_december_cut_off():
    assert reporting_year(D(2022, 9, 14)) == 2022
    assert reporting_year(D(2022, 12, 14)) == 2022
    assert reporting_year(D(2022, 12, 15)) == 2023
    assert year_start(D(2022, 9, 14)) == D(2021, 12, 15)
    assert year_start(D(2023, 1, 14)) == D(2022, 12, 15)


TASKS = """Loại nhiệm vụ,Nội dung nhiệm vụ,Văn bản giao,Ngày giao,Hạn hoàn thành,Ngày hoàn thành,Ghi chú
Kế hoạch,Ban hành Kế hoạch CCHC năm 2022,Kế hoạch số 02/KH-STTTT ngày 27/01/2022,27/01/2022,31/01/2022,27/01/2022,
Kế hoạch,Kiểm tra CCHC các phòng,Kế hoạch số 02/KH-STTTT ngày 27/01/2022,27/01/2022,30/09/2022,,
UBND tỉnh giao,Ban hành Kế hoạch ứng dụng CNTT năm 2022,Kế hoạch số 182/KH-UBND ngày 28/12/2021,28/12/2021,30/06/2022,20/07/2022,chậm do chờ ý kiến các sở
UBND tỉnh giao,Triển khai chuyển đổi số,Kế hoạch số 182/KH-UBND ngày 28/12/2021,28/12/2021,31/08/2022,,
UBND tỉnh giao,Nhiệm vụ năm 2021,Kế hoạch số 120/KH-UBND ngày 01/02/2021,01/02/2021,30/11/2021,30/11/2021,
"""


def test_task_import_and_reimport_updates(province, reporter):
    unit = province["ST-STTTT"]
    spec = REGISTERS["tasks"]
    result = import_records(spec, TASKS.encode(), "nv.csv", unit)
    assert (result.created, result.updated) == (5, 0)
    changed = TASKS.replace("30/09/2022,,", "30/09/2022,12/09/2022,")
    again = import_records(spec, changed.encode(), "nv.csv", unit)
    assert (again.created, again.updated) == (0, 5)
    assert Task.objects.filter(unit=unit).count() == 5
    inspected = Task.objects.get(unit=unit, content="Kiểm tra CCHC các phòng")
    assert inspected.completed_on == D(2022, 9, 12)
    assert inspected.due_on == D(2022, 9, 30)
    late = Task.objects.get(unit=unit, content__startswith="Ban hành Kế hoạch ứng dụng")
    assert late.note == "chậm do chờ ý kiến các sở" and late.kind == TaskKind.PPC


def test_task_sources_over_the_window(province):
    unit = province["ST-STTTT"]
    import_records(REGISTERS["tasks"], TASKS.encode(), "nv.csv", unit)

    def value(name):
        return SOURCES[name][1](unit, *Q3_2022)

    assert value("tasks.plan_total") == 2
    assert value("tasks.plan_done") == 1
    assert value("tasks.ubnd_total") == 2  # the 2021 task belongs to another year
    assert value("tasks.ubnd_done_on_time") == 0
    assert value("tasks.ubnd_done_late") == 1
    assert value("tasks.ubnd_in_progress") == 0
    assert value("tasks.ubnd_overdue") == 1
    assert SOURCES["tasks.ubnd_total"][1](unit, D(2021, 9, 15), D(2021, 12, 14)) == 1
    assert SOURCES["tasks.plan_total"][1](province["ST-STP"], *Q3_2022) is None


def test_bad_rows_are_named_and_nothing_is_written(province):
    bad = (
        TASKS
        + "Sáng kiến,Việc X,,,31/12/2022,,\n"
        + "Kế hoạch,,,,32/13/2022,,\n"
        + "Kế hoạch,Việc Y,,01/08/2022,15/07/2022,,\n"
        + "Kế hoạch,Ban hành Kế hoạch CCHC năm 2022,Kế hoạch số 02/KH-STTTT ngày 27/01/2022,"
        + ",31/01/2022,,\n"
    )
    with pytest.raises(ImportRejected) as error:
        import_records(REGISTERS["tasks"], bad.encode(), "nv.csv", province["ST-STTTT"])
    messages = [str(e) for e in error.value.errors]
    assert messages[0].startswith(
        "Dòng 7, cột «Loại nhiệm vụ»: 'Sáng kiến' không hợp lệ; dùng một trong: "
        "Nhiệm vụ trong Kế hoạch CCHC của đơn vị, Nhiệm vụ UBND tỉnh giao"
    )
    assert "Dòng 8, cột «Nội dung nhiệm vụ»: thiếu nội dung nhiệm vụ" in messages
    assert "Dòng 8, cột «Hạn hoàn thành»: '32/13/2022' có tháng 13, không có trong lịch" in messages
    assert "Dòng 9, cột «Hạn hoàn thành»: hạn hoàn thành trước ngày giao" in messages
    assert (
        "Dòng 10, cột «Nội dung nhiệm vụ»: trùng với dòng 2 (Nội dung nhiệm vụ, Loại nhiệm vụ, "
        "Văn bản giao, Hạn hoàn thành)" in messages
    )
    assert "có 4 dòng lỗi; chưa nhập dòng nào" in str(error.value)
    assert not Task.objects.exists()


def test_good_rows_mode_writes_the_good_rows_and_lists_the_bad(province, reporter):
    bad = TASKS + "Kế hoạch,Việc X,,,31/02/2022,,\n"
    result = services.import_register(
        reporter,
        REGISTERS["tasks"],
        province["ST-STTTT"],
        bad.encode(),
        "nv.csv",
        good_rows_only=True,
    )
    assert result.created == 5
    assert [str(e) for e in result.skipped] == [
        "Dòng 7, cột «Hạn hoàn thành»: '31/02/2022' không có trong lịch: tháng 2/2022 chỉ có 28 ngày"
    ]
    assert "bỏ qua 1 dòng lỗi" in result.summary
    entry = AuditEntry.objects.get(action="records.import")
    assert entry.user == reporter and entry.data["created"] == 5
    assert entry.data["skipped"] == [str(result.skipped[0])]


def test_missing_required_header_is_refused(province):
    with pytest.raises(ImportRejected, match="thiếu cột: Hạn hoàn thành"):
        import_records(
            REGISTERS["tasks"],
            "Loại nhiệm vụ,Nội dung nhiệm vụ\nKế hoạch,Việc X\n".encode(),
            "nv.csv",
            province["ST-STTTT"],
        )


def test_xlsx_import_with_real_date_cells(province):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(REGISTERS["feedback"].headers)
    sheet.append(
        [datetime.datetime(2022, 7, 5), "Tổng đài 1022", "Nguyễn Văn A", "Hỏi thủ tục", None, ""]
    )
    sheet.append(["06/07/2022", "cổng dvc", "", "Đề nghị sửa biểu mẫu", "08/07/2022", "CV 12"])
    sheet.append(["hôm qua", "Fax", "", "X", "", ""])
    data = io.BytesIO()
    book.save(data)
    unit = province["ST-STTTT"]
    result = import_records(
        REGISTERS["feedback"], data.getvalue(), "pakn.xlsx", unit, good_rows_only=True
    )
    assert result.created == 2
    assert [str(e) for e in result.skipped] == [
        "Dòng 4, cột «Ngày tiếp nhận»: 'hôm qua' không phải ngày dd/mm/yyyy",
        "Dòng 4, cột «Kênh tiếp nhận»: 'Fax' không hợp lệ; dùng một trong: Tổng đài 1022, "
        "Cổng Dịch vụ công, Trực tiếp, Văn bản, đơn thư, Thư điện tử, Điện thoại, Kênh khác",
    ]
    first = Feedback.objects.get(unit=unit, received_on=D(2022, 7, 5))
    assert first.channel == "hotline" and first.due_on == D(2022, 7, 26)
    assert Feedback.objects.get(unit=unit, received_on=D(2022, 7, 6)).channel == "portal"


def test_every_sample_file_imports_as_it_is(province):
    unit = province["ST-STTTT"]
    for spec in REGISTERS.values():
        data = sample_csv(spec)
        assert data.startswith("\ufeff".encode())
        assert list(read_table(data, "mau.csv").columns) == spec.headers
        result = import_records(spec, data, "mau.csv", unit)
        assert result.created == len(spec.sample), spec.slug


def test_inspection_rules_and_sources(province):
    unit = province["ST-STTTT"]
    spec = REGISTERS["inspections"]
    header = ",".join(spec.headers) + "\n"
    rows = (
        "20/07/2022,Văn phòng Sở,Phòng,CCHC,2,2,\n"
        "21/07/2022,Thanh tra Sở,Phòng,CCHC,0,0,\n"
        "22/08/2022,Văn phòng Sở,Phòng,Công vụ,1,0,\n"
        "25/08/2022,Trung tâm CNTT-TT,Đơn vị trực thuộc,CCHC,3,1,\n"
        "10/03/2022,Phòng BCVT,Phòng,CCHC,1,1,\n"
    )
    with pytest.raises(ImportRejected) as error:
        import_records(
            spec, (header + rows + "01/08/2022,X,Phòng,,1,2,\n").encode(), "kt.csv", unit
        )
    assert [str(e) for e in error.value.errors] == [
        "Dòng 7, cột «Số vấn đề đã xử lý xong»: số vấn đề đã xử lý xong lớn hơn số vấn đề phát hiện"
    ]
    import_records(spec, (header + rows).encode(), "kt.csv", unit)
    assert Inspection.objects.filter(unit=unit).count() == 5

    def value(name):
        return SOURCES[name][1](unit, *Q3_2022)

    assert value("inspections.units") == 3  # Văn phòng Sở twice counts once
    assert value("inspections.divisions_ytd") == 3  # and Phòng BCVT in March
    assert value("inspections.subunits_ytd") == 1
    assert value("inspections.issues_found_ytd") == 7
    assert value("inspections.issues_fixed_ytd") == 4
    assert SOURCES["inspections.units"][1](province["ST-STP"], *Q3_2022) is None


def test_posts_documents_and_staffing_sources(province):
    unit = province["ST-STTTT"]
    for published, channel in [
        (D(2022, 1, 19), "unit_site"),
        (D(2022, 7, 8), "unit_site"),
        (D(2022, 8, 5), "social"),
        (D(2022, 8, 20), "meeting"),
        (D(2022, 9, 20), "unit_site"),
    ]:
        Post.objects.create(unit=unit, published_on=published, channel=channel, title="Tin")
    for index, form in enumerate(["electronic"] * 5 + ["both"] * 2 + ["paper"]):
        OutgoingDocument.objects.create(
            unit=unit,
            number=f"{index + 1}/STTTT-VP",
            issued_on=D(2022, 7, 1),
            summary="V/v",
            form=form,
            digitally_signed=index != 4,
            cchc_directive=index < 2,
        )
    OutgoingDocument.objects.create(
        unit=unit, number="9/STTTT-VP", issued_on=D(2022, 3, 1), summary="V/v", form="paper"
    )
    StaffingSnapshot.objects.create(
        unit=unit, as_of=D(2022, 1, 7), category="civil_servants", quota=29, actual=26
    )
    StaffingSnapshot.objects.create(
        unit=unit, as_of=D(2022, 9, 1), category="civil_servants", quota=29, actual=27
    )
    StaffingSnapshot.objects.create(
        unit=unit, as_of=D(2022, 10, 1), category="civil_servants", quota=29, actual=28
    )

    def value(name, window=Q3_2022):
        return SOURCES[name][1](unit, *window)

    assert value("posts.total") == 3
    assert value("posts.unit_site_ytd") == 2
    assert value("posts.media_ytd") == 3
    assert value("posts.province_page_ytd") is None  # no post of that channel: no figure
    assert value("documents.total") == 8
    assert value("documents.electronic_only") == 4  # one electronic is not signed
    assert value("documents.electronic_and_paper") == 2
    assert value("documents.paper") == 1  # the one of March is outside the window
    assert value("documents.cchc_directives") == 2
    assert value("documents.electronic_rate") == Decimal("87.50")
    assert value("staffing.civil_servants_actual") == 27
    assert value("staffing.civil_servants_quota") == 29
    assert value("staffing.civil_servants_actual", (D(2022, 3, 15), D(2022, 6, 14))) == 26
    assert value("staffing.contract_actual") is None  # never entered
    assert value("staffing.civil_servants_actual", (D(2021, 3, 15), D(2021, 6, 14))) is None
    assert value("feedback.received") is None


def test_every_source_is_none_without_a_register(province):
    for name, (label, source) in SOURCES.items():
        assert label and source(province["ST-STP"], *Q3_2022) is None, name


def test_feedback_sources(province):
    unit = province["ST-STTTT"]
    feedback(unit, D(2022, 6, 1), D(2022, 6, 20))  # handled in the window
    feedback(unit, D(2022, 7, 4), D(2022, 7, 15))
    feedback(unit, D(2022, 8, 1))  # due 22/8, still open at 14/9: overdue
    feedback(unit, D(2022, 9, 12))

    def value(name):
        return SOURCES[name][1](unit, *Q3_2022)

    assert value("feedback.received") == 3
    assert value("feedback.handled") == 2
    assert value("feedback.overdue") == 1
    assert value("feedback.received_ytd") == 4


def test_a_recurring_task_is_one_row_per_deadline_and_next_years_plan_adds_tasks(province):
    unit = province["ST-STTTT"]
    spec = REGISTERS["tasks"]
    header = ",".join(spec.headers) + "\n"
    plan = (
        "Kế hoạch,Báo cáo CCHC quý,Kế hoạch số 02/KH-STTTT,27/01/{y},15/03/{y},14/03/{y},\n"
        "Kế hoạch,Báo cáo CCHC quý,Kế hoạch số 02/KH-STTTT,27/01/{y},15/06/{y},,\n"
    )
    result = import_records(spec, (header + plan.format(y=2022)).encode(), "nv.csv", unit)
    assert (result.created, result.updated) == (2, 0)
    again = import_records(spec, (header + plan.format(y=2023)).encode(), "nv.csv", unit)
    assert (again.created, again.updated) == (2, 0)
    deadlines = Task.objects.filter(unit=unit).values_list("deadline", "completed_on")
    assert sorted(deadlines) == [
        (D(2022, 3, 15), D(2022, 3, 14)),
        (D(2022, 6, 15), None),
        (D(2023, 3, 15), D(2023, 3, 14)),
        (D(2023, 6, 15), None),
    ]


def test_the_natural_keys_are_database_constraints(province):
    unit = province["ST-STTTT"]
    task(unit, D(2022, 3, 15))
    with pytest.raises(IntegrityError), transaction.atomic():
        task(unit, D(2022, 3, 15))
    feedback(unit, D(2022, 7, 5))
    feedback(unit, D(2022, 7, 5), channel="portal")  # another channel: another feedback
    with pytest.raises(IntegrityError), transaction.atomic():
        feedback(unit, D(2022, 7, 5))
    assert Feedback.objects.filter(unit=unit).count() == 2


def test_feedback_key_includes_the_channel(province):
    unit = province["ST-STTTT"]
    spec = REGISTERS["feedback"]
    rows = (
        header("feedback") + "05/07/2022,Tổng đài 1022,Nguyễn Văn A,Hỏi thủ tục,,\n"
        "05/07/2022,Cổng DVC,Nguyễn Văn A,Hỏi thủ tục,,\n"
    )
    assert import_records(spec, rows.encode(), "pakn.csv", unit).created == 2


def test_row_numbers_count_blank_lines(province):
    spec = REGISTERS["tasks"]
    data = TASKS.replace("\nUBND tỉnh giao,Triển khai", "\n\n,,,,,,\nUBND tỉnh giao,Triển khai")
    data += "\nKế hoạch,Việc X,,,31/02/2022,,\n"
    # Lines: header 1, tasks 2-4, blank 5, empty cells 6, tasks 7-8, blank 9, bad row 10.
    with pytest.raises(ImportRejected) as error:
        import_records(spec, data.encode(), "nv.csv", province["ST-STTTT"])
    assert [str(e) for e in error.value.errors] == [
        "Dòng 10, cột «Hạn hoàn thành»: '31/02/2022' không có trong lịch: tháng 2/2022 chỉ có 28 ngày"
    ]
    result = import_records(
        spec, data.encode(), "nv.csv", province["ST-STTTT"], good_rows_only=True
    )
    assert result.created == 5  # the blank rows are neither imported nor errors


def test_a_file_is_held_to_the_field_rules_of_the_form(province):
    unit = province["ST-STTTT"]
    posts = header("posts") + "08/07/2022,Website,Tin CCHC,không phải URL\n"
    with pytest.raises(ImportRejected) as error:
        import_records(REGISTERS["posts"], posts.encode(), "tt.csv", unit)
    assert [(e.row, e.column) for e in error.value.errors] == [(2, "Đường dẫn")]
    trainings = (
        ",".join(REGISTERS["trainings"].headers) + "\n01/08/2022,Lớp A,Bồi dưỡng,3000000000,\n"
    )
    with pytest.raises(ImportRejected) as error:
        import_records(REGISTERS["trainings"], trainings.encode(), "dt.csv", unit)
    assert [str(e) for e in error.value.errors] == [
        "Dòng 2, cột «Số người tham gia»: '3000000000' quá lớn"
    ]
    assert not Post.objects.exists()


def test_a_row_the_database_refuses_is_a_row_error(province, monkeypatch):
    """Should the database refuse a row the checks let through, the import names it; by
    default nothing is written."""
    unit = province["ST-STTTT"]
    spec = REGISTERS["posts"]
    data = (header("posts") + "08/07/2022,Website,Tin 1,\n09/07/2022,Website,Tin lỗi,\n").encode()
    save = Post.save

    def refuse(self, *args, **kwargs):
        if self.title == "Tin lỗi":
            raise IntegrityError("refused")
        return save(self, *args, **kwargs)

    def refuse_batch(*args, **kwargs):
        raise IntegrityError("batch refused")

    monkeypatch.setattr(Post, "save", refuse)
    monkeypatch.setattr(type(Post.objects), "bulk_create", refuse_batch)
    with pytest.raises(ImportRejected) as error:
        import_records(spec, data, "tt.csv", unit)
    assert [str(e) for e in error.value.errors] == [
        "Dòng 3, cột «Ngày đăng»: cơ sở dữ liệu không nhận dòng này (refused)"
    ]
    assert not Post.objects.exists()
    result = import_records(spec, data, "tt.csv", unit, good_rows_only=True)
    assert (result.created, len(result.skipped)) == (1, 1)
    assert list(Post.objects.values_list("title", flat=True)) == ["Tin 1"]


def test_staffing_takes_each_categorys_latest_snapshot(province):
    unit = province["ST-STTTT"]
    for as_of, category, actual in [
        (D(2022, 1, 7), "civil_servants", 28),
        (D(2022, 1, 7), "contract", 4),
        (D(2022, 9, 1), "civil_servants", 27),  # contracts unchanged: not entered again
    ]:
        StaffingSnapshot.objects.create(unit=unit, as_of=as_of, category=category, actual=actual)

    def value(name):
        return SOURCES[name][1](unit, *Q3_2022)

    assert value("staffing.civil_servants_actual") == 27
    assert value("staffing.contract_actual") == 4
    assert value("staffing.public_employees_actual") is None  # never entered
    shown = REGISTERS["staffing"].in_period(StaffingSnapshot.objects.all(), *Q3_2022)
    assert sorted(shown.values_list("category", "actual")) == [
        ("civil_servants", 27),
        ("contract", 4),
    ]


def test_feedback_handled_on_time_and_late_in_the_window(province):
    unit = province["ST-STTTT"]
    feedback(unit, D(2022, 6, 1), D(2022, 6, 20))  # due 22/6: on time, in the window
    feedback(unit, D(2022, 5, 3), D(2022, 6, 16))  # due 24/5: late, in the window
    feedback(unit, D(2022, 7, 4), D(2022, 8, 15))  # due 25/7: late
    feedback(unit, D(2022, 5, 3), D(2022, 5, 20), channel="portal")  # before the window
    feedback(unit, D(2022, 9, 1), D(2022, 9, 20))  # handled after the cut-off
    feedback(unit, D(2022, 8, 1))  # open

    def value(name):
        return SOURCES[name][1](unit, *Q3_2022)

    assert value("feedback.handled") == 3
    assert value("feedback.handled_on_time") == 1
    assert value("feedback.handled_late") == 2
    assert "feedback.handled_late" in REGISTERS["feedback"].summary
    assert "lượt người" in SOURCES["trainings.participants_ytd"][0]


def test_the_feedback_deadline_is_a_setting(province, settings):
    settings.CCHC_FEEDBACK_WORKING_DAYS = 10
    assert feedback(province["ST-STTTT"], D(2022, 7, 4)).due_on == D(2022, 7, 18)
    assert "10 ngày làm việc" in REGISTERS["feedback"].hint


def test_recompute_moves_stored_due_dates_after_a_calendar_change(province, reporter):
    unit, other = province["ST-STTTT"], province["ST-STP"]
    received = feedback(unit, D(2023, 4, 20))
    elsewhere = feedback(other, D(2023, 4, 20))
    deadline = task(unit, D(2023, 5, 6))  # a Saturday: due Monday 08/5
    unchanged = task(unit, D(2023, 3, 1))
    assert (received.due_on, deadline.due_on) == (D(2023, 5, 16), D(2023, 5, 8))
    CalendarOverride.objects.create(date=D(2023, 5, 6), is_working_day=True, note="Làm bù")
    received.refresh_from_db()
    assert received.due_on == D(2023, 5, 16)  # stored: the override alone does not move it

    figures = services.recompute_due_dates(reporter, [unit])
    assert figures == {"tasks": (2, 1), "feedback": (1, 1)}
    for record in (received, elsewhere, deadline, unchanged):
        record.refresh_from_db()
    assert received.due_on == D(2023, 5, 15)
    assert deadline.due_on == D(2023, 5, 6)
    assert unchanged.due_on == D(2023, 3, 1)
    assert elsewhere.due_on == D(2023, 5, 16)  # another unit, not asked for
    entry = AuditEntry.objects.get(action="records.recompute")
    assert entry.user == reporter and entry.data["units"] == ["ST-STTTT"]
    assert entry.data["registers"]["feedback"] == {"checked": 1, "moved": 1}

    out = io.StringIO()
    call_command("records", "recompute", stdout=out)
    elsewhere.refresh_from_db()
    assert elsewhere.due_on == D(2023, 5, 15)
    assert "feedback: đã tính lại 2 bản ghi, 1 hạn thay đổi." in out.getvalue()
    with pytest.raises(CommandError, match="Không có đơn vị mã XX"):
        call_command("records", "recompute", "--unit", "XX")


def test_recompute_agrees_with_compute_due_outside_the_day_table(province):
    unit = province["ST-STTTT"]
    early = task(unit, D(1999, 12, 25))  # a form accepts any date; the table starts in 2000
    late = feedback(unit, D(2050, 12, 28))
    Task.objects.filter(pk=early.pk).update(due_on=D(1999, 1, 1))
    Feedback.objects.filter(pk=late.pk).update(due_on=D(1999, 1, 1))
    services.recompute_due_dates(None, [unit])
    early.refresh_from_db()
    late.refresh_from_db()
    assert early.due_on == D(1999, 12, 27)
    assert late.due_on == late.compute_due(working_calendar())
