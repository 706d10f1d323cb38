from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts.api import ApiTokenViewSet, LogoutEverywhereView, TokenLoginView
from activities import api as activity_api
from assessment import api as assessment_api
from consultations import api as consultations_api
from members import api as members_api
from notifications import api as notifications_api
from opinions import api as opinions_api
from proposals import api as proposals_api
from reports.api import AnnualReportView
from securitylog.views import audit_log
from supervision import api as supervision_api

from . import views

router = DefaultRouter()
router.register("members", members_api.MemberViewSet, basename="member")
router.register("terms", members_api.TermViewSet, basename="term")
router.register("sessions", members_api.SessionViewSet, basename="session")
router.register("sectors", members_api.SectorViewSet, basename="sector")
router.register("parties", members_api.PartyViewSet, basename="party")
router.register("committees", members_api.SpecialCommitteeViewSet, basename="committee")
router.register("groups", members_api.MemberGroupViewSet, basename="group")
router.register("units", members_api.HandlingUnitViewSet, basename="unit")
router.register("activities", activity_api.ActivityViewSet, basename="activity")
router.register("attendance", activity_api.AttendanceViewSet, basename="attendance")
router.register("assessments", assessment_api.AssessmentViewSet, basename="assessment")
router.register("proposals", proposals_api.ProposalViewSet, basename="proposal")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")
router.register("consultation-plans", consultations_api.ConsultationPlanViewSet, basename="consultation-plan")
router.register("consultation-topics", consultations_api.ConsultationTopicViewSet, basename="consultation-topic")
router.register(
    "consultation-activities", consultations_api.ConsultationActivityViewSet, basename="consultation-activity"
)
router.register("consultation-outcomes", consultations_api.ConsultationOutcomeViewSet, basename="consultation-outcome")
router.register("inspections", supervision_api.InspectionViewSet, basename="inspection")
router.register("recommendations", supervision_api.RecommendationViewSet, basename="recommendation")
router.register("opinions", opinions_api.OpinionViewSet, basename="opinion")
router.register("auth/tokens", ApiTokenViewSet, basename="api-token")  # issue 12: one's own API tokens

admin.site.site_header = "政协履职与提案管理系统 · 系统管理"
admin.site.site_title = "系统管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.todo, name="todo"),
    path("todo/badge/", views.todo_badge, name="todo_badge"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("members/", include("members.urls")),
    path("activities/", include("activities.urls")),
    path("assessment/", include("assessment.urls")),
    path("audit/", audit_log, name="audit_log"),
    path("audit/security/", include("securitylog.urls")),
    path("proposals/", include("proposals.urls")),
    path("notifications/", include("notifications.urls")),
    path("consultations/", include("consultations.urls")),
    path("supervision/", include("supervision.urls")),
    path("opinions/", include("opinions.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/auth/token/", TokenLoginView.as_view(), name="api_token"),
    path("api/v1/auth/logout-everywhere/", LogoutEverywhereView.as_view(), name="api_logout_everywhere"),
    path("api/v1/reports/annual/", AnnualReportView.as_view(), name="api_annual_report"),
    path("api/v1/todo/", notifications_api.TodoView.as_view(), name="api_todo"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]
