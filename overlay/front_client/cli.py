"""``front-api``: call any Front route from a shell, in the spirit of ``gh api``.

    front-api GET /me
    front-api GET /conversations --paginate            # every item of every page, one JSON per line
    front-api PATCH /conversations/cnv_1 -f status=archived
    front-api POST /contacts --input contact.json
    front-api GET /conversations --paginate --emulator | wc -l   # no token, no network: a seeded emulator

The token comes from ``FRONT_API_TOKEN`` and the host from ``FRONT_API_BASE_URL`` (or ``--base-url``).
Requests go through :class:`~front_client.FrontClient`: the same rate limiter, retries and typed errors as
the library, and ``--paginate`` walks pages with the library's paginator (a ``next`` link holding the token
is refused, never requested). An API error, and a usage error, is one line on stderr and an exit status of
its own (``front-api --help`` lists them); never a traceback. The token is redacted from everything printed
(``-i`` headers included). Needs the ``cli`` extra: ``pip install 'front-core-client[cli]'``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

try:
    import click
except ImportError:  # pragma: no cover - the console script is installed with the extra in mind
    sys.stderr.write("front-api needs click: pip install 'front-core-client[cli]'\n")
    raise SystemExit(1) from None

import httpx

from front_client.client import TOKEN_ENV, FrontClient
from front_client.errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ForeignHostError,
    FrontClientError,
    FrontConnectionError,
    FrontStatusError,
    FrontTimeoutError,
    InvalidTokenError,
    MalformedResponseError,
    MissingTokenError,
    NotFoundError,
    PermissionDeniedError,
    PrivateResourceError,
    RateLimitError,
    SecretInUrlError,
    ServerError,
    UnprocessableEntityError,
)
from front_client.limiter import LimiterError
from front_client.pagination import paginate_path
from front_client.redaction import Scrubber

__all__ = ["EXIT_STATUSES", "main"]

# One exit status per error class, most specific first (click itself uses 2 for a usage error).
EXIT_STATUSES: tuple[tuple[type[BaseException], int, str], ...] = (
    (MissingTokenError, 3, "no token (FRONT_API_TOKEN)"),
    (InvalidTokenError, 3, "invalid token"),
    (AuthenticationError, 4, "401: the token was refused"),
    (PrivateResourceError, 6, "403: a private resource"),
    (PermissionDeniedError, 5, "403: permission denied (scope)"),
    (NotFoundError, 7, "404: not found"),
    (BadRequestError, 8, "400: bad request"),
    (ConflictError, 8, "409: conflict"),
    (UnprocessableEntityError, 8, "422: unprocessable"),
    (RateLimitError, 9, "429: rate limited beyond the wait allowed"),
    (LimiterError, 9, "the rate limiter refused or timed out"),
    (ServerError, 10, "5xx: Front failed"),
    (ForeignHostError, 11, "a link to another host was refused"),
    (SecretInUrlError, 11, "a link holding the token was refused"),
    (MalformedResponseError, 12, "a response that is not what the spec says"),
    (FrontStatusError, 13, "another HTTP error"),
    (FrontTimeoutError, 15, "network: the API did not answer in time"),  # a FrontConnectionError too
    (FrontConnectionError, 14, "network: could not reach the API"),
    (httpx.TransportError, 14, "network: could not reach the API"),
    (FrontClientError, 1, "another client error"),
)


def exit_status(error: BaseException) -> int:
    for kind, status, _ in EXIT_STATUSES:
        if isinstance(error, kind):
            return status
    return 1


def _epilog() -> str:
    rows = "\n".join(f"  {status:>2}  {meaning}" for _, status, meaning in EXIT_STATUSES)
    return f"\b\nExit statuses:\n   0  success\n   2  usage error\n{rows}"


# An HTTP header name (RFC 9110 token) and value (visible ASCII, spaces and tabs: no CR, LF or NUL).
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"[\x20-\x7e\t]*")


class _ReaderGone(Exception):
    """stdout's reader left (``front-api ... | head``). Not an OSError: click would turn that into exit 1."""


