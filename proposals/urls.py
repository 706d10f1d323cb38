from .views import route

app_name = "proposals"

urlpatterns = route.urlpatterns
