"""Key slots, staff sign-in, TOTP and throttling, the audit chain and (later) the credentials vault."""
