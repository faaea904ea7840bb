"""The one user both apps know, and the password check: PBKDF2 with a salt, compared in constant time.

A real app keeps one row per user in a database; what matters here is that
no password is stored or compared as plain text.
"""

import hashlib
import secrets

USERNAME = "alice"
SALT = bytes.fromhex("5f3c2a9e81d47b06c4e2f1a8937d5b20")
ITERATIONS = 600_000  # OWASP's figure for PBKDF2-HMAC-SHA256
PASSWORD_HASH = bytes.fromhex("04046c3bd93a7faf6ed0f290d3b63572eeb421a9988ba766b0e5d8683eccdfa7")


def password_is_right(username: str, password: str) -> bool:
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), SALT, ITERATIONS)
    right_name = secrets.compare_digest(username.encode(), USERNAME.encode())
    right_password = secrets.compare_digest(digest, PASSWORD_HASH)
    return right_name and right_password  # (1)!
