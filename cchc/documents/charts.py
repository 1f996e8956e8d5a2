"""Charts drawn on the server, so the report page and the DOCX show the same picture.

Each chart reads the report's numbers and returns PNG bytes, or None when the report
has none of the figures it needs. The keys are named by outline items (`chart: tasks`)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from cchc.base.charts import new_figure, png
from cchc.catalog.values import format_number

Numbers = dict[str, Decimal | None]
COLOURS = {"done": "#1e7b34", "late": "#c07a00", "open": "#b8c3cf", "other": "#1d4f91"}
FONT = "Liberation Serif"


def _count(numbers: Numbers, key: str) -> int | None:
    value = numbers.get(key)
    return int(value) if value is not None else None


def _stacked_rows(rows: list[tuple[str, list[tuple[str, int, str]]]], title: str) -> bytes:
    figure, axes = new_figure(0.9 + 0.7 * len(rows))
    labels = []
    for position, (label, parts) in enumerate(reversed(rows)):
        left = 0
        labels.append(label)
        for name, amount, colour in parts:
            if amount <= 0:
                continue
            axes.barh(position, amount, left=left, color=COLOURS[colour], height=0.55, label=name)
            axes.text(
                left + amount / 2,
                position,
                format_number(amount, 0),
                ha="center",
                va="center",
                color="white" if colour != "open" else "black",
                fontsize=10,
            )
            left += amount
    axes.set_yticks(range(len(labels)), labels)
    axes.set_title(title, fontsize=12, fontweight="bold")
    handles, names = axes.get_legend_handles_labels()
    unique = dict(zip(names, handles, strict=True))
    axes.legend(
        unique.values(),
        unique.keys(),
        loc="upper center",
        ncol=len(unique),
        bbox_to_anchor=(0.5, -0.12),
        frameon=False,
        fontsize=9,
    )
    axes.xaxis.set_visible(False)
    return png(figure)


def tasks_chart(numbers: Numbers) -> bytes | None:
    """CCHC plan tasks done vs planned; tasks assigned by the People's Committee."""
    rows = []
    total, done = _count(numbers, "plan_tasks_total"), _count(numbers, "plan_tasks_done")
    if total:
        done = done or 0
        rows.append(
            (
                "Kế hoạch CCHC",
                [
                    ("Đã hoàn thành", done, "done"),
                    ("Chưa hoàn thành", max(total - done, 0), "open"),
                ],
            )
        )
    assigned = _count(numbers, "ppc_tasks_assigned")
    if assigned:
        on_time = _count(numbers, "ppc_tasks_on_time") or 0
        late = _count(numbers, "ppc_tasks_late") or 0
        rows.append(
            (
                "Nhiệm vụ UBND giao",
                [
                    ("Đã hoàn thành", on_time, "done"),
                    ("Hoàn thành quá hạn", late, "late"),
                    ("Chưa hoàn thành", max(assigned - on_time - late, 0), "open"),
                ],
            )
        )
    if not rows:
        return None
    return _stacked_rows(rows, "Kết quả thực hiện nhiệm vụ")


def dossiers_chart(numbers: Numbers) -> bytes | None:
    """Dossiers received, results returned, and received online."""
    received = _count(numbers, "dossiers_received")
    if not received:
        return None
    returned = _count(numbers, "dossiers_returned") or 0
    rows = [
        (
            "Hồ sơ tiếp nhận",
            [
                ("Đã trả kết quả", min(returned, received), "done"),
                ("Đang giải quyết", max(received - returned, 0), "open"),
            ],
        )
    ]
    online = _count(numbers, "online_dossiers_received")
    if online is not None:
        rows.append(
            (
                "Kênh tiếp nhận",
                [
                    ("Trực tuyến", min(online, received), "other"),
                    ("Trực tiếp, bưu chính", max(received - online, 0), "open"),
                ],
            )
        )
    return _stacked_rows(rows, "Kết quả giải quyết hồ sơ thủ tục hành chính")


CHARTS: dict[str, tuple[str, Callable[[Numbers], bytes | None]]] = {
    "tasks": ("Kết quả thực hiện nhiệm vụ", tasks_chart),
    "dossiers": ("Kết quả giải quyết hồ sơ TTHC", dossiers_chart),
}


def draw(key: str, numbers: Numbers) -> bytes | None:
    if key not in CHARTS:
        return None
    return CHARTS[key][1](numbers)
