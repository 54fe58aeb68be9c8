"""The claims of the JWTs vendors hand out (no Home Assistant imports here).

Read for an expiry or a session id, never verified: the vendor checks its own tokens.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from .parse import as_object


def jwt_claims(token: str | None) -> dict[str, Any]:
    """The payload of a JWT (`header.payload.signature`); empty when it is not one."""
    parts = (token or "").split(".")
    if len(parts) != 3:
        return {}
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return {}
    return as_object(claims)
