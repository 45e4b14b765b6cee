"""HTTP-level protections applied to every response, error pages included."""

from __future__ import annotations

import secrets

from flask import Flask, g, request
from flask_login import current_user


def csp_nonce() -> str:
    """This request's nonce for the scripts and styles the pages include."""
    if not hasattr(g, "csp_nonce"):
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    """Scripts only from this site with this request's nonce; no framing; no plugins."""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",  # Bootstrap and Flask-Admin set inline styles
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def register(app: Flask) -> None:
    """Install the headers on every response."""
    hsts = app.config.get("SESSION_COOKIE_SECURE", False)

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "no-referrer"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        signed_in = getattr(current_user, "is_authenticated", False)
        if signed_in or request.endpoint in ("documents.download", "security.login"):
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response
