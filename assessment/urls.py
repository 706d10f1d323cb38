"""Pages of the performance assessment (mounted at /assessment/)."""

from .views import route

app_name = "assessment"

urlpatterns = route.urlpatterns
