"""Outgoing webhooks (docs/api.md § Webhooks): endpoints, signed deliveries with retries, the delivery log, replay."""
