from . import dashboard, document_views

app_name = "reports"

urlpatterns = [*dashboard.route.urlpatterns, *document_views.route.urlpatterns]
