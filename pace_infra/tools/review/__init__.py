"""Offline review of a change: what the synthesized desired state creates, updates, destroys."""
