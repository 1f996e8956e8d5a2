"""Consolidated values, hand-checked: sums, averages of the reporting units only, rates
recomputed from the consolidated parts, weighted rates, yearly figures from quarters, missing
units, mixed template versions and the `cchc consolidate` command."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cchc.catalog.loader import BUILTIN_DIR, TemplateFileError, load_template
from cchc.consolidation.engine import (
    SUBMITTED,
    consolidate,
    consolidate_periods,
    shorter_periods,
)
from cchc.org.models import Role
from cchc.periods.windows import parse_period
from cchc.reports import services
from cchc.reports.models import Status
from tests.conftest import COMPLETE_VALUES

pytestmark = pytest.mark.django_db


def codes(units) -> list[str]:
    return [unit.code for unit in units]


def test_approved_only_counts_the_approved_report(province, quarter):
    result = consolidate(province["ST"], "Q3-2022", "so-nganh")
    assert codes(result.counted) == ["ST-STTTT"]
    # Expected: the departments that must report; the district and the commune report on
    # their own templates (huyen, xa); the division does not report.
    assert codes(result.missing) == ["ST-SNV", "ST-STP"]
    assert result.values["plan_tasks_total"] == 46
    assert result.values["plan_completion_rate"] == Decimal("86.96")


def test_submitted_and_approved_sums_averages_and_recomputed_rates(province, quarter):
    result = consolidate(province["ST"], "Q3-2022", "so-nganh", include=SUBMITTED)
    assert codes(result.counted) == ["ST-STP", "ST-STTTT"]
    assert codes(result.missing) == ["ST-SNV"]
    district = consolidate(province["ST"], "Q3-2022", "huyen", include=SUBMITTED)
    assert codes(district.missing) == ["ST-HCT"]  # the draft's 500 never counts
    assert district.values["plan_tasks_total"] is None
    assert result.values["plan_tasks_total"] == 78
    assert result.values["plan_tasks_done"] == 67
    # 67 / 78, not the average of 86.96 and 84.38 (85.67).
    assert result.values["plan_completion_rate"] == Decimal("85.90")
    # Only Sở TT&TT gave a propaganda rate: the average of the units that reported is 80,
    # not (80 + nothing) / 2.
    assert result.values["communication_plan_rate"] == Decimal("80.00")
    assert result.contributors("communication_plan_rate") == 1
    # Weighted by the number of forms: (90 × 100 + 60 × 300) / 400 = 67.5 (plain mean: 75).
    assert result.values["survey_satisfaction_rate"] == Decimal("67.50")
    assert result.values["communication_meetings"] == 1  # units answering "Có"
    # Nobody gave a figure: no value, not zero.
    assert result.values["legal_docs_reviewed"] is None
    # Rule "none": not consolidated at all.
    assert "survey_method" not in result.values
    assert result.shown("plan_completion_rate") == "85,9"


def test_an_approval_is_visible_at_once(province, quarter, staff):
    from cchc.reports.models import Report

    before = consolidate(province["ST"], "Q3-2022", "so-nganh")
    services.approve_report(
        staff[Role.APPROVER], Report.objects.get(unit__code="ST-STP", period__code="Q3-2022")
    )
    after = consolidate(province["ST"], "Q3-2022", "so-nganh")
    assert before.values["plan_tasks_total"] == 46
    assert after.values["plan_tasks_total"] == 78


def test_a_year_from_quarters_by_the_rule_over_periods(province, make_report):
    # Sở TT&TT's four quarters; Sở Tư pháp sent only two.
    for number, (received, returned, on_time, done) in enumerate(
        [(10, 10, 100, 5), (20, 20, 50, 9), (30, 30, 90, 12), (40, 20, 75, 20)], start=1
    ):
        make_report(
            "ST-STTTT",
            f"Q{number}-2022",
            {
                "plan_tasks_done": str(done),
                "dossiers_received": str(received),
                "dossiers_returned": str(returned),
                "dossiers_on_time_rate": str(on_time),
            },
            Status.APPROVED,
        )
    for number in (1, 2):
        make_report(
            "ST-STP",
            f"Q{number}-2022",
            {"dossiers_received": "7", "dossiers_returned": "5", "dossiers_on_time_rate": "100"},
            Status.APPROVED,
        )
    result = consolidate(province["ST"], "Y-2022", "so-nganh")
    assert [w.code for w in shorter_periods(parse_period("Y-2022"))] == [
        "Q1-2022",
        "Q2-2022",
        "Q3-2022",
        "Q4-2022",
    ]
    # Flows add up over the quarters.
    assert result.unit_values["dossiers_received"][province["ST-STTTT"].pk] == 100
    assert result.values["dossiers_received"] == 114
    assert result.values["dossiers_returned"] == 90
    # Year-to-date figures take the last quarter: 20 of 46 done, not 46 of 184.
    assert result.unit_values["plan_tasks_done"][province["ST-STTTT"].pk] == 20
    assert result.values["plan_tasks_total"] == 46 + 46
    # The on-time rate is weighted by the dossiers resolved, quarter by quarter and unit by
    # unit: (10 + 10 + 27 + 15 + 10) / 90 = 80 %.
    assert result.unit_values["dossiers_on_time_rate"][province["ST-STTTT"].pk] == Decimal("77.50")
    assert result.values["dossiers_on_time_rate"] == Decimal("80.00")
    parts = {part.unit.code: part for part in result.parts}
    assert parts["ST-STP"].lacking_periods == ["Q3-2022", "Q4-2022"]
    assert parts["ST-STTTT"].lacking_periods == []


def test_periods_consolidated_together_give_what_each_gives_alone(province, make_report):
    # One call for a year and its quarters shares their reports (read once): each window
    # must still count only its own, the year its quarters.
    for number, received in ((1, "10"), (2, "20"), (3, "30")):
        make_report("ST-STTTT", f"Q{number}-2022", {"dossiers_received": received}, Status.APPROVED)
    make_report("ST-STP", "Q2-2022", {"dossiers_received": "7"}, Status.SUBMITTED)
    codes_ = ["Q1-2022", "Q2-2022", "Q3-2022", "Q4-2022", "Y-2022"]
    together = consolidate_periods(
        province["ST"], [parse_period(c) for c in codes_], "so-nganh", SUBMITTED
    )
    assert [r.window.code for r in together] == codes_
    for result in together:
        alone = consolidate(province["ST"], result.window, "so-nganh", SUBMITTED)
        assert result.as_json() == alone.as_json()
        assert result.period_values == alone.period_values
    year = together[-1]
    assert year.values["dossiers_received"] == 10 + 20 + 30 + 7
    assert together[3].values["dossiers_received"] is None  # Q4: nobody reported


@pytest.fixture
def second_version(template, tmp_path: Path):
    """so-nganh version 2 without «cchc_awards» and with a new row «online_payment_dossiers»."""
    text = (BUILTIN_DIR / "so-nganh.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 1\n", "version: 2\n", 1)
    start = text.index("      - key: cchc_awards")
    end = text.index("      - key: ", start + 10)
    removed = text[start:end]
    added = (
        "      - key: online_payment_dossiers\n"
        '        label: "Số hồ sơ thanh toán trực tuyến"\n'
        '        unit: "Hồ sơ"\n'
        "        type: integer\n"
        "        consolidation: {units: sum, periods: sum}\n"
    )
    path = tmp_path / "so-nganh-v2.yaml"
    path.write_text(text.replace(removed, added), encoding="utf-8")
    return load_template(path)


def test_versions_meet_by_key_and_the_lacking_keys_are_listed(
    province, make_report, second_version
):
    make_report("ST-STTTT", "Q3-2022", {"cchc_awards": "1"}, Status.APPROVED)
    make_report(
        "ST-STP", "Q3-2022", {"online_payment_dossiers": "12"}, Status.APPROVED, second_version
    )
    result = consolidate(province["ST"], "Q3-2022", "so-nganh")
    assert result.template == second_version
    assert codes(result.counted) == ["ST-STP", "ST-STTTT"]
    assert result.values["plan_tasks_total"] == 2 * int(COMPLETE_VALUES["plan_tasks_total"])
    assert result.values["online_payment_dossiers"] == 12
    assert result.lacking_keys == {1: ["online_payment_dossiers"]}
    assert "cchc_awards" not in result.values
    assert result.versions == {province["ST-STTTT"].pk: 1, province["ST-STP"].pk: 2}


def test_the_command_prints_values_counted_and_missing_as_json(province, quarter):
    out = StringIO()
    call_command(
        "consolidate", unit="ST", period="Q3-2022", include="submitted", json=True, stdout=out
    )
    data = json.loads(out.getvalue())
    assert set(data) == {"values", "counted", "missing"}
    assert data["counted"] == ["ST-STP", "ST-STTTT"]
    assert data["missing"] == ["ST-SNV"]
    assert data["values"]["plan_tasks_total"] == 78
    assert data["values"]["plan_completion_rate"] == 85.9
    assert data["values"]["legal_docs_reviewed"] is None


def test_the_command_names_what_is_wrong(province, template):
    with pytest.raises(CommandError, match="Không có đơn vị mã 'XX'"):
        call_command("consolidate", unit="XX", period="Q3-2022")
    with pytest.raises(CommandError, match="Q9-2022"):
        call_command("consolidate", unit="ST", period="Q9-2022")
    with pytest.raises(CommandError, match="Không có biểu mẫu mã 'khong-co'"):
        call_command("consolidate", unit="ST", period="Q3-2022", template="khong-co")


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{units: weighted}", "cần chỉ tiêu trọng số"),
        ("{units: sum, periods: median}", "theo kỳ 'median' không hợp lệ"),
        ("{units: total}", "theo đơn vị 'total' không hợp lệ"),
        ("{units: weighted, weight: khong_co}", "'khong_co' không có trong biểu mẫu"),
        ("{units: sum, by: unit}", "khóa không hợp lệ: by"),
    ],
)
def test_a_wrong_rule_is_refused_with_where_it_is(db, tmp_path, rule, message):
    path = tmp_path / "t.yaml"
    path.write_text(
        "code: t\nversion: 1\nname: T\nsections:\n"
        "  - code: I\n    title: Phần I\n    rows:\n"
        '      - {key: a, label: "A", type: integer}\n'
        f'      - {{key: b, label: "B", type: percent, consolidation: {rule}}}\n',
        encoding="utf-8",
    )
    with pytest.raises(TemplateFileError, match=message) as error:
        load_template(path)
    assert "dòng 2 (b)" in str(error.value)


def test_hand_checked_on_the_demo_province(django_db_blocker):
    """Sóc Trăng, quý III năm 2022: Sở TT&TT approved (46 tasks, 40 done; 10 UBND tasks, 9
    on time, 1 late), Sở Tư pháp (32, 27; 6, 5, 0) and Sở GD&ĐT (28, 25; 12, 11, 1) submitted,
    UBND huyện Châu Thành returned, Sở Y tế in draft, the others not started."""
    from cchc.demo.loader import load_demo
    from cchc.org.models import Unit

    load_demo()
    root = Unit.objects.get(code="ST")
    approved = consolidate(root, "Q3-2022", "so-nganh")
    assert codes(approved.counted) == ["ST-STTTT"]
    assert approved.values["plan_completion_rate"] == Decimal("86.96")
    result = consolidate(root, "Q3-2022", "so-nganh", include=SUBMITTED)
    assert codes(result.counted) == ["ST-SGDDT", "ST-STP", "ST-STTTT"]
    assert codes(result.missing) == ["ST-SNV", "ST-STC", "ST-SYT"]
    # The districts report on their own template: Châu Thành's returned report and the two
    # not started are missing there.
    districts = consolidate(root, "Q3-2022", "huyen", include=SUBMITTED)
    assert codes(districts.missing) == ["ST-HCT", "ST-HMT", "ST-TXNN"]
    assert result.values["plan_tasks_total"] == 46 + 32 + 28
    assert result.values["plan_tasks_done"] == 40 + 27 + 25
    assert result.values["plan_completion_rate"] == Decimal("86.79")  # 92 / 106
    assert result.values["ppc_tasks_assigned"] == 10 + 6 + 12
    assert result.values["ppc_tasks_on_time"] == 9 + 5 + 11
    assert result.values["ppc_tasks_late"] == 1 + 0 + 1
    # Dossiers: the registers of Sở TT&TT (15 received, 15 resolved, 100% on time) and Sở Tư
    # pháp (122, 106, 80 on time = 75,47%: dossier 220815-0088, 20 calendar days from Mon
    # 15/08, was due Sun 04/09, a day off, so on Mon 05/09 by Điều 148 Bộ luật Dân sự, when
    # its result came), and Sở GD&ĐT's typed 412 / 409 without a rate: the rate is weighted by
    # the dossiers resolved of the units that gave one, (15 × 100 + 106 × 75,47) / 121 =
    # 78,51, not the mean 87,74.
    assert result.values["dossiers_received"] == 15 + 122 + 412
    assert result.values["dossiers_returned"] == 15 + 106 + 409
    assert result.values["dossiers_on_time_rate"] == Decimal("78.51")
    assert result.values["staff_quota"] == 29 + 38 + 52


def test_the_command_consolidates_every_template_by_key(province, make_report, second_version):
    make_report("ST-STTTT", "Q3-2022", {"dossiers_received": "10"}, Status.APPROVED)
    make_report("ST-STP", "Q3-2022", {"dossiers_received": "5"}, Status.APPROVED, second_version)
    out = StringIO()
    call_command("consolidate", unit="ST", period="Q3-2022", all_templates=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["values"]["dossiers_received"] == 15
    assert data["counted"] == ["ST-STP", "ST-STTTT"]
    assert "ST-HCT-XAH" in data["missing"]  # the commune reports on its own template
    with pytest.raises(CommandError, match="không dùng cả hai"):
        call_command(
            "consolidate", unit="ST", period="Q3-2022", all_templates=True, template="so-nganh"
        )
