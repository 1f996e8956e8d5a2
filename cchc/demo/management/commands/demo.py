from django.core.management.base import BaseCommand

from cchc.demo.loader import PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: tỉnh Sóc Trăng năm 2022 (báo cáo quý III/2022) và thành phố Cần Thơ "
        "hiện nay (báo cáo năm 2026), người dùng các vai trò."
    )

    def handle(self, *args, **options):
        if load_demo():
            self.stdout.write(f"Đã nạp dữ liệu mẫu. Mật khẩu của mọi tài khoản mẫu: {PASSWORD}")
        else:
            self.stdout.write("Dữ liệu mẫu đã có, không nạp lại.")
