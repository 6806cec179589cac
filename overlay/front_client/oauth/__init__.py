"""OAuth for partner apps: the authorization code flow, refresh without ever losing an installation, and
token stores shared by many workers.

.. code-block:: python

    from front_client.oauth import FrontOAuth, FileTokenStore

    oauth = FrontOAuth(client_id, client_secret, redirect_uri, token_store=FileTokenStore("tokens.json"))
    url, state = oauth.authorization_url()        # send the company admin there; keep `state`
    oauth.exchange_code(code, state=state_from_callback, expected_state=state, installation="acme")
    with oauth.client("acme") as front:
        front.conversations.list()
"""

from typing import TYPE_CHECKING

from front_client.oauth.app import PARTNER_APP_POLICY, FrontOAuth
from front_client.oauth.credential import InstallationCredential
from front_client.oauth.errors import OAuthError, OAuthStateError, ReauthorizationRequired, TokenStoreError
from front_client.oauth.stores import FileTokenStore, MemoryTokenStore, TokenStore
from front_client.oauth.token import OAuthToken

if TYPE_CHECKING:
    from front_client.oauth.redis_store import RedisTokenStore

__all__ = [
    "PARTNER_APP_POLICY",
    "FileTokenStore",
    "FrontOAuth",
    "InstallationCredential",
    "MemoryTokenStore",
    "OAuthError",
    "OAuthStateError",
    "OAuthToken",
    "ReauthorizationRequired",
    "RedisTokenStore",
    "TokenStore",
    "TokenStoreError",
]


def __getattr__(name: str) -> object:
    # Redis is an optional dependency (extra "redis"): import it only when asked for.
    if name == "RedisTokenStore":
        from front_client.oauth.redis_store import RedisTokenStore

        return RedisTokenStore
    raise AttributeError(name)
