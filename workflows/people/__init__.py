"""User accounts and passwords."""
