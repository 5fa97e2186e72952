"""Incidents: their state, classification, clocks and ids."""
