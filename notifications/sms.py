"""How a text message leaves the system: one backend, chosen by `SMS_BACKEND` (a dotted path).

A backend is a class with `send(mobile, text)` that returns when the message is accepted and raises
`SmsError` (a readable Chinese message, never the number in full) when it is not; the caller records
the error on the delivery and retries it.

- `FileBackend` (the embedded default): one JSON line per message appended to `SMS_FILE_PATH`
  (var/sms/outbox.jsonl), for development and demonstrations.
- `ConsoleBackend`: the message in the log, the number masked.
- `HttpGatewayBackend`: the operator's gateway — POST JSON `{"mobile", "text", "sign"}` to
  `SMS_GATEWAY_URL` with `Authorization: Bearer SMS_GATEWAY_TOKEN`, waiting `SMS_GATEWAY_TIMEOUT`
  seconds. A 2xx answer accepts the message unless its JSON body says otherwise (`"ok": false`,
  `"success": false`, or a non-zero `"code"`), with the reason in `message`, `msg` or `error`.
"""

import json
import logging
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

_SUCCESS_CODES = {0, "0", 200, "200", "ok", "OK", "success", "SUCCESS"}


class SmsError(Exception):
    """A message was not accepted; the text says why, in words the office can act on."""


def mask_mobile(mobile: str) -> str:
    """13912345678 → 139****5678."""
    if not mobile:
        return ""
    if len(mobile) < 7:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]


class BaseBackend:
    def send(self, mobile: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    def send(self, mobile: str, text: str) -> None:
        logger.info("短信 → %s：%s", mask_mobile(mobile), text)


class FileBackend(BaseBackend):
    """Appends {"time", "mobile", "text"} as one JSON line; the file is the development outbox."""

    _lock = threading.Lock()

    def send(self, mobile: str, text: str) -> None:
        path = Path(settings.SMS_FILE_PATH)
        line = json.dumps({"time": timezone.now().isoformat(), "mobile": mobile, "text": text}, ensure_ascii=False)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock, path.open("a", encoding="utf-8") as outbox:
                outbox.write(line + "\n")
        except OSError as exc:
            raise SmsError(f"无法写入短信发件箱文件：{exc.strerror or exc}") from exc


class HttpGatewayBackend(BaseBackend):
    def send(self, mobile: str, text: str) -> None:
        url = settings.SMS_GATEWAY_URL
        if not url:
            raise SmsError("未配置短信网关地址（SMS_GATEWAY_URL）。")
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise SmsError("短信网关地址须以 http:// 或 https:// 开头（SMS_GATEWAY_URL）。")
        payload = {"mobile": mobile, "text": text}
        if settings.SMS_SIGN:
            payload["sign"] = settings.SMS_SIGN
        request = urllib.request.Request(  # noqa: S310 (the operator's configured http(s) URL)
            url,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"},
        )
        if settings.SMS_GATEWAY_TOKEN:
            request.add_header("Authorization", f"Bearer {settings.SMS_GATEWAY_TOKEN}")
        timeout = settings.SMS_GATEWAY_TIMEOUT
        try:
            # The scheme is checked above (http or https only), so B310 does not apply.
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
                body = response.read(4096)
        except urllib.error.HTTPError as exc:
            detail = _reason(exc.read(4096)) or exc.reason
            raise SmsError(f"短信网关返回 HTTP {exc.code}：{detail}") from exc
        except TimeoutError as exc:
            raise SmsError(f"短信网关超时（{timeout:g} 秒无应答）") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise SmsError(f"短信网关超时（{timeout:g} 秒无应答）") from exc
            raise SmsError(f"无法连接短信网关：{exc.reason}") from exc
        except OSError as exc:
            raise SmsError(f"无法连接短信网关：{exc}") from exc
        failure = _failure(body)
        if failure is not None:
            raise SmsError(f"短信网关拒绝发送：{failure}")


def _json(body: bytes):
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _reason(body: bytes) -> str:
    data = _json(body)
    if isinstance(data, dict):
        for key in ("message", "msg", "error"):
            if data.get(key):
                return str(data[key])[:200]
    return body.decode("utf-8", "replace").strip()[:200]


def _failure(body: bytes) -> str | None:
    """The gateway's reason if a 2xx body reports a failure, else None."""
    data = _json(body)
    if not isinstance(data, dict):
        return None
    failed = data.get("ok") is False or data.get("success") is False
    if "code" in data and data["code"] not in _SUCCESS_CODES:
        failed = True
    if not failed:
        return None
    return _reason(body) or f"代码 {data.get('code')}"


def backend() -> BaseBackend:
    return import_string(settings.SMS_BACKEND)()
