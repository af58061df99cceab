"""The JSON API v1: routers, request schemas, errors and load limits."""
