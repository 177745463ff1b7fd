"""Home, back-office dashboard, notifications, audit log and the calendar of occasions."""

from django.urls import path

from ravabet.core import views
from ravabet.core.calendar import views as calendar

app_name = "core"

urlpatterns = [
    path("backoffice/", views.backoffice, name="backoffice"),
    path("backoffice/audit/", views.audit_log, name="audit_log"),
    path("backoffice/notifications/", views.notification_list, name="notifications"),
    path(
        "backoffice/notifications/<int:pk>/",
        views.notification_open,
        name="notification_open",
    ),
    path(
        "backoffice/notifications/read-all/",
        views.notification_read_all,
        name="notifications_read_all",
    ),
    path("backoffice/calendar/", calendar.calendar, name="calendar"),
    path("backoffice/calendar/new/", calendar.occasion_edit, name="calendar_occasion_create"),
    path("backoffice/calendar/<int:pk>/", calendar.occasion_edit, name="calendar_occasion_edit"),
    path(
        "backoffice/calendar/<int:pk>/delete/",
        calendar.occasion_delete,
        name="calendar_occasion_delete",
    ),
    path("backoffice/calendar/week/", calendar.working_week, name="calendar_week"),
    path("healthz", views.healthz, name="healthz"),
]
