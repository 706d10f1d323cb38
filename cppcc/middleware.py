"""Project middleware."""

from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Responses to a signed-in user (pages, API, downloads) carry personal data and casework: no
    browser, proxy or shared cache may keep them (`Cache-Control: no-store, private, …`).

    Placed after AuthenticationMiddleware. Static files never reach it: WhiteNoise answers them
    earlier in the chain, so they stay cacheable. API requests authenticated by token are
    recognised too — DRF puts its user on the request while the view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response


# Scripts only from this site's own files: no inline <script>, no on…= handlers, no eval, nothing from
# another host (every asset is vendored under static/). Styles allow 'unsafe-inline' on purpose:
# templates still carry style="" attributes and a few <style> blocks, and ECharts and htmx write
# inline styles into the tooltips and indicators they build; a style cannot run script.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Powerful browser features no page of this system uses.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (a view may set its own), and
    no `Server` header from Django's side (gunicorn's own is removed in gunicorn.conf.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Server" in response.headers:
            del response.headers["Server"]
        return response
