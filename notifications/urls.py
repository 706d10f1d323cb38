from .views import route

app_name = "notifications"

urlpatterns = route.urlpatterns
