"""Logging filters: personal data never reaches a log file."""

import logging
import re

# GB 11643 citizen ID: 6-digit region, birth date YYYYMMDD, 3-digit sequence, check digit or X.
ID_NUMBER = re.compile(
    r"(?<!\d)([1-9]\d{5})(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}([\dXx])(?!\d)"
)
# Mainland mobile number, optionally +86/86-prefixed and written 3-4-4 with dashes or spaces.
MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?\d{4}[-\s]?(\d{4})(?!\d)")


def redact(text: str) -> str:
    """Mask ID and mobile numbers the way the pages do for users who may not see them."""
    text = ID_NUMBER.sub(lambda m: m.group(0)[:6] + "********" + m.group(0)[-4:], text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


class RedactPersonalData(logging.Filter):
    """Redacts ID numbers and mobile numbers from a record's message, arguments and traceback.

    The message is formatted here (msg % args) and the arguments dropped, so a number inside any
    argument — a dict, a request line, an object's str() — is caught. Install it on handlers: a
    handler filter sees every record that reaches it, a logger filter only the logger's own records.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: keep what can be kept, still redacted
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _add_to_handlers(logger=None, **kwargs):
    for handler in getattr(logger, "handlers", ()):
        if not any(isinstance(f, RedactPersonalData) for f in handler.filters):
            handler.addFilter(RedactPersonalData())


def install_on_celery():
    """A Celery worker replaces the root logger's handlers with its own (worker_hijack_root_logger):
    put the filter on those too, for the worker's and the tasks' loggers."""
    from celery import signals

    signals.after_setup_logger.connect(_add_to_handlers, weak=False)
    signals.after_setup_task_logger.connect(_add_to_handlers, weak=False)
