"""Staff accounts: two-factor sign-in, sessions that end, and the audit log (README, "Security")."""
