"""The desk's pages: public at /desk/, the back office at /backoffice/desk/, Open311 at
/open311/v2/."""

from django.urls import path

from ravabet.desk.views import backoffice, public

app_name = "desk"

urlpatterns = [
    path("desk/", public.submit, name="submit"),
    path("desk/track/", public.track_lookup, name="track_lookup"),
    path("desk/track/<str:code>/", public.track, name="track"),
    path("backoffice/desk/", backoffice.inbox, name="bo_inbox"),
]
