"""Alerts: match alerts to subscriptions and deliver them through channels."""
