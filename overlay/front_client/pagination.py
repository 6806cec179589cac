"""Following Front's ``_pagination.next`` links.

Front pages a list with an absolute ``next`` URL (carrying ``page_token``) in each page's
``_pagination``, possibly on the company's own host (``https://<company>.api.frontapp.com``). A
:class:`Paginator` asks the first page through the operation's own ``_get_kwargs`` and then GETs each
``next`` link as given, through the same httpx client (auth host rules, limiter, retries, errors), and
parses every page with the operation's own ``_parse_response``: it works for every list operation, also
those whose spec declares ``_pagination`` but no paging parameters.

An error on page 7 raises after pages 1-6 were yielded: nothing is silently truncated.

:func:`paginate_path` walks a route given as a path instead (``front-api --paginate`` does): the same
walk, with each page kept as the JSON object it is.

A server whose links make no progress cannot keep a walk going: a ``next`` naming a page already fetched
ends it (URLs compared as httpx sends them: ``HTTP://`` and ``https://…:443/`` and an encoded space are the
same URL), a run of ``max_empty_pages`` empty pages that still link onwards raises
:class:`~front_client.errors.PaginationError`, and ``max_pages`` stops after that many pages.

:class:`_PagePlan` and :class:`_Cursor` hold every decision; :class:`Paginator` and
:class:`AsyncPaginator` only send.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Generic, TypeVar

import httpx
from front_core_api.client import ApiClient, SyncApiClient
from front_core_api.types import Unset

from front_client import operations
from front_client.errors import FrontClientError, PaginationError
from front_client.extensions import FOLLOWED_LINK

__all__ = ["MAX_EMPTY_PAGES", "MAX_LIMIT", "AsyncPaginator", "Page", "Paginator", "paginate_path"]

T = TypeVar("T")
MAX_LIMIT = 100  # Front's largest page
# Empty pages in a row that still link onwards before the walk is refused (Front ends a list with at most
# one empty page; a run of them is a server that makes no progress).
MAX_EMPTY_PAGES = 10
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
# Where generated list models keep Front's ``_results`` (the name depends on the generator's rules).
_RESULTS_ATTRIBUTES = ("results", "field_results", "_results")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page: its typed ``items`` (cut to ``max_items``), the parsed list ``model``, the ``next_url``."""

    items: list[T]
    model: Any
    next_url: str | None

    @property
    def next(self) -> str | None:
        """The page's ``_pagination.next`` link (None on the last page, or where ``max_items`` stopped)."""
        return self.next_url


class _PagePlan:
    """What to ask first and how to read each answer; checked when ``paginate()`` is called."""

    def __init__(
        self,
        client: ApiClient,
        operation: operations.OperationRef,
        arguments: dict[str, Any],
        limit: int | None,
        max_items: int | None,
        max_pages: int | None = None,
        max_empty_pages: int = MAX_EMPTY_PAGES,
    ) -> None:
        self.client = client
        self.module: ModuleType = operations.resolve(operation)
        self.name = operations.operation_id(self.module)
        if not operations.is_list(self.module):  # refused before anything is sent
            raise TypeError(f"{self.name} does not answer a list (no _results): it cannot be paginated")
        if max_items is not None and max_items < 0:
            raise ValueError("max_items must be >= 0")
        if max_pages is not None and max_pages < 0:
            raise ValueError("max_pages must be >= 0")
        if max_empty_pages < 1:
            raise ValueError("max_empty_pages must be >= 1")
        if limit is not None:
            if not 1 <= limit <= MAX_LIMIT:
                raise ValueError(f"limit must be between 1 and {MAX_LIMIT} (Front's largest page)")
            if not operations.accepts(self.module, "limit"):
                raise TypeError(f"{self.name} takes no limit: Front chooses its page size")
            arguments = {**arguments, "limit": limit}
        elif max_items and "limit" not in arguments and operations.accepts(self.module, "limit"):
            arguments = {**arguments, "limit": min(max_items, MAX_LIMIT)}
        self.first_request = operations.request_kwargs(self.module, arguments)
        self.max_items = max_items
        self.max_pages = max_pages
        self.max_empty_pages = max_empty_pages

    def cursor(self) -> _Cursor:
        return _Cursor(self)

    def parse(self, response: httpx.Response) -> Any:
        # The generated parser reads the JSON once; a body that is not JSON raises MalformedResponseError.
        return self.module._parse_response(client=self.client, response=response)


