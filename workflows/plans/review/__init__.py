"""Review of an imported plan before it binds anyone: drafts, corrections (overrides), publishing."""
