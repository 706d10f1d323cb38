from django.core.management.base import BaseCommand, CommandError

from accounts.services import account_create_from_console
from cppcc.errors import ApplicationError
from cppcc.roles import Role


class Command(BaseCommand):
    help = (
        "Create an account with one role and a generated initial password (printed once, to be changed at "
        "first login). Used to set up the three administrators (admin, security, auditor) of a new installation."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--name", default="", help="full name shown in the application")

    def handle(self, *args, username, role, name, **options):
        try:
            user, password = account_create_from_console(username=username, full_name=name, role=role)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已创建账号 {user.username}（{Role(role).label}），初始密码：{password}")
        self.stdout.write("初始密码只显示这一次；首次登录后必须修改。")
