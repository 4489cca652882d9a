"""Plan documents in, obligations out: reading files, parsing, importing, plan queries."""
