"""What every domain uses: actors, errors, clock, audit trail, outbox, text helpers."""
