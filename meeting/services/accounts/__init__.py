"""Accounts: users, passwords and the log-in throttle."""
