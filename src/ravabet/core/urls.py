"""Home, back-office dashboard and audit log."""

from django.urls import path

from ravabet.core import views

app_name = "core"

urlpatterns = [
    path("backoffice/", views.backoffice, name="backoffice"),
    path("backoffice/audit/", views.audit_log, name="audit_log"),
    path("healthz", views.healthz, name="healthz"),
]
