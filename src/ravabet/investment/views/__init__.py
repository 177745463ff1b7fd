"""Investment's pages, one module a part: public.py (catalogue, map, opportunity with the
inquiry form, programmes), backoffice.py (opportunities and programmes: edit, files, the
workflow), pipeline.py (the directorate's pipeline of inquiries and outcomes). Each module
holds its `urlpatterns`."""
