"""Pages of members' activities, attendance, sign-up and regulations (mounted at /activities/)."""

from .views import route

app_name = "activities"

urlpatterns = route.urlpatterns
