"""Public agency pages (/agencies/) and agency back offices (/backoffice/agencies/)."""

from django.urls import path

from ravabet.agencies import views

app_name = "agencies"

urlpatterns = [
    path("agencies/", views.agency_list, name="list"),
    path("agencies/<slug:slug>/", views.agency_detail, name="detail"),
    path("backoffice/agencies/<slug:slug>/", views.agency_backoffice, name="backoffice"),
    path("backoffice/agencies/<slug:slug>/edit/", views.agency_edit, name="edit"),
]
