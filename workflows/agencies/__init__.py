"""The agency registry and its reorganisations (merge, rename)."""
