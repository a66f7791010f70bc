"""A fake Discord server for end-to-end tests: REST + gateway websocket on 127.0.0.1.

The real discord.py client talks to it through ``DISCORD_API_BASE`` / ``DISCORD_GATEWAY_URL``.
It records every REST request, answers 400 like Discord when a message breaks a platform limit
(and keeps the reason in ``violations`` so a test fails even if the bot swallows the error),
enforces the 3-second deadline of an interaction's first response, and lets a test inject
INTERACTION_CREATE (slash commands, and presses of buttons and select menus) / MESSAGE_CREATE
dispatches and 429 responses. Files sent with a message (multipart/form-data, :mod:`fakefiles`)
are kept as the message's ``attachments``, within the interaction's ``attachment_size_limit``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from fakefiles import DEFAULT_SIZE_LIMIT, Upload, attachment_errors, attachment_json, read_multipart

EPHEMERAL = 64
MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use commands

_ids = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> int:
    return next(_ids)


def dlen(text: str) -> int:
    """Length as Discord's limits count it (UTF-16 code units, the stricter reading)."""
    return len(text.encode("utf-16-le")) // 2


def message_limit_errors(body: dict[str, Any]) -> list[str]:
    """Every way ``body`` breaks Discord's message limits."""
    errors: list[str] = []
    content = body.get("content")
    if content is not None and dlen(content) > 2000:
        errors.append(f"content is {dlen(content)} characters (limit 2000)")
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        errors.append(f"{len(embeds)} embeds (limit 10)")
    total = 0
    for i, embed in enumerate(embeds):
        parts = {
            "title": (embed.get("title") or "", 256),
            "description": (embed.get("description") or "", 4096),
            "footer.text": ((embed.get("footer") or {}).get("text") or "", 2048),
            "author.name": ((embed.get("author") or {}).get("name") or "", 256),
        }
        fields = embed.get("fields") or []
        if len(fields) > 25:
            errors.append(f"embed {i}: {len(fields)} fields (limit 25)")
        for j, f in enumerate(fields):
            parts[f"fields[{j}].name"] = (f.get("name") or "", 256)
            parts[f"fields[{j}].value"] = (f.get("value") or "", 1024)
            if not f.get("name") or not f.get("value"):
                errors.append(f"embed {i}: field {j} has an empty name or value")
        for name, (text, limit) in parts.items():
            total += dlen(text)
            if dlen(text) > limit:
                errors.append(f"embed {i}: {name} is {dlen(text)} characters (limit {limit})")
        url = embed.get("url")
        if url is not None and not re.match(r"https?://", url):
            errors.append(f"embed {i}: url {url!r} is not http(s)")
    if total > 6000:
        errors.append(f"embeds hold {total} characters (limit 6000)")
    if content is not None and not content and not embeds and "content" in body:
        errors.append("empty message")
    return errors + component_limit_errors(body.get("components") or [])


SELECTS = (3, 5, 6, 7, 8)  # string, user, role, mentionable and channel select menus


def component_limit_errors(rows: list[dict[str, Any]]) -> list[str]:
    """Every way the action rows of a message break Discord's component limits."""
    errors: list[str] = []
    if len(rows) > 5:
        errors.append(f"{len(rows)} action rows (limit 5)")
    ids: list[str] = []
    for r, row in enumerate(rows):
        items = row.get("components") or []
        if row.get("type") != 1:
            errors.append(f"component {r} is not an action row")
        elif not 1 <= len(items) <= 5 or (
            len(items) > 1 and any(c["type"] in SELECTS for c in items)
        ):
            errors.append(f"row {r}: {len(items)} components (1-5 buttons, or one select menu)")
        for c in items:
            if c.get("type") == 2 and c.get("style") == 5:  # a link button has a url instead
                continue
            cid = c.get("custom_id") or ""
            ids.append(cid)
            if not 1 <= len(cid) <= 100:
                errors.append(f"row {r}: custom_id {cid!r} is {len(cid)} characters (1-100)")
            if c.get("type") == 2 and dlen(c.get("label") or "") > 80:
                errors.append(f"row {r}: button label over 80 characters")
            if c.get("type") == 3:
                errors += _select_errors(r, c)
    if len(ids) != len(set(ids)):
        errors.append("two components share a custom_id")
    return errors