class _PathPlan(_PagePlan):
    """A :class:`_PagePlan` for a route given as a path: pages are read as plain JSON objects."""

    def __init__(
        self,
        client: ApiClient,
        path: str,
        params: dict[str, Any],
        max_items: int | None,
        max_pages: int | None,
        max_empty_pages: int,
    ) -> None:
        if max_items is not None and max_items < 0:
            raise ValueError("max_items must be >= 0")
        if max_pages is not None and max_pages < 0:
            raise ValueError("max_pages must be >= 0")
        if max_empty_pages < 1:
            raise ValueError("max_empty_pages must be >= 1")
        self.client = client
        self.name = f"GET {path}"
        self.first_request = {"method": "GET", "url": path, "params": params}
        self.max_items = max_items
        self.max_pages = max_pages
        self.max_empty_pages = max_empty_pages

    def parse(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except (ValueError, RecursionError) as error:  # not JSON, or nested too deep
            raise self.client.malformed_response_error(response, error) from error


class _Cursor:
    """One walk through the pages: the next request to send, and each page read from its response."""

    def __init__(self, plan: _PagePlan) -> None:
        self._plan = plan
        self._pending: dict[str, Any] | None = plan.first_request
        self._seen_urls: set[str] = set()
        self._remaining = plan.max_items
        self._pages_left = plan.max_pages
        self._empty_run = 0
        if self._remaining == 0 or self._pages_left == 0:
            self._pending = None

    def take_request(self) -> dict[str, Any] | None:
        request, self._pending = self._pending, None
        return request

    def read(self, response: httpx.Response) -> Page[Any]:
        plan = self._plan
        model = plan.parse(response)
        items = _results(model)
        if items is None:
            raise FrontClientError(f"{plan.name} did not answer a list (no _results): it cannot be paginated")
        if self._remaining is not None:
            items = items[: self._remaining]
            self._remaining -= len(items)
        if self._pages_left is not None:
            self._pages_left -= 1
        next_url = _next_link(model)
        self._seen_urls.add(_normalized(response.request.url))
        if next_url is not None:
            # Relative to the page it came from, normalised as httpx will send it.
            try:
                next_url = str(response.request.url.join(next_url))
            except httpx.InvalidURL as error:
                raise PaginationError(f"{plan.name}: the next link is not a URL ({error})") from error
        more = (
            self._remaining != 0
            and self._pages_left != 0
            and next_url is not None
            and _normalized(httpx.URL(next_url)) not in self._seen_urls
        )
        self._empty_run = self._empty_run + 1 if not items and more else 0
        if self._empty_run >= plan.max_empty_pages:
            raise PaginationError(
                f"{plan.name}: {self._empty_run} empty pages in a row, each linking to another: stopped "
                "(the server's next links make no progress). The items of earlier pages were yielded; "
                "max_empty_pages= allows longer runs."
            )
        if more and next_url:
            self._pending = {
                "method": "GET",
                "url": next_url,
                "extensions": {**plan.first_request.get("extensions", {}), FOLLOWED_LINK: True},
            }
        else:
            next_url = None
        return Page(items=items, model=model, next_url=next_url)


def _normalized(url: httpx.URL) -> str:
    """One spelling per URL: httpx's (scheme and host lower-cased, default port dropped, characters quoted),
    without a fragment, with upper-case percent-escapes."""
    text = str(url.copy_with(fragment=None))
    return _ESCAPE.sub(lambda escape: escape.group(0).upper(), text)


def _undeclared(model: Any, key: str) -> Any:
    """A key the spec did not declare for this answer (kept by the model in ``additional_properties``; a
    page read as a plain JSON object holds every key)."""
    extra = model if isinstance(model, dict) else getattr(model, "additional_properties", None)
    return extra.get(key) if isinstance(extra, dict) else None


def _results(model: Any) -> list[Any] | None:
    """The page's items: the model's ``_results`` (parsed, or kept raw when it drifted), if it is a list."""
    for name in _RESULTS_ATTRIBUTES:
        value = getattr(model, name, None)
        if isinstance(value, list):
            return value
    value = _undeclared(model, "_results")
    return value if isinstance(value, list) else None


def _next_link(model: Any) -> str | None:
    """``_pagination.next``, whether the pagination object was parsed, kept raw (drift) or undeclared."""
    pagination = getattr(model, "field_pagination", None)
    if pagination is None or isinstance(pagination, Unset):
        pagination = _undeclared(model, "_pagination")
    link = pagination.get("next") if isinstance(pagination, dict) else getattr(pagination, "next_", None)
    return link if isinstance(link, str) and link else None


class Paginator(Generic[T]):
    """Iterate for items; :meth:`pages` for whole pages. Each iteration starts again from page 1."""

    def __init__(self, http: httpx.Client, plan: _PagePlan) -> None:
        self._http = http
        self._plan = plan

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def pages(self) -> Iterator[Page[T]]:
        cursor = self._plan.cursor()
        while (request := cursor.take_request()) is not None:
            yield cursor.read(self._http.request(**request))


class AsyncPaginator(Generic[T]):
    """``async for`` items; ``async for page in paginator.pages()`` for whole pages."""

    def __init__(self, http: httpx.AsyncClient, plan: _PagePlan) -> None:
        self._http = http
        self._plan = plan

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def pages(self) -> AsyncIterator[Page[T]]:
        cursor = self._plan.cursor()
        while (request := cursor.take_request()) is not None:
            yield cursor.read(await self._http.request(**request))


def paginate_path(
    client: SyncApiClient,
    path: str,
    /,
    *,
    params: dict[str, Any] | None = None,
    max_items: int | None = None,
    max_pages: int | None = None,
    max_empty_pages: int = MAX_EMPTY_PAGES,
) -> Paginator[Any]:
    """The items (plain JSON values) of a listing given as a path (``/conversations``), across its pages.

    ``GET path?params``, then each ``_pagination.next`` with the rules of :meth:`FrontClient.paginate`: the
    client's auth host rule, limiter, retries and errors, a link holding the token refused
    (:class:`~front_client.errors.SecretInUrlError`), a repeated link ending the walk. An answer that is not
    a JSON object with a ``_results`` list raises :class:`~front_client.errors.FrontClientError`.
    """
    plan = _PathPlan(client, path, dict(params or {}), max_items, max_pages, max_empty_pages)
    return Paginator(client.get_httpx_client(), plan)
