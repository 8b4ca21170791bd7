"""Reminder scheduling: periodic jobs that claim due reminder rows and hand them to channels."""
