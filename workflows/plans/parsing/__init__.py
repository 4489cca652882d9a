"""Building blocks of the plan parser (see workflows/plans/parser.py)."""
