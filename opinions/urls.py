from .views import route

app_name = "opinions"

urlpatterns = route.urlpatterns
