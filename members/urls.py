from .views import route

app_name = "members"

urlpatterns = route.urlpatterns
