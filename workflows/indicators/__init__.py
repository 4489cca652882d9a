"""Chỉ tiêu tracked: owners and contributors, values per reporting period, review, progress."""
