"""Importing files through the pages: the upload (straight to the importer when the header is
cchc's own or a saved mapping fits), the mapping page (header row, columns, values of coded
columns) and the rejected rows' XLSX. Shared by the dossier register, the TTHC catalogue and,
through mapping.add_kind, the work registers."""

from __future__ import annotations

import pandas
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cchc.base.rowgroups import grouped
from cchc.org.models import Unit
from cchc.org.shortcuts import register_unit
from cchc.registers.forms import MappingForm, ValuesForm
from cchc.registers.imports import (
    MAX_UPLOAD_BYTES,
    ImportRejected,
    ImportResult,
    RowError,
    read_table,
)
from cchc.registers.mapping import (
    FRAME_KINDS,
    PREVIEW_ROWS,
    MappingTaken,
    check_header_row,
    first_rows,
    guess_mapping,
    import_file,
    import_frame,
    is_standard,
    known_names,
    read_headers,
    save_mapping,
    saved_mapping_for_file,
)
from cchc.registers.models import ColumnMapping, ImportKind
from cchc.registers.rejected import keep_rejected, keep_rejected_of_file, rejected_file
from cchc.registers.uploads import (
    PendingUpload,
    discard_upload,
    keep_upload,
    pending_upload,
    upload_info,
)
from cchc.registers.valuemap import CODED, coded_columns

SHOWN_ERRORS = 30
SAMPLE_ROWS = 3
PREVIEW_COLUMNS = 12  # of the header-row preview


def back_url(unit: Unit, kind: str, period_code: str) -> str:
    """The page an import of `kind` returns to: the register it fills."""
    if kind in FRAME_KINDS:
        return FRAME_KINDS[kind].back(unit, period_code)
    url = reverse("dossiers", args=[unit.code])
    return f"{url}?period={period_code}" if period_code else url


def kind_what(kind: str) -> str:
    """What the file holds, for "Tệp {what} có … dòng"."""
    if kind in FRAME_KINDS:
        return FRAME_KINDS[kind].what
    return "hồ sơ TTHC" if kind == ImportKind.DOSSIERS else "danh mục TTHC"


def back_label(kind: str) -> str:
    return FRAME_KINDS[kind].back_label if kind in FRAME_KINDS else "Hồ sơ TTHC"


def report_rejection(request: HttpRequest, exc: ImportRejected) -> None:
    messages.error(request, str(exc))
    lines = grouped(exc.errors)
    for line in lines[:SHOWN_ERRORS]:
        messages.error(request, line)
    if len(lines) > SHOWN_ERRORS:
        messages.error(request, f"… và {len(lines) - SHOWN_ERRORS} lỗi khác.")


def report_result(request: HttpRequest, result: ImportResult, what: str) -> None:
    messages.success(request, f"{what}: {result.summary}")
    for warning in result.warnings:
        messages.warning(request, f"Lưu ý — {warning}")
    lines = grouped(result.skipped)
    for line in lines[:SHOWN_ERRORS]:
        messages.warning(request, f"Bỏ qua — {line}")
    if len(lines) > SHOWN_ERRORS:
        messages.warning(request, f"… và {len(lines) - SHOWN_ERRORS} lỗi khác.")


def _upload(request: HttpRequest, unit_code: str, kind: str) -> HttpResponse:
    """Import at once when the header is standard or a saved mapping fits; otherwise keep
    the file and ask for the mapping."""
    unit = register_unit(request, unit_code)
    period_code = request.POST.get("period", "")
    back = redirect(back_url(unit, kind, period_code))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Chưa chọn tệp để nhập.")
        return back
    size, name = upload.size or 0, upload.name or "tải lên"
    if size > MAX_UPLOAD_BYTES:
        messages.error(
            request,
            f"Tệp {name} lớn hơn {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; hãy chia nhỏ tệp.",
        )
        return back
    what = ImportKind(kind).label
    good_rows_only = request.POST.get("mode") == "good_rows"
    data = upload.read()
    saved = None
    try:
        to_map, saved = mapping_needed(request, unit, data, name, kind, good_rows_only, period_code)
        if to_map is not None:
            return to_map
        result = import_mapped(request, unit, data, name, kind, saved, good_rows_only)
    except ImportRejected as exc:
        report_rejection(request, exc)
        offer_fixes(request, unit, data, name, kind, saved, exc.errors, good_rows_only)
        return back
    report_result(request, result, what)
    offer_fixes(request, unit, data, name, kind, saved, result.skipped, good_rows_only)
    return back


