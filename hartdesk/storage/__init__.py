"""Opening the register (SQLCipher), migrations, backup and restore, integrity checks."""
