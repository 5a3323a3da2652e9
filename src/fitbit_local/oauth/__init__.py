"""Fitbit's OAuth 2.0 authorization server: consent page, token endpoint, refresh, revoke, introspect."""
