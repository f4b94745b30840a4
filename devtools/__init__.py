"""Developer tooling (local run, test services). Not part of the deployed package."""
