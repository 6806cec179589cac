"""``FrontClient`` / ``AsyncFrontClient``: Front's Core API with everything the spec cannot say.

Each client **owns** what it is made of (composition, not a subclass of the generated client):

- its :class:`~front_client.options.ClientOptions` (one frozen object; the keywords fill one in);
- an httpx client built from them by :mod:`front_client.assembly` (auth → retry → limit → guard →
  network, the exception family of :mod:`front_client.failures`);
- its credential (:mod:`front_client.credentials`: an API token, or an OAuth installation) and limiter;
- the generated facade's namespaces (``front.conversations.list()``).

Either client is the ``client=`` of the generated functions (``FrontClient`` for ``sync`` /
``sync_detailed``, ``AsyncFrontClient`` for ``asyncio`` / ``asyncio_detailed``): they satisfy the generated
``SyncApiClient`` / ``AsyncApiClient`` protocols. What they share with the Channel API's clients
(:mod:`front_client.channel`) lives in :mod:`front_client.base_client`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Self, TypeVar, Unpack, cast, overload

import httpx
from front_core_api.resources import AsyncResources, Resources

from front_client.assembly import SharedParts, build_async_http_client, build_http_client
from front_client.base_client import (
    TOKEN_ENV,
    AsyncClient,
    SyncClient,
    _parts,
    resolve_credential,
    user_agent,
)
from front_client.credentials import BearerCredential
from front_client.downloads import Destination, Sink, Source, download_request
from front_client.failures import abody_chunks, body_chunks
from front_client.http import AsyncFrontHttpClient, FrontHttpClient
from front_client.limiter.base import AsyncLimiter, SyncLimiter
from front_client.operations import ListOperation, OperationRef
from front_client.options import (
    BASE_URL_ENV,
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE,
    DEFAULT_MAX_BODY_SIZE,
    DEFAULT_TIMEOUT,
    ClientOptions,
    OptionKeywords,
    options_from,
)
from front_client.pagination import MAX_EMPTY_PAGES, AsyncPaginator, Paginator, _PagePlan

__all__ = [
    "BASE_URL_ENV",
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE",
    "DEFAULT_MAX_BODY_SIZE",
    "DEFAULT_TIMEOUT",
    "TOKEN_ENV",
    "AsyncFrontClient",
    "FrontClient",
]

T = TypeVar("T")


class FrontClient(SyncClient, Resources):
    """The synchronous client: ``client=`` of the generated ``sync`` / ``sync_detailed`` functions.

    - ``token``: a Front API token; default: the ``FRONT_API_TOKEN`` environment variable. Or
      ``credential``: an OAuth installation's (``front_client.oauth``), or any
      :class:`~front_client.credentials.BearerCredential`.
    - ``limiter``: default a new ``InProcessLimiter`` (``max_pause=max_retry_after``; a call that would
      wait longer than ``min(max_retry_after, max_total_wait)`` raises ``RateLimitError`` at once, unsent);
      pass a shared one (e.g. ``RedisLimiter``) to pace several clients; ``False`` to send without limiting.
    - ``transport``: the innermost (network) transport, default an ``httpx.HTTPTransport`` with ``proxy``
      and ``verify``.
    - ``options``: a :class:`~front_client.options.ClientOptions` (its fields are also keywords here:
      ``base_url``, ``timeout``, ``max_retries``, ``max_retry_after``, ``max_total_wait``, ``proxy``,
      ``verify``, ``headers``, ``raise_on_unexpected_status``, ``deadline``, ``max_body_size``; a keyword
      given wins over ``options``). See ``ClientOptions`` for each default.

    Everything it raises is a :class:`~front_client.errors.FrontClientError`.
    """

    _kind = "FrontClient"
    _http: FrontHttpClient

    def __init__(
        self,
        token: str | None = None,
        *,
        credential: BearerCredential | None = None,
        limiter: SyncLimiter | Literal[False] | None = None,
        transport: httpx.BaseTransport | None = None,
        options: ClientOptions | None = None,
        **keywords: Unpack[OptionKeywords],
    ) -> None:
        self._options = options_from(options, **keywords)
        credential = resolve_credential(token, credential)
        self._parts = _parts(
            credential,
            self._options,
            limiter,
            transport,
            kind=self._kind,
            asynchronous=False,
            user_agent=user_agent(),
        )
        self._http = build_http_client(self._options, self._parts)
        self._owns_pool = True

    def _adopt(self, original: Self, options: ClientOptions, parts: SharedParts) -> None:
        self._options, self._parts = options, parts
        self._http = build_http_client(options, parts)
        self._owns_pool = False

    @overload
    def paginate(
        self,
        operation: ListOperation[T],
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> Paginator[T]: ...
    @overload
    def paginate(
        self,
        operation: OperationRef,
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> Paginator[Any]: ...
    def paginate(
        self,
        operation: OperationRef | ListOperation[Any],
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> Paginator[Any]:
        """Items across pages of a list operation (a generated module or one of its functions).

        ``max_items`` / ``max_pages`` stop after that many items / pages; ``max_empty_pages`` empty pages in
        a row that still link onwards raise ``PaginationError`` (a server making no progress).
        """
        plan = _PagePlan(
            self, cast(OperationRef, operation), arguments, limit, max_items, max_pages, max_empty_pages
        )
        return Paginator(self._http, plan)

    def download(self, source: Source, destination: Destination, /, **arguments: Any) -> int:
        """Stream a file to ``destination`` (a path or a binary file); returns the bytes written.

        ``source`` is a URL (e.g. an attachment's ``url``) or a download operation with its arguments.
        """
        sink = Sink(destination)
        ok = False
        try:
            with self._http.stream(**download_request(source, arguments)) as response:
                for chunk in body_chunks(response, self._parts.context):
                    sink.write(chunk)
            ok = True
        finally:
            sink.finish(ok)
        return sink.written


class AsyncFrontClient(AsyncClient, AsyncResources):
    """The asyncio client: ``client=`` of the generated ``asyncio`` / ``asyncio_detailed`` functions.

    Same arguments as :class:`FrontClient`; ``transport`` is an ``httpx.AsyncBaseTransport``.
    """

    _kind = "AsyncFrontClient"
    _http: AsyncFrontHttpClient

    def __init__(
        self,
        token: str | None = None,
        *,
        credential: BearerCredential | None = None,
        limiter: AsyncLimiter | Literal[False] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        options: ClientOptions | None = None,
        **keywords: Unpack[OptionKeywords],
    ) -> None:
        self._options = options_from(options, **keywords)
        credential = resolve_credential(token, credential)
        self._parts = _parts(
            credential,
            self._options,
            limiter,
            transport,
            kind=self._kind,
            asynchronous=True,
            user_agent=user_agent(),
        )
        self._http = build_async_http_client(self._options, self._parts)
        self._owns_pool = True

    def _adopt(self, original: Self, options: ClientOptions, parts: SharedParts) -> None:
        self._options, self._parts = options, parts
        self._http = build_async_http_client(options, parts)
        self._owns_pool = False

    @overload
    def paginate(
        self,
        operation: ListOperation[T],
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> AsyncPaginator[T]: ...
    @overload
    def paginate(
        self,
        operation: OperationRef,
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> AsyncPaginator[Any]: ...
    def paginate(
        self,
        operation: OperationRef | ListOperation[Any],
        /,
        *,
        limit: int | None = None,
        max_items: int | None = None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
        **arguments: Any,
    ) -> AsyncPaginator[Any]:
        """As :meth:`FrontClient.paginate`; iterate with ``async for``."""
        plan = _PagePlan(
            self, cast(OperationRef, operation), arguments, limit, max_items, max_pages, max_empty_pages
        )
        return AsyncPaginator(self._http, plan)

    async def download(self, source: Source, destination: Destination, /, **arguments: Any) -> int:
        """As :meth:`FrontClient.download`, awaited (file writes are small, blocking writes)."""
        sink = Sink(destination)
        ok = False
        try:
            async with self._http.stream(**download_request(source, arguments)) as response:
                async for chunk in abody_chunks(response, self._parts.context):
                    sink.write(chunk)
            ok = True
        finally:
            sink.finish(ok)
        return sink.written


if TYPE_CHECKING:  # the generated functions' protocols: checked here, once
    from front_core_api.client import AsyncApiClient, SyncApiClient

    _sync: SyncApiClient = FrontClient()
    _async: AsyncApiClient = AsyncFrontClient()
