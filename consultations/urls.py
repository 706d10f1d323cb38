from .views import route

app_name = "consultations"

urlpatterns = route.urlpatterns
