"""The package layers (pyproject.toml [tool.importlinter]) and the register-source registry
in cchc.base that lets the catalogue and the reports use register sources without
importing the apps that keep the registers."""

from __future__ import annotations

import datetime
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from cchc.base import sources as registry
from cchc.catalog.loader import TemplateFileError, validate_template_data
from cchc.records import sources as record_sources
from cchc.registers import sources as dossier_sources

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_import_contracts_are_kept():
    run = _lint_imports(ROOT / "pyproject.toml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
    assert "Layers: base" in run.stdout


def test_the_layers_contract_sees_the_real_imports(tmp_path):
    """Turned upside down, the same layers must be broken: the checker reads the code's
    actual imports, so the passing run above means something."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(
        contract
        for contract in config["tool"]["importlinter"]["contracts"]
        if contract["type"] == "layers"
    )
    reversed_config = tmp_path / "reversed.toml"
    quoted = ", ".join(f'"{layer}"' for layer in reversed(layers["layers"]))
    reversed_config.write_text(
        '[tool.importlinter]\nroot_package = "cchc"\n\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "reversed"\ntype = "layers"\n'
        f"layers = [{quoted}]\n",
        encoding="utf-8",
    )
    run = _lint_imports(reversed_config)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN" in run.stdout
    # e.g. cchc.reports.services -> cchc.base.sources, now "upward"
    assert "cchc.base" in run.stdout


def test_both_register_apps_register_their_sources():
    for name in dossier_sources.SOURCES:
        assert registry.SOURCES[name] is dossier_sources.SOURCES[name]
    for name in record_sources.SOURCES:
        assert registry.SOURCES[name] is record_sources.SOURCES[name]
    assert registry.names() == set(dossier_sources.SOURCES) | set(record_sources.SOURCES)
    assert "dossiers.received" in registry.names()
    assert "tasks.ubnd_total" in registry.names()


def test_a_source_name_belongs_to_one_query(monkeypatch):
    monkeypatch.setattr(registry, "SOURCES", {})

    def one(unit, start, end):
        return Decimal(1)

    def two(unit, start, end):
        return Decimal(2)

    registry.register({"test.figure": ("Số thử", one)})
    registry.register({"test.figure": ("Số thử", one)})  # the same entry again is harmless
    day = datetime.date(2024, 1, 1)
    assert registry.register_value("test.figure", None, day, day) == Decimal(1)
    with pytest.raises(ValueError, match="test.figure"):
        registry.register({"test.figure": ("Số khác", two)})
    assert registry.register_value("test.figure", None, day, day) == Decimal(1)


def _template(source: str) -> dict:
    return {
        "code": "T",
        "version": 1,
        "name": "Thử",
        "sections": [
            {
                "code": "I",
                "title": "Phần I",
                "rows": [{"key": "a", "label": "Chỉ tiêu", "type": "integer", "source": source}],
            }
        ],
    }


def test_template_sources_are_checked_against_the_registry():
    # Names of both register apps are known to the catalogue through cchc.base.
    validate_template_data(_template("dossiers.received"), "t.yaml")
    validate_template_data(_template("tasks.ubnd_total"), "t.yaml")
    with pytest.raises(TemplateFileError) as error:
        validate_template_data(_template("tasks.nothing"), "t.yaml")
    message = str(error.value)
    assert message.startswith("t.yaml, phần I, dòng 1 (a): nguồn 'tasks.nothing' không có")
    assert "dossiers.received" in message and "tasks.ubnd_total" in message
