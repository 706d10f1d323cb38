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
