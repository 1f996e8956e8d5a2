"""A publication as files: CSV (UTF-8, ISO dates, dot decimals, one header row), JSON (the
same rows with typed numbers, and the dataset's description) and the DCAT catalogue
(Project Open Data 1.1, data.json) that open-data portals harvest. Consolidated figures have
a row per indicator, a ranking a row per unit."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from cchc.base.xlsx import FORMULA_STARTS
from cchc.opendata.models import Publication
from cchc.opendata.snapshot import json_number

# (column, what it holds): the CSV header, the JSON rows' keys and the page's data dictionary.
COLUMNS: list[tuple[str, str]] = [
    ("dataset", "Mã bộ dữ liệu"),
    ("period_code", "Mã kỳ báo cáo (Q3-2022: quý III năm 2022)"),
    ("period_start", "Ngày đầu kỳ lấy số liệu (năm-tháng-ngày)"),
    ("period_end", "Ngày chốt số liệu (năm-tháng-ngày)"),
    ("section", "Phần của biểu mẫu (số La Mã)"),
    ("section_title", "Tên phần"),
    ("item", "Mục của biểu mẫu chứa chỉ tiêu (I.1)"),
    ("indicator_key", "Mã chỉ tiêu (không đổi giữa các kỳ)"),
    ("stt", "Số thứ tự trong biểu mẫu"),
    ("parent", "Chỉ tiêu hoặc nhóm chứa chỉ tiêu này"),
    ("label", "Tên chỉ tiêu"),
    ("unit", "Đơn vị tính"),
    ("value", "Giá trị tổng hợp (dấu chấm thập phân; để trống: chưa có số liệu, không phải số 0)"),
    ("units_contributing", "Số đơn vị có số liệu cho chỉ tiêu"),
    ("method", "Cách tổng hợp từ số liệu của các đơn vị"),
]
TEXT_COLUMNS = {"section_title", "item", "stt", "parent", "label", "unit", "method"}
RANKING_COLUMNS: list[tuple[str, str]] = [
    ("dataset", "Mã bộ dữ liệu"),
    ("scheme_code", "Mã bộ tiêu chí chấm điểm"),
    ("scheme_version", "Phiên bản bộ tiêu chí"),
    ("period_code", "Mã kỳ chấm điểm (Q3-2022: quý III năm 2022)"),
    ("days_start", "Ngày đầu của số liệu được chấm (năm-tháng-ngày)"),
    ("days_end", "Ngày cuối của số liệu được chấm (năm-tháng-ngày)"),
    ("unit_code", "Mã đơn vị"),
    ("unit_name", "Tên đơn vị"),
    ("unit_kind", "Mã loại đơn vị (mỗi loại xếp hạng riêng)"),
    ("unit_kind_label", "Loại đơn vị"),
    ("position", "Thứ hạng trong loại đơn vị (để trống: chưa có số liệu, không xếp hạng)"),
    ("total", "Tổng điểm (dấu chấm thập phân; để trống: chưa có số liệu, không phải 0 điểm)"),
    ("band", "Xếp loại"),
]
RANKING_TEXT_COLUMNS = {"unit_code", "unit_name", "unit_kind_label", "band"}
PERIODICITY = {"month": "R/P1M", "quarter": "R/P3M", "half": "R/P6M", "year": "R/P1Y"}
POD_SCHEMA = "https://project-open-data.cio.gov/v1.1/schema"

Url = Callable[[str, str], str]  # (view name, dataset slug or "") -> absolute URL


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def columns(publication: Publication) -> list[tuple[str, str]]:
    return RANKING_COLUMNS if publication.is_ranking else COLUMNS


def rows(publication: Publication) -> Iterable[dict[str, Any]]:
    """The published rows with the dataset's columns, values as decimal text or None."""
    if publication.is_ranking:
        yield from ranking_rows(publication)
        return
    period = publication.period
    for row in publication.statistics:
        yield {
            "dataset": publication.dataset,
            "period_code": period.code,
            "period_start": period.start.isoformat(),
            "period_end": period.end.isoformat(),
            "section": row["section"],
            "section_title": row["section_title"],
            "item": row["item"],
            "indicator_key": row["key"],
            "stt": row["stt"],
            "parent": row["parent"],
            "label": row["label"],
            "unit": row["unit"],
            "value": row["value"],
            "units_contributing": row["contributors"],
            "method": row.get("method", ""),
        }


def ranking_rows(publication: Publication) -> Iterable[dict[str, Any]]:
    for row in publication.statistics:
        yield {
            "dataset": publication.dataset,
            "scheme_code": publication.scheme_code,
            "scheme_version": publication.scheme_version,
            "period_code": publication.period.code,
            "days_start": publication.days_start.isoformat() if publication.days_start else None,
            "days_end": publication.days_end.isoformat() if publication.days_end else None,
            "unit_code": row["unit"],
            "unit_name": row["name"],
            "unit_kind": row["kind"],
            "unit_kind_label": row["kind_label"],
            "position": row["position"],
            "total": row["total"],
            "band": row["band"],
        }


