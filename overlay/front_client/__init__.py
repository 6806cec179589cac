"""front_client: the hand-written layer over the generated ``front_core_api`` package.

from front_client import FrontClient
from front_core_api.api.conversations import list_conversations

with FrontClient() as client:                       # token from FRONT_API_TOKEN
    for conversation in client.paginate(list_conversations, limit=100):
        ...
"""

from typing import TYPE_CHECKING

from front_client._resource import RawResponse
from front_client._version import __version__
from front_client.client import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_TIMEOUT,
    TOKEN_ENV,
    AsyncFrontClient,
    FrontClient,
)
from front_client.credentials import BearerCredential
from front_client.errors import (
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    ForeignHostError,
    FrontClientError,
    FrontConnectionError,
    FrontStatusError,
    FrontTimeoutError,
    InvalidPathError,
    InvalidTokenError,
    MalformedResponseError,
    MissingTokenError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    PrivateResourceError,
    RateLimitError,
    SecretInUrlError,
    ServerError,
    UnexpectedRedirectError,
    UnprocessableEntityError,
)
from front_client.limiter import (
    AsyncLimiter,
    Budget,
    InProcessLimiter,
    LimiterBackendError,
    LimiterError,
    LimiterStats,
    LimiterTimeout,
    RateLimitPauseError,
    RateLimitPolicy,
    RateLimitRefusedError,
    RateLimitWaitError,
    SyncLimiter,
)
from front_client.options import ClientOptions, Clock
from front_client.pagination import AsyncPaginator, Page, Paginator
from front_client.query import InvalidQueryError

if TYPE_CHECKING:
    from front_client.channel import AsyncFrontChannelClient, FrontChannelClient
    from front_client.channel_auth import ForeignChannelError
    from front_client.limiter.redis_backend import RedisLimiter
    from front_client.webhooks import WebhookVerificationError

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_TIMEOUT",
    "TOKEN_ENV",
    "AsyncFrontChannelClient",
    "AsyncFrontClient",
    "AsyncLimiter",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BearerCredential",
    "Budget",
    "ClientClosedError",
    "ClientOptions",
    "Clock",
    "ConflictError",
    "ForeignChannelError",
    "ForeignHostError",
    "FrontChannelClient",
    "FrontClient",
    "FrontClientError",
    "FrontConnectionError",
    "FrontStatusError",
    "FrontTimeoutError",
    "InProcessLimiter",
    "InvalidPathError",
    "InvalidQueryError",
    "InvalidTokenError",
    "LimiterBackendError",
    "LimiterError",
    "LimiterStats",
    "LimiterTimeout",
    "MalformedResponseError",
    "MissingTokenError",
    "NotFoundError",
    "Page",
    "PaginationError",
    "Paginator",
    "PermissionDeniedError",
    "PrivateResourceError",
    "RateLimitError",
    "RateLimitPauseError",
    "RateLimitPolicy",
    "RateLimitRefusedError",
    "RateLimitWaitError",
    "RawResponse",
    "RedisLimiter",
    "SecretInUrlError",
    "ServerError",
    "SyncLimiter",
    "UnexpectedRedirectError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
    "__version__",
]


def __getattr__(name: str) -> object:
    # Redis is an optional dependency (extra "redis"): imported only when asked for.
    if name == "RedisLimiter":
        from front_client.limiter.redis_backend import RedisLimiter

        return RedisLimiter
    # The Channel API clients (PyJWT, front_channel_api) and webhooks: imported only when asked for.
    if name in ("FrontChannelClient", "AsyncFrontChannelClient"):
        from front_client import channel

        return getattr(channel, name)
    if name == "ForeignChannelError":
        from front_client.channel_auth import ForeignChannelError

        return ForeignChannelError
    if name == "WebhookVerificationError":
        from front_client.webhooks import WebhookVerificationError

        return WebhookVerificationError
    raise AttributeError(f"module 'front_client' has no attribute {name!r}")
