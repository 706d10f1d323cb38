"""Pages declared where their view is: `@route("<int:pk>/edit/", name="edit", roles=(Role.OFFICE,),
methods=("GET", "POST"))` above a view registers it in its module's `route.urlpatterns`, which the app's
`urls.py` mounts, together with who may open it and how (`views_helpers.page_view`).

One line per page next to the code it runs, instead of a second list of every page kept in step by hand.
Routes are tried in the order the views are declared in the module (Django's first match).
"""

from django.urls import path

from .views_helpers import page_view


class Routes:
    """The URL patterns of one views module."""

    def __init__(self):
        self.urlpatterns = []

    def __call__(self, route, *, name, roles=(), methods=None):
        """Register the view under `route`. With `roles` the page is `page_view(*roles, methods=methods)`:
        signed-in users with one of the roles only (anonymous → login page, other roles → 403), never cached,
        other HTTP methods → 405."""

        def register(view):
            target = view.as_view() if isinstance(view, type) else view
            if roles:
                target = page_view(*roles, methods=list(methods) if methods else None)(target)
            self.urlpatterns.append(path(route, target, name=name))
            return view

        return register