def mapping_needed(
    request: HttpRequest,
    unit: Unit,
    data: bytes,
    filename: str,
    kind: str,
    good_rows_only: bool,
    period_code: str,
) -> tuple[HttpResponse | None, ColumnMapping | None]:
    """For a file whose header row is not cchc's own: the saved mapping that fits it (and the
    user told so), or the way to the mapping page with the file kept. (None, None): the
    header is cchc's own. ImportRejected for a file that cannot be read."""
    headers = read_headers(data, filename, kind)
    if is_standard(headers, kind):
        return None, None
    saved = saved_mapping_for_file(data, filename, kind, headers)
    if saved is None:
        pending = keep_upload(data, filename, unit, kind, request.user, good_rows_only)
        url = reverse("map_upload", args=[unit.code, pending.token])
        return redirect(f"{url}?period={period_code}"), None
    messages.info(request, f"Dùng cách ghép cột đã lưu cho nguồn «{saved.name}».")
    return None, saved


def import_mapped(
    request: HttpRequest,
    unit: Unit,
    data: bytes,
    filename: str,
    kind: str,
    saved: ColumnMapping | None,
    good_rows_only: bool,
) -> ImportResult:
    """The file imported through the saved mapping (None: with cchc's own header row)."""
    return import_file(
        data,
        filename,
        unit,
        kind,
        saved.columns if saved else None,
        good_rows_only=good_rows_only,
        user=request.user,
        header_row=saved.header_row if saved else None,
        values=saved.values if saved else None,
    )


def offer_fixes(
    request: HttpRequest,
    unit: Unit,
    data: bytes,
    filename: str,
    kind: str,
    saved: ColumnMapping | None,
    errors: list[RowError],
    good_rows_only: bool,
) -> None:
    """After a file imported straight away was refused or had rows skipped: its rejected
    rows to download, and, when a saved mapping was used, the mapping page for this file
    with that mapping filled in (a value the source's mapping does not know yet, say)."""
    if not errors:
        return
    header_row = saved.header_row if saved else None
    frame = read_table(data, filename, known_names(kind), header_row=header_row)
    if saved is None:
        token = keep_rejected_of_file(frame, errors, filename, unit, kind, request.user)
    else:
        token = keep_upload(data, filename, unit, kind, request.user, good_rows_only).token
        keep_rejected(token, frame, errors)
        url = reverse("map_upload", args=[unit.code, token])
        period_code = request.POST.get("period", "")
        messages.info(
            request,
            format_html(
                '<a href="{}?period={}&amp;source={}" class="remap">Sửa cách ghép của nguồn «{}»'
                "</a> (dòng tiêu đề, cột, giá trị) rồi nhập lại tệp này.",
                url,
                period_code,
                saved.pk,
                saved.name,
            ),
        )
    offer_rejected(request, unit, token, errors)


def offer_rejected(
    request: HttpRequest, unit: Unit, token: str | None, errors: list[RowError]
) -> None:
    """The link to the rejected rows' XLSX, after the grouped errors."""
    if token is None:
        return
    url = reverse("rejected_rows", args=[unit.code, token])
    rows = len({error.row for error in errors})
    messages.warning(
        request,
        format_html(
            '<a href="{}" class="rejected-rows">Tải các dòng bị từ chối (XLSX)</a>: {} dòng như '
            "trong tệp, mỗi dòng kèm lý do; sửa rồi nhập lại.",
            url,
            rows,
        ),
    )


@login_required
@require_GET
def rejected_rows(request: HttpRequest, unit_code: str, token: str) -> FileResponse:
    """The rejected rows of an upload, for the user who uploaded it (same unit) only."""
    unit = register_unit(request, unit_code)
    found = rejected_file(token, unit, request.user)
    if found is None:
        raise Http404("Không còn tệp các dòng bị từ chối (quá một ngày hoặc không phải của bạn).")
    path, filename = found
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
@require_POST
def upload_dossiers(request: HttpRequest, unit_code: str) -> HttpResponse:
    return _upload(request, unit_code, ImportKind.DOSSIERS)


