"""The registers, declared once: model, columns of the import file (which are also the
form's fields), the natural key a re-import updates by, which rows a period shows, and the
figures summarised for the period (names in SOURCES). Views, forms, imports and the
sample files are generic over these specs."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet

from cchc.base.tables import ImportResult
from cchc.org.models import Unit
from cchc.records.models import (
    DeadlineRecord,
    DocumentForm,
    Feedback,
    FeedbackChannel,
    InspectedKind,
    Inspection,
    OutgoingDocument,
    Post,
    PostChannel,
    StaffCategory,
    StaffingSnapshot,
    Task,
    TaskKind,
    Training,
    feedback_working_days,
)
from cchc.records.sources import latest_snapshots, plan_year, reporting_year
from cchc.registers import catalogue
from cchc.registers.models import Dossier, OnlineLevel, Procedure
from cchc.registers.services import reclassify

TEXT, DATE, INT, CHOICE, BOOL = "text", "date", "int", "choice", "bool"
# How the register pages show and edit the catalogue's columns.
CATALOGUE_KINDS = {
    "online_level": CHOICE,
    "processing_time": INT,
    "time_unit": CHOICE,
    "postal": BOOL,
    "online_payment": BOOL,
}
CATALOGUE_SHORT: dict[str, dict[str, str]] = {
    "online_level": {
        OnlineLevel.FULL: "Toàn trình",
        OnlineLevel.PARTIAL: "Một phần",
        OnlineLevel.NONE: "Không",
    }
}


@dataclass(frozen=True)
class Column:
    header: str  # as in the import file and the sample
    field: str
    kind: str = TEXT
    required: bool = False
    # CHOICE: extra spellings accepted in files, lower case → value
    aliases: dict[str, str] = dataclasses.field(default_factory=dict)
    # CHOICE: value → the short text a list shows instead of the full label
    short: dict[str, str] = dataclasses.field(default_factory=dict)
    # DATE: a day that has happened (a document's date, a completion): an import warns of
    # one after the day of the import, most likely a mistyped year.
    past: bool = False


@dataclass(frozen=True)
class DateOrder:
    """`later` may not come before `earlier` in one row. Impossible (`error`): the row is
    refused, as the form refuses it; or merely doubtful: the import warns, naming the rows.
    `message` is said of the row at the `later` column."""

    earlier: str  # field names
    later: str
    message: str
    error: bool = True


@dataclass(frozen=True)
class RegisterSpec:
    slug: str
    model: type[models.Model]
    title: str  # "Nhiệm vụ CCHC"
    hint_text: str  # may name {feedback_days}
    columns: list[Column]
    key: tuple[str, ...]  # natural key within the unit: a re-import updates these rows
    in_period: Callable[[QuerySet, datetime.date, datetime.date], QuerySet]
    summary: list[str]  # SOURCES names shown for the period
    sample: list[list[str]]  # example rows for the downloadable template
    # What a period's list shows; names {label} (the period's), {year} (its reporting
    # year) and {end} (its cut-off, dd/mm/yyyy).
    listing: str = "Danh sách {label}"
    # Run after every change to the unit's register (save, delete, import), e.g. to
    # recompute what depends on it.
    after_change: Callable[[Unit], object] | None = None
    # Why a record may not be deleted (None: it may), e.g. other records depend on it.
    delete_blocked: Callable[[models.Model], str | None] | None = None
    # Dates of one row that must come in this order (the import checks them over the file).
    date_orders: tuple[DateOrder, ...] = ()
    # A register with an importer of its own, shared with other pages (the TTHC catalogue):
    # called as importer(source, filename, unit, good_rows_only=..., user=...); it checks,
    # writes, audits and recomputes what depends on the register itself.
    importer: Callable[..., ImportResult] | None = None

    @property
    def hint(self) -> str:
        return self.hint_text.format(feedback_days=feedback_working_days())

    def heading(self, label: str, end: datetime.date) -> str:
        return self.listing.format(label=label, year=reporting_year(end), end=f"{end:%d/%m/%Y}")

    @property
    def fields(self) -> list[str]:
        return [column.field for column in self.columns]

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def has_status(self) -> bool:
        return issubclass(self.model, DeadlineRecord)

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    def choices(self, column: Column) -> dict[str, str]:
        """Accepted spellings (lower case) of a choice column → stored value."""
        model_field = self.model._meta.get_field(column.field)
        accepted = {}
        for value, label in model_field.choices:  # type: ignore[union-attr]
            accepted[str(value).lower()] = value
            accepted[str(label).lower()] = value
        return accepted | column.aliases


def _dated(field_name: str) -> Callable[[QuerySet, datetime.date, datetime.date], QuerySet]:
    def in_period(rows: QuerySet, start: datetime.date, end: datetime.date) -> QuerySet:
        return rows.filter(**{f"{field_name}__range": (start, end)})

    return in_period


def _whole_register(rows: QuerySet, start: datetime.date, end: datetime.date) -> QuerySet:
    return rows


def _procedure_in_use(procedure: models.Model) -> str | None:
    assert isinstance(procedure, Procedure)
    count = Dossier.objects.filter(unit_id=procedure.unit_id, procedure_code=procedure.code).count()
    if not count:
        return None
    return (
        f"TTHC {procedure.code} đã có {count} hồ sơ trong sổ theo dõi hồ sơ: không xóa được, vì "
        "hạn giải quyết của các hồ sơ này tính theo thời hạn của TTHC. Sửa thông tin TTHC nếu "
        "cần."
    )


def _reclassify_dossiers(unit: Unit) -> object:
    """A processing time changed: the unit's dossiers get their deadlines again."""
    return reclassify([unit])


