"""The escalation ladder and the sweep that fires it."""
