"""The desk's pages: public at /desk/, the back office at /backoffice/desk/, Open311 GeoReport
v2 at /open311/v2/."""

from django.urls import path, re_path

from ravabet.desk.views import backoffice, open311, public, stats

app_name = "desk"

urlpatterns = [
    # Citizens (views/public.py).
    path("desk/", public.submit, name="submit"),
    path("desk/track/", public.track_lookup, name="track_lookup"),
    path("desk/track/<str:code>/", public.track, name="track"),
    path("desk/track/<str:code>/rate/", public.track_rate, name="track_rate"),
    path("desk/track/<str:code>/reopen/", public.track_reopen, name="track_reopen"),
    # The public figures (views/stats.py).
    path("desk/stats/", stats.stats, name="stats"),
    # The back office (views/backoffice.py).
    path("backoffice/desk/", backoffice.inbox, name="bo_inbox"),
    path("backoffice/desk/<int:pk>/", backoffice.message_detail, name="bo_message"),
    path("backoffice/desk/<int:pk>/assign/", backoffice.message_assign, name="bo_assign"),
    path("backoffice/desk/<int:pk>/note/", backoffice.message_note, name="bo_note"),
    path("backoffice/desk/<int:pk>/answer/", backoffice.message_answer, name="bo_answer"),
    path("backoffice/desk/<int:pk>/transfer/", backoffice.message_transfer, name="bo_transfer"),
    path("backoffice/desk/<int:pk>/route/", backoffice.message_route, name="bo_route"),
    path(
        "backoffice/desk/<int:pk>/refuse-transfer/",
        backoffice.message_refuse_transfer,
        name="bo_refuse_transfer",
    ),
    path("backoffice/desk/<int:pk>/merge/", backoffice.message_merge, name="bo_merge"),
    path("backoffice/desk/<int:pk>/spam/", backoffice.message_spam, name="bo_spam"),
    path("backoffice/desk/<int:pk>/contact/", backoffice.message_contact, name="bo_contact"),
    path("backoffice/desk/templates/", backoffice.template_list, name="bo_templates"),
    path("backoffice/desk/templates/new/", backoffice.template_edit, name="bo_template_create"),
    path("backoffice/desk/templates/<int:pk>/", backoffice.template_edit, name="bo_template_edit"),
    path(
        "backoffice/desk/templates/<int:pk>/delete/",
        backoffice.template_delete,
        name="bo_template_delete",
    ),
    path("backoffice/desk/settings/", backoffice.desk_settings, name="bo_settings"),
    # Open311 GeoReport v2 (views/open311.py): .json and .xml of each resource.
    re_path(r"^open311/v2/services\.(?P<fmt>json|xml)$", open311.services, name="o311_services"),
    re_path(
        r"^open311/v2/services/(?P<code>[A-Za-z0-9_.-]{1,100})\.(?P<fmt>json|xml)$",
        open311.service_definition,
        name="o311_service",
    ),
    re_path(r"^open311/v2/requests\.(?P<fmt>json|xml)$", open311.requests, name="o311_requests"),
    re_path(
        r"^open311/v2/requests/(?P<request_id>[0-9]{1,18})\.(?P<fmt>json|xml)$",
        open311.request_detail,
        name="o311_request",
    ),
    path("open311/v2/discovery.json", open311.discovery, name="o311_discovery"),
]
