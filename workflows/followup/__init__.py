"""Following up late work: requests for explanation (giải trình) and written reminders (đôn đốc)."""
