"""Coordination's pages: directives.py, plan.py, scores.py (each with its urlpatterns)."""
