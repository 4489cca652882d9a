"""Building blocks of the plan parser (see workflows/plan_parser.py)."""
