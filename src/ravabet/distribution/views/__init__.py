"""Distribution's back-office pages (/backoffice/distribution/): channels.py (channels and
their deliveries), press.py (the press list, embargoed mailings, the public preview page of
an embargoed release). Each module holds its `urlpatterns`."""