def safe_cell(text: str) -> str:
    """Text a spreadsheet shows as text, never runs: "'=1+1"; numbers are not passed here."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(publication: Publication) -> bytes:
    """UTF-8 without a byte-order mark (what the portals and csv readers expect), CRLF
    line ends (RFC 4180), values with a dot and no grouping, empty for no value."""
    out = io.StringIO()
    writer = csv.writer(out)
    names = [name for name, _ in columns(publication)]
    text = RANKING_TEXT_COLUMNS if publication.is_ranking else TEXT_COLUMNS
    writer.writerow(names)
    for row in rows(publication):
        cells = []
        for name in names:
            cell = row[name]
            if cell is None:
                cells.append("")
            elif name in text:
                cells.append(safe_cell(str(cell)))
            else:
                cells.append(str(cell))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def describe(publication: Publication, url: Url) -> dict[str, Any]:
    """The dataset's description for its JSON download."""
    period = publication.period
    return {
        "identifier": url("opendata_dataset", publication.dataset),
        "title": publication.title,
        "description": publication.description,
        "publisher": publication.publisher,
        "contactPoint": {"fn": publication.contact_name, "hasEmail": publication.contact_email},
        "license": {"name": publication.licence_name, "url": publication.licence_url},
        "spatial": publication.spatial,
        "period": {
            "code": period.code,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "issued": _iso(getattr(publication, "issued", None) or publication.published_at),
        "modified": _iso(publication.published_at),
        "version": publication.version,
        "kind": {"code": publication.kind, "label": publication.get_kind_display()},
        **_subject(publication),
    }


def _subject(publication: Publication) -> dict[str, Any]:
    """What the dataset was made from: the template and reports, or the scheme and days."""
    if publication.is_ranking:
        days_start, days_end = publication.days_start, publication.days_end
        return {
            "scheme": {
                "code": publication.scheme_code,
                "version": publication.scheme_version,
                "name": publication.scheme.name if publication.scheme else "",
            },
            "days": {
                "start": days_start.isoformat() if days_start else None,
                "end": days_end.isoformat() if days_end else None,
            },
            "unitsWithFigures": publication.units_counted,
            "unitsScored": publication.units_expected,
        }
    return {
        "template": {
            "code": publication.template_code,
            "version": publication.template_version,
        },
        "reportsCounted": {"code": publication.include, "label": publication.include_label},
        "unitsCounted": publication.units_counted,
        "unitsExpected": publication.units_expected,
    }


def json_document(publication: Publication, url: Url) -> dict[str, Any]:
    number = "total" if publication.is_ranking else "value"
    data = [{**row, number: json_number(row[number])} for row in rows(publication)]
    return {
        "dataset": describe(publication, url),
        "columns": [{"name": name, "title": title} for name, title in columns(publication)],
        "rows": data,
    }


def keywords(publication: Publication) -> list[str]:
    kind = ["xếp hạng", "chỉ số"] if publication.is_ranking else ["số liệu tổng hợp"]
    return [
        "cải cách hành chính",
        "CCHC",
        *kind,
        publication.spatial,
        publication.period.label,
    ]


def catalogue(publications: Iterable[Publication], url: Url) -> dict[str, Any]:
    """The DCAT-US (Project Open Data 1.1) catalogue of every visible dataset."""
    datasets = []
    for publication in publications:
        period = publication.period
        # A ranking's days are those its scheme counts (QĐ 766: calendar months).
        start = publication.days_start or period.start
        end = publication.days_end or period.end
        landing = url("opendata_dataset", publication.dataset)
        datasets.append(
            {
                "@type": "dcat:Dataset",
                "identifier": landing,
                "title": publication.title,
                "description": publication.description,
                "keyword": keywords(publication),
                "issued": _iso(getattr(publication, "issued", None) or publication.published_at),
                "modified": _iso(publication.published_at),
                "publisher": {"@type": "org:Organization", "name": publication.publisher},
                "contactPoint": {
                    "@type": "vcard:Contact",
                    "fn": publication.contact_name,
                    "hasEmail": f"mailto:{publication.contact_email}",
                },
                "accessLevel": "public",
                "license": publication.licence_url,
                "spatial": publication.spatial,
                "temporal": f"{start.isoformat()}/{end.isoformat()}",
                "accrualPeriodicity": PERIODICITY.get(period.kind, "irregular"),
                "language": ["vi"],
                "theme": ["Cải cách hành chính"],
                "landingPage": landing,
                "distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "title": "Số liệu dạng CSV",
                        "description": "UTF-8, dấu phẩy phân cách cột, dấu chấm thập phân, "
                        "ngày dạng năm-tháng-ngày; dòng đầu là tên cột.",
                        "downloadURL": url("opendata_csv", publication.dataset),
                        "mediaType": "text/csv",
                        "format": "CSV",
                    },
                    {
                        "@type": "dcat:Distribution",
                        "title": "Số liệu dạng JSON",
                        "description": "Cùng nội dung với tệp CSV, số ở dạng số; kèm mô tả bộ "
                        "dữ liệu.",
                        "downloadURL": url("opendata_json", publication.dataset),
                        "mediaType": "application/json",
                        "format": "JSON",
                    },
                ],
            }
        )
    return {
        "@context": f"{POD_SCHEMA}/catalog.jsonld",
        "@id": url("opendata_catalogue", ""),
        "@type": "dcat:Catalog",
        "conformsTo": POD_SCHEMA,
        "describedBy": f"{POD_SCHEMA}/catalog.json",
        "dataset": datasets,
    }
