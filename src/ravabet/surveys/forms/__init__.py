"""The surveys' forms: answer.py (a section's questions as a respondent sees them), builder.py
(the builder's forms). They parse and show; the services validate and save."""
