"""The names of the httpx request and response extensions this client uses: one place, shared with the
templates (the generated ``_get_kwargs`` puts :data:`OPERATION` on every request).

httpx carries ``request.extensions`` / ``response.extensions`` through every layer (auth flow, transports,
hooks) without sending them: they are how the layers tell each other about a request.
"""

from __future__ import annotations

__all__ = ["FOLLOWED_LINK", "OPERATION", "REAUTHORIZED", "REISSUED", "RETRY_NOTE"]

# Request: the generated operation's facts (operation_id, method, path_template, required_scopes): read by
# the limiter (tier), error messages (operation, missing scope) and pagination.
OPERATION = "front_operation"
# Request: a URL the server gave (a ``_pagination.next`` link): refused if it holds the token.
FOLLOWED_LINK = "front_followed_link"
# Request: the one re-issue of a redirected write (a merged conversation's new ID).
REISSUED = "front_reissued"
# Request: the one re-send after a 401 with a refreshed token.
REAUTHORIZED = "front_reauthorized"
# Response: why the retry layer did not retry it (added to the error's message).
RETRY_NOTE = "front_retry"
