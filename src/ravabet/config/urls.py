"""The site's URL map: public pages, back office, accounts, API, the platform admin."""

from django.contrib import admin
from django.urls import include, path

from ravabet.accounts.forms import AdminLoginForm
from ravabet.accounts.views import admin_login
from ravabet.api.urls import api

admin.site.site_header = "مدیریت سامانهٔ روابط"
admin.site.site_title = "روابط"
# The admin logs people in with the accounts form: the same rate limit and audit as the site.
admin.site.login_form = AdminLoginForm

urlpatterns = [
    path("", include("ravabet.newsroom.urls")),
    path("", include("ravabet.events.urls")),
    path("", include("ravabet.desk.urls")),
    path("", include("ravabet.monitoring.urls")),
    path("", include("ravabet.surveys.urls")),
    path("", include("ravabet.distribution.urls")),
    path("", include("ravabet.investment.urls")),
    path("", include("ravabet.coordination.urls")),
    path("", include("ravabet.core.urls")),
    path("", include("ravabet.agencies.urls")),
    path("accounts/", include("ravabet.accounts.urls")),
    path("api/v1/", api.urls),
    # Before admin.site.urls: the same page, answering 429 while the login is blocked.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    # Stored files: /files/… (checked by the owning capability) and /media/… (public), both
    # with safe headers (core/uploads/views.py).
    path("", include("ravabet.core.uploads.urls")),
]

handler403 = "ravabet.core.views.error_403"
handler404 = "ravabet.core.views.error_404"
handler500 = "ravabet.core.views.error_500"
