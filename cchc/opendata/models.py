"""Published statistics: one row per version of a dataset (a unit's consolidated figures for a
period and template, or the ranking of its units on a scoring scheme for a period), with the
figures frozen as they were when published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Min, OuterRef, Q, Subquery

from cchc.catalog.models import ReportTemplate
from cchc.consolidation.engine import INCLUDE_LABELS
from cchc.org.models import Unit
from cchc.periods.models import Period
from cchc.scoring.models import Scheme

# The licences a dataset may be published under: key -> (name shown, URL for data.json).
LICENCES: dict[str, tuple[str, str]] = {
    "cc-by-4.0": (
        "Giấy phép Dữ liệu mở Creative Commons Ghi công 4.0 (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "cc0-1.0": (
        "Creative Commons CC0 1.0 — Cống hiến cho phạm vi công cộng (không bảo lưu quyền)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
}
DEFAULT_LICENCE = "cc-by-4.0"


class Kind(models.TextChoices):
    STATISTICS = "statistics", "Số liệu tổng hợp"
    RANKING = "ranking", "Kết quả xếp hạng"


class PublicationQuerySet(models.QuerySet["Publication"]):
    def public(self) -> PublicationQuerySet:
        """What anyone may see: the visible version of each dataset, never a replaced or
        withdrawn one."""
        return self.filter(superseded_at__isnull=True, withdrawn_at__isnull=True)

    def with_issued(self) -> PublicationQuerySet:
        """Annotated with `issued`: when the dataset was first published (its first version)."""
        first = (
            Publication.objects.filter(dataset=OuterRef("dataset"))
            .values("dataset")
            .annotate(first=Min("published_at"))
            .values("first")
        )
        return self.annotate(issued=Subquery(first))

    def of_dataset(self, root: Unit, period: Period, template_code: str) -> PublicationQuerySet:
        return self.filter(
            kind=Kind.STATISTICS, root=root, period=period, template_code=template_code
        )

    def of_ranking(self, root: Unit, period: Period, scheme_code: str) -> PublicationQuerySet:
        return self.filter(kind=Kind.RANKING, root=root, period=period, scheme_code=scheme_code)


class Publication(models.Model):
    """One published version of a dataset. Publishing the same unit, period and template (or
    scheme, for a ranking) again adds a version and marks the one before as replaced
    (superseded_at); withdrawing hides the dataset. Rows are never deleted: the history
    stays."""

    dataset = models.SlugField(
        "mã bộ dữ liệu",
        max_length=120,
        help_text="Giống nhau ở mọi phiên bản của cùng đơn vị, kỳ và biểu mẫu; dùng trong địa chỉ.",
    )
    version = models.PositiveIntegerField("phiên bản")
    kind = models.CharField(
        "loại bộ dữ liệu", max_length=12, choices=Kind.choices, default=Kind.STATISTICS
    )
    root = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="publications", verbose_name="đơn vị tổng hợp"
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="publications", verbose_name="kỳ báo cáo"
    )
    # Consolidated figures: the template they are consolidated on and the reports counted.
    template = models.ForeignKey(
        ReportTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name="biểu mẫu (phiên bản dùng để tổng hợp)",
    )
    template_code = models.CharField("mã biểu mẫu", max_length=60, blank=True)
    template_version = models.PositiveIntegerField("phiên bản biểu mẫu", null=True, blank=True)
    include = models.CharField(
        "báo cáo được tính", max_length=10, choices=list(INCLUDE_LABELS.items()), blank=True
    )
    # A ranking: the scheme version it was scored on and the days its figures count.
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
        verbose_name="bộ tiêu chí (phiên bản dùng để chấm)",
    )
    scheme_code = models.CharField("mã bộ tiêu chí", max_length=60, blank=True)
    scheme_version = models.PositiveIntegerField("phiên bản bộ tiêu chí", null=True, blank=True)
    days_start = models.DateField("số liệu tính từ ngày", null=True, blank=True)
    days_end = models.DateField("số liệu tính đến ngày", null=True, blank=True)
    title = models.CharField("tiêu đề", max_length=255)
    description = models.TextField("mô tả")
    spatial = models.CharField("phạm vi địa lý", max_length=255)
    publisher = models.CharField("cơ quan công bố", max_length=255)
    contact_name = models.CharField("đầu mối liên hệ", max_length=255)
    contact_email = models.EmailField("thư điện tử liên hệ")
    licence = models.CharField(
        "giấy phép", max_length=20, choices=[(key, name) for key, (name, _) in LICENCES.items()]
    )
    licence_name = models.CharField("tên giấy phép", max_length=255)
    licence_url = models.CharField("địa chỉ giấy phép", max_length=200)
    # The figures as published: a list of {key, section, section_title, item, stt, level,
    # parent, label, unit, method, value (decimal text or null), places, contributors};
    # aggregates only. A ranking: a list of {unit, name, kind, kind_label, position (or
    # null), total (decimal text or null), band}.
    statistics = models.JSONField("số liệu công bố")
    # A ranking: the units with a figure, and all the units scored.
    units_counted = models.PositiveIntegerField("số đơn vị được tổng hợp")
    units_expected = models.PositiveIntegerField("số đơn vị phải báo cáo")
    fingerprint = models.CharField("dấu kiểm số liệu", max_length=64)
    published_at = models.DateTimeField("thời điểm công bố")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="người công bố",
    )
    superseded_at = models.DateTimeField("được thay thế lúc", null=True, blank=True)
    withdrawn_at = models.DateTimeField("rút lúc", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người rút",
    )
    withdraw_reason = models.TextField("lý do rút", blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["dataset", "version"], name="unique_dataset_version"),
            models.UniqueConstraint(
                fields=["dataset"],
                condition=Q(superseded_at__isnull=True, withdrawn_at__isnull=True),
                name="one_visible_version_per_dataset",
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.STATISTICS, template__isnull=False)
                | Q(kind=Kind.RANKING, scheme__isnull=False),
                name="publication_names_what_it_publishes",
            ),
        ]
        verbose_name = "số liệu công bố"
        verbose_name_plural = "số liệu công bố (dữ liệu mở)"

    def __str__(self) -> str:
        return f"{self.title} (phiên bản {self.version})"

    @property
    def is_public(self) -> bool:
        return self.superseded_at is None and self.withdrawn_at is None

    @property
    def state_label(self) -> str:
        if self.withdrawn_at is not None:
            return "Đã rút"
        if self.superseded_at is not None:
            return "Đã được thay thế"
        return "Đang công bố"

    @property
    def is_ranking(self) -> bool:
        return self.kind == Kind.RANKING

    @property
    def subject(self) -> str:
        """What was published, for the history and the audit: 'biểu mẫu so-nganh'."""
        if self.is_ranking:
            return f"xếp hạng {self.scheme_code}"
        return f"biểu mẫu {self.template_code}"

    @property
    def include_label(self) -> str:
        return INCLUDE_LABELS.get(self.include, "")
