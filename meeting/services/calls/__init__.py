"""Call-out verification: call attempts through the telephony port, manual calls, provider webhooks."""