def _select_errors(r: int, select: dict[str, Any]) -> list[str]:
    errors = []
    options = select.get("options") or []
    if not 1 <= len(options) <= 25:
        errors.append(f"row {r}: {len(options)} select options (1-25)")
    for o in options:
        for name, low in (("label", 1), ("value", 1), ("description", 0)):
            if not low <= dlen(o.get(name) or "") <= 100:
                errors.append(f"row {r}: option {name} {o.get(name)!r} is not {low}-100 characters")
    if dlen(select.get("placeholder") or "") > 150:
        errors.append(f"row {r}: placeholder over 150 characters")
    if not 0 <= select.get("min_values", 1) <= select.get("max_values", 1) <= 25:
        errors.append(f"row {r}: min_values/max_values out of 0-25")
    return errors


@dataclass
class Request:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    status: int = 0
    at: float = field(default_factory=time.monotonic)
    files: list[Upload] = field(default_factory=list)  # a multipart body's file parts


RECORD = web.RequestKey("record", Request) if hasattr(web, "RequestKey") else "record"


@dataclass
class Message:
    id: int
    channel_id: int
    content: str
    embeds: list[dict[str, Any]]
    flags: int
    allowed_mentions: Any
    reference: dict[str, Any] | None = None
    edits: int = 0
    attachments: list[Upload] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)

    def custom_ids(self) -> list[str]:
        """The custom ids of the message's buttons and menus, in order."""
        return [
            c["custom_id"] for row in self.components for c in row["components"] if "custom_id" in c
        ]

    def component(self, custom_id: str) -> dict[str, Any]:
        found = [
            c
            for row in self.components
            for c in row["components"]
            if c.get("custom_id") == custom_id
        ]
        assert found, f"no component {custom_id!r} on the message: {self.custom_ids()}"
        return found[0]

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    def text(self) -> str:
        """Content and every embed's text, for assertions on what a user would read."""
        parts = [self.content]
        for e in self.embeds:
            parts += [e.get("title") or "", e.get("description") or ""]
            parts += [f"{f['name']}\n{f['value']}" for f in e.get("fields") or []]
            parts.append((e.get("footer") or {}).get("text") or "")
            parts.append(e.get("url") or "")
        return "\n".join(p for p in parts if p)


@dataclass
class Interaction:
    id: int
    token: str
    name: str
    payload: dict[str, Any]
    created: float = field(default_factory=time.monotonic)
    acked_at: float | None = None
    ack_type: int | None = None
    ephemeral: bool = False
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)

    @property
    def messages(self) -> list[Message]:
        return ([self.original] if self.original else []) + self.followups

    def text(self) -> str:
        return "\n".join(m.text() for m in self.messages)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses JSON only when the Content-Type is exactly application/json
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=json.dumps(data).encode(), status=status, headers=hdrs)


def _error(status: int, code: int, message: str, **extra: Any) -> web.Response:
    return _json({"code": code, "message": message, **extra}, status)


