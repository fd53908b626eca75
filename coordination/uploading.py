"""Routes that take files: each uploaded file streamed to disk as Werkzeug parses the form.

A view that takes files is marked with ``takes_files(limit)``. For a POST to it, the
application's request class (``Request``) takes the request's size limit from ``limit`` and
hands Werkzeug's form parser, through ``_get_file_stream`` (Werkzeug's override point), a
staged file in the documents folder for each file (``storage.Staging``), so an upload never
sits in memory. Both hold whoever parses the form first: CSRFProtect before the view, or the
view's form. The view keeps the staging once its change is committed (``keep_upload``);
otherwise everything staged is removed when the request ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from flask import Flask, current_app, request

from .security import CheckedRequest
from .storage import Staging


@dataclass(frozen=True)
class UploadLimit:
    """How much one POST to a route that takes files may send."""

    # The largest file; more is refused with storage.FileTooLarge as it arrives.
    file_bytes: int
    # The whole request, files and fields; None keeps the application's usual limit.
    request_bytes: int | None = None


def takes_files(limit: Callable[[], UploadLimit]):
    """Mark a view whose POSTs carry files; ``limit`` is asked once per request."""

    def mark(view):
        view.upload_limit = limit
        return view

    return mark


class Request(CheckedRequest):
    """The application's request: uploads to routes marked ``takes_files`` go to disk."""

    _upload_limit: UploadLimit | None
    _staging: Staging | None = None

    @property
    def upload_limit(self) -> UploadLimit | None:
        """The limit of this request's route if it takes files and this is a POST, else None."""
        if not hasattr(self, "_upload_limit"):
            decide = None
            if self.method == "POST" and self.endpoint is not None:
                view = current_app.view_functions.get(self.endpoint)
                decide = getattr(view, "upload_limit", None)
            self._upload_limit = decide() if decide is not None else None
        return self._upload_limit

    @property
    def staging(self) -> Staging | None:
        """Where this request's files are written, for a POST to a route that takes files."""
        if self._staging is None and self.upload_limit is not None:
            self._staging = Staging(self.upload_limit.file_bytes)
        return self._staging

    @property
    def max_content_length(self) -> int | None:
        limit = self.upload_limit
        if self._max_content_length is None and limit is not None and limit.request_bytes:
            return limit.request_bytes
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        staging = self.staging
        if staging is None:
            return super()._get_file_stream(
                total_content_length, content_type, filename, content_length
            )
        return staging.new_file()


def keep_upload() -> None:
    """The rows naming this request's uploaded files are committed: keep the files."""
    if request.staging is not None:
        request.staging.keep()


def _discard_upload(_error: BaseException | None) -> None:
    staging = getattr(request, "_staging", None)
    if staging is not None:
        staging.discard()


def init_app(app: Flask) -> None:
    app.request_class = Request
    app.teardown_request(_discard_upload)
