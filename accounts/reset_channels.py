"""How a password-reset link reaches the account holder — never through the person who asked.

`PASSWORD_RESET_CHANNELS` names the channel classes in order of preference; the first that has an
address for the account delivers. A channel is a class with:

- `name` (short, for the security log) and `label` (Chinese, for messages);
- `address(user) -> str | None`: where this holder receives messages, or None;
- `masked(address) -> str`: the address as it may be shown (never in full to anyone but the holder);
- `send(user, address, link, minutes)`: deliver, or raise.

An SMS channel subclasses `Channel`, reads the mobile number (e.g. of the linked member) and calls
the operator's gateway; adding its dotted path to the setting is all it takes.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from notifications.channels import Channel as BaseChannel
from notifications.channels import EmailAddress


class Channel(BaseChannel):
    """A way to reach the account holder (name, label, address, masked as every notice channel has);
    `send` delivers the reset link."""

    def send(self, user, address: str, link: str, minutes: int) -> None:
        raise NotImplementedError


class EmailChannel(EmailAddress, Channel):
    """Django's mail backend (`EMAIL_*` settings), to the account's e-mail address."""

    name = "email"
    label = "电子邮件"

    def send(self, user, address: str, link: str, minutes: int) -> None:
        hours = max(1, round(minutes / 60))
        body = (
            f"{user.get_full_name() or user.get_username()}，您好：\n\n"
            f"有人为您的账号“{user.get_username()}”申请了重置密码。请在 {hours} 小时内打开下面的链接设置新密码，"
            "链接只能使用一次：\n\n"
            f"{link}\n\n"
            "如果不是您本人或您单位的系统管理员申请的，请忽略本邮件并告知安全管理员；您的原密码仍然有效。\n"
        )
        send_mail("【政协履职与提案管理系统】重置密码", body, None, [address], fail_silently=False)


def channels() -> list[Channel]:
    return [import_string(path)() for path in getattr(settings, "PASSWORD_RESET_CHANNELS", [])]


def channel_for(user) -> tuple[Channel, str] | None:
    """The first configured channel that can reach `user`, with the address; None if none can."""
    for channel in channels():
        address = channel.address(user)
        if address:
            return channel, address
    return None
