"""Byte ranges: resuming and partial downloads of briefings."""

from __future__ import annotations

import pytest

from coordination import storage

from .test_downloads import Scene, build_scene, receipts, url


@pytest.fixture
def scene(make) -> Scene:
    return build_scene(make)


@pytest.fixture
def whole(app, scene) -> bytes:
    with app.app_context():
        return storage.path_for(scene.everyone.latest.storage_key).read_bytes()


@pytest.fixture
def signed_in(client, auth, scene):
    auth.sign_in(scene.company_person)
    return client


def test_range_answers_206_with_those_bytes(signed_in, scene, whole):
    response = signed_in.get(url(scene.everyone), headers={"Range": "bytes=0-99"})
    assert response.status_code == 206
    assert response.data == whole[:100]
    assert response.headers["Content-Range"] == f"bytes 0-99/{len(whole)}"
    assert response.headers["Content-Length"] == "100"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_open_ended_range_runs_to_the_end(signed_in, scene, whole):
    response = signed_in.get(url(scene.everyone), headers={"Range": "bytes=100-"})
    assert response.status_code == 206
    assert response.data == whole[100:]
    assert response.headers["Content-Range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"


def test_suffix_range_sends_the_last_bytes(signed_in, scene, whole):
    response = signed_in.get(url(scene.everyone), headers={"Range": "bytes=-20"})
    assert response.status_code == 206
    assert response.data == whole[-20:]


def test_range_past_the_end_is_cut_to_the_file(signed_in, scene, whole):
    response = signed_in.get(url(scene.everyone), headers={"Range": f"bytes=10-{len(whole) * 2}"})
    assert response.status_code == 206
    assert response.data == whole[10:]


def test_multiple_ranges_answer_multipart_byteranges(signed_in, scene, whole):
    response = signed_in.get(url(scene.everyone), headers={"Range": "bytes=0-9,50-59"})
    assert response.status_code == 206
    content_type = response.headers["Content-Type"]
    assert content_type.startswith("multipart/byteranges; boundary=")
    boundary = content_type.split("boundary=")[1]
    body = response.data
    assert int(response.headers["Content-Length"]) == len(body)
    parts = body.split(f"--{boundary}".encode())[1:-1]
    assert len(parts) == 2
    first_head, first_body = parts[0].split(b"\r\n\r\n", 1)
    second_head, second_body = parts[1].split(b"\r\n\r\n", 1)
    assert f"Content-Range: bytes 0-9/{len(whole)}".encode() in first_head
    assert first_body[:-2] == whole[0:10]
    assert f"Content-Range: bytes 50-59/{len(whole)}".encode() in second_head
    assert second_body[:-2] == whole[50:60]
    assert body.endswith(f"--{boundary}--\r\n".encode())


def test_overlapping_ranges_are_merged(signed_in, scene, whole):
    response = signed_in.get(url(scene.everyone), headers={"Range": "bytes=0-49,10-99"})
    assert response.status_code == 206
    assert response.data == whole[:100]


def test_unsatisfiable_range_answers_416(signed_in, scene, whole, db):
    response = signed_in.get(
        url(scene.everyone), headers={"Range": f"bytes={len(whole) + 10}-{len(whole) + 20}"}
    )
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(whole)}"
    assert b"%PDF" not in response.data
    assert receipts(db) == []


def test_malformed_range_sends_the_whole_file(signed_in, scene, whole):
    response = signed_in.get(url(scene.everyone), headers={"Range": "bytes=z-q"})
    assert response.status_code == 200
    assert response.data == whole


def test_if_range_with_a_stale_etag_sends_the_whole_file(signed_in, scene, whole):
    response = signed_in.get(
        url(scene.everyone), headers={"Range": "bytes=0-9", "If-Range": '"an-older-etag"'}
    )
    assert response.status_code == 200
    assert response.data == whole


def test_if_range_with_the_current_etag_resumes(signed_in, scene, whole):
    etag = f'"{scene.everyone.latest.sha256}"'
    response = signed_in.get(url(scene.everyone), headers={"Range": "bytes=5-", "If-Range": etag})
    assert response.status_code == 206
    assert response.data == whole[5:]


def test_receipt_recorded_for_a_range_from_the_first_byte_only(signed_in, scene, db):
    signed_in.get(url(scene.everyone), headers={"Range": "bytes=0-99"})
    signed_in.get(url(scene.everyone), headers={"Range": "bytes=100-"})
    signed_in.get(url(scene.everyone), headers={"Range": "bytes=-10"})
    assert len(receipts(db)) == 1


def test_stamped_copy_can_be_resumed_with_the_same_bytes(signed_in, scene):
    first = signed_in.get(url(scene.sensitive))
    assert first.status_code == 200
    etag = first.headers["ETag"]
    rest = signed_in.get(url(scene.sensitive), headers={"Range": "bytes=200-", "If-Range": etag})
    assert rest.status_code == 206
    assert rest.data == first.data[200:]


@pytest.mark.parametrize(
    ("name", "headers", "status"),
    [
        ("modified", {"If-None-Match": "ETAG"}, 304),
        ("precondition", {"If-Match": '"another"'}, 412),
        ("range", {"Range": "bytes=999999-"}, 416),
        ("partial", {"Range": "bytes=0-9"}, 206),
    ],
)
def test_every_answer_without_the_whole_file_keeps_the_download_headers(
    signed_in, scene, whole, name, headers, status
):
    etag = signed_in.get(f"/documents/{scene.everyone.id}/download").headers["ETag"]
    headers = {key: value.replace("ETAG", etag) for key, value in headers.items()}

    response = signed_in.get(f"/documents/{scene.everyone.id}/download", headers=headers)

    assert response.status_code == status
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "text/html" not in response.headers.get("Content-Type", "")
