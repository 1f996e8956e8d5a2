"""Charts of the dossier register for a period, drawn on the server as PNG (like
cchc.documents.charts): results per procedure field, and new dossiers by channel. Each
returns None when there is nothing to draw."""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Callable

from cchc.base.charts import new_figure, png
from cchc.catalog.values import format_number, rate_words
from cchc.org.models import Unit
from cchc.registers.figures import field_stats, percent, unit_figures

PARTS = [
    ("early", "Trước hạn", "#1e7b34"),
    ("on_time", "Đúng hạn", "#1d4f91"),
    ("late", "Quá hạn", "#b3261e"),
    ("in_progress_within", "Đang giải quyết trong hạn", "#b8c3cf"),
    ("in_progress_overdue", "Đang giải quyết quá hạn", "#c07a00"),
]
CHANNELS = [
    ("new_online", "Trực tuyến", "#1d4f91"),
    ("new_direct", "Trực tiếp", "#6b7d90"),
    ("new_postal", "Bưu chính", "#c07a00"),
]


def fields_chart(unit: Unit, start: datetime.date, end: datetime.date) -> bytes | None:
    """Stacked bars per field: resolved early / on time / late, in progress within / overdue."""
    rows = [
        (name, figures)
        for name, figures in field_stats(unit, start, end)
        if any(figures[key] for key, _, _ in PARTS)
    ]
    if not rows:
        return None
    figure, axes = new_figure(1.2 + 0.55 * len(rows), width=7.2)
    positions = range(len(rows))
    left = [0] * len(rows)
    largest = max(sum(figures[key] for key, _, _ in PARTS) for _, figures in rows)
    for key, label, colour in PARTS:
        amounts = [figures[key] for _, figures in reversed(rows)]
        axes.barh(positions, amounts, left=left, color=colour, height=0.6, label=label)
        for position, (offset, amount) in enumerate(zip(left, amounts, strict=True)):
            if amount and amount >= largest * 0.04:
                axes.text(
                    offset + amount / 2,
                    position,
                    format_number(amount, 0),
                    ha="center",
                    va="center",
                    color="black" if key == "in_progress_within" else "white",
                    fontsize=9,
                )
        left = [offset + amount for offset, amount in zip(left, amounts, strict=True)]
    axes.set_yticks(
        list(positions), [textwrap.fill(name, 32) for name, _ in reversed(rows)], fontsize=9
    )
    axes.set_title("Kết quả giải quyết hồ sơ theo lĩnh vực", fontsize=12, fontweight="bold")
    axes.legend(loc="upper center", ncol=3, bbox_to_anchor=(0.5, -0.08), frameon=False, fontsize=9)
    axes.xaxis.set_visible(False)
    return png(figure, dpi=120)


def channels_chart(unit: Unit, start: datetime.date, end: datetime.date) -> bytes | None:
    """New dossiers of the window by channel, with each channel's share."""
    figures = unit_figures(unit, start, end)
    total = sum(figures[key] for key, _, _ in CHANNELS)
    if not total:
        return None
    figure, axes = new_figure(2.4, width=7.2)
    labels = [label for _, label, _ in CHANNELS]
    amounts = [figures[key] for key, _, _ in CHANNELS]
    bars = axes.barh(labels[::-1], amounts[::-1], color=[c for _, _, c in CHANNELS][::-1])
    for bar, amount in zip(bars, amounts[::-1], strict=True):
        share = rate_words(percent(amount, total))
        axes.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f"  {format_number(amount, 0)} ({share})",
            va="center",
            fontsize=9,
        )
    axes.set_xlim(0, max(amounts) * 1.35)
    axes.xaxis.set_visible(False)
    axes.set_title("Hồ sơ mới tiếp nhận theo kênh", fontsize=12, fontweight="bold")
    return png(figure, dpi=120)


CHARTS: dict[str, Callable[[Unit, datetime.date, datetime.date], bytes | None]] = {
    "fields": fields_chart,
    "channels": channels_chart,
}
