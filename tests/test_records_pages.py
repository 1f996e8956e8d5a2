"""The work register pages, by role: the unit's reporter keeps them, another unit's reporter
gets 404 (cannot see the unit) , the unit's approver and the province's consolidator read
them, an anonymous user is sent to log in."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.audit.models import AuditEntry
from cchc.records.imports import sample_csv
from cchc.records.models import Feedback, OutgoingDocument, Post, Task
from cchc.records.registry import REGISTERS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

BASE = "/units/ST-STTTT/records"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def post(province):
    return Post.objects.create(
        unit=province["ST-STTTT"],
        published_on=datetime.date(2022, 8, 5),
        channel="unit_site",
        title="Quy chế hoạt động Hệ thống thông tin giải quyết TTHC",
    )


def test_anonymous_is_sent_to_login(client, province):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ["reporter", "approver", "consolidator"])
def test_index_and_every_list_page_are_readable(client, role, request, post):
    user = request.getfixturevalue(role)
    login(client, user)
    index = client.get(f"{BASE}/?period=Q3-2022")
    assert index.status_code == 200
    page = index.content.decode()
    assert "Sổ theo dõi công tác CCHC — Sở Thông tin và Truyền thông" in page
    assert "/units/ST-STTTT/dossiers/?period=Q3-2022" in page
    for spec in REGISTERS.values():
        response = client.get(f"{BASE}/{spec.slug}/?period=Q3-2022")
        assert response.status_code == 200, spec.slug
        assert spec.title in response.content.decode()
    posts = client.get(f"{BASE}/posts/?period=Q3-2022").content.decode()
    assert "Quy chế hoạt động Hệ thống thông tin giải quyết TTHC" in posts
    assert "05/08/2022" in posts
    assert ("+ Thêm" in posts) == (role == "reporter")


def test_other_units_reporter_sees_nothing(client, other_reporter, post):
    login(client, other_reporter)
    assert client.get(f"{BASE}/").status_code == 404
    assert client.get(f"{BASE}/posts/").status_code == 404
    assert client.get(f"{BASE}/posts/new/").status_code == 404
    assert client.get(f"{BASE}/posts/{post.pk}/").status_code == 404
    assert client.post(f"{BASE}/posts/{post.pk}/delete/").status_code == 404
    assert Post.objects.filter(pk=post.pk).exists()


@pytest.mark.parametrize("role", ["approver", "consolidator"])
def test_readers_cannot_change(client, role, request, post):
    login(client, request.getfixturevalue(role))
    assert client.get(f"{BASE}/posts/new/").status_code == 403
    assert client.post(f"{BASE}/posts/{post.pk}/", {"title": "X"}).status_code == 403
    assert client.post(f"{BASE}/posts/{post.pk}/delete/").status_code == 403
    upload = SimpleUploadedFile("t.csv", b"x")
    assert client.post(f"{BASE}/posts/import/", {"file": upload}).status_code == 403
    assert Post.objects.get(pk=post.pk).title.startswith("Quy chế")


def test_unknown_register_or_period_is_404(client, reporter):
    login(client, reporter)
    assert client.get(f"{BASE}/khac/").status_code == 404
    assert client.get(f"{BASE}/posts/?period=Q5-2022").status_code == 404


def test_reporter_creates_edits_and_deletes_a_task(client, reporter, province):
    login(client, reporter)
    form = {
        "kind": "ppc",
        "content": "Ban hành Kế hoạch ứng dụng CNTT năm 2022",
        "source_document": "Kế hoạch số 182/KH-UBND ngày 28/12/2021",
        "assigned_on": "28/12/2021",
        "deadline": "02/09/2022",
        "completed_on": "05/09/2022",
        "note": "",
    }
    response = client.post(f"{BASE}/tasks/new/?period=Q3-2022", form)
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/tasks/?period=Q3-2022"
    task = Task.objects.get(unit=province["ST-STTTT"])
    assert task.deadline == datetime.date(2022, 9, 2) and task.due_on == datetime.date(2022, 9, 5)
    page = client.get(response["Location"]).content.decode()
    assert "Hoàn thành đúng hạn" in page and "05/09/2022" in page

    # The same task again is refused; a bad date is named.
    again = client.post(f"{BASE}/tasks/new/", form | {"deadline": "31/9/2022"})
    text = again.content.decode()
    assert again.status_code == 200
    assert "Nhập ngày theo dạng dd/mm/yyyy" in text
    duplicate = client.post(f"{BASE}/tasks/new/", form)
    assert "Sổ đã có một nhiệm vụ CCHC trùng" in duplicate.content.decode()
    assert Task.objects.count() == 1

    edit = client.get(f"{BASE}/tasks/{task.pk}/")
    assert 'value="02/09/2022"' in edit.content.decode()
    response = client.post(f"{BASE}/tasks/{task.pk}/", form | {"completed_on": "06/09/2022"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.completed_on == datetime.date(2022, 9, 6)
    assert task.status_at(datetime.date(2022, 9, 14)) == "late"

    confirm = client.get(f"{BASE}/tasks/{task.pk}/delete/")
    assert confirm.status_code == 200 and "Xóa nhiệm vụ CCHC?" in confirm.content.decode()
    assert Task.objects.filter(pk=task.pk).exists()
    assert client.post(f"{BASE}/tasks/{task.pk}/delete/").status_code == 302
    assert not Task.objects.filter(pk=task.pk).exists()

    actions = list(
        AuditEntry.objects.filter(action__startswith="records.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["records.create", "records.update", "records.delete"]
    update = AuditEntry.objects.get(action="records.update")
    assert update.user == reporter
    assert update.data["changes"] == {"completed_on": ["05/09/2022", "06/09/2022"]}


def test_import_page_reports_bad_rows_and_writes_nothing(client, reporter, province):
    login(client, reporter)
    header = sample_csv(REGISTERS["feedback"]).decode("utf-8-sig").splitlines()[0]
    data = f"{header}\n05/07/2022,1022,,Hỏi thủ tục,,\n06/07/2022,Fax,,X,,\n".encode()
    response = client.post(
        f"{BASE}/feedback/import/",
        {"file": SimpleUploadedFile("pakn.csv", data), "period": "Q3-2022", "mode": "all"},
        follow=True,
    )
    page = response.content.decode()
    assert "có 1 dòng lỗi; chưa nhập dòng nào" in page
    assert "Dòng 3, cột «Kênh tiếp nhận»: &#x27;Fax&#x27; không hợp lệ" in page
    assert not Feedback.objects.exists()
    response = client.post(
        f"{BASE}/feedback/import/",
        {"file": SimpleUploadedFile("pakn.csv", data), "period": "Q3-2022", "mode": "good_rows"},
        follow=True,
    )
    page = response.content.decode()
    assert "Đã nhập 1 mới, cập nhật 0; bỏ qua 1 dòng lỗi." in page
    assert "Hỏi thủ tục" in page and "26/07/2022" in page  # 15 working days after 05/7
    assert Feedback.objects.get().channel == "hotline"


def test_sample_file_download(client, approver):
    login(client, approver)
    response = client.get(f"{BASE}/documents/sample.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "Số, ký hiệu,Ngày ban hành,Trích yếu,Hình thức gửi,Ký số,Văn bản chỉ đạo CCHC"
    ).replace("Số, ký hiệu", '"Số, ký hiệu"')


def test_reporter_adds_the_same_recurring_task_with_another_deadline(client, reporter, province):
    login(client, reporter)
    form = {
        "kind": "plan",
        "content": "Báo cáo CCHC quý",
        "source_document": "Kế hoạch số 02/KH-STTTT",
        "assigned_on": "",
        "deadline": "15/03/2022",
        "completed_on": "",
        "note": "",
    }
    assert client.post(f"{BASE}/tasks/new/", form).status_code == 302
    assert client.post(f"{BASE}/tasks/new/", form | {"deadline": "15/06/2022"}).status_code == 302
    duplicate = client.post(f"{BASE}/tasks/new/", form)
    assert "Sổ đã có một nhiệm vụ CCHC trùng" in duplicate.content.decode()
    assert Task.objects.count() == 2


def test_an_upload_over_the_limit_is_refused_before_it_is_read(
    client, reporter, province, monkeypatch
):
    login(client, reporter)
    monkeypatch.setattr("cchc.base.tables.MAX_UPLOAD_BYTES", 1024 * 1024)

    def unread(*args, **kwargs):
        raise AssertionError("the upload was read")

    monkeypatch.setattr("cchc.records.services.import_register", unread)
    data = sample_csv(REGISTERS["posts"]) + b"\n" * (2 * 1024 * 1024)
    response = client.post(
        f"{BASE}/posts/import/",
        {"file": SimpleUploadedFile("tt.csv", data), "period": "Q3-2022"},
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tệp tt.csv có 2.0 MB, lớn hơn giới hạn 1 MB; hãy chia nhỏ tệp" in page
    assert not Post.objects.exists()


def test_task_list_says_what_it_shows_with_short_kinds(client, reporter, province):
    unit = province["ST-STTTT"]
    for kind, deadline in [
        ("plan", datetime.date(2022, 3, 31)),
        ("ppc", datetime.date(2022, 12, 31)),
    ]:
        Task.objects.create(
            unit=unit, kind=kind, content=f"Việc {kind}", deadline=deadline, due_on=deadline
        )
    login(client, reporter)
    page = client.get(f"{BASE}/tasks/?period=Q3-2022").content.decode()
    assert "Nhiệm vụ của năm kế hoạch 2022 (theo hạn hoàn thành), tình trạng tại 14/09/2022" in page
    assert "Danh sách quý III" not in page
    rows = page.split('id="records"')[1]
    assert '<td class="">Kế hoạch</td>' in rows and '<td class="">UBND tỉnh giao</td>' in rows
    assert "Nhiệm vụ trong Kế hoạch CCHC của đơn vị" not in rows
    form = client.get(f"{BASE}/tasks/new/").content.decode()
    assert "Nhiệm vụ trong Kế hoạch CCHC của đơn vị" in form  # the full label to choose from


def test_index_counts_have_thousands_separators(client, reporter, province):
    unit = province["ST-STTTT"]
    OutgoingDocument.objects.bulk_create(
        OutgoingDocument(
            unit=unit,
            number=f"{n}/STTTT",
            issued_on=datetime.date(2022, 7, 1),
            summary="V/v",
            form="electronic",
        )
        for n in range(1234)
    )
    login(client, reporter)
    page = client.get(f"{BASE}/?period=Q3-2022").content.decode()
    assert ">1.234</td>" in page
    assert "sổ có 1.234 bản ghi" in client.get(f"{BASE}/documents/?period=Q3-2022").content.decode()
