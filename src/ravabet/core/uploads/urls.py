"""The routes of stored files: the checked one for records' files, the public media folder."""

from django.conf import settings
from django.urls import path

from ravabet.core.uploads import views

app_name = "uploads"

urlpatterns = [
    path("files/<str:key>/<int:pk>/<str:name>", views.serve_file, name="file"),
    # Public files (agency logos) on the embedded default; a reverse proxy may serve the
    # folder itself in scale-out, with the same headers (docs/configuration.md).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.serve_media, name="media"),
]
