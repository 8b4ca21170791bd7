"""Conversation handlers: a neutral incoming message in, neutral replies out; no platform code."""
