"""How the rules run on their own: jobs, the in-process scheduler, Prefect flows and deployments."""
