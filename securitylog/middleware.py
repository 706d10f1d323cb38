"""Records what only the response shows: refusals, downloads; writes the ID-view notes."""

import logging
from email.message import Message

from django.conf import settings

from .recorder import Action, Outcome, current_request, flush_id_views, record

logger = logging.getLogger("securitylog")


def attachment_filename(header: str) -> str | None:
    """The file name of a `Content-Disposition: attachment` header (RFC 6266, `filename*` too)."""
    if not header or not header.strip().lower().startswith("attachment"):
        return None
    message = Message()
    message["content-disposition"] = header
    return message.get_filename() or ""


class SecurityEventMiddleware:
    """Placed right after AuthenticationMiddleware, so it sees the responses of the later middleware too.

    Recorded here:
    - every 401 and 403 (CSRF failures, role checks, DRF permission refusals, anonymous API calls);
    - a 404 answered to a signed-in user anywhere but static files: out-of-scope ids answer 404 by
      design, so a 404 is what probing someone else's proposal or member record looks like;
      anonymous 404s are scanner noise and are not recorded;
    - every response carrying `Content-Disposition: attachment` (exports, attachment downloads);
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            try:
                self.inspect(request, response)
            except Exception:  # noqa: BLE001 - the log must never break the request
                logger.exception("security event middleware failed")
        finally:
            current_request.reset(token)
        return response

    def inspect(self, request, response):
        flush_id_views(request)
        status = response.status_code
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if status in (401, 403) or (status == 404 and signed_in and not self._static(request.path)):
            record(Action.DENIED, request=request, outcome=Outcome.DENIED, status_code=status)
            return
        filename = attachment_filename(response.get("Content-Disposition", ""))
        if filename is not None and 200 <= status < 300:
            record(
                Action.EXPORT, request=request, status_code=status, object_repr=filename, detail={"filename": filename}
            )
            return

    @staticmethod
    def _static(path: str) -> bool:
        return path.startswith(settings.STATIC_URL) or path == "/favicon.ico"
