"""Files on disk: generated keys inside the documents folder, staged, placed, kept or removed."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from coordination import storage
from coordination.storage import FileTooLarge, Staging

from . import own_documents_dir, stored_files


@pytest.fixture
def root(app, monkeypatch, tmp_path, app_context) -> Path:
    return own_documents_dir(app, monkeypatch, tmp_path)


def test_path_for_a_new_key_lies_inside_the_documents_folder(root):
    for _ in range(50):
        path = storage.path_for(storage.new_key())
        assert path.parent.parent == root


@pytest.mark.parametrize(
    "key",
    [
        "../../../../etc/passwd",
        "..",
        "/etc/passwd",
        "0" * 31,
        "0" * 33,
        "G" * 32,
        "ABCDEF0123456789ABCDEF0123456789",
        "0123456789abcdef/123456789abcdef",
        "0123456789abcdef\x00123456789abcde",
    ],
)
def test_path_for_refuses_anything_but_a_generated_key(root, key):
    with pytest.raises(ValueError):
        storage.path_for(key)


def test_staging_receives_a_stream_in_chunks_with_size_and_sha256(root):
    content = b"x" * (storage.CHUNK * 2 + 123)

    with Staging() as staging:
        staged = staging.receive(io.BytesIO(content))
        assert staged.size == len(content)
        assert staged.sha256 == hashlib.sha256(content).hexdigest()
        assert staged.path.parent == root / storage.INCOMING
        assert staged.path.read_bytes() == content


def test_staging_refuses_more_than_its_limit_and_leaves_nothing(root):
    with pytest.raises(FileTooLarge), Staging(max_bytes=10) as staging:
        staging.receive(io.BytesIO(b"y" * 11))

    assert stored_files(root) == []


def test_placed_file_stays_only_when_kept(root):
    key = storage.new_key()
    with Staging() as staging:
        staged = staging.receive(io.BytesIO(b"kept"))
        final = staging.place(staged, key)
        staging.keep()

    assert final == storage.path_for(key)
    assert final.read_bytes() == b"kept"
    assert stored_files(root) == [final]


def test_placed_file_is_removed_when_the_change_is_not_kept(root):
    with Staging() as staging:
        staged = staging.receive(io.BytesIO(b"rolled back"))
        final = staging.place(staged, storage.new_key())
        assert final.exists()

    assert not final.exists()
    assert stored_files(root) == []


def test_staged_file_is_removed_when_an_error_interrupts(root):
    with pytest.raises(RuntimeError), Staging() as staging:
        staging.receive(io.BytesIO(b"half"))
        raise RuntimeError("interrupted")

    assert stored_files(root) == []


def test_a_staged_file_written_as_the_form_is_parsed_is_received_as_is(root):
    with Staging() as staging:
        stream = staging.new_file()
        stream.write(b"%PDF-")
        stream.write(b"1.7")
        stream.seek(0)

        assert staging.receive(stream) is stream
        assert stream.read() == b"%PDF-1.7"
        assert stream.sha256 == hashlib.sha256(b"%PDF-1.7").hexdigest()


def test_staged_file_refuses_writes_out_of_order(root):
    with Staging() as staging:
        stream = staging.new_file()
        stream.write(b"abc")
        stream.seek(0)
        with pytest.raises(OSError):
            stream.write(b"z")
