"""What people look at: worklists, rollups, inbox, desk, digests, exports."""
