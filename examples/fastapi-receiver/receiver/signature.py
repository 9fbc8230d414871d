"""The signature check: HMAC-SHA256 of the raw body, hex, in X-Signature (the pack's `plain` scheme).

Computed over the bytes received, never over re-serialised JSON (a parser may reorder keys
or change number formatting, and the signature would no longer match).
"""

import hashlib
import hmac

HEADER = "X-Signature"


def is_signed(secret: str, body: bytes, signature: str | None) -> bool:
    if not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    # Constant time: a plain == leaks how many leading characters matched.
    return hmac.compare_digest(expected, signature.strip().lower())
