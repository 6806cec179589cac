"""The OAuth errors: all :class:`~front_client.errors.FrontClientError`, none carrying a secret."""

from __future__ import annotations

from front_client.errors import FrontClientError

__all__ = ["OAuthError", "OAuthStateError", "ReauthorizationRequired", "TokenStoreError"]


class OAuthError(FrontClientError):
    """The OAuth flow failed: the token endpoint refused or could not be reached, or a token is unusable.

    ``error`` is the endpoint's OAuth error code (``invalid_client``, ...) when it gave one, ``status`` its
    HTTP status. The text never holds a secret, even when the server echoes one back.
    """

    def __init__(self, message: str, *, error: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.status = status


class OAuthStateError(OAuthError):
    """The ``state`` of the authorization callback is not the one this app issued (a forged or replayed
    callback): the code is not exchanged."""


class ReauthorizationRequired(OAuthError):
    """Front refused the installation's refresh token (``invalid_grant``): the company's admin must
    authorize the app again (:meth:`FrontOAuth.authorization_url`). ``installation`` names it."""

    def __init__(self, installation: str, *, error: str | None = "invalid_grant", status: int | None = None):
        super().__init__(
            f"Front refused the refresh token of installation {installation!r} ({error or 'no token'}): "
            "this installation must authorize the app again (send a company admin to "
            "FrontOAuth.authorization_url())",
            error=error,
            status=status,
        )
        self.installation = installation


class TokenStoreError(OAuthError):
    """The token store could not be read, written or locked (a file, Redis)."""