@login_required
@require_POST
def upload_procedures(request: HttpRequest, unit_code: str) -> HttpResponse:
    return _upload(request, unit_code, ImportKind.PROCEDURES)


@login_required
@require_http_methods(["GET", "POST"])  # GET shows the mapping and writes nothing
def map_upload(request: HttpRequest, unit_code: str, token: str) -> HttpResponse:
    """The mapping page of a kept upload, in two steps: the header row and the file's column
    for each standard one (GET, and POST step=columns to go on); then the values of the coded
    columns and the source's name (POST step=import imports and saves it all; a POST without
    a step does so straight from the columns)."""
    unit = register_unit(request, unit_code)
    pending = pending_upload(token, unit, request.user)
    params = request.POST if request.method == "POST" else request.GET
    period_code = params.get("period") or request.GET.get("period", "")
    if pending is None:
        messages.error(
            request, "Tệp đã tải lên không còn (quá một ngày hoặc đã nhập); hãy tải lại."
        )
        info = upload_info(token, unit, request.user) or {}
        return redirect(back_url(unit, info.get("kind", ImportKind.DOSSIERS), period_code))
    data = pending.read()
    kind = pending.kind
    source = _saved_source(params.get("source"), kind)  # the saved mapping to start from
    try:
        found = read_table(data, pending.filename, known_names(kind))
        rows = first_rows(data, pending.filename)
        header_row, header_problem = _header_row(
            params, rows, found.attrs["header_row"], source.header_row if source else None
        )
        frame = (
            found
            if header_row == found.attrs["header_row"]
            else read_table(data, pending.filename, known_names(kind), header_row=header_row)
        )
    except ImportRejected as exc:
        discard_upload(token)
        report_rejection(request, exc)
        return redirect(back_url(unit, kind, period_code))
    page = _MappingPage(request, unit, pending, frame, rows, found.attrs["header_row"], source)
    headers = list(frame.columns)
    step = params.get("step", "import") if request.method == "POST" else "columns"
    if header_problem or step == "back" or request.method == "GET":
        initial: dict[str, object] = dict(
            params.items() if step == "back" else _guessed(headers, kind, source).items()
        )
        initial["header_row"] = header_row
        if source and step != "back":
            initial["source_name"] = source.name
        form = MappingForm(initial=initial, kind=kind, headers=headers, name_required=False)
        return page.columns(form, header_problem, status=400 if header_problem else 200)
    form = MappingForm(request.POST, kind=kind, headers=headers, name_required=step == "import")
    if not form.is_valid() and any(
        name != "source_name" for name in form.errors
    ):  # the columns are wrong: back to them
        return page.columns(form, status=400)
    mapping = form.mapping()  # the columns are valid, whatever the source name
    coded = coded_columns(frame, mapping, kind, source.values if source else {})
    values_form = ValuesForm(request.POST if step == "import" else None, columns=coded)
    if step == "columns" or not form.is_valid() or not values_form.is_valid():
        return page.values(form, values_form, status=200 if step == "columns" else 400)
    values = values_form.value_map()
    name = form.cleaned_data["source_name"].strip()
    chosen_row = header_row if header_row != found.attrs["header_row"] else None
    try:
        with transaction.atomic():
            save_mapping(kind, name, mapping, request.user, header_row=chosen_row, values=values)
            result = import_frame(
                frame,
                pending.filename,
                unit,
                kind,
                mapping,
                good_rows_only=pending.good_rows_only,
                user=request.user,
                values=values,
            )
    except MappingTaken as exc:
        form.add_error("source_name", str(exc))
        return page.values(form, values_form, status=400)
    except ImportRejected as exc:
        report_rejection(request, exc)
        if keep_rejected(token, frame, exc.errors):
            offer_rejected(request, unit, token, exc.errors)
        return page.values(form, values_form, status=200)
    report_result(request, result, ImportKind(kind).label)
    messages.info(request, f"Đã lưu cách ghép cột cho nguồn «{name}».")
    if keep_rejected(token, frame, result.skipped):
        offer_rejected(request, unit, token, result.skipped)
    discard_upload(token, keep_rejected=bool(result.skipped))
    return redirect(back_url(unit, kind, period_code))


