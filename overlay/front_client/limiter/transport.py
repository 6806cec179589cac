"""httpx transports that put every request through a limiter: acquire -> inner transport -> observe.

They never retry (the retry layer above does, and its re-sent request meets the limiter again) and pass the
response through unchanged. A request that fails with one of ``NOT_SENT_ERRORS`` was never sent: its slot is
given back (the retry layer, ``front_client.transport``, reads the same list: such a request may be re-sent).
How long a request may wait for the budget is the limiter's setting (``acquire_timeout``, ``max_wait``).

Tiers are matched on the route as Front sees it: with a ``base_url`` below a path (an API gateway at
``https://gateway.example/front``), that path is not part of the route (``/front/exports`` is ``/exports``).
"""

from __future__ import annotations

import httpx

from front_client.limiter.base import AsyncLimiter, SyncLimiter

__all__ = ["NOT_SENT_ERRORS", "AsyncLimitingTransport", "LimitingTransport"]

# Raised before a single byte of the request left: the server cannot have processed (nor counted) it. (Not
# ``httpx.UnsupportedProtocol``: never sent either, but it fails the same way every time; re-sending it would
# only add the retry layer's backoff before the error.)
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


def route_path(url: httpx.URL, base_path: str) -> str:
    """The path of ``url`` without the ``base_path`` the API is mounted under (``""``: none).

    The raw (still percent-encoded) path: an ID holding an encoded ``/`` (``a%2Fb``) is one segment, as
    Front sees it; decoded, it would split in two and the route would lose its tier.
    """
    path = url.raw_path.decode("ascii").split("?", 1)[0]
    if base_path and (path == base_path or path.startswith(base_path + "/")):
        return path[len(base_path) :] or "/"
    return path


def _base_path(base_url: str | None) -> str:
    return httpx.URL(base_url).raw_path.decode("ascii").split("?", 1)[0].rstrip("/") if base_url else ""


class LimitingTransport(httpx.BaseTransport):
    def __init__(
        self,
        inner: httpx.BaseTransport,
        limiter: SyncLimiter,
        *,
        base_url: str | None = None,
    ) -> None:
        self._inner, self._limiter = inner, limiter
        self._base_path = _base_path(base_url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        route = route_path(request.url, self._base_path)
        permit = self._limiter.acquire(request.method, route)
        try:
            response = self._inner.handle_request(request)
        except NOT_SENT_ERRORS:
            self._limiter.cancel(permit)
            raise
        except BaseException:
            self._limiter.observe(permit, 0, {})
            raise
        self._limiter.observe(permit, response.status_code, response.headers)
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncLimitingTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        limiter: AsyncLimiter,
        *,
        base_url: str | None = None,
    ) -> None:
        self._inner, self._limiter = inner, limiter
        self._base_path = _base_path(base_url)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        route = route_path(request.url, self._base_path)
        permit = await self._limiter.acquire_async(request.method, route)
        try:
            response = await self._inner.handle_async_request(request)
        except NOT_SENT_ERRORS:
            await self._limiter.cancel_async(permit)
            raise
        except BaseException:
            await self._limiter.observe_async(permit, 0, {})
            raise
        await self._limiter.observe_async(permit, response.status_code, response.headers)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
