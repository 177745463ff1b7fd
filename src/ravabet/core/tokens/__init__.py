"""API tokens and the bearer authentication every capability's API router uses (kernel).

The app keeps the label ``api`` it was born with: its table and migration history stay.
"""
