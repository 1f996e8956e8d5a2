from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from cchc.api import tokens
from cchc.api.models import ApiToken


class Command(BaseCommand):
    help = (
        "Mã truy cập API: cchc token create USERNAME [--read-only] [--name TÊN] | "
        "cchc token list [USERNAME] | cchc token revoke ĐẦU_MÃ"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="tạo mã và in ra (chỉ hiện một lần)")
        create.add_argument("username")
        create.add_argument("--read-only", action="store_true", help="chỉ được đọc")
        create.add_argument("--name", default="", help="tên gợi nhớ, ví dụ: Cổng một cửa")
        listing = sub.add_parser("list", help="liệt kê mã của một người hoặc tất cả")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="thu hồi mã theo đầu mã (cchc_xxxxxx)")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            user = self._user(options["username"])
            token, key = tokens.create_token(
                None, user, read_only=options["read_only"], name=options["name"]
            )
            self.stdout.write(key)
            scope = "chỉ đọc" if token.read_only else "đọc và ghi"
            self.stderr.write(f"Đã tạo mã {token.prefix}… ({scope}) cho {user.username}.")
        elif action == "list":
            found = ApiToken.objects.select_related("user").order_by(
                "user__username", "-created_at"
            )
            if options["username"]:
                found = found.filter(user=self._user(options["username"]))
            for token in found:
                state = "đang dùng" if token.is_active else f"thu hồi {token.revoked_at:%d/%m/%Y}"
                scope = "chỉ đọc" if token.read_only else "đọc và ghi"
                self.stdout.write(
                    f"{token.prefix}…\t{token.user.username}\t{scope}\t{state}\t{token.name}"
                )
        else:
            matches = list(ApiToken.objects.filter(prefix=options["prefix"].rstrip("…")))
            if len(matches) != 1:
                raise CommandError(f"Không tìm thấy đúng một mã có đầu {options['prefix']}.")
            tokens.revoke_token(None, matches[0])
            self.stdout.write(f"Đã thu hồi mã {matches[0].prefix}….")

    @staticmethod
    def _user(username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng '{username}'.")
        return user
