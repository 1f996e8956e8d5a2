"""The work registers on the mapping page of cchc.registers (header row, columns, values of coded
columns, saved per source, rejected rows): a file whose header row is not the register's own
(an export of the document-management system, last year's spreadsheet) is mapped once and
imported like the dossier exports.

Each register's columns are its spec's headers; the names other systems and spreadsheets use
for them are below; its choice and yes/no columns are the coded ones whose values the user maps
(a choice's value to one of the model's choices, a yes/no word to Có or Không)."""

from __future__ import annotations

import pandas
from django.urls import reverse

from cchc.org.models import Unit
from cchc.records.imports import YES_NO
from cchc.records.registry import BOOL, CHOICE, REGISTERS, Column, RegisterSpec
from cchc.records.services import import_register_frame
from cchc.registers.mapping import FrameKind, add_kind
from cchc.registers.valuemap import YES_NO_CODES, Code, Coding

# register slug -> standard header -> other names for it (compared without case, accents or
# spaces, as the dossier columns' are).
SYNONYMS: dict[str, dict[str, list[str]]] = {
    "tasks": {
        "Loại nhiệm vụ": ["Loại", "Nguồn nhiệm vụ", "Phân loại nhiệm vụ"],
        "Nội dung nhiệm vụ": ["Nhiệm vụ", "Nội dung", "Tên nhiệm vụ", "Nội dung công việc"],
        "Văn bản giao": ["Văn bản giao nhiệm vụ", "Căn cứ", "Văn bản", "Số văn bản giao"],
        "Ngày giao": ["Ngày giao nhiệm vụ", "Ngày văn bản giao", "Ngày ban hành văn bản"],
        "Hạn hoàn thành": ["Thời hạn", "Thời hạn hoàn thành", "Hạn xử lý", "Hạn"],
        "Ngày hoàn thành": ["Ngày xong", "Ngày thực hiện xong", "Ngày kết thúc"],
        "Ghi chú": ["Kết quả thực hiện"],
    },
    "feedback": {
        "Ngày tiếp nhận": ["Ngày nhận", "Ngày phản ánh", "Ngày gửi"],
        "Kênh tiếp nhận": ["Kênh", "Hình thức tiếp nhận", "Nguồn phản ánh"],
        "Cá nhân, tổ chức phản ánh": ["Người phản ánh", "Tổ chức, cá nhân", "Người gửi"],
        "Nội dung": ["Nội dung phản ánh", "Nội dung phản ánh, kiến nghị", "Trích yếu"],
        "Ngày giải quyết xong": ["Ngày giải quyết", "Ngày trả lời", "Ngày xử lý xong"],
        "Văn bản trả lời": ["Văn bản xử lý", "Kết quả giải quyết", "Số văn bản trả lời"],
    },
    "posts": {
        "Ngày đăng": ["Ngày đăng tin", "Ngày xuất bản", "Ngày phát hành", "Ngày"],
        "Kênh": ["Kênh đăng", "Nơi đăng", "Hình thức tuyên truyền", "Phương tiện"],
        "Tên tin, bài": ["Tên bài", "Tiêu đề", "Tên tin bài", "Tin, bài"],
        "Đường dẫn": ["Link", "URL", "Địa chỉ bài viết"],
    },
    "documents": {
        "Số, ký hiệu": ["Số ký hiệu", "Số hiệu", "Số văn bản", "Ký hiệu"],
        "Ngày ban hành": ["Ngày văn bản", "Ngày ký", "Ngày phát hành"],
        "Trích yếu": ["Trích yếu nội dung", "Nội dung", "Tên văn bản"],
        "Hình thức gửi": ["Hình thức phát hành", "Phương thức gửi", "Gửi qua"],
        "Ký số": ["Chữ ký số", "Đã ký số", "Có ký số"],
        "Văn bản chỉ đạo CCHC": ["Chỉ đạo CCHC", "Văn bản CCHC", "Thuộc lĩnh vực CCHC"],
    },
    "inspections": {
        "Ngày kiểm tra": ["Ngày", "Thời gian kiểm tra"],
        "Đơn vị được kiểm tra": ["Đơn vị", "Cơ quan được kiểm tra", "Đối tượng kiểm tra"],
        "Loại đơn vị": ["Loại đối tượng", "Cấp đơn vị"],
        "Nội dung kiểm tra": ["Nội dung", "Phạm vi kiểm tra"],
        "Số vấn đề phát hiện": ["Số tồn tại phát hiện", "Số hạn chế phát hiện", "Vấn đề phát hiện"],
        "Số vấn đề đã xử lý xong": ["Số tồn tại đã khắc phục", "Đã khắc phục", "Đã xử lý"],
    },
    "trainings": {
        "Ngày khai giảng": ["Ngày mở lớp", "Ngày bắt đầu", "Thời gian tổ chức"],
        "Tên lớp": ["Tên lớp học", "Nội dung đào tạo", "Khóa học", "Tên khóa"],
        "Hình thức": ["Loại hình", "Hình thức đào tạo"],
        "Số người tham gia": ["Số học viên", "Số lượng", "Số người", "Số lượt người"],
    },
    "staffing": {
        "Ngày chốt": ["Thời điểm", "Ngày chốt số liệu", "Tính đến ngày"],
        "Loại": ["Loại biên chế", "Đối tượng"],
        "Số được giao": ["Biên chế được giao", "Chỉ tiêu được giao", "Được giao"],
        "Số có mặt": ["Số hiện có", "Có mặt", "Biên chế có mặt", "Hiện có"],
    },
}


