"""The surveys' pages, one module a part: public.py (the list, answering a survey, the
thank-you page), builder.py (the back office's list, the builder, preview, publish and
close), results.py (live results, themes, cross-tab, exports, publishing, the public results
page), needs.py (an agency's needs report). Each module holds its `urlpatterns`."""
