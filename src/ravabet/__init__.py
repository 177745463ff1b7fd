"""Ravabet (روابط): the communications platform of a province's government PR network."""

__version__ = "0.1.0"