class FakeDiscord:
    """Start with ``await fake.start()``; point the bot at ``api_base`` and ``gateway_url``."""

    def __init__(self, *, token: str = "fake-token", heartbeat_ms: int = 41250) -> None:
        self.token = token
        self.heartbeat_ms = heartbeat_ms
        self.app_id = snowflake()
        self.guild_id = snowflake()
        self.channel_id = snowflake()
        self.admin_role_id = (
            snowflake()
        )  # a role without Manage Server, for SECBRIEF_ADMIN_ROLE_IDS
        self.owner = self.user("owner")
        self.bot_user = {**self.user("secbrief"), "id": str(self.app_id), "bot": True}
        self.requests: list[Request] = []
        self.violations: list[str] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.messages: list[Message] = []  # channel messages (replies to mentions, DMs)
        self.files: dict[str, bytes] = {}  # attachments of slash commands, by id
        self.identify: dict[str, Any] | None = None
        self.heartbeats = 0
        self.ready = asyncio.Event()
        self._rate_limits: list[tuple[str, re.Pattern[str], float]] = []
        self._changed = asyncio.Condition()
        self._sockets: set[web.WebSocketResponse] = set()
        self._seq = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- life cycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{aid}/{filename}", self._attachment)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def _attachment(self, request: web.Request) -> web.Response:
        body = self.files.get(request.match_info["aid"])
        if body is None:
            return web.Response(status=404)
        return web.Response(body=body, content_type="application/octet-stream")

    async def close(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- what tests use --------------------------------------------------------------------------

    @staticmethod
    def user(name: str) -> dict[str, Any]:
        return {
            "id": str(snowflake()),
            "username": name,
            "global_name": name,
            "discriminator": "0",
            "avatar": None,
        }

    def rate_limit(self, method: str, path_regex: str, retry_after: float = 0.2) -> None:
        """Answer the next request matching ``method`` and ``path_regex`` with a 429."""
        self._rate_limits.append((method, re.compile(path_regex), retry_after))

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition"
    ) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked after every request); return it."""

        async def waiter() -> Any:
            async with self._changed:
                while not (result := predicate()):
                    await self._changed.wait()
                return result

        try:
            return await asyncio.wait_for(waiter(), timeout)
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}") from None

    async def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        user: dict[str, Any] | None = None,
        permissions: int = MEMBER_PERMISSIONS,
        roles: list[int] | None = None,
        locale: str = "en-US",
        dm: bool = False,
        attachment_size_limit: int = 8 * 1024 * 1024,
    ) -> Interaction:
        """Dispatch INTERACTION_CREATE for the slash command ``name`` as ``user``."""
        name, _, sub = name.partition(" ")  # "sources add": a subcommand
        command = self._command(name)
        declared = command.get("options", [])
        if sub:
            group = next((o for o in declared if o["name"] == sub and o["type"] == 1), None)
            assert group is not None, f"/{name} has no subcommand {sub!r}"
            declared = group.get("options", [])
        types = {o["name"]: o["type"] for o in declared}
        opts: list[dict[str, Any]] = []
        resolved: dict[str, Any] = {}
        for key, value in (options or {}).items():
            if types[key] == 11:  # an attachment: (file name, bytes, content type)
                filename, body, content_type = value
                aid = str(snowflake())
                self.files[aid] = body
                resolved.setdefault("attachments", {})[aid] = {
                    "id": aid,
                    "filename": filename,
                    "size": len(body),
                    "url": f"http://127.0.0.1:{self.port}/attachments/{aid}/{filename}",
                    "proxy_url": f"http://127.0.0.1:{self.port}/attachments/{aid}/{filename}",
                    "content_type": content_type,
                }
                value = aid
            opts.append({"name": key, "type": types[key], "value": value})
        if sub:
            opts = [{"name": sub, "type": 1, "options": opts}]
        iid = snowflake()
        user = user or self.owner
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1, "options": opts}
        if resolved:
            data["resolved"] = resolved
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.app_id),
            "type": 2,
            "token": f"itoken-{iid}",
            "version": 1,
            "data": data,
            "locale": locale,
            "app_permissions": str(MEMBER_PERMISSIONS),
            "attachment_size_limit": attachment_size_limit,
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
        }
        if not dm and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        self._where(payload, user, permissions, roles or [], snowflake() if dm else None)
        interaction = Interaction(iid, payload["token"], name, payload)
        self.interactions[interaction.token] = interaction
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    def _where(
        self,
        payload: dict[str, Any],
        user: dict[str, Any],
        permissions: int,
        roles: list[int],
        dm_channel: int | None,
    ) -> None:
        """Who acts where: ``user`` in the guild channel, or in the DM channel ``dm_channel``."""
        if dm_channel is not None:
            channel = {"id": str(dm_channel), "type": 1, "recipients": [user]}
            payload |= {"channel": channel, "channel_id": channel["id"], "user": user}
            payload["context"] = 1
        else:
            payload |= {
                "guild_id": str(self.guild_id),
                "guild_locale": "ja",
                "channel_id": str(self.channel_id),
                "channel": self._channel(),
                "member": self._member(user, permissions, roles),
                "context": 0,
            }

    async def press(
        self,
        message: Message,
        custom_id: str,
        *,
        values: list[str] | None = None,
        user: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> Interaction:
        """Dispatch INTERACTION_CREATE (type 3) for ``user`` pressing the button ``custom_id``
        of ``message``, or choosing ``values`` in its select menu ``custom_id``.

        As Discord does, the payload carries the message with its components: discord.py
        finds the pressed item there. A message made by the test (a forged custom id) works
        too. In a channel other than the guild's, the press comes from a DM.
        """
        component = message.component(custom_id)
        iid = snowflake()
        user = user or self.owner
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = values
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.app_id),
            "type": 3,
            "token": f"itoken-{iid}",
            "version": 1,
            "data": data,
            "message": self._message_json(message),
            "locale": locale,
            "app_permissions": str(MEMBER_PERMISSIONS),
            "attachment_size_limit": 8 * 1024 * 1024,
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)},
        }
        dm = None if message.channel_id == self.channel_id else message.channel_id
        self._where(payload, user, MEMBER_PERMISSIONS, [], dm)
        interaction = Interaction(iid, payload["token"], f"press {custom_id}", payload)
        self.interactions[interaction.token] = interaction
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def mention(
        self,
        content: str,
        *,
        user: dict[str, Any] | None = None,
        dm: bool = False,
        mentions_bot: bool = True,
    ) -> dict[str, Any]:
        """Dispatch MESSAGE_CREATE: ``content`` in the guild channel mentioning the bot, or a DM.

        As without the message-content intent, the content is sent for mentions and DMs only.
        """
        user = user or self.owner
        payload: dict[str, Any] = {
            "id": str(snowflake()),
            "channel_id": str(snowflake() if dm else self.channel_id),
            "author": user,
            "content": content if dm or mentions_bot else "",
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [self.bot_user] if mentions_bot and not dm else [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
        }
        if not dm:
            payload["guild_id"] = str(self.guild_id)
            payload["member"] = self._member(None, MEMBER_PERMISSIONS, [])
        await self.dispatch("MESSAGE_CREATE", payload)
        return payload

    async def wait_disconnected(self, timeout: float = 5.0) -> None:
        """Wait until no client holds a gateway connection (after a bot closed)."""
        deadline = time.monotonic() + timeout
        while self._sockets:
            if time.monotonic() > deadline:
                raise AssertionError(f"a client is still connected after {timeout}s")
            await asyncio.sleep(0.01)

    def replies_to(self, message_id: str) -> list[Message]:
        return [
            m
            for m in self.messages
            if m.reference and str(m.reference.get("message_id")) == str(message_id)
        ]

    def sent(self) -> list[Message]:
        """Every message the bot created (channel messages and interaction messages)."""
        out = list(self.messages)
        for i in self.interactions.values():
            out += i.messages
        return out

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        await asyncio.wait_for(self.ready.wait(), 10)
        self._seq += 1
        frame = {"op": 0, "t": event, "s": self._seq, "d": data}
        for ws in list(self._sockets):
            await ws.send_str(json.dumps(frame))

    # -- REST ------------------------------------------------------------------------------------

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/api/v10/"):
            return await handler(request)  # type: ignore[no-any-return]
        body: Any = None
        files: list[Upload] = []
        if request.can_read_body:
            if request.content_type == "multipart/form-data":
                body, files = await read_multipart(request)
            else:
                text = await request.text()
                body = json.loads(text) if text else None
        path = request.path.removeprefix("/api/v10")
        rec = Request(request.method, path, dict(request.query), body, files=files)
        request[RECORD] = rec
        self.requests.append(rec)
        for i, (method, pattern, retry_after) in enumerate(self._rate_limits):
            if method == request.method and pattern.search(path):
                del self._rate_limits[i]
                rec.status = 429
                await self._notify()
                return _json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": retry_after,
                        "global": False,
                    },
                    429,
                    {"Via": "1.1 google", "Retry-After": str(retry_after)},
                )
        webhook = path.startswith(("/webhooks/", "/interactions/"))  # the token is in the URL
        if not webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            rec.status = 401
            await self._notify()
            return _error(401, 0, "401: Unauthorized")
        try:
            response: web.StreamResponse = await handler(request)
        finally:
            await self._notify()
        rec.status = response.status
        return response

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        rec: Request = request[RECORD]
        routes: list[tuple[str, str, Callable[..., Any]]] = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/oauth2/applications/@me", self._application),
            ("GET", r"/gateway(/bot)?", self._gateway_info),
            ("PUT", r"/applications/(\d+)/commands", self._sync),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._sync),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._followup),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", self._edit),
            ("GET", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", self._get_message),
            ("POST", r"/channels/(\d+)/messages", self._create_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit_message),
            ("POST", r"/channels/(\d+)/typing", self._typing),
        ]
        for method, pattern, handler in routes:
            m = re.fullmatch(pattern, rec.path)
            if m and method == rec.method:
                return await handler(rec, *m.groups())  # type: ignore[no-any-return]
        return _error(404, 0, f"404: Not Found ({rec.method} {rec.path})")

    async def _me(self, rec: Request) -> web.Response:
        return _json(self.bot_user)

    async def _application(self, rec: Request) -> web.Response:
        return _json(
            {
                "id": str(self.app_id),
                "name": "secbrief",
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": self.owner,
                "verify_key": "0" * 64,
                "flags": 0,
            }
        )

    async def _gateway_info(self, rec: Request, _bot: str | None = None) -> web.Response:
        return _json({"url": self.gateway_url, "shards": 1})

    async def _sync(self, rec: Request, app_id: str, guild_id: str | None = None) -> web.Response:
        problems = []
        for cmd in rec.json:
            if not 1 <= len(cmd["name"]) <= 32 or not re.fullmatch(r"[-_\w]+", cmd["name"]):
                problems.append(f"bad command name {cmd['name']!r}")
            if not 1 <= len(cmd.get("description", "")) <= 100:
                problems.append(f"/{cmd['name']}: description must be 1-100 characters")
            options = cmd.get("options", [])
            if len(options) > 25:
                problems.append(f"/{cmd['name']}: more than 25 options")
            for o in options:
                if not 1 <= len(o.get("description", "")) <= 100:
                    problems.append(f"/{cmd['name']} {o['name']}: description must be 1-100")
                if len(o.get("choices", [])) > 25:
                    problems.append(f"/{cmd['name']} {o['name']}: more than 25 choices")
        if problems:
            return self._violation(rec, problems)
        out = []
        for cmd in rec.json:
            perms = cmd.get("default_member_permissions")
            out.append(
                {
                    **cmd,
                    "id": str(snowflake()),
                    "application_id": app_id,
                    "version": str(snowflake()),
                    "default_member_permissions": None if perms is None else str(perms),
                    **({"guild_id": guild_id} if guild_id else {}),
                }
            )
        self.commands[int(guild_id) if guild_id else None] = out
        return _json(out)

    def _command(self, name: str) -> dict[str, Any]:
        for cmds in self.commands.values():
            for cmd in cmds:
                if cmd["name"] == name:
                    return cmd
        raise AssertionError(f"/{name} was never synced; synced: {self.commands}")

    def _violation(self, rec: Request, problems: list[str]) -> web.Response:
        self.violations += [f"{rec.method} {rec.path}: {p}" for p in problems]
        return _error(400, 50035, "Invalid Form Body", errors={"_errors": problems})

    def _new_message(self, rec: Request, channel_id: int, flags: int = 0) -> Message:
        body = rec.json or {}
        reference = body.get("message_reference")
        return Message(
            id=snowflake(),
            channel_id=channel_id,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            flags=flags | (body.get("flags") or 0),
            allowed_mentions=body.get("allowed_mentions"),
            reference=reference,
            attachments=self._store(rec.files),
            components=body.get("components") or [],
        )

    def _store(self, uploads: list[Upload]) -> list[Upload]:
        """Give each uploaded file an id and serve it under /attachments/."""
        for upload in uploads:
            upload.id = str(snowflake())
            self.files[upload.id] = upload.body
        return list(uploads)

    def _message_errors(self, rec: Request, inter: Interaction | None = None) -> list[str]:
        """Every limit the request's message and files break (files: the interaction's)."""
        limit = inter.payload["attachment_size_limit"] if inter else DEFAULT_SIZE_LIMIT
        return message_limit_errors(rec.json or {}) + attachment_errors(rec.files, limit)

    def _message_json(self, msg: Message) -> dict[str, Any]:
        return {
            "id": str(msg.id),
            "channel_id": str(msg.channel_id),
            "author": self.bot_user,
            "content": msg.content,
            "embeds": msg.embeds,
            "flags": msg.flags,
            "timestamp": dt.datetime.now(dt.UTC).isoformat(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [
                attachment_json(a, f"http://127.0.0.1:{self.port}") for a in msg.attachments
            ],
            "pinned": False,
            "type": 19 if msg.reference else 0,
            "application_id": str(self.app_id),
            "components": msg.components,
        }

    def _interaction(self, token: str) -> Interaction | None:
        return self.interactions.get(token)

    async def _callback(self, rec: Request, iid: str, token: str) -> web.Response:
        inter = self._interaction(token)
        if inter is None or str(inter.id) != iid:
            return _error(404, 10062, "Unknown interaction")
        if inter.acked_at is not None:
            return _error(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - inter.created > 3.0:
            self.violations.append(f"/{inter.name}: first response after 3 s")
            return _error(404, 10062, "Unknown interaction")
        body = rec.json or {}
        kind = body.get("type")
        data = body.get("data") or {}
        if kind == 4 and (
            problems := message_limit_errors(data)
            + attachment_errors(rec.files, inter.payload["attachment_size_limit"])
        ):
            return self._violation(rec, problems)
        if kind in (6, 7):  # a component's message: updated (7) or to be updated (6)
            return self._update(rec, inter, kind, data)
        inter.acked_at = time.monotonic()
        inter.ack_type = kind
        inter.ephemeral = bool((data.get("flags") or 0) & EPHEMERAL)
        msg = Message(
            id=snowflake(),
            channel_id=int(inter.payload["channel_id"]),
            content=data.get("content") or "",
            embeds=data.get("embeds") or [],
            flags=(data.get("flags") or 0) | (128 if kind == 5 else 0),  # 128: loading
            allowed_mentions=data.get("allowed_mentions"),
            attachments=self._store(rec.files),
            components=data.get("components") or [],
        )
        inter.original = msg
        return _json(
            {
                "interaction": {
                    "id": iid,
                    "type": inter.payload["type"],
                    "response_message_id": str(msg.id),
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": inter.ephemeral,
                },
                "resource": {"type": kind, "message": self._message_json(msg)},
            }
        )

    def _update(
        self, rec: Request, inter: Interaction, kind: int, data: dict[str, Any]
    ) -> web.Response:
        """UPDATE_MESSAGE (7) or DEFERRED_UPDATE_MESSAGE (6): the component's own message."""
        message = inter.payload.get("message")
        if message is None:
            return _error(400, 50035, "Invalid Form Body: not a component interaction")
        found = [m for m in self.sent() if str(m.id) == message["id"]]
        if not found:
            return _error(404, 10008, "Unknown Message")
        if kind == 7 and (response := self._apply_edit(rec, found[0], body=data)).status != 200:
            return response
        inter.acked_at = time.monotonic()
        inter.ack_type = kind
        resource = {"type": kind, "message": self._message_json(found[0])}
        return _json(
            {
                "interaction": {
                    "id": str(inter.id),
                    "type": 3,
                    "response_message_id": message["id"],
                },
                "resource": resource,
            }
        )

    async def _followup(self, rec: Request, app_id: str, token: str) -> web.Response:
        inter = self._interaction(token)
        if inter is None or inter.acked_at is None:
            return _error(404, 10015, "Unknown Webhook")
        if problems := self._message_errors(rec, inter):
            return self._violation(rec, problems)
        original = inter.original
        if original is not None and inter.ack_type == 5 and original.flags & 128:
            # Discord: the first followup after a deferral fills the deferred message
            msg = self._new_message(rec, int(inter.payload["channel_id"]))
            msg.flags = (msg.flags & ~EPHEMERAL) | (EPHEMERAL if inter.ephemeral else 0)
            msg.id = original.id
            inter.original = msg
        else:
            msg = self._new_message(rec, int(inter.payload["channel_id"]))
            inter.followups.append(msg)
        return _json(self._message_json(msg))

    async def _edit(self, rec: Request, app_id: str, token: str, mid: str) -> web.Response:
        inter = self._interaction(token)
        if inter is None or inter.acked_at is None or inter.original is None:
            return _error(404, 10015, "Unknown Webhook")
        target = inter.original
        if mid != "@original":
            found = [m for m in inter.messages if str(m.id) == mid]
            if not found:
                return _error(404, 10008, "Unknown Message")
            target = found[0]
        if problems := attachment_errors(rec.files, inter.payload["attachment_size_limit"]):
            return self._violation(rec, problems)
        return self._apply_edit(rec, target, clear_loading=True)

    async def _get_message(self, rec: Request, app_id: str, token: str, mid: str) -> web.Response:
        inter = self._interaction(token)
        if inter is None or inter.original is None:
            return _error(404, 10015, "Unknown Webhook")
        return _json(self._message_json(inter.original))

    async def _create_message(self, rec: Request, channel_id: str) -> web.Response:
        if problems := self._message_errors(rec):
            return self._violation(rec, problems)
        msg = self._new_message(rec, int(channel_id))
        self.messages.append(msg)
        return _json(self._message_json(msg))

    async def _edit_message(self, rec: Request, channel_id: str, mid: str) -> web.Response:
        found = [m for m in self.messages if str(m.id) == mid and str(m.channel_id) == channel_id]
        if not found:
            return _error(404, 10008, "Unknown Message")
        if problems := attachment_errors(rec.files, DEFAULT_SIZE_LIMIT):
            return self._violation(rec, problems)
        return self._apply_edit(rec, found[0])

    def _apply_edit(
        self,
        rec: Request,
        target: Message,
        clear_loading: bool = False,
        body: dict[str, Any] | None = None,
    ) -> web.Response:
        """Edit ``target`` with the request's content/embeds/components (or ``body``'s),
        refusing what Discord would."""
        body = rec.json or {} if body is None else body
        merged = {
            "content": body.get("content", target.content),
            "embeds": body.get("embeds", target.embeds),
            "components": body.get("components", target.components),
        }
        if problems := message_limit_errors(merged):
            return self._violation(rec, problems)
        target.content = merged["content"] or ""
        target.embeds = merged["embeds"] or []
        target.components = merged["components"] or []
        target.allowed_mentions = body.get("allowed_mentions")
        if "attachments" in body or rec.files:  # the attachments listed stay, new files join
            keep = {str(a.get("id")) for a in body.get("attachments") or []}
            kept = [a for a in target.attachments if a.id in keep]
            target.attachments = kept + self._store(rec.files)
        if clear_loading:
            target.flags &= ~128  # a deferred response stops "thinking" once edited
        target.edits += 1
        return _json(self._message_json(target))

    async def _typing(self, rec: Request, channel_id: str) -> web.Response:
        return web.Response(status=204)

    # -- gateway ---------------------------------------------------------------------------------

    def _channel(self) -> dict[str, Any]:
        return {
            "id": str(self.channel_id),
            "type": 0,
            "guild_id": str(self.guild_id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        }

    def _member(
        self, user: dict[str, Any] | None, permissions: int, roles: list[int]
    ) -> dict[str, Any]:
        member: dict[str, Any] = {
            "roles": [str(r) for r in roles],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        }
        if user is not None:
            member["user"] = user
        return member

    def _guild(self) -> dict[str, Any]:
        return {
            "id": str(self.guild_id),
            "name": "Test Guild",
            "icon": None,
            "owner_id": self.owner["id"],
            "unavailable": False,
            "member_count": 2,
            "large": False,
            "roles": [
                {
                    "id": str(self.guild_id),
                    "name": "@everyone",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                },
                {
                    "id": str(self.admin_role_id),
                    "name": "secbrief-admins",
                    "permissions": str(MEMBER_PERMISSIONS),
                    "position": 1,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": True,
                },
            ],
            "channels": [self._channel()],
            "members": [],
            "threads": [],
            "emojis": [],
            "stickers": [],
            "features": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "preferred_locale": "ja",
        }

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await ws.send_str(
                json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}})
            )
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    break
                frame = json.loads(msg.data)
                op = frame.get("op")
                if op == 1:
                    self.heartbeats += 1
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    await self._identify(ws, frame["d"])
                elif op == 6:  # RESUME: not supported, start over
                    await ws.send_str(json.dumps({"op": 9, "d": False}))
        finally:
            self._sockets.discard(ws)
            self.ready.clear()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify = {k: v for k, v in data.items() if k != "token"}
        self._seq += 1
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.app_id), "flags": 0},
            "shard": [0, 1],
        }
        await ws.send_str(json.dumps({"op": 0, "t": "READY", "s": self._seq, "d": ready}))
        self._seq += 1
        await ws.send_str(
            json.dumps({"op": 0, "t": "GUILD_CREATE", "s": self._seq, "d": self._guild()})
        )
        self.ready.set()
