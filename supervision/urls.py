from .views import route

app_name = "supervision"

urlpatterns = route.urlpatterns
