"""httpx transports that put every request through a limiter: acquire -> inner transport -> observe.

They never retry (the retry layer above does, and its re-sent request meets the limiter again) and pass the
response through unchanged. A request that fails to connect was never sent: its slot is given back.
"""

from __future__ import annotations

import httpx

from front_client.limiter.base import AsyncLimiter, SyncLimiter

__all__ = ["AsyncLimitingTransport", "LimitingTransport"]

# Raised before a single byte of the request left: the server cannot have counted it.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class LimitingTransport(httpx.BaseTransport):
    def __init__(
        self, inner: httpx.BaseTransport, limiter: SyncLimiter, *, acquire_timeout: float | None = None
    ) -> None:
        self._inner, self._limiter, self._acquire_timeout = inner, limiter, acquire_timeout

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        permit = self._limiter.acquire(request.method, request.url.path, timeout=self._acquire_timeout)
        try:
            response = self._inner.handle_request(request)
        except _NOT_SENT:
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
        self, inner: httpx.AsyncBaseTransport, limiter: AsyncLimiter, *, acquire_timeout: float | None = None
    ) -> None:
        self._inner, self._limiter, self._acquire_timeout = inner, limiter, acquire_timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        permit = await self._limiter.acquire_async(
            request.method, request.url.path, timeout=self._acquire_timeout
        )
        try:
            response = await self._inner.handle_async_request(request)
        except _NOT_SENT:
            await self._limiter.cancel_async(permit)
            raise
        except BaseException:
            await self._limiter.observe_async(permit, 0, {})
            raise
        await self._limiter.observe_async(permit, response.status_code, response.headers)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
