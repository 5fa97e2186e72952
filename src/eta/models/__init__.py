"""The record models: the single source of truth for what a record may hold."""
