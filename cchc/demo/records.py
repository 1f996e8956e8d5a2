"""The work registers of Sở TT&TT Sóc Trăng, kept so that Q3-2022 (15/6 - 14/9/2022) gives
seed 004's figures: 40/46 plan tasks done, 10 tasks of UBND tỉnh (9 on time, 1 late),
12 posts on the Sở's site from January to August, 5 units inspected (4 divisions, 1 centre),
714 outgoing documents (655 electronic only, 59 with paper; 10 on CCHC work), 3 people
trained, staffing 29/27, 4 contracts, 18/10 in the public service unit, leaders 4, 7, 3.
No feedback was received (the seed leaves those rows blank), so that register stays empty."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User

from cchc.org.models import Unit
from cchc.records.registry import REGISTERS
from cchc.records.services import import_register

DATA = Path(__file__).parent / "data"
FILES = {
    "tasks": "st-stttt-nhiem-vu.csv",
    "posts": "st-stttt-tuyen-truyen.csv",
    "documents": "st-stttt-van-ban-di.csv",
    "inspections": "st-stttt-kiem-tra.csv",
    "trainings": "st-stttt-dao-tao.csv",
    "staffing": "st-stttt-bien-che.csv",
}


def load_records() -> None:
    """Import the registers through the same path as the import page (audited)."""
    unit = Unit.objects.get(code="ST-STTTT")
    reporter = User.objects.get(username="bctuyen")
    for slug, filename in FILES.items():
        import_register(reporter, REGISTERS[slug], unit, DATA / filename, filename)
