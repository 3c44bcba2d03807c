"""Invite codes: 192 random bits, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets

CODE_BYTES = 24  # 192 bits; the base64url form is 32 characters, within Telegram's 64 for /start
CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{32}")


def new_invite_code() -> str:
    """Return a fresh, unguessable invite code fit for a t.me deep link."""
    return secrets.token_urlsafe(CODE_BYTES)


def hash_invite_code(code: str) -> str:
    """Return the SHA-256 hex digest under which a code is stored."""
    # The code has 192 random bits, so a fast hash is safe: there is nothing to brute-force.
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def looks_like_code(text: str) -> bool:
    """Tell whether text has the shape of an invite code."""
    return bool(CODE_PATTERN.fullmatch(text))


def deep_link(bot_username: str, code: str) -> str:
    """Return the t.me link that opens the bot with /start CODE."""
    return f"https://t.me/{bot_username}?start={code}"
