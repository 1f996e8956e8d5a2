"""Publishing and withdrawing open data: each verb checks the user's permission (through
cchc.org.access), runs in one transaction and writes the audit entry."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from cchc.audit.services import log_action
from cchc.catalog.models import ReportTemplate
from cchc.consolidation.engine import INCLUDE_LABELS, ConsolidationError, consolidate
from cchc.opendata.models import DEFAULT_LICENCE, LICENCES, Publication, PublicationQuerySet
from cchc.opendata.snapshot import Snapshot, take_snapshot
from cchc.org import access
from cchc.org.models import Unit, UnitKind
from cchc.periods.models import Period
from cchc.periods.windows import PeriodCodeError, Window, parse_period


class PublishError(ValueError):
    """A publication that cannot be made or withdrawn now; the message is shown as is."""


def may_publish(user, root: Unit) -> bool:
    """Consolidators of the unit (a role on it or above) and admins publish its figures."""
    return root.pk in access.consolidated_unit_ids(user)


def require_publisher(user, root: Unit) -> None:
    if not may_publish(user, root):
        raise PermissionDenied(
            f"Chỉ người tổng hợp của {root.name} hoặc quản trị hệ thống mới công bố, rút số "
            "liệu của đơn vị này."
        )


@dataclass(frozen=True)
class Details:
    """What the consolidator writes about a dataset (pre-filled, editable on the page)."""

    title: str
    description: str
    publisher: str
    contact_name: str
    contact_email: str
    licence: str = DEFAULT_LICENCE

    @classmethod
    def of(cls, publication: Publication) -> Details:
        """What a publication said, to suggest again when it is published anew."""
        return cls(
            publication.title,
            publication.description,
            publication.publisher,
            publication.contact_name,
            publication.contact_email,
            publication.licence,
        )


def _area(unit: Unit) -> Unit:
    """The territorial unit a unit belongs to (itself for a province, district or commune)."""
    territorial = {UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.COMMUNE}
    current: Unit | None = unit
    while current is not None and current.kind not in territorial:
        current = current.parent
    return current or unit


def spatial_name(unit: Unit) -> str:
    """The place a dataset covers: "Tỉnh Sóc Trăng" for "UBND tỉnh Sóc Trăng"."""
    name = _area(unit).name.strip()
    for prefix in ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    return name[:1].upper() + name[1:]


def _in_sentence(name: str) -> str:
    """ "Tỉnh Sóc Trăng" inside a sentence: "tỉnh Sóc Trăng" (other names keep their case)."""
    lower_in_sentence = ("Tỉnh ", "Thành phố ", "Huyện ", "Thị xã ", "Quận ", "Xã ", "Phường ")
    return name[:1].lower() + name[1:] if name.startswith(lower_in_sentence) else name


def default_details(user, root: Unit, window: Window, template: ReportTemplate) -> Details:
    """The suggestion shown on the publish form: what the dataset's visible or last version
    says when it was published before; else the unit's last publisher, contact and licence
    with a title and description made from the unit and the period."""
    same = (
        Publication.objects.filter(root=root, period__code=window.code, template_code=template.code)
        .order_by("-published_at")
        .first()
    )
    if same is not None:
        return Details.of(same)
    spatial = spatial_name(root)
    office = {UnitKind.PROVINCE: "Sở Nội vụ", UnitKind.DISTRICT: "Phòng Nội vụ"}.get(
        UnitKind(_area(root).kind)
    )
    return suggested(
        user,
        root,
        title=f"Số liệu cải cách hành chính {window.label} của {_in_sentence(spatial)}",
        description=(
            f"Số liệu thống kê tổng hợp từ báo cáo cải cách hành chính {window.label} (số liệu "
            f"từ ngày {window.start:%d/%m/%Y} đến ngày {window.end:%d/%m/%Y}) của các cơ quan, "
            f"đơn vị thuộc {root.name}, theo biểu mẫu «{template.name}». Bộ dữ liệu chỉ gồm số "
            "liệu tổng hợp, không có số liệu của cá nhân."
        ),
        publisher=f"{office} {_in_sentence(spatial)}" if office else root.name,
    )


def suggested(user, root: Unit, *, title: str, description: str, publisher: str) -> Details:
    """A new dataset's details: `title` and `description`, with the publisher, contact and
    licence of the unit's last publication; for its first, `publisher`, the user's e-mail
    and the default licence."""
    last = Publication.objects.filter(root=root).order_by("-published_at").first()
    if last is None:
        email = getattr(user, "email", "") or ""
        return Details(title, description, publisher, publisher, email, DEFAULT_LICENCE)
    return Details(
        title, description, last.publisher, last.contact_name, last.contact_email, last.licence
    )


def _dataset_slug(root: Unit, period: Period, template_code: str) -> str:
    """The dataset's address: the same as its earlier versions', else made from the unit,
    period and template codes (a number added if another dataset took it)."""
    existing = Publication.objects.of_dataset(root, period, template_code).first()
    if existing is not None:
        return existing.dataset
    return unique_slug(f"{root.code}-{period.code}-{template_code}")


def unique_slug(text: str) -> str:
    """A new dataset address made from `text`, a number added if another dataset took it."""
    base = slugify(text)[:110] or "du-lieu"
    slug, n = base, 1
    while Publication.objects.filter(dataset=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def clean_details(details: Details) -> Details:
    """The details trimmed, each one given, the e-mail well formed, the licence known."""
    if details.licence not in LICENCES:
        raise PublishError(f"Giấy phép '{details.licence}' không có trong danh sách.")
    details = replace(
        details,
        title=details.title.strip(),
        description=details.description.strip(),
        publisher=details.publisher.strip(),
        contact_name=details.contact_name.strip(),
        contact_email=details.contact_email.strip(),
    )
    for label, text in [
        ("tiêu đề", details.title),
        ("mô tả", details.description),
        ("cơ quan công bố", details.publisher),
        ("đầu mối liên hệ", details.contact_name),
        ("thư điện tử liên hệ", details.contact_email),
    ]:
        if not text:
            raise PublishError(f"Chưa nhập {label} của bộ dữ liệu.")
    try:
        validate_email(details.contact_email)
    except ValidationError:
        raise PublishError(
            f"Thư điện tử liên hệ '{details.contact_email}' không đúng dạng "
            "(ví dụ cchc@snv.soctrang.gov.vn)."
        ) from None
    return details


def published_fields(
    user, root: Unit, details: Details, snapshot: Snapshot, now: datetime.datetime
) -> dict[str, Any]:
    """What every publication records whatever it publishes: its details and licence, the
    place, the frozen figures with their fingerprint, who published it and when."""
    name, url = LICENCES[details.licence]
    return {
        "title": details.title,
        "description": details.description,
        "spatial": spatial_name(root),
        "publisher": details.publisher,
        "contact_name": details.contact_name,
        "contact_email": details.contact_email,
        "licence": details.licence,
        "licence_name": name,
        "licence_url": url,
        "statistics": snapshot.rows,
        "units_counted": snapshot.units_counted,
        "units_expected": snapshot.units_expected,
        "fingerprint": snapshot.fingerprint,
        "published_at": now,
        "published_by": user,
    }


def supersede(earlier: PublicationQuerySet, now) -> tuple[Publication | None, int]:
    """Mark the visible version among `earlier` (a dataset's versions) as replaced at `now`;
    the replaced one (or None) and the new version's number."""
    replaced = earlier.public().select_for_update().first()
    if replaced is not None:
        replaced.superseded_at = now
        replaced.save(update_fields=["superseded_at"])
    return replaced, (earlier.aggregate(last=Max("version"))["last"] or 0) + 1


@transaction.atomic
def publish(
    user,
    root: Unit,
    period: Period | Window | str,
    template_code: str | None,
    include: str,
    details: Details | None = None,
    expected_fingerprint: str | None = None,
) -> Publication:
    """Publish the consolidated figures of the units below `root` for `period` as they are
    now. A dataset already published for the same unit, period and template is replaced
    (the earlier version is kept, no longer shown). `expected_fingerprint` is the preview's:
    when the figures changed since, nothing is published."""
    require_publisher(user, root)
    if include not in INCLUDE_LABELS:
        raise PublishError(
            f"Cách chọn báo cáo '{include}' không hợp lệ; dùng approved hoặc submitted."
        )
    if isinstance(period, Period):
        window = period.window
    elif isinstance(period, Window):
        window = period
    else:
        try:
            window = parse_period(period)
        except PeriodCodeError as exc:
            raise PublishError(str(exc)) from exc
    # One publisher of a unit at a time: the lock orders concurrent publications.
    Unit.objects.select_for_update().filter(pk=root.pk).first()
    try:
        result = consolidate(root, window, template_code, include)
    except ConsolidationError as exc:
        raise PublishError(str(exc)) from exc
    if not result.counted:
        raise PublishError(
            f"Chưa có báo cáo nào được tính cho {window.label} "
            f"({INCLUDE_LABELS[include].lower()}): không có số liệu để công bố."
        )
    snapshot = take_snapshot(result)
    if expected_fingerprint is not None and expected_fingerprint != snapshot.fingerprint:
        raise PublishError(
            "Số liệu tổng hợp đã thay đổi từ khi bạn xem trước (có báo cáo vừa được gửi, phê "
            "duyệt hoặc trả lại). Hãy xem lại bản xem trước rồi công bố."
        )
    details = clean_details(details or default_details(user, root, window, result.template))
    stored_period = period if isinstance(period, Period) and period.pk else None
    stored_period = stored_period or Period.objects.for_code(window.code)
    code = result.template.code
    now = timezone.now()
    replaced, version = supersede(Publication.objects.of_dataset(root, stored_period, code), now)
    publication = Publication.objects.create(
        dataset=_dataset_slug(root, stored_period, code),
        version=version,
        root=root,
        period=stored_period,
        template=result.template,
        template_code=code,
        template_version=result.template.version,
        include=include,
        **published_fields(user, root, details, snapshot, now),
    )
    what = "Công bố lại" if replaced is not None else "Công bố"
    log_action(
        user,
        "opendata.publish",
        f"{what} số liệu {window.label} ({code}, phiên bản {version}; "
        f"{snapshot.units_counted}/{snapshot.units_expected} đơn vị, "
        f"{INCLUDE_LABELS[include].lower()}): {details.title}",
        obj=publication,
        unit=root,
        data={
            "dataset": publication.dataset,
            "version": version,
            "period": window.code,
            "template": code,
            "template_version": result.template.version,
            "include": include,
            "units_counted": snapshot.units_counted,
            "units_expected": snapshot.units_expected,
            "replaces": replaced.pk if replaced is not None else None,
            "fingerprint": snapshot.fingerprint,
        },
    )
    return publication


@transaction.atomic
def withdraw(user, publication: Publication, reason: str) -> Publication:
    """Take a published dataset off the public pages, the downloads and data.json. The
    publication is kept (with who withdrew it, when and why)."""
    require_publisher(user, publication.root)
    reason = (reason or "").strip()
    if not reason:
        raise PublishError("Nhập lý do rút số liệu đã công bố.")
    locked = Publication.objects.select_for_update().get(pk=publication.pk)
    if locked.withdrawn_at is not None:
        raise PublishError("Bộ dữ liệu này đã được rút trước đó.")
    if locked.superseded_at is not None:
        raise PublishError(
            "Phiên bản này đã được thay thế bằng phiên bản mới hơn; hãy rút phiên bản đang công bố."
        )
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = user
    locked.withdraw_reason = reason
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    log_action(
        user,
        "opendata.withdraw",
        f"Rút số liệu đã công bố {locked.period.label} ({locked.subject}, phiên bản "
        f"{locked.version}): {reason}",
        obj=locked,
        unit=locked.root,
        data={
            "dataset": locked.dataset,
            "kind": locked.kind,
            "version": locked.version,
            "reason": reason,
        },
    )
    return locked
