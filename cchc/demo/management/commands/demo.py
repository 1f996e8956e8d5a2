from django.core.management.base import BaseCommand

from cchc.demo.loader import PASSWORD, load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: tỉnh Sóc Trăng, người dùng các vai trò, báo cáo quý III/2022."

    def handle(self, *args, **options):
        if load_demo():
            self.stdout.write(f"Đã nạp dữ liệu mẫu. Mật khẩu của mọi tài khoản mẫu: {PASSWORD}")
        else:
            self.stdout.write("Dữ liệu mẫu đã có, không nạp lại.")
