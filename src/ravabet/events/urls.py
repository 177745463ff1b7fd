"""Public event pages and calendars, and the events' back office."""

from django.urls import path
from django.views.generic import RedirectView

from ravabet.events.views import backoffice, public

app_name = "events"

urlpatterns = [
    # public
    path("events/", public.event_list, name="list"),
    path("events.ics", public.calendar_feed, name="calendar_feed"),
    path("events/<int:pk>/", public.event_detail, name="detail"),
    path("events/<int:pk>.ics", public.event_ics, name="event_ics"),
    path("occasions/", public.occasion_list, name="occasions"),
    # back office
    path("backoffice/events/", backoffice.event_list, name="bo_list"),
    path("backoffice/events/new/", backoffice.event_create, name="bo_create"),
    path("backoffice/events/resolutions/", backoffice.resolution_list, name="bo_resolutions"),
    path(
        "backoffice/events/resolutions/<int:pk>/",
        backoffice.resolution_detail,
        name="bo_resolution",
    ),
    path(
        "backoffice/events/resolutions/<int:pk>/edit/",
        backoffice.resolution_edit,
        name="bo_resolution_edit",
    ),
    # The occasions moved to the kernel's calendar (core:calendar); old bookmarks follow.
    path(
        "backoffice/events/occasions/",
        RedirectView.as_view(pattern_name="core:calendar", permanent=True, query_string=True),
        name="bo_occasions",
    ),
    path("backoffice/events/<int:pk>/", backoffice.event_detail, name="bo_detail"),
    path("backoffice/events/<int:pk>/edit/", backoffice.event_edit, name="bo_edit"),
    path("backoffice/events/<int:pk>/cancel/", backoffice.event_cancel, name="bo_cancel"),
    path(
        "backoffice/events/<int:pk>/register/", backoffice.registration_create, name="bo_register"
    ),
    path(
        "backoffice/events/<int:pk>/registrations/<int:registration_pk>/cancel/",
        backoffice.registration_cancel,
        name="bo_registration_cancel",
    ),
    path(
        "backoffice/events/<int:pk>/registrations.<str:fmt>",
        backoffice.registration_export,
        name="bo_export",
    ),
    path("backoffice/events/<int:pk>/check-in/", backoffice.check_in, name="bo_check_in"),
    path(
        "backoffice/events/<int:pk>/check-in/<int:registration_pk>/",
        backoffice.check_in_toggle,
        name="bo_check_in_toggle",
    ),
    path("backoffice/events/<int:pk>/agenda/", backoffice.agenda_add, name="bo_agenda_add"),
    path(
        "backoffice/events/<int:pk>/agenda/<int:item_pk>/delete/",
        backoffice.agenda_remove,
        name="bo_agenda_remove",
    ),
    path("backoffice/events/<int:pk>/documents/", backoffice.document_add, name="bo_document_add"),
    path(
        "backoffice/events/<int:pk>/documents/<int:document_pk>/delete/",
        backoffice.document_remove,
        name="bo_document_remove",
    ),
    path("backoffice/events/<int:pk>/minutes/", backoffice.minutes_edit, name="bo_minutes"),
    path(
        "backoffice/events/<int:pk>/resolutions/new/",
        backoffice.resolution_create,
        name="bo_resolution_create",
    ),
]
