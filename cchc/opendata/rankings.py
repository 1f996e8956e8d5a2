"""Publishing a ranking as open data: what it freezes of a scheme's ranking (per unit its
code, name, kind, position, total and band; a unit without figures has neither position nor
total), and the publish verb, checked, atomic and audited like the consolidated figures'."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from cchc.audit.services import log_action
from cchc.opendata.models import Kind, Publication
from cchc.opendata.services import (
    Details,
    PublishError,
    clean_details,
    published_fields,
    require_publisher,
    suggested,
    supersede,
    unique_slug,
)
from cchc.opendata.snapshot import Snapshot, decimal_text
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.scoring import ranking_words
from cchc.scoring.models import Scheme
from cchc.scoring.rankings import Rankings, rank_units


def take_snapshot(rankings: Rankings) -> Snapshot:
    rows: list[dict[str, Any]] = []
    for kind in rankings.kinds:
        for row in kind.rows:
            score = row.score
            rows.append(
                {
                    "unit": score.unit.code,
                    "name": score.unit.name,
                    "kind": kind.kind,
                    "kind_label": kind.label,
                    "position": row.position,
                    "total": decimal_text(score.total, 2) if score.has_figures else None,
                    "band": score.band if score.has_figures else "",
                }
            )
    counted = sum(1 for row in rows if row["position"] is not None)
    canonical = json.dumps(
        {
            "rows": rows,
            "scheme": rankings.scheme.pk,
            "days": [rankings.days.start.isoformat(), rankings.days.end.isoformat()],
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    fingerprint = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return Snapshot(rows, counted, len(rows), fingerprint)


def shown_kinds(rows: list[dict[str, Any]]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Published rows by kind of unit (kind, label, rows), each with its total as a page
    shows it ("39,95"; "" for none)."""
    kinds: dict[str, tuple[str, list[dict[str, Any]]]] = {}
    for row in rows:
        total = row["total"]
        shown = "" if total is None else ranking_words.points_text(Decimal(total))
        kinds.setdefault(row["kind"], (row["kind_label"], []))[1].append({**row, "shown": shown})
    return [(kind, label, listed) for kind, (label, listed) in kinds.items()]


def refusal(rankings: Rankings, snapshot: Snapshot) -> str | None:
    """Why this ranking cannot be published now, or None: no unit has a figure, or some
    self-assessment is not finalised (a draft is not published)."""
    if not snapshot.units_counted:
        return (
            f"Chưa đơn vị nào có số liệu để xếp hạng {rankings.period.label}: không có kết quả "
            "để công bố."
        )
    pending = rankings.pending
    if pending:
        names = ", ".join(score.unit.name for score in pending[:5])
        more = f" và {len(pending) - 5} đơn vị khác" if len(pending) > 5 else ""
        return (
            f"Còn {len(pending)} đơn vị chưa được chốt điểm ({names}{more}): kết quả xếp hạng "
            "mới là dự thảo, chưa công bố được."
        )
    return None


def default_details(user, rankings: Rankings) -> Details:
    """What the ranking's visible or last version says; else a title and description made
    from the scheme, the period and the province (see services.suggested)."""
    root, period, scheme = rankings.root, rankings.period, rankings.scheme
    same = (
        Publication.objects.filter(
            kind=Kind.RANKING, root=root, period__code=period.code, scheme_code=scheme.code
        )
        .order_by("-published_at")
        .first()
    )
    if same is not None:
        return Details.of(same)
    days = rankings.days
    return suggested(
        user,
        root,
        title=f"{ranking_words.title_line(rankings)} của {ranking_words.territory(root)}",
        description=(
            f"Thứ hạng, tổng điểm và xếp loại theo bộ tiêu chí «{scheme.name}» (phiên bản "
            f"{scheme.version}) của các cơ quan, đơn vị thuộc {root.name}, từng loại đơn vị "
            f"xếp hạng riêng; số liệu từ ngày {days.start:%d/%m/%Y} đến ngày "
            f"{days.end:%d/%m/%Y}. Đơn vị chưa có số liệu để trống thứ hạng và tổng điểm "
            "(không phải 0 điểm)."
        ),
        publisher=ranking_words.issuer(rankings).full_name,
    )


def _dataset_slug(root: Unit, period: Period, scheme_code: str) -> str:
    existing = Publication.objects.of_ranking(root, period, scheme_code).first()
    if existing is not None:
        return existing.dataset
    return unique_slug(f"xep-hang-{root.code}-{period.code}-{scheme_code}")


@transaction.atomic
def publish_ranking(
    user,
    root: Unit,
    scheme: Scheme,
    period: Period,
    details: Details | None = None,
    expected_fingerprint: str | None = None,
) -> Publication:
    """Publish the ranking of the units below `root` on `scheme` for `period` as it is
    now. A ranking published before for the same unit, period and scheme is replaced (kept,
    no longer shown). `expected_fingerprint` is the preview's: when the ranking changed
    since, nothing is published."""
    require_publisher(user, root)
    Unit.objects.select_for_update().filter(pk=root.pk).first()
    rankings = rank_units(scheme, period, root)
    snapshot = take_snapshot(rankings)
    refused = refusal(rankings, snapshot)
    if refused:
        raise PublishError(refused)
    if expected_fingerprint is not None and expected_fingerprint != snapshot.fingerprint:
        raise PublishError(
            "Kết quả xếp hạng đã thay đổi từ khi bạn xem trước (có số liệu vừa được cập nhật). "
            "Hãy xem lại bản xem trước rồi công bố."
        )
    details = clean_details(details or default_details(user, rankings))
    stored_period = period if period.pk else Period.objects.for_code(period.code)
    now = timezone.now()
    replaced, version = supersede(
        Publication.objects.of_ranking(root, stored_period, scheme.code), now
    )
    publication = Publication.objects.create(
        kind=Kind.RANKING,
        dataset=_dataset_slug(root, stored_period, scheme.code),
        version=version,
        root=root,
        period=stored_period,
        scheme=scheme,
        scheme_code=scheme.code,
        scheme_version=scheme.version,
        days_start=rankings.days.start,
        days_end=rankings.days.end,
        **published_fields(user, root, details, snapshot, now),
    )
    what = "Công bố lại" if replaced is not None else "Công bố"
    log_action(
        user,
        "opendata.publish",
        f"{what} kết quả xếp hạng {period.label} ({scheme.code}, phiên bản {version}; "
        f"{snapshot.units_counted}/{snapshot.units_expected} đơn vị có số liệu): "
        f"{details.title}",
        obj=publication,
        unit=root,
        data={
            "dataset": publication.dataset,
            "kind": Kind.RANKING,
            "version": version,
            "period": period.code,
            "scheme": scheme.code,
            "scheme_version": scheme.version,
            "units_counted": snapshot.units_counted,
            "units_expected": snapshot.units_expected,
            "replaces": replaced.pk if replaced is not None else None,
            "fingerprint": snapshot.fingerprint,
        },
    )
    return publication
