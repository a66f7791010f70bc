"""Files the bot uploads to the fake Discord: multipart/form-data bodies and their limits.

discord.py sends a message with files as multipart/form-data: a ``payload_json`` part (the
message, whose ``attachments`` name each file by its index) and one ``files[n]`` part a file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

MAX_FILES = 10  # attachments in one message
DEFAULT_SIZE_LIMIT = 25 * 1024 * 1024  # a file, where no interaction says otherwise


@dataclass
class Upload:
    """One file part: ``field`` is the form name (``files[0]``), ``id`` the snowflake it gets."""

    field: str
    filename: str
    content_type: str
    body: bytes
    id: str = ""
    description: str | None = None


async def read_multipart(request: web.Request) -> tuple[Any, list[Upload]]:
    """The ``payload_json`` of a multipart body, and its files in order."""
    form = await request.post()
    raw = form.get("payload_json")
    payload = json.loads(str(raw)) if raw is not None else None
    uploads = [
        Upload(key, value.filename, value.content_type, value.file.read())
        for key, value in form.items()
        if isinstance(value, web.FileField)
    ]
    described = {
        str(a.get("id")): a.get("description") for a in (payload or {}).get("attachments") or []
    }
    for upload in uploads:
        index = upload.field.removeprefix("files[").removesuffix("]")
        upload.description = described.get(index)
    return payload, uploads


def attachment_errors(uploads: list[Upload], size_limit: int) -> list[str]:
    """Every way ``uploads`` break Discord's limits for one message."""
    errors: list[str] = []
    if len(uploads) > MAX_FILES:
        errors.append(f"{len(uploads)} files (limit {MAX_FILES})")
    for upload in uploads:
        if not upload.filename:
            errors.append(f"{upload.field}: no file name")
        if len(upload.body) > size_limit:
            errors.append(f"{upload.filename}: {len(upload.body)} bytes (limit {size_limit})")
    return errors


def attachment_json(upload: Upload, base: str) -> dict[str, Any]:
    """The attachment object Discord returns in a message (``base``: the fake's address)."""
    url = f"{base}/attachments/{upload.id}/{upload.filename}"
    return {
        "id": upload.id,
        "filename": upload.filename,
        "size": len(upload.body),
        "url": url,
        "proxy_url": url,
        "content_type": upload.content_type,
        "description": upload.description,
    }
