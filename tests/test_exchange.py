"""`cchc dump` / `cchc restore`: the demo (with uploaded files, a group, a token, a session)
dumped and restored into a fresh database comes back identical, table by table and file by
file; a province dumped alone holds none of the other province's rows; a damaged, altered or
mismatched dump, or a database that already holds data, is refused and nothing is written."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cchc.exchange.errors import ExchangeError
from cchc.exchange.restore import restore
from tests.exchange_support import PRINT_TABLES, cchc, fresh_database, run, table_rows
from tests.test_evidence_files import PDF, png_bytes

# After the restore: new rows get keys past the restored ones (sequences were reset).
ADD_ROWS = """
import django; django.setup()
from cchc.audit.services import log_action
from cchc.org.models import Unit, UnitKind
unit = Unit.objects.create(code="MOI", name="Đơn vị mới", kind=UnitKind.DEPARTMENT)
log_action(None, "test.add", "Thêm đơn vị mới sau khi khôi phục", unit=unit, obj=unit)
print(unit.pk)
"""


def _jsonl(archive: zipfile.ZipFile, model: str) -> list[dict[str, Any]]:
    manifest = json.loads(archive.read("manifest.json"))
    (member,) = [m for m in manifest["members"] if m["model"] == model]
    return [json.loads(line) for line in archive.read(member["name"]).splitlines()]


@pytest.fixture(scope="module")
def demo_dumps(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Any]:
    """The demo with two uploaded files (one in each province), a group with a permission,
    an API token and a session; every table read, dumped whole and as Sóc Trăng alone, then
    rolled back."""
    from django.conf import settings
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import transaction

    from cchc.api.tokens import create_token
    from cchc.demo.loader import load_demo
    from cchc.org.models import RoleAssignment, Unit
    from cchc.reports import services
    from cchc.reports.models import Report
    from cchc.scoring import assessments
    from cchc.scoring.models import Assessment

    folder = tmp_path_factory.mktemp("dumps")
    saved_data_dir = settings.DATA_DIR
    settings.DATA_DIR = folder / "source-data"
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            load_demo()
            reporter = User.objects.get(username="bctuyen")
            draft = Report.objects.get(unit__code="ST-STTTT", period__code="Q4-2022")
            key = draft.template.indicators.filter(section__isnull=False).first().key
            evidence = services.add_evidence(
                reporter,
                draft,
                key,
                {"doc_type": "Kế hoạch", "number_symbol": "09/KH-STTTT"},
                upload=("ke-hoach.pdf", PDF),
            )
            assessment = Assessment.objects.get(unit__code="CT-SNV", stage="draft")
            cited = assessments.add_evidence(
                User.objects.get(username="ctnv"),
                assessment,
                assessment.items.order_by("pk").first().criterion.code,
                {"doc_type": "Báo cáo"},
                upload=("anh.png", png_bytes()),
            )
            group = Group.objects.create(name="Cán bộ tổng hợp")
            group.permissions.add(Permission.objects.get(codename="view_report"))
            reporter.groups.add(group)
            create_token(None, reporter, read_only=True, name="Cổng một cửa")
            SessionStore().create()
            st = Unit.objects.get(code="ST")
            st_units = st.descendant_ids()
            rows = table_rows()
            files = {
                evidence.file_path: PDF,
                cited.file_path: png_bytes(),
            }
            call_command("dump", "-o", str(folder / "full.zip"))
            call_command("dump", "-o", str(folder / "st.zip"), "--province", "ST")
            facts = {
                "st_units": st_units,
                "ct_units": set(Unit.objects.exclude(pk__in=st_units).values_list("pk", flat=True)),
                "st_role_holders": set(
                    RoleAssignment.objects.filter(unit__in=st_units).values_list(
                        "user__username", flat=True
                    )
                ),
                "st_file": evidence.file_path,
                "ct_file": cited.file_path,
            }
            transaction.set_rollback(True)
    finally:
        settings.DATA_DIR = saved_data_dir
    return {"folder": folder, "rows": rows, "files": files, **facts}


def _restored(demo_dumps, tmp_path: Path, name: str) -> tuple[dict, dict, Path, str]:
    data_dir = tmp_path / "restored-data"
    with fresh_database(data_dir) as env:
        done = cchc(env, "restore", str(demo_dumps["folder"] / name))
        assert done.returncode == 0, done.stderr
        rows = json.loads(run(PRINT_TABLES, env))
        added = run(ADD_ROWS, env).strip()
        again = cchc(env, "restore", str(demo_dumps["folder"] / name))
    return rows, {"added": added, "again": again}, data_dir, done.stderr


@pytest.mark.django_db
def test_a_full_dump_restores_into_a_fresh_database_identically(demo_dumps, tmp_path):
    rows, after, data_dir, said = _restored(demo_dumps, tmp_path, "full.zip")
    source = demo_dumps["rows"]
    assert set(rows) == set(source)
    for table in sorted(source):
        assert rows[table] == source[table], table
    # Not an empty comparison: the demo fills these, the fixture the rest.
    for table in (
        "reports.value",
        "audit.auditentry",
        "registers.dossier",
        "auth.user_groups",
        "auth.group_permissions",
        "api.apitoken",
        "sessions.session",
    ):
        assert source[table], table
    for relative, content in demo_dumps["files"].items():
        assert (data_dir / "evidence" / relative).read_bytes() == content
    assert "Đã khôi phục" in said
    # The next unit and audit entry take keys after the restored ones.
    assert int(after["added"]) > max(row["id"] for row in source["org.unit"])
    # The database now holds data: a second restore is refused, in Vietnamese.
    assert after["again"].returncode != 0
    assert "đã có dữ liệu" in after["again"].stderr


@pytest.mark.django_db
def test_a_province_dump_holds_only_that_province(demo_dumps, tmp_path):
    with zipfile.ZipFile(demo_dumps["folder"] / "st.zip") as archive:
        manifest = json.loads(archive.read("manifest.json"))
        units = {row["pk"] for row in _jsonl(archive, "org.unit")}
        users = {row["fields"]["username"] for row in _jsonl(archive, "auth.user")}
        roles = _jsonl(archive, "org.roleassignment")
        reports = _jsonl(archive, "reports.report")
        entries = _jsonl(archive, "audit.auditentry")
        names = set(archive.namelist())
    assert manifest["province"] == "ST"
    assert units == demo_dumps["st_units"]
    assert demo_dumps["ct_units"] and not units & demo_dumps["ct_units"]
    assert reports and all(row["fields"]["unit"] in units for row in reports)
    assert all(row["fields"]["unit"] in units for row in roles)
    assert entries and all(
        row["fields"]["unit"] in units or row["fields"]["report"] in {r["pk"] for r in reports}
        for row in entries
    )
    # People of Cần Thơ only are left out; one holding a role in Sóc Trăng too is kept.
    assert demo_dumps["st_role_holders"] <= users
    assert "snv_ct" in users and not {"ctnv", "khcn", "cttp"} & users
    # The shared reference data travels with it; the sessions of the server do not.
    models = {m["model"] for m in manifest["members"]}
    assert {"catalog.reporttemplate", "periods.period", "scoring.scheme"} <= models
    assert "sessions.session" not in models
    assert "files/evidence/" + demo_dumps["st_file"] in names
    assert "files/evidence/" + demo_dumps["ct_file"] not in names

    rows, after, data_dir, _ = _restored(demo_dumps, tmp_path, "st.zip")
    source = demo_dumps["rows"]
    st_reports = {row["id"] for row in source["reports.report"] if row["unit_id"] in units}
    assert rows["reports.report"] == [
        row for row in source["reports.report"] if row["id"] in st_reports
    ]
    for table in ("reports.value", "reports.evidence", "reports.narrativetext"):
        ours = [row for row in source[table] if row["report_id"] in st_reports]
        assert ours and rows[table] == ours, table
    assert (data_dir / "evidence" / demo_dumps["st_file"]).read_bytes() == PDF
    assert not (data_dir / "evidence" / demo_dumps["ct_file"]).exists()


def _rewrite(source: Path, target: Path, change) -> None:
    """A copy of the dump with `change(name, content) -> content` applied to every member."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info.filename)))


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def _refused(path: Path, *, replace: bool = False) -> str:
    from cchc.org.models import Unit

    before = Unit.objects.count()
    with pytest.raises(ExchangeError) as refused:
        restore(path, replace=replace)
    assert Unit.objects.count() == before
    return str(refused.value)