def _choice_coding(spec: RegisterSpec, column: Column) -> Coding:
    """A choice column's values: one of the model field's choices (read as the import reads
    them: value, label or an alias)."""
    choices = getattr(spec.model._meta.get_field(column.field), "choices", None) or []
    accepted = spec.choices(column)

    def read(texts: pandas.Series) -> pandas.Series:
        return texts.astype(str).str.strip().str.lower().map(accepted)

    return Coding(
        " / ".join(str(label) for _, label in choices),
        {str(value): Code(str(label), str(label)) for value, label in choices},
        read,
    )


def _read_yes_no(texts: pandas.Series) -> pandas.Series:
    flags = texts.astype(str).str.strip().str.lower().map(YES_NO)
    return flags.map(lambda flag: None if pandas.isna(flag) else ("co" if flag else "khong"))


YES_NO_CODING = Coding("Có hoặc Không", YES_NO_CODES, _read_yes_no)


def _coded(spec: RegisterSpec) -> dict[str, Coding]:
    return {
        column.header: _choice_coding(spec, column) if column.kind == CHOICE else YES_NO_CODING
        for column in spec.columns
        if column.kind in (CHOICE, BOOL)
    }


def _back(spec: RegisterSpec):
    def back(unit: Unit, period_code: str) -> str:
        url = reverse("record_list", args=[unit.code, spec.slug])
        return f"{url}?period={period_code}" if period_code else url

    return back


def _importer(spec: RegisterSpec):
    def importer(frame: pandas.DataFrame, filename: str, unit: Unit, *, user=None, **how):
        return import_register_frame(user, spec, unit, frame, filename, **how)

    return importer


def add_register_kinds() -> None:
    """Every work register with the generic importer (the TTHC catalogue has its own kind)."""
    for spec in REGISTERS.values():
        if spec.importer is not None:
            continue
        add_kind(
            spec.slug,
            standard=spec.headers,
            required=[column.header for column in spec.columns if column.required],
            synonyms=SYNONYMS.get(spec.slug, {}),
            coded=_coded(spec),
            frame_kind=FrameKind(
                what=str(spec.model._meta.verbose_name_plural),
                back=_back(spec),
                back_label=spec.title,
                importer=_importer(spec),
            ),
        )