def _read_field_file(name: str) -> str:
    try:
        return Path(name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise click.BadParameter(f"@{name}: not UTF-8 text", param_hint="'-F'") from None
    except OSError as error:  # missing, a directory, unreadable
        raise click.BadParameter(f"@{name}: {error.strerror or error}", param_hint="'-F'") from None


def _typed(value: str) -> Any:
    """``-F`` values: true / false / null / numbers as JSON, ``@file`` read from a file, else a string."""
    if value.startswith("@"):
        return _read_field_file(value[1:])
    if value in ("true", "false", "null"):
        return json.loads(value)
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def _fields(raw: Sequence[str], typed: Sequence[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for items, convert in ((raw, str), (typed, _typed)):
        for item in items:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise click.BadParameter(f"{item!r}: expected key=value")
            if key.endswith("[]"):
                fields.setdefault(key[:-2], []).append(convert(value))
            else:
                fields[key] = convert(value)
    return fields


class _Progress:
    """Progress of a paginated call on stderr: one line rewritten in place on a terminal, else plain lines."""

    def __init__(self, stream: TextIO, quiet: bool) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()

    def page(self, pages: int, items: int) -> None:
        if self.quiet:
            return
        text = f"front-api: page {pages}, {items} items"
        if self.tty:
            self.stream.write(f"\r{text}")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and not self.quiet:
            self.stream.write("\n")
            self.stream.flush()


def _headers(raw: Sequence[str]) -> dict[str, str]:
    """``-H NAME:VALUE`` pairs, refused here if no HTTP header can carry them (CR/LF, non-ASCII)."""
    headers: dict[str, str] = {}
    for header in raw:
        name, sep, value = header.partition(":")
        name, value = name.strip(), value.strip()
        if not sep or not _HEADER_NAME.fullmatch(name):
            raise click.BadParameter(
                f"{header!r}: expected NAME:VALUE, NAME an HTTP header name", param_hint="'-H'"
            )
        if not _HEADER_VALUE.fullmatch(value):
            raise click.BadParameter(
                f"the value of {name} holds a line break, a control or a non-ASCII character",
                param_hint="'-H'",
            )
        headers[name] = value
    return headers


def _input_body(input_file: Any) -> Any:
    try:
        return json.loads(input_file.read() or b"null")
    except RecursionError:
        raise click.BadParameter("the JSON is nested too deeply", param_hint="'--input'") from None
    except ValueError as exc:  # not JSON, or not UTF-8/16/32
        raise click.BadParameter(f"not JSON: {exc}", param_hint="'--input'") from None


def _rendered(response: httpx.Response) -> str | None:
    """The body as printed: JSON indented, anything else (or JSON too deep to re-indent) as received."""
    if not response.content:
        return None
    try:
        return json.dumps(response.json(), indent=2, ensure_ascii=False)
    except (ValueError, RecursionError):
        return response.text


class _Output:
    """stdout with the token redacted; a reader that left (a closed pipe) raises :class:`_ReaderGone`."""

    def __init__(self, stream: TextIO, scrubber: Scrubber) -> None:
        self.stream = stream
        self.scrubber = scrubber

    def write(self, text: str) -> None:
        try:
            self.stream.write(self.scrubber.text(text))
        except BrokenPipeError:
            raise _ReaderGone from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise _ReaderGone from None


@click.command(context_settings={"help_option_names": ["-h", "--help"]}, epilog=_epilog())
@click.argument("method", metavar="METHOD")
@click.argument("path", metavar="PATH")
@click.option(
    "-f",
    "--raw-field",
    "raw_fields",
    multiple=True,
    metavar="KEY=VALUE",
    help="A string field: the query of a GET, else the JSON body (key[]=v for lists).",
)
@click.option(
    "-F",
    "--field",
    "typed_fields",
    multiple=True,
    metavar="KEY=VALUE",
    help="Like -f, with true/false/null/numbers typed and @file read from a file.",
)
@click.option(
    "--input", "input_file", type=click.File("rb"), help="The request body from a file ('-': stdin)."
)
@click.option("--paginate", is_flag=True, help="Follow _pagination.next; print each item as one JSON line.")
@click.option(
    "-H", "--header", "headers", multiple=True, metavar="NAME:VALUE", help="An extra request header."
)
@click.option(
    "--base-url", envvar="FRONT_API_BASE_URL", help="The API (default FRONT_API_BASE_URL, else Front's)."
)
@click.option(
    "--emulator", is_flag=True, help="Run against a fresh in-process Front emulator (no token, no network)."
)
@click.option(
    "--seed",
    "seed",
    type=int,
    default=120,
    show_default=True,
    help="With --emulator: how many open conversations it holds.",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
@click.option("-i", "--include", is_flag=True, help="Print the status line and headers before the body.")
def cli(
    method: str,
    path: str,
    raw_fields: tuple[str, ...],
    typed_fields: tuple[str, ...],
    input_file: Any,
    paginate: bool,
    headers: tuple[str, ...],
    base_url: str | None,
    emulator: bool,
    seed: int,
    quiet: bool,
    include: bool,
) -> None:
    """Send METHOD PATH to Front's API and print the JSON answer."""
    method = method.upper()
    fields = _fields(raw_fields, typed_fields)
    if paginate and method != "GET":
        raise click.UsageError("--paginate is for GET listings")
    extra_headers = _headers(headers)
    body: Any = None
    if input_file is not None:
        body = _input_body(input_file)
    params = fields if method in ("GET", "HEAD", "DELETE") and body is None else {}
    if fields and not params:
        if body is not None and not isinstance(body, dict):
            raise click.UsageError(
                f"-f/-F fields add keys to a JSON object, and --input holds a {type(body).__name__}: "
                "put the fields in the --input file, or drop them"
            )
        body = {**(body or {}), **fields}
    out = _Output(sys.stdout, Scrubber([os.environ.get(TOKEN_ENV, "").strip()]))
    with ExitStack() as stack:
        options: dict[str, Any] = {"headers": extra_headers}
        if emulator:
            from front_client.testing import FrontEmulator

            front = stack.enter_context(FrontEmulator())
            front.add_conversations(seed, status="open")
            client = stack.enter_context(front.client(**options))
        else:
            client = stack.enter_context(FrontClient(base_url=base_url, **options))
        if paginate:
            params.setdefault("limit", 100)  # Front's largest page: the fewest requests
            progress = _Progress(sys.stderr, quiet)
            pages = items = 0
            try:
                # The library's paginator: its checks on every next link (host, token in the URL, repeats).
                for page in paginate_path(client, path, params=params).pages():
                    for item in page.items:
                        out.write(json.dumps(item, ensure_ascii=False) + "\n")
                        items += 1
                    pages += 1
                    progress.page(pages, items)
            finally:
                progress.done()
            out.flush()
            return
        response = client.request(method, path, params=params or None, json=body)
        if include:
            out.write(f"HTTP {response.status_code} {response.reason_phrase}\n")
            for name, value in response.headers.items():
                out.write(f"{name}: {value}\n")
            out.write("\n")
        rendered = _rendered(response)
        if rendered is not None:
            out.write(rendered + "\n")
        out.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """The console script: runs :func:`cli`, turning every API error into one line and its exit status.
    ``front-api emulator [--port N] [--seed demo]`` serves the Front emulator (``front_client.testing``)."""
    arguments = list(argv) if argv is not None else sys.argv[1:]
    if arguments[:1] == ["emulator"]:
        from front_client.testing.standalone import main as serve_emulator

        return serve_emulator(arguments[1:], prog="front-api emulator")
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="front-api", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("front-api: aborted", err=True)
        return 130
    except click.UsageError as exc:  # one line, like every other error (click's own is a usage block)
        click.echo(
            f"front-api: usage error: {' '.join(exc.format_message().split())} (front-api -h)", err=True
        )
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (FrontClientError, LimiterError, httpx.TransportError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        click.echo(f"front-api: {type(exc).__name__}: {message}", err=True)
        return exit_status(exc)
    except (_ReaderGone, BrokenPipeError):  # `front-api ... | head`: the reader left; not an error of ours
        _silence_stdout()
        return 0
    return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null: what is still buffered must not fail again when Python exits."""
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
