"""Chart helpers: a matplotlib figure without pyplot, and its PNG bytes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
# Set once: Figure objects below never go through pyplot, whose global state is not safe
# across the server's threads.
matplotlib.rcParams["font.family"] = ["Liberation Serif", "DejaVu Serif", "serif"]
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def png(figure: Figure, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def new_figure(height: float = 2.6, width: float = 6.4) -> tuple[Figure, Axes]:
    """A figure with one set of axes, without the top and right spines."""
    figure = Figure(figsize=(width, height))
    axes: Axes = figure.subplots()
    axes.spines[["top", "right"]].set_visible(False)
    return figure, axes