@pytest.mark.django_db
def test_a_truncated_zip_is_refused(demo_dumps, data_dir, tmp_path):
    whole = (demo_dumps["folder"] / "full.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    assert "không phải tệp zip hợp lệ hoặc đã bị cắt cụt" in _refused(cut)


@pytest.mark.django_db
def test_a_damaged_member_is_refused_by_name(demo_dumps, data_dir, tmp_path):
    """Bytes flipped inside one member's compressed data: the zip still opens, the member
    does not read back."""
    whole = bytearray((demo_dumps["folder"] / "full.zip").read_bytes())
    with zipfile.ZipFile(demo_dumps["folder"] / "full.zip") as archive:
        (info,) = [i for i in archive.infolist() if i.filename.endswith("audit.auditentry.jsonl")]
    # The local header: 30 bytes, the name, the extra field (read from the header itself).
    name_length = int.from_bytes(whole[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(
        whole[info.header_offset + 28 : info.header_offset + 30], "little"
    )
    start = info.header_offset + 30 + name_length + extra_length
    for offset in range(start + 100, start + 110):
        whole[offset] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(whole))
    message = _refused(damaged)
    assert info.filename in message


@pytest.mark.django_db
def test_an_altered_member_is_refused_by_name(demo_dumps, data_dir, tmp_path):
    altered = tmp_path / "altered.zip"

    def change(name: str, content: bytes) -> bytes:
        return content.replace(b"UBND", b"UBNX") if name.endswith("org.unit.jsonl") else content

    _rewrite(demo_dumps["folder"] / "full.zip", altered, change)
    message = _refused(altered)
    assert "org.unit.jsonl" in message and "sha256" in message


@pytest.mark.django_db
def test_a_dump_of_another_migration_state_is_refused(demo_dumps, data_dir, tmp_path):
    other = tmp_path / "other.zip"

    def change(name: str, content: bytes) -> bytes:
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        manifest["migrations"]["reports"] = manifest["migrations"]["reports"][:-1]
        return json.dumps(manifest).encode()

    _rewrite(demo_dumps["folder"] / "full.zip", other, change)
    message = _refused(other)
    assert "migration" in message and "reports" in message


@pytest.mark.django_db
def test_a_bad_row_late_in_the_dump_leaves_nothing(demo_dumps, data_dir, tmp_path):
    """The last member (values) fails to load: the units, reports and files loaded before it
    are rolled back or never moved in."""
    broken = tmp_path / "broken.zip"
    manifest = json.loads(zipfile.ZipFile(demo_dumps["folder"] / "full.zip").read("manifest.json"))
    last = manifest["members"][-1]
    bad = b'{"model": "reports.value", "pk": 1, "fields": {"report": 1, "number": "x"}}\n'
    last["sha256"] = hashlib.sha256(bad).hexdigest()

    def change(name: str, content: bytes) -> bytes:
        if name == last["name"]:
            return bad
        return json.dumps(manifest).encode() if name == "manifest.json" else content

    _rewrite(demo_dumps["folder"] / "full.zip", broken, change)
    message = _refused(broken)
    assert last["name"] in message
    from cchc.org.models import Unit

    assert Unit.objects.count() == 0
    evidence = data_dir / "evidence"
    assert not evidence.exists() or not any(p.is_file() for p in evidence.rglob("*"))


@pytest.mark.django_db
def test_a_database_with_data_is_refused_unless_replace(demo_dumps, province, data_dir):
    from cchc.org.models import Unit

    message = _refused(demo_dumps["folder"] / "st.zip")
    assert "đã có dữ liệu" in message and "--replace" in message
    restore(demo_dumps["folder"] / "st.zip", replace=True)
    # The fixture's units are gone, the dump's are there (Sóc Trăng has more than six).
    assert Unit.objects.count() == len(demo_dumps["st_units"])
    assert (data_dir / "evidence" / demo_dumps["st_file"]).read_bytes() == PDF
    shutil.rmtree(data_dir)


@pytest.mark.django_db
def test_every_model_is_placed_for_a_province_dump(province):
    """A province dump decides for every model whether its rows are the province's, shared,
    or the server's own: a model placed nowhere makes it refuse."""
    from cchc.exchange import selection

    chosen = selection.province("ST")
    assert chosen.querysets
    with pytest.raises(ExchangeError, match="reports.value"):
        original = selection.UNIT_PATHS.pop("reports.value")
        try:
            selection.province("ST")
        finally:
            selection.UNIT_PATHS["reports.value"] = original
