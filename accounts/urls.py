from .views import route

app_name = "accounts"

urlpatterns = route.urlpatterns
