from .views import route

app_name = "securitylog"

urlpatterns = route.urlpatterns
