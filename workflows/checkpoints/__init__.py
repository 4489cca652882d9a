"""One dated obligation of one agency: its status, who may act, reports, reviews, extensions, evidence."""