def _saved_source(pk: str | None, kind: str) -> ColumnMapping | None:
    if not pk or not pk.isdigit():
        return None
    return ColumnMapping.objects.filter(pk=int(pk), kind=kind).first()


def _header_row(
    params, rows: list[list[str]], found: int, saved: int | None = None
) -> tuple[int, str | None]:
    """The header row asked for ("pick" from the preview, else "header_row", else the one
    saved with the mapping started from), or the one found when none is asked; and what is
    wrong with the one asked."""
    asked = params.get("pick") or params.get("header_row") or (str(saved) if saved else None)
    if not asked:
        return found, None
    try:
        row = int(asked)
    except ValueError:
        return found, f"Dòng tiêu đề «{asked}» không phải số dòng."
    problem = check_header_row(row, rows)
    return (found, problem) if problem else (row, None)


def _guessed(headers: list[str], kind: str, saved: ColumnMapping | None) -> dict[str, str]:
    """The columns of the saved mapping started from, or guessed from their names."""
    guess = (
        {standard: source for standard, source in saved.columns.items() if source in headers}
        if saved
        else guess_mapping(headers, kind)
    )
    return {
        name: guess.get(standard, "")
        for name, standard in MappingForm(kind=kind, headers=headers).columns
    }


class _MappingPage:
    """Renders the mapping page's two steps for one kept upload."""

    def __init__(
        self,
        request: HttpRequest,
        unit: Unit,
        pending: PendingUpload,
        frame: pandas.DataFrame,
        rows: list[list[str]],
        found_row: int,
        source: ColumnMapping | None,
    ) -> None:
        self.request, self.frame = request, frame
        self.header_row = frame.attrs["header_row"]
        shown = rows[: max(PREVIEW_ROWS, self.header_row + 3)]
        width = max((len(row) for row in shown), default=0)
        period_code = request.POST.get("period") or request.GET.get("period", "")
        self.context = {
            "unit": unit,
            "pending": pending,
            "kind_what": kind_what(pending.kind),
            "back_url": back_url(unit, pending.kind, period_code),
            "back_label": back_label(pending.kind),
            "has_values": bool(CODED[pending.kind]),
            "coded_what": ", ".join(CODED[pending.kind]),
            "period_code": period_code,
            "row_count": len(frame),
            "header_row": self.header_row,
            "found_row": found_row,
            "preview": [
                (number, row[:PREVIEW_COLUMNS] + [""] * (min(width, PREVIEW_COLUMNS) - len(row)))
                for number, row in enumerate(shown, start=1)
            ],
            "preview_cut": width > PREVIEW_COLUMNS,
            "file_rows": len(rows),
            "source": source,
        }

    def columns(self, form: MappingForm, header_problem: str | None = None, status: int = 200):
        headers = list(self.frame.columns)
        samples = {
            header: [value for value in self.frame[header].head(SAMPLE_ROWS) if value]
            for header in headers
        }
        rows = [
            (field, standard, required, samples.get(field.value() or "", []))
            for field, standard, required in form.rows()
        ]
        return render(
            self.request,
            "registers/mapping.html",
            {
                **self.context,
                "step": "columns",
                "form": form,
                "rows": rows,
                "headers": headers,
                "samples": samples,
                "header_problem": header_problem,
            },
            status=status,
        )

    def values(self, form: MappingForm, values_form: ValuesForm, status: int = 200):
        mapping = form.mapping()
        return render(
            self.request,
            "registers/mapping.html",
            {
                **self.context,
                "step": "values",
                "form": form,
                "chosen": [
                    (standard, mapping[standard])
                    for _, standard in form.columns
                    if standard in mapping
                ],
                "values_form": values_form,
                "coded": [(column, values_form.rows(column)) for column in values_form.coded],
            },
            status=status,
        )