def _open_or_in_period(rows: QuerySet, start: datetime.date, end: datetime.date) -> QuerySet:
    """Received or handled in the window, or still open at its end."""
    still_open = Q(received_on__lte=end) & (Q(handled_on__isnull=True) | Q(handled_on__gt=end))
    return rows.filter(
        Q(received_on__range=(start, end)) | Q(handled_on__range=(start, end)) | still_open
    )


REGISTERS: dict[str, RegisterSpec] = {
    spec.slug: spec
    for spec in [
        RegisterSpec(
            slug="procedures",
            model=Procedure,
            title="Danh mục TTHC",
            hint_text="Thủ tục hành chính đơn vị giải quyết: mã, lĩnh vực, mức độ dịch vụ công "
            "trực tuyến, bưu chính công ích, phí, thanh toán trực tuyến, thời hạn giải quyết. "
            "Hạn của hồ sơ TTHC được tính theo danh mục này và tính lại khi danh mục thay đổi.",
            # Declared once, with the catalogue importer's rules (cchc.registers.catalogue):
            # this page, the dossiers page and `cchc tthc import` share them.
            columns=[
                Column(
                    column.header,
                    column.field,
                    CATALOGUE_KINDS.get(column.field, TEXT),
                    required=column.required,
                    short=CATALOGUE_SHORT.get(column.field, {}),
                )
                for column in catalogue.COLUMNS
            ],
            importer=catalogue.import_procedures,
            key=("code",),
            in_period=_whole_register,
            summary=[
                "procedures.total",
                "procedures.online_full",
                "procedures.postal",
                "procedures.online_payment",
            ],
            sample=[
                [
                    "1.004503",
                    "Cấp giấy phép bưu chính",
                    "Bưu chính",
                    "Tỉnh",
                    "Toàn trình",
                    "10",
                    "ngày làm việc",
                    "",
                    "Có",
                    "Không",
                ]
            ],
            listing="Danh mục TTHC đang áp dụng",
            after_change=_reclassify_dossiers,
            delete_blocked=_procedure_in_use,
        ),
        RegisterSpec(
            slug="tasks",
            model=Task,
            title="Nhiệm vụ CCHC",
            hint_text="Nhiệm vụ trong Kế hoạch CCHC năm của đơn vị và nhiệm vụ UBND tỉnh giao. "
            "Kỳ báo cáo hiển thị nhiệm vụ của năm kế hoạch (theo hạn hoàn thành), tình trạng "
            "tính tại ngày chốt số liệu; hạn rơi vào ngày nghỉ được lùi sang ngày làm việc "
            "kế tiếp.",
            columns=[
                Column(
                    "Loại nhiệm vụ",
                    "kind",
                    CHOICE,
                    required=True,
                    aliases={"kế hoạch": TaskKind.PLAN, "ubnd tỉnh giao": TaskKind.PPC},
                    short={TaskKind.PLAN: "Kế hoạch", TaskKind.PPC: "UBND tỉnh giao"},
                ),
                Column("Nội dung nhiệm vụ", "content", required=True),
                Column("Văn bản giao", "source_document"),
                Column("Ngày giao", "assigned_on", DATE, past=True),
                Column("Hạn hoàn thành", "deadline", DATE, required=True),
                Column("Ngày hoàn thành", "completed_on", DATE, past=True),
                Column("Ghi chú", "note"),
            ],
            # The deadline is part of the key: a recurring task ("Báo cáo CCHC quý") is one
            # row per deadline, and next year's plan with the same wording adds new tasks.
            key=("content", "kind", "source_document", "deadline"),
            date_orders=(
                DateOrder("assigned_on", "deadline", "hạn hoàn thành trước ngày giao"),
                # Allowed (see Task.clean): a yearly plan lists work done before it is signed.
                DateOrder(
                    "assigned_on",
                    "completed_on",
                    "ngày hoàn thành trước ngày giao; kiểm tra lại nếu không phải việc đã làm "
                    "trước khi có văn bản giao",
                    error=False,
                ),
            ),
            in_period=plan_year,
            listing="Nhiệm vụ của năm kế hoạch {year} (theo hạn hoàn thành), tình trạng tại {end}",
            summary=[
                "tasks.plan_total",
                "tasks.plan_done",
                "tasks.plan_overdue",
                "tasks.ubnd_total",
                "tasks.ubnd_done_on_time",
                "tasks.ubnd_done_late",
                "tasks.ubnd_in_progress",
                "tasks.ubnd_overdue",
            ],
            sample=[
                [
                    "Kế hoạch",
                    "Ban hành Kế hoạch kiểm tra công tác CCHC năm 2022",
                    "Kế hoạch số 02/KH-STTTT ngày 27/01/2022",
                    "27/01/2022",
                    "31/03/2022",
                    "08/03/2022",
                    "",
                ],
                [
                    "UBND tỉnh giao",
                    "Ban hành và triển khai Kế hoạch ứng dụng CNTT năm 2022",
                    "Kế hoạch số 182/KH-UBND ngày 28/12/2021",
                    "28/12/2021",
                    "30/06/2022",
                    "",
                    "",
                ],
            ],
        ),
        RegisterSpec(
            slug="feedback",
            model=Feedback,
            title="Phản ánh, kiến nghị",
            hint_text="Phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính, TTHC. "
            "Hạn giải quyết: {feedback_days} ngày làm việc kể từ ngày tiếp nhận (cchc tự tính, "
            "trừ ngày nghỉ).",
            columns=[
                Column("Ngày tiếp nhận", "received_on", DATE, required=True, past=True),
                Column(
                    "Kênh tiếp nhận",
                    "channel",
                    CHOICE,
                    required=True,
                    aliases={
                        "1022": FeedbackChannel.HOTLINE,
                        "tổng đài": FeedbackChannel.HOTLINE,
                        "cổng dvc": FeedbackChannel.PORTAL,
                        "văn bản": FeedbackChannel.LETTER,
                        "email": FeedbackChannel.EMAIL,
                        "khác": FeedbackChannel.OTHER,
                    },
                ),
                Column("Cá nhân, tổ chức phản ánh", "sender"),
                Column("Nội dung", "content", required=True),
                Column("Ngày giải quyết xong", "handled_on", DATE, past=True),
                Column("Văn bản trả lời", "reply"),
            ],
            key=("received_on", "channel", "sender", "content"),
            date_orders=(
                DateOrder("received_on", "handled_on", "ngày giải quyết trước ngày tiếp nhận"),
            ),
            in_period=_open_or_in_period,
            listing="Phản ánh, kiến nghị tiếp nhận hoặc giải quyết trong {label}, và những phản "
            "ánh còn mở tại {end}",
            summary=[
                "feedback.received",
                "feedback.handled",
                "feedback.handled_on_time",
                "feedback.handled_late",
                "feedback.overdue",
                "feedback.received_ytd",
                "feedback.handled_ytd",
            ],
            sample=[
                [
                    "05/07/2022",
                    "Tổng đài 1022",
                    "Nguyễn Văn A",
                    "Đề nghị hướng dẫn thủ tục cấp giấy phép bưu chính trực tuyến",
                    "12/07/2022",
                    "Công văn số 1203/STTTT-BCVT ngày 12/07/2022",
                ]
            ],
        ),
        RegisterSpec(
            slug="posts",
            model=Post,
            title="Tuyên truyền CCHC",
            hint_text="Tin, bài, phóng sự và hoạt động tuyên truyền CCHC theo kênh.",
            columns=[
                Column("Ngày đăng", "published_on", DATE, required=True, past=True),
                Column(
                    "Kênh",
                    "channel",
                    CHOICE,
                    required=True,
                    aliases={
                        "website": PostChannel.UNIT_SITE,
                        "trang ttđt": PostChannel.UNIT_SITE,
                        "chuyên trang cchc": PostChannel.PROVINCE_PAGE,
                        "báo": PostChannel.PRESS,
                        "đài": PostChannel.BROADCAST,
                        "mạng xã hội": PostChannel.SOCIAL,
                        "zalo": PostChannel.SOCIAL,
                        "facebook": PostChannel.SOCIAL,
                        "hội nghị": PostChannel.MEETING,
                    },
                ),
                Column("Tên tin, bài", "title", required=True),
                Column("Đường dẫn", "link"),
            ],
            key=("published_on", "channel", "title"),
            in_period=_dated("published_on"),
            summary=[
                "posts.total",
                "posts.unit_site_ytd",
                "posts.province_page_ytd",
                "posts.media_ytd",
            ],
            sample=[
                [
                    "08/07/2022",
                    "Trang TTĐT của đơn vị",
                    "Kế hoạch thực hiện Chương trình thúc đẩy phát triển và sử dụng các nền "
                    "tảng số quốc gia",
                    "https://stttt.soctrang.gov.vn/",
                ]
            ],
        ),
        RegisterSpec(
            slug="documents",
            model=OutgoingDocument,
            title="Văn bản đi",
            hint_text="Văn bản đi của cơ quan theo hình thức gửi: hoàn toàn điện tử, điện tử song "
            "song bản giấy, hoặc bản giấy.",
            columns=[
                Column("Số, ký hiệu", "number", required=True),
                Column("Ngày ban hành", "issued_on", DATE, required=True, past=True),
                Column("Trích yếu", "summary", required=True),
                Column(
                    "Hình thức gửi",
                    "form",
                    CHOICE,
                    required=True,
                    aliases={
                        "điện tử": DocumentForm.ELECTRONIC,
                        "điện tử và giấy": DocumentForm.BOTH,
                        "giấy": DocumentForm.PAPER,
                    },
                ),
                Column("Ký số", "digitally_signed", BOOL),
                Column("Văn bản chỉ đạo CCHC", "cchc_directive", BOOL),
            ],
            key=("number", "issued_on"),
            in_period=_dated("issued_on"),
            summary=[
                "documents.total",
                "documents.electronic_rate",
                "documents.electronic_only",
                "documents.electronic_and_paper",
                "documents.paper",
                "documents.cchc_directives",
            ],
            sample=[
                [
                    "174/BC-STTTT",
                    "15/09/2022",
                    "Báo cáo tình hình, kết quả thực hiện CCHC quý III năm 2022",
                    "Hoàn toàn điện tử",
                    "Có",
                    "Không",
                ]
            ],
        ),
        RegisterSpec(
            slug="inspections",
            model=Inspection,
            title="Kiểm tra CCHC",
            hint_text="Các cuộc kiểm tra công tác CCHC tại phòng, ban và đơn vị trực thuộc.",
            columns=[
                Column("Ngày kiểm tra", "inspected_on", DATE, required=True, past=True),
                Column("Đơn vị được kiểm tra", "inspected_unit", required=True),
                Column(
                    "Loại đơn vị",
                    "inspected_kind",
                    CHOICE,
                    required=True,
                    aliases={
                        "phòng": InspectedKind.DIVISION,
                        "phòng ban": InspectedKind.DIVISION,
                        "đơn vị trực thuộc": InspectedKind.SUBUNIT,
                        "khác": InspectedKind.OTHER,
                    },
                ),
                Column("Nội dung kiểm tra", "scope"),
                Column("Số vấn đề phát hiện", "issues_found", INT),
                Column("Số vấn đề đã xử lý xong", "issues_fixed", INT),
                Column("Ghi chú", "note"),
            ],
            key=("inspected_on", "inspected_unit"),
            in_period=_dated("inspected_on"),
            summary=[
                "inspections.units",
                "inspections.divisions_ytd",
                "inspections.subunits_ytd",
                "inspections.issues_found_ytd",
                "inspections.issues_fixed_ytd",
            ],
            sample=[
                [
                    "20/07/2022",
                    "Văn phòng Sở",
                    "Phòng, ban thuộc cơ quan",
                    "Kiểm tra công tác CCHC năm 2022",
                    "2",
                    "2",
                    "",
                ]
            ],
        ),
        RegisterSpec(
            slug="trainings",
            model=Training,
            title="Đào tạo, bồi dưỡng",
            hint_text="Lớp đào tạo, bồi dưỡng, tập huấn có công chức, viên chức của đơn vị "
            "tham gia.",
            columns=[
                Column("Ngày khai giảng", "held_on", DATE, required=True, past=True),
                Column("Tên lớp", "title", required=True),
                Column("Hình thức", "kind", CHOICE, required=True),
                Column("Số người tham gia", "participants", INT, required=True),
                Column("Ghi chú", "note"),
            ],
            key=("held_on", "title"),
            in_period=_dated("held_on"),
            summary=["trainings.total", "trainings.participants", "trainings.participants_ytd"],
            sample=[
                [
                    "01/08/2022",
                    "Bồi dưỡng quản lý nhà nước ngạch chuyên viên",
                    "Bồi dưỡng",
                    "2",
                    "",
                ]
            ],
        ),
        RegisterSpec(
            slug="staffing",
            model=StaffingSnapshot,
            title="Biên chế",
            hint_text="Số được giao và số có mặt theo loại, tại một ngày chốt. Kỳ báo cáo hiển "
            "thị số liệu chốt gần nhất của từng loại, tính đến ngày chốt của kỳ.",
            columns=[
                Column("Ngày chốt", "as_of", DATE, required=True, past=True),
                Column(
                    "Loại",
                    "category",
                    CHOICE,
                    required=True,
                    aliases={
                        "công chức": StaffCategory.CIVIL_SERVANTS,
                        "hợp đồng": StaffCategory.CONTRACT,
                        "viên chức": StaffCategory.PUBLIC_EMPLOYEES,
                    },
                ),
                Column("Số được giao", "quota", INT),
                Column("Số có mặt", "actual", INT, required=True),
            ],
            key=("as_of", "category"),
            in_period=latest_snapshots,
            listing="Số liệu chốt gần nhất của từng loại, tính đến {end}",
            summary=[
                "staffing.civil_servants_quota",
                "staffing.civil_servants_actual",
                "staffing.contract_actual",
                "staffing.public_employees_quota",
                "staffing.public_employees_actual",
                "staffing.leaders_department",
                "staffing.leaders_division",
                "staffing.leaders_subunit",
            ],
            sample=[["14/09/2022", "Biên chế công chức", "29", "27"]],
        ),
    ]
}
