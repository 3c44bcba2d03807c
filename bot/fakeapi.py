"""An in-process fake of the Telegram Bot API, plus builders for Telegram-shaped updates.

``FakeBotApi`` plugs into python-telegram-bot as its HTTP transport, so the real ``Bot``,
``ExtBot`` and ``Application`` code runs unchanged against an in-memory chat state that
enforces the Bot API rules that bots most often break (HTML parsing, length limits, callback
data size, "message is not modified", missing messages, flood control).

``UpdateFactory`` builds update dicts shaped like the ones Telegram delivers, ready for
``telegram.Update.de_json``.
"""

from __future__ import annotations

import asyncio
import copy
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar, cast

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "FIRST_BOT_MESSAGE_ID",
    "NOT_MODIFIED",
    "ApiCall",
    "FakeBotApi",
    "StoredMessage",
    "UpdateFactory",
    "UploadedFile",
    "parse_html",
]

JSONDict = dict[str, Any]
_T = TypeVar("_T")

BOT_ID: Final = 7000000001
BOT_USERNAME: Final = "dagbogsbot_demo_bot"
BOT_FIRST_NAME: Final = "Dagbogsbot"
FIRST_BOT_MESSAGE_ID: Final = 1000
MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
MAX_CALLBACK_ANSWER_LENGTH: Final = 200
GET_UPDATES_MAX_SLEEP: Final = 0.05

NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)

_BOT_SENDER: Final[JSONDict] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": BOT_FIRST_NAME,
    "username": BOT_USERNAME,
}
_GET_ME: Final[JSONDict] = {
    **_BOT_SENDER,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}

# Parameters that carry JSON objects; PTB sends them as objects, raw callers may send strings.
_JSON_PARAMS: Final = frozenset(
    {
        "reply_markup",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "reply_parameters",
        "link_preview_options",
        "allowed_updates",
        "menu_button",
    }
)
_BUTTON_ACTIONS: Final = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_INT_RE: Final = re.compile(r"-?\d+")
_COMMAND_NAME_RE: Final = re.compile(r"[a-z0-9_]{1,32}")
_BOT_COMMAND_RE: Final = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_])")


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded as multipart data."""

    filename: str
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call as the fake received it."""

    method: str
    params: dict[str, Any]
    ok: bool


@dataclass
class StoredMessage:
    """A message in the fake's chat state, sent by the bot or recorded as sent by a user.

    ``text``/``caption`` hold what Telegram would display (HTML parsed, entities decoded);
    ``raw_text``/``raw_caption`` hold exactly what the bot sent.
    """

    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    sender: JSONDict
    text: str | None = None
    raw_text: str | None = None
    caption: str | None = None
    raw_caption: str | None = None
    parse_mode: str | None = None
    entities: list[JSONDict] = field(default_factory=list)
    reply_markup: JSONDict | None = None
    deleted: bool = False
    edit_date: int | None = None
    document: JSONDict | None = None
    photo: list[JSONDict] | None = None
    file: UploadedFile | None = None

    @property
    def inline_keyboard(self) -> list[list[JSONDict]] | None:
        """Return the inline keyboard rows, if the message has one."""
        if self.reply_markup is None:
            return None
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else None


class _ApiError(Exception):
    """An error answer of the Bot API."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


@dataclass
class _Fault:
    remaining: int
    retry_after: int
    methods: frozenset[str] | None


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML."""


_TAG_ENTITY_TYPES: Final[Mapping[str, str]] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "blockquote": "blockquote",
}
_NAMED_HTML_ENTITIES: Final[Mapping[str, str]] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int
    out_index: int


def _utf16_len(text: str) -> int:
    """Return the length of text in UTF-16 code units, as Telegram counts entity offsets."""
    if text.isascii():
        return len(text)
    # Raises UnicodeEncodeError for a lone surrogate, like every encode of the text here.
    return len(text.encode("utf-16-le")) // 2


_JSON_ATOMS: Final = frozenset({str, int, float, bool, type(None)})


def _copy_json(value: _T) -> _T:
    """Return a deep copy of JSON-like data, much faster than ``copy.deepcopy``.

    Plain dicts, lists and scalars are copied directly; anything else (a dict subclass, a
    tuple, an object) goes through ``copy.deepcopy`` so it is still copied faithfully.
    """
    data: Any = value
    cls = type(data)
    if cls is dict:
        data = {k: v if type(v) in _JSON_ATOMS else _copy_json(v) for k, v in data.items()}
    elif cls is list:
        data = [v if type(v) in _JSON_ATOMS else _copy_json(v) for v in data]
    elif cls not in _JSON_ATOMS:
        data = copy.deepcopy(data)
    return cast("_T", data)


def _decode_html_entity(text: str, pos: int, *, strict: bool) -> tuple[str, int] | None:
    """Decode the character reference at ``text[pos] == "&"`` like Telegram's server does."""
    end = pos + 1
    if text.startswith("#", end):
        end += 1
        hexadecimal = text.startswith(("x", "X"), end)
        if hexadecimal:
            end += 1
        digits_start = end
        allowed = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < len(text) and text[end] in allowed:
            end += 1
        digits = text[digits_start:end]
        if not digits or end - pos >= 10:
            return None
        value = int(digits, 16 if hexadecimal else 10)
        if value == 0 or value >= 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            return None
        char = chr(value)
    else:
        while end < len(text) and text[end].isascii() and text[end].isalpha():
            end += 1
        decoded = _NAMED_HTML_ENTITIES.get(text[pos + 1 : end])
        if decoded is None:
            return None
        char = decoded
    if text.startswith(";", end):
        return char, end + 1
    if strict:
        return None
    return char, end


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[JSONDict]]:
    """Parse Telegram HTML into plain text and message entities, or raise HtmlParseError.

    Tag handling and error messages follow Telegram's server (tdlib). With ``strict`` the
    documented rule that every ``<``, ``>`` and ``&`` outside tags must be escaped is enforced;
    the real server silently keeps a bare ``>`` or an unknown ``&name;`` as literal text.
    """
    if _HTML_SPECIAL_RE.search(text) is None:
        # Nothing to parse. The full parser would encode the text while counting offsets, so
        # check it the same way: a lone surrogate raises UnicodeEncodeError either way.
        _utf16_len(text)
        return text, []
    return _HtmlParser(text, strict=strict).parse()


_HTML_SPECIAL_RE: Final = re.compile("[<>&]")
# A start or end tag without attributes or spaces, such as "<b>" or "</i>".
_SIMPLE_TAG_RE: Final = re.compile("<(/?)([A-Za-z-]*)>")
# Start tags that need no attribute, so "<name>" alone is always valid.
_PLAIN_START_TAGS: Final = frozenset(_TAG_ENTITY_TYPES) - {"a", "span"}
# Runs the parser skips in one step. In str patterns \s is exactly str.isspace().
_SPACES_RE: Final = re.compile(r"\s*")
_TAG_NAME_RE: Final = re.compile(r"[^\s>]*")
_ATTRIBUTE_NAME_RE: Final = re.compile(r"[^\s=>]*")
_DOUBLE_QUOTED_RE: Final = re.compile('[^"&]*')
_SINGLE_QUOTED_RE: Final = re.compile("[^'&]*")


class _HtmlParser:
    """A port of the server's HTML entity parser, producing UTF-16 based offsets."""

    def __init__(self, text: str, *, strict: bool) -> None:
        self.text = text
        self.strict = strict
        # Byte offsets for error messages are computed only on error when the text encodes
        # cleanly. With a lone surrogate they are computed at every tag, as the server port
        # always did, so the same UnicodeEncodeError surfaces at the same point.
        self.lazy_offsets = _encodes_cleanly(text)
        self.out: list[str] = []
        self.offset = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[JSONDict] = []

    def parse(self) -> tuple[str, list[JSONDict]]:
        text = self.text
        n = len(text)
        strict = self.strict
        search = _HTML_SPECIAL_RE.search
        out = self.out
        i = 0
        while i < n:
            # Copy the run of ordinary characters up to the next '<', '>' or '&' in one go.
            special = search(text, i)
            start = n if special is None else special.start()
            if start > i:
                run = text[i:start]
                out.append(run)
                self.offset += len(run) if run.isascii() else _utf16_len(run)
                i = start
                if special is None:
                    break
            char = text[i]
            if char == "&":
                decoded = _decode_html_entity(text, i, strict=strict)
                if decoded is not None:
                    self._emit(decoded[0])
                    i = decoded[1]
                    continue
                if strict:
                    raise HtmlParseError(
                        f"Unsupported HTML entity at byte offset {self._at(i)}; "
                        "escape '&' as '&amp;'"
                    )
            elif char == ">" and strict:
                raise HtmlParseError(
                    f"Unexpected '>' at byte offset {self._at(i)}; escape it as '&gt;'"
                )
            if char != "<":
                # A lenient-mode bare '>' or undecodable '&' stays as literal text.
                self._emit(char)
                i += 1
                continue
            simple = _SIMPLE_TAG_RE.match(text, i)
            if simple is not None and self._simple_tag(i, simple[1], simple[2].lower()):
                i = simple.end()
            elif text.startswith("/", i + 1):
                i = self._close_tag(i)
            else:
                i = self._open_tag(i)
        if self.stack:
            raise HtmlParseError(
                f"Can't find end tag corresponding to start tag {self.stack[-1].name}"
            )
        for entity in self.entities:
            entity.pop("_language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def _emit(self, chars: str) -> None:
        self.out.append(chars)
        self.offset += _utf16_len(chars)

    def _at(self, index: int) -> int:
        return len(self.text[:index].encode("utf-8"))

    def _skip_spaces(self, i: int) -> int:
        return _SPACES_RE.match(self.text, i).end()  # type: ignore[union-attr]

    def _check_encodable(self, begin: int) -> None:
        """Encode the text before a tag eagerly when it may hold a lone surrogate."""
        if not self.lazy_offsets:
            self._at(begin)

    def _simple_tag(self, begin: int, slash: str, name: str) -> bool:
        """Handle a bare ``<name>`` or ``</name>`` the common way, or return False.

        Only tags that cannot fail are taken here; any other case (an unknown name, an
        ``<a>`` or ``<span>`` without attributes, a mismatched or stray end tag) is left to
        _open_tag/_close_tag, which produce the same state or the server's error.
        """
        if slash:
            if not self.stack or (name and name != self.stack[-1].name):
                return False
            self._check_encodable(begin)
            tag = self.stack.pop()
            if self.offset > tag.offset:
                self._add_entity(tag, self.offset - tag.offset)
            return True
        if name not in _PLAIN_START_TAGS:
            return False
        self._check_encodable(begin)
        self.stack.append(_OpenTag(name, "", self.offset, len(self.out)))
        return True

    def _open_tag(self, begin: int) -> int:
        text = self.text
        n = len(text)
        self._check_encodable(begin)
        i = _TAG_NAME_RE.match(text, begin + 1).end()  # type: ignore[union-attr]
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {self._at(begin)}")
        name = text[begin + 1 : i].lower()
        if name not in _TAG_ENTITY_TYPES:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {self._at(begin)}')

        attributes: dict[str, str] = {}
        while True:
            i = self._skip_spaces(i)
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {self._at(begin)}")
            if text[i] == ">":
                break
            attribute_begin = i
            i = _ATTRIBUTE_NAME_RE.match(text, i).end()  # type: ignore[union-attr]
            attribute = text[attribute_begin:i].lower()
            if not attribute:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {self._at(begin)}'
                )
            i = self._skip_spaces(i)
            if i >= n:
                raise HtmlParseError(
                    f'Unclosed start tag "{name}" at byte offset {self._at(begin)}'
                )
            if text[i] != "=":
                if name == "blockquote" and attribute == "expandable":
                    attributes[attribute] = ""
                    continue
                raise HtmlParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {self._at(begin)}'
                )
            i = self._skip_spaces(i + 1)
            if i >= n:
                raise HtmlParseError(
                    f'Unclosed start tag "{name}" at byte offset {self._at(begin)}'
                )
            value, i = self._attribute_value(i)
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {self._at(begin)}")
            attributes[attribute] = value

        argument = ""
        if name == "a":
            argument = attributes.get("href", "")
            if self.strict and "href" not in attributes:
                raise HtmlParseError(
                    f'Tag "a" must have attribute "href" at byte offset {self._at(begin)}'
                )
        elif name == "span" and attributes.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self._at(begin)}'
            )
        elif name == "code" and attributes.get("class", "").startswith("language-"):
            argument = attributes["class"].removeprefix("language-")
        elif name == "blockquote" and "expandable" in attributes:
            argument = "expandable"
        self.stack.append(_OpenTag(name, argument, self.offset, len(self.out)))
        return i + 1

    def _attribute_value(self, i: int) -> tuple[str, int]:
        text = self.text
        n = len(text)
        if text[i] not in "'\"":
            # An unquoted HTML "name token": letters, digits, periods and hyphens.
            token_begin = i
            while i < n and (text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i < n and not text[i].isspace() and text[i] != ">":
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {self._at(token_begin)}"
                )
            return text[token_begin:i].lower(), i
        quote = text[i]
        stop = _DOUBLE_QUOTED_RE if quote == '"' else _SINGLE_QUOTED_RE
        i += 1
        value: list[str] = []
        while i < n:
            # Take the run of plain characters up to the closing quote or the next '&'.
            run_end = stop.match(text, i).end()  # type: ignore[union-attr]
            if run_end > i:
                value.append(text[i:run_end])
                i = run_end
            if i >= n or text[i] == quote:
                break
            decoded = _decode_html_entity(text, i, strict=False)
            if decoded is not None:
                value.append(decoded[0])
                i = decoded[1]
            else:
                value.append("&")
                i += 1
        if i < n:
            i += 1
        return "".join(value), i

    def _close_tag(self, begin: int) -> int:
        text = self.text
        n = len(text)
        self._check_encodable(begin)
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {self._at(begin)}")
        i = _TAG_NAME_RE.match(text, begin + 2).end()  # type: ignore[union-attr]
        end_name = text[begin + 2 : i].lower()
        i = self._skip_spaces(i)
        if i >= n or text[i] != ">":
            raise HtmlParseError(f"Unclosed end tag at byte offset {self._at(begin)}")
        tag = self.stack.pop()
        if end_name and end_name != tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {self._at(begin)}, expected "</{tag.name}>", '
                f'found "</{end_name}>"'
            )
        if self.offset > tag.offset:
            self._add_entity(tag, self.offset - tag.offset)
        return i + 1

    def _add_entity(self, tag: _OpenTag, length: int) -> None:
        entity: JSONDict = {
            "type": _TAG_ENTITY_TYPES[tag.name],
            "offset": tag.offset,
            "length": length,
        }
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (tag.offset, length)
        if tag.name == "a":
            url = tag.argument or "".join(self.out[tag.out_index :])
            if not url:
                return
            entity["url"] = url
        elif tag.name == "blockquote" and tag.argument:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "pre":
            # <pre><code class="language-x">…</code></pre> is one pre entity with a language.
            if last is not None and same_span and last["type"] == "code":
                last["type"] = "pre"
                language = last.pop("_language", None)
                if language:
                    last["language"] = language
                return
        elif tag.name == "code":
            if last is not None and same_span and last["type"] == "pre" and tag.argument:
                last["language"] = tag.argument
                return
            if tag.argument:
                entity["_language"] = tag.argument
        self.entities.append(entity)


def _encodes_cleanly(text: str) -> bool:
    """Return whether text has no lone surrogate, i.e. encodes to UTF-8."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _strip_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Trim surrounding whitespace like Telegram does, shifting and clipping the entities."""
    left_stripped = text.lstrip()
    # Every character str.strip() removes is in the BMP, one UTF-16 unit each.
    lead = len(text) - len(left_stripped)
    result = left_stripped.rstrip()
    total = _utf16_len(result)
    clipped: list[JSONDict] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return result, clipped


def _decode_params(parameters: Mapping[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = {}
    for key, value in parameters.items():
        if key in _JSON_PARAMS and isinstance(value, str) and value[:1] in ("{", "["):
            decoded[key] = json.loads(value)
        else:
            decoded[key] = value
    return decoded


def _answer(code: int, payload: JSONDict) -> tuple[int, bytes]:
    return code, json.dumps(payload).encode("utf-8")


# The answer of every method that returns True, serialized once.
_OK_TRUE: Final = _answer(200, {"ok": True, "result": True})[1]


class FakeBotApi(BaseRequest):
    """A Bot API transport for PTB that answers from an in-memory chat state.

    Pass it as ``request=`` (and a second instance as ``get_updates_request=``) to ``Bot`` or
    ``ApplicationBuilder``. ``getUpdates`` calls are answered but neither recorded in
    ``calls``, delayed by ``latency``, nor hit by ``fail_next`` unless it names them, so
    polling does not drown the calls a test cares about.

    Message ids: by default the bot's messages in each chat are numbered from
    ``FIRST_BOT_MESSAGE_ID`` and an ``UpdateFactory``'s user messages from 1. With
    ``first_message_id`` both are numbered from there in one sequence per chat, as Telegram
    does, so a fake that replaces an earlier one (a restarted demo) can start above every id
    the earlier one handed out.
    """

    def __init__(
        self,
        *,
        latency: float = 0.0,
        clock: Callable[[], float] = time.time,
        strict_html: bool = True,
        first_message_id: int | None = None,
    ) -> None:
        if first_message_id is not None and first_message_id < 1:
            raise ValueError(f"message ids start at 1 or above, not {first_message_id}")
        self.first_message_id = first_message_id
        self.latency = latency
        self.strict_html = strict_html
        self.calls: list[ApiCall] = []
        self.left_chats: set[int] = set()
        self.webhook_url = ""
        self._clock = clock
        self._messages: dict[int, dict[int, StoredMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._chats: dict[int, JSONDict] = {}
        self._blocked: set[int] = set()
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._answered_callbacks: set[str] = set()
        self._faults: list[_Fault] = []
        self._listeners: list[Callable[[ApiCall, Any], None]] = []
        self._file_counter = 0
        self._handlers: dict[str, Callable[[JSONDict], Any]] = {
            "getMe": self._get_me,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "close": self._true,
            "logOut": self._true,
            "setChatMenuButton": self._true,
            "leaveChat": self._leave_chat,
        }

    # --- BaseRequest -----------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """Return the default read timeout (the fake never times out)."""
        return None

    async def initialize(self) -> None:
        """Do nothing; the fake holds no connections."""

    async def shutdown(self) -> None:
        """Do nothing; the fake holds no connections."""

    async def do_request(
        self,
        url: str,
        method: str,  # noqa: ARG002
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,  # noqa: ARG002
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,  # noqa: ARG002
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,  # noqa: ARG002
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,  # noqa: ARG002
    ) -> tuple[int, bytes]:
        """Answer one Bot API request from the in-memory state."""
        api_method = url.rstrip("/").rsplit("/", 1)[-1]
        params = _decode_params(request_data.parameters) if request_data is not None else {}
        if request_data is not None and request_data.contains_files:
            params.update(_read_uploads(request_data))
        if api_method == "getUpdates":
            return await self._get_updates(params)
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        # Everything below is synchronous, so concurrent calls cannot interleave on the state.
        return self._dispatch(api_method, params)

    # --- public helpers --------------------------------------------------------------------

    def answer(self, api_method: str, parameters: Mapping[str, Any]) -> tuple[int, bytes]:
        """Answer one Bot API call from form or JSON parameters (for an HTTP front end)."""
        return self._dispatch(api_method, _decode_params(parameters))

    def add_listener(self, callback: Callable[[ApiCall, Any], None]) -> None:
        """Call ``callback(call, result)`` synchronously after every successful call."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[ApiCall, Any], None]) -> None:
        """Stop calling a listener added with add_listener."""
        self._listeners.remove(callback)

    def fail_next(self, n: int, *, retry_after: int = 1, methods: set[str] | None = None) -> None:
        """Answer the next n matching calls with 429 Too Many Requests."""
        if n > 0:
            frozen = frozenset(methods) if methods is not None else None
            self._faults.append(_Fault(n, retry_after, frozen))

    def block_chat(self, chat_id: int) -> None:
        """Make every send to chat_id fail with 403 as if the user blocked the bot."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """Undo block_chat."""
        self._blocked.discard(chat_id)

    def register_chat(self, chat: JSONDict) -> None:
        """Remember a Chat dict so messages in that chat carry it."""
        self._chats[int(chat["id"])] = _copy_json(chat)

    def record_incoming(
        self,
        chat_id: int,
        message_id: int,
        text: str | None = None,
        *,
        chat: JSONDict | None = None,
        from_user: JSONDict | None = None,
    ) -> StoredMessage:
        """Record a message a user sent, so the bot can delete it later."""
        if chat is not None:
            self.register_chat(chat)
        chat_messages = self._messages.setdefault(chat_id, {})
        existing = chat_messages.get(message_id)
        if existing is not None and existing.from_bot:
            raise ValueError(f"message {message_id} in chat {chat_id} is already a bot message")
        sender = from_user or {"id": chat_id, "is_bot": False, "first_name": "Test"}
        stored = StoredMessage(
            chat_id=chat_id,
            message_id=message_id,
            date=self._now(),
            from_bot=False,
            sender=_copy_json(sender),
            text=text,
            raw_text=text,
        )
        chat_messages[message_id] = stored
        return stored

    def clear(self) -> None:
        """Forget recorded calls, messages, commands and pending faults."""
        self.calls.clear()
        self._messages.clear()
        self._next_message_id.clear()
        self._commands.clear()
        self._answered_callbacks.clear()
        self._faults.clear()
        self.left_chats.clear()

    def calls_to(self, method: str) -> list[ApiCall]:
        """Return the recorded calls of one Bot API method, in order."""
        return [call for call in self.calls if call.method == method]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Return the texts of successful sendMessage/editMessageText calls, as sent, in order."""
        return [
            str(call.params["text"])
            for call in self.calls
            if call.ok
            and call.method in ("sendMessage", "editMessageText")
            and "text" in call.params
            and (chat_id is None or _as_int(call.params.get("chat_id")) == chat_id)
        ]

    def message(self, chat_id: int, message_id: int) -> StoredMessage | None:
        """Return a stored message (deleted ones included), or None."""
        return self._messages.get(chat_id, {}).get(message_id)

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        """Return the messages of a chat ordered by message_id."""
        chat_messages = self._messages.get(chat_id, {})
        return [
            chat_messages[key]
            for key in sorted(chat_messages)
            if include_deleted or not chat_messages[key].deleted
        ]

    def last_message_with_buttons(self, chat_id: int) -> StoredMessage | None:
        """Return the newest live bot message in chat_id that has an inline keyboard."""
        for stored in reversed(self.messages(chat_id)):
            if stored.from_bot and stored.inline_keyboard:
                return stored
        return None

    @staticmethod
    def buttons(stored_message: StoredMessage) -> list[tuple[str, str]]:
        """Return (text, callback_data) of every inline button in order; "" if no data."""
        return [
            (str(button.get("text", "")), str(button.get("callback_data", "")))
            for row in stored_message.inline_keyboard or []
            for button in row
        ]

    def message_dict(self, chat_id: int, message_id: int) -> JSONDict:
        """Return the current Telegram Message dict of a stored message."""
        stored = self.message(chat_id, message_id)
        if stored is None:
            raise LookupError(f"no message {message_id} in chat {chat_id}")
        return self._message_dict(stored)

    # --- dispatch --------------------------------------------------------------------------

    def _dispatch(self, api_method: str, params: JSONDict) -> tuple[int, bytes]:
        fault = self._take_fault(api_method, explicit_only=False)
        if fault is not None:
            self.calls.append(ApiCall(api_method, params, ok=False))
            return _flood_answer(fault)
        handler = self._handlers.get(api_method)
        if handler is None:
            self.calls.append(ApiCall(api_method, params, ok=False))
            return _answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
        try:
            result = handler(params)
        except _ApiError as error:
            self.calls.append(ApiCall(api_method, params, ok=False))
            payload: JSONDict = {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
            if error.parameters:
                payload["parameters"] = error.parameters
            return _answer(error.code, payload)
        call = ApiCall(api_method, params, ok=True)
        self.calls.append(call)
        for listener in list(self._listeners):
            listener(call, result)
        if result is True:
            return 200, _OK_TRUE
        return _answer(200, {"ok": True, "result": result})

    def _take_fault(self, api_method: str, *, explicit_only: bool) -> _Fault | None:
        for fault in self._faults:
            if fault.methods is None:
                if explicit_only:
                    continue
            elif api_method not in fault.methods:
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.remove(fault)
            return fault
        return None

    async def _get_updates(self, params: JSONDict) -> tuple[int, bytes]:
        fault = self._take_fault("getUpdates", explicit_only=True)
        if fault is not None:
            return _flood_answer(fault)
        if self.webhook_url:
            return _answer(
                409,
                {
                    "ok": False,
                    "error_code": 409,
                    "description": "Conflict: can't use getUpdates method while webhook is "
                    "active; use deleteWebhook to delete the webhook first",
                },
            )
        timeout = float(params.get("timeout", 0) or 0)
        await asyncio.sleep(min(max(timeout, 0.0), GET_UPDATES_MAX_SLEEP))
        return _answer(200, {"ok": True, "result": []})

    # --- state helpers ---------------------------------------------------------------------

    def _now(self) -> int:
        return int(self._clock())

    def _chat_dict(self, chat_id: int) -> JSONDict:
        known = self._chats.get(chat_id)
        if known is not None:
            return _copy_json(known)
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        if chat_id < -1_000_000_000_000:
            return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
        return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}

    def _target_chat(self, params: JSONDict) -> int:
        chat_id = _as_int(params.get("chat_id"))
        if chat_id is None:
            if params.get("chat_id") in (None, ""):
                raise _bad_request("chat_id is empty")
            raise _bad_request("chat not found")
        if chat_id in self._blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _allocate_message_id(self, chat_id: int) -> int:
        chat_messages = self._messages.setdefault(chat_id, {})
        first = FIRST_BOT_MESSAGE_ID if self.first_message_id is None else self.first_message_id
        message_id = self._next_message_id.get(chat_id, first)
        while message_id in chat_messages:
            message_id += 1
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _existing(self, params: JSONDict, action: str) -> StoredMessage:
        if "inline_message_id" in params:
            raise _bad_request(f"message to {action} not found")
        chat_id = self._target_chat(params)
        message_id = _as_int(params.get("message_id"))
        if message_id is None:
            raise _bad_request("message identifier is not specified")
        stored = self.message(chat_id, message_id)
        if stored is None or stored.deleted:
            raise _bad_request(f"message to {action} not found")
        return stored

    def _render(
        self, raw: str, parse_mode: str | None, entities: Any, *, limit: int, what: str
    ) -> tuple[str, list[JSONDict]]:
        if parse_mode is not None and parse_mode.upper() == "HTML":
            try:
                plain, parsed = parse_html(raw, strict=self.strict_html)
            except HtmlParseError as error:
                raise _bad_request(f"can't parse entities: {error}") from None
        else:
            # Markdown modes are passed through unparsed.
            plain = raw
            parsed = [dict(e) for e in entities] if isinstance(entities, list) else []
        plain, parsed = _strip_text(plain, parsed)
        if len(plain) > limit:
            raise _bad_request(f"{what} is too long")
        return plain, parsed

    def _checked_markup(self, params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return _copy_json(markup)
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                'can\'t parse inline keyboard button: field "inline_keyboard" '
                "must be an Array of Arrays"
            )
        for row in rows:
            for button in row:
                _check_button(button)
        return _copy_json(markup)

    def _check_reply_target(self, chat_id: int, params: JSONDict) -> None:
        reply = params.get("reply_parameters")
        if not isinstance(reply, dict):
            return
        target = _as_int(reply.get("message_id"))
        target_chat = _as_int(reply.get("chat_id")) or chat_id
        stored = self.message(target_chat, target) if target is not None else None
        if (stored is None or stored.deleted) and not reply.get("allow_sending_without_reply"):
            raise _bad_request("message to be replied not found")

    def _message_dict(self, stored: StoredMessage) -> JSONDict:
        data: JSONDict = {
            "message_id": stored.message_id,
            "from": _copy_json(stored.sender),
            "chat": self._chat_dict(stored.chat_id),
            "date": stored.date,
        }
        if stored.edit_date is not None:
            data["edit_date"] = stored.edit_date
        if stored.text is not None:
            data["text"] = stored.text
            if stored.entities:
                data["entities"] = _copy_json(stored.entities)
        if stored.document is not None:
            data["document"] = dict(stored.document)
        if stored.photo is not None:
            data["photo"] = _copy_json(stored.photo)
        if stored.caption:
            data["caption"] = stored.caption
            if stored.entities:
                data["caption_entities"] = _copy_json(stored.entities)
        # Telegram only echoes inline keyboards; reply keyboards stay on the client.
        if stored.inline_keyboard:
            data["reply_markup"] = _copy_json(stored.reply_markup)
        return data

    def _new_file_ids(self) -> tuple[str, str]:
        self._file_counter += 1
        return f"BQACAgQAAxkDAAI{self._file_counter:012d}", f"AgAD{self._file_counter:08d}"

    # --- method handlers -------------------------------------------------------------------

    def _true(self, _params: JSONDict) -> bool:
        return True

    def _get_me(self, _params: JSONDict) -> JSONDict:
        return dict(_GET_ME)

    def _commands_key(self, params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not _COMMAND_NAME_RE.fullmatch(str(name)):
                raise _bad_request("BOT_COMMAND_INVALID")
        self._commands[self._commands_key(params)] = _copy_json(commands)
        return True

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return _copy_json(self._commands.get(self._commands_key(params), []))

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._target_chat(params)
        raw = params.get("text")
        if not isinstance(raw, str) or not raw:
            raise _bad_request("message text is empty")
        parse_mode = params.get("parse_mode")
        text, entities = self._render(
            raw, parse_mode, params.get("entities"), limit=MAX_TEXT_LENGTH, what="message"
        )
        if not text:
            raise _bad_request("message text is empty")
        markup = self._checked_markup(params)
        self._check_reply_target(chat_id, params)
        stored = StoredMessage(
            chat_id=chat_id,
            message_id=self._allocate_message_id(chat_id),
            date=self._now(),
            from_bot=True,
            sender=dict(_BOT_SENDER),
            text=text,
            raw_text=raw,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
        )
        self._messages[chat_id][stored.message_id] = stored
        return self._message_dict(stored)

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        stored = self._existing(params, "edit")
        raw = params.get("text")
        if not isinstance(raw, str) or not raw:
            raise _bad_request("message text is empty")
        parse_mode = params.get("parse_mode")
        text, entities = self._render(
            raw, parse_mode, params.get("entities"), limit=MAX_TEXT_LENGTH, what="message"
        )
        if not text:
            raise _bad_request("message text is empty")
        markup = self._checked_markup(params)
        if not stored.from_bot:
            raise _bad_request("message can't be edited")
        if stored.text is None:
            raise _bad_request("there is no text in the message to edit")
        # Without reply_markup Telegram removes the inline keyboard, so that is a change too.
        if (text, entities, _inline_only(markup)) == (
            stored.text,
            stored.entities,
            _inline_only(stored.reply_markup),
        ):
            raise _ApiError(400, NOT_MODIFIED)
        stored.text = text
        stored.raw_text = raw
        stored.parse_mode = parse_mode
        stored.entities = entities
        stored.reply_markup = markup
        stored.edit_date = self._now()
        return self._message_dict(stored)

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        stored = self._existing(params, "edit")
        markup = self._checked_markup(params)
        if not stored.from_bot:
            raise _bad_request("message can't be edited")
        if _inline_only(markup) == _inline_only(stored.reply_markup):
            raise _ApiError(400, NOT_MODIFIED)
        stored.reply_markup = markup
        stored.edit_date = self._now()
        return self._message_dict(stored)

    def _delete_message(self, params: JSONDict) -> bool:
        stored = self._existing(params, "delete")
        stored.deleted = True
        return True

    def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = params.get("callback_query_id")
        if not query_id:
            raise _bad_request("callback_query_id is empty")
        text = params.get("text")
        if isinstance(text, str) and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        if str(query_id) in self._answered_callbacks:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        self._answered_callbacks.add(str(query_id))
        return True

    def _send_media(self, params: JSONDict, kind: str) -> JSONDict:
        chat_id = self._target_chat(params)
        source = params.get(kind)
        if isinstance(source, str) and source.startswith("attach://"):
            source = params.get(source.removeprefix("attach://"))
        if source is None or source == "":
            raise _bad_request(f"there is no {kind} in the request")
        raw_caption = params.get("caption")
        parse_mode = params.get("parse_mode")
        caption: str | None = None
        entities: list[JSONDict] = []
        if isinstance(raw_caption, str) and raw_caption:
            caption, entities = self._render(
                raw_caption,
                parse_mode,
                params.get("caption_entities"),
                limit=MAX_CAPTION_LENGTH,
                what="message caption",
            )
        markup = self._checked_markup(params)
        self._check_reply_target(chat_id, params)
        upload = source if isinstance(source, UploadedFile) else None
        if upload is not None and not upload.data:
            raise _bad_request("file must be non-empty")
        file_id, unique_id = self._new_file_ids()
        stored = StoredMessage(
            chat_id=chat_id,
            message_id=self._allocate_message_id(chat_id),
            date=self._now(),
            from_bot=True,
            sender=dict(_BOT_SENDER),
            caption=caption,
            raw_caption=raw_caption if isinstance(raw_caption, str) else None,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            file=upload,
        )
        size = len(upload.data) if upload is not None else 1024
        if kind == "document":
            stored.document = {
                "file_id": file_id if upload is not None else str(source),
                "file_unique_id": unique_id,
                "file_name": upload.filename if upload is not None else "file",
                "mime_type": upload.mime_type if upload is not None else "application/octet-stream",
                "file_size": size,
            }
        else:
            stored.photo = [
                {
                    "file_id": f"{file_id}s",
                    "file_unique_id": f"{unique_id}s",
                    "file_size": size,
                    "width": 90,
                    "height": 90,
                },
                {
                    "file_id": file_id,
                    "file_unique_id": unique_id,
                    "file_size": size,
                    "width": 320,
                    "height": 320,
                },
            ]
        self._messages[chat_id][stored.message_id] = stored
        return self._message_dict(stored)

    def _send_document(self, params: JSONDict) -> JSONDict:
        return self._send_media(params, "document")

    def _send_photo(self, params: JSONDict) -> JSONDict:
        return self._send_media(params, "photo")

    def _send_chat_action(self, params: JSONDict) -> bool:
        self._target_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    def _delete_webhook(self, _params: JSONDict) -> bool:
        self.webhook_url = ""
        return True

    def _set_webhook(self, params: JSONDict) -> bool:
        url = params.get("url")
        self.webhook_url = url if isinstance(url, str) else ""
        return True

    def _get_webhook_info(self, _params: JSONDict) -> JSONDict:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }

    def _leave_chat(self, params: JSONDict) -> bool:
        chat_id = _as_int(params.get("chat_id"))
        if chat_id is None:
            raise _bad_request("chat not found")
        self.left_chats.add(chat_id)
        return True


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.fullmatch(value):
        return int(value)
    return None


def _inline_only(markup: JSONDict | None) -> Any:
    return None if markup is None else markup.get("inline_keyboard") or None


def _check_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    if not button.get("text"):
        raise _bad_request("BUTTON_TEXT_INVALID")
    if not _BUTTON_ACTIONS.intersection(button):
        raise _bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise _bad_request("BUTTON_DATA_INVALID")


def _flood_answer(fault: _Fault) -> tuple[int, bytes]:
    return _answer(
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": f"Too Many Requests: retry after {fault.retry_after}",
            "parameters": {"retry_after": fault.retry_after},
        },
    )


def _read_uploads(request_data: RequestData) -> dict[str, UploadedFile]:
    uploads: dict[str, UploadedFile] = {}
    for part, (filename, content, mime_type) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        uploads[part] = UploadedFile(filename=filename, mime_type=mime_type, data=data)
    return uploads


class UpdateFactory:
    """Build update dicts shaped exactly like the ones Telegram delivers."""

    def __init__(
        self,
        api: FakeBotApi | None = None,
        *,
        clock: Callable[[], float] = time.time,
        bot_username: str = BOT_USERNAME,
    ) -> None:
        self.api = api
        self.bot_username = bot_username
        self._clock = clock
        self._update_id = 0
        self._callback_id = 0
        self._message_ids: dict[int, int] = {}

    def next_update_id(self) -> int:
        """Return a fresh update_id."""
        self._update_id += 1
        return self._update_id

    def user(
        self,
        user_id: int,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "da",
    ) -> JSONDict:
        """Return a Telegram User dict for a human user."""
        data: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name is not None:
            data["last_name"] = last_name
        if username is not None:
            data["username"] = username
        data["language_code"] = language_code
        return data

    @staticmethod
    def private_chat(user: JSONDict) -> JSONDict:
        """Return the private Chat dict between the bot and user."""
        chat: JSONDict = {"id": user["id"], "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        chat["type"] = "private"
        return chat

    @staticmethod
    def group_chat(chat_id: int, title: str) -> JSONDict:
        """Return a basic group Chat dict (the id is made negative)."""
        return {"id": -abs(chat_id), "title": title, "type": "group"}

    def message(self, user: JSONDict, text: str, *, chat: JSONDict | None = None) -> JSONDict:
        """Return a message update from user, in their private chat unless chat is given."""
        chat = _copy_json(chat) if chat is not None else self.private_chat(user)
        chat_id = int(chat["id"])
        message_id = self._next_message_id(chat_id)
        message: JSONDict = {
            "message_id": message_id,
            "from": _copy_json(user),
            "chat": chat,
            "date": int(self._clock()),
            "text": text,
        }
        command = _BOT_COMMAND_RE.match(text)
        if command is not None:
            message["entities"] = [
                {"offset": 0, "length": _utf16_len(command.group()), "type": "bot_command"}
            ]
        if self.api is not None:
            self.api.record_incoming(chat_id, message_id, text, chat=chat, from_user=user)
        return {"update_id": self.next_update_id(), "message": message}

    def callback(
        self, user: JSONDict, data: str, message: JSONDict, *, check_buttons: bool = True
    ) -> JSONDict:
        """Return a callback_query update for pressing the button with data on message."""
        if check_buttons:
            markup = message.get("reply_markup") or {}
            offered = [
                button.get("callback_data")
                for row in markup.get("inline_keyboard", [])
                for button in row
            ]
            if data not in offered:
                raise ValueError(f"message has no button with callback_data {data!r}: {offered}")
        self._callback_id += 1
        chat_id = int(message["chat"]["id"])
        query: JSONDict = {
            "id": str(4_611_686_018_427_387_904 + self._callback_id),
            "from": _copy_json(user),
            "message": _copy_json(message),
            "chat_instance": str(-((chat_id * 2_654_435_761) % 9_000_000_000_000_000_000)),
            "data": data,
        }
        return {"update_id": self.next_update_id(), "callback_query": query}

    def press(self, user: JSONDict, button_text: str, *, chat_id: int | None = None) -> JSONDict:
        """Return a callback update for the button labelled button_text on the latest keyboard."""
        if self.api is None:
            raise RuntimeError("press() needs an UpdateFactory created with api=")
        target = self.api.last_message_with_buttons(chat_id if chat_id is not None else user["id"])
        if target is None:
            raise LookupError("no live bot message with an inline keyboard in that chat")
        for text, data in self.api.buttons(target):
            if text == button_text and data:
                message = self.api.message_dict(target.chat_id, target.message_id)
                return self.callback(user, data, message)
        raise LookupError(f"no button {button_text!r}; have {self.api.buttons(target)}")

    def my_chat_member(
        self,
        user: JSONDict,
        chat: JSONDict,
        *,
        old_status: str = "left",
        new_status: str = "member",
    ) -> JSONDict:
        """Return a my_chat_member update: user changed the bot's status in chat."""
        return {
            "update_id": self.next_update_id(),
            "my_chat_member": {
                "chat": _copy_json(chat),
                "from": _copy_json(user),
                "date": int(self._clock()),
                "old_chat_member": _chat_member(old_status),
                "new_chat_member": _chat_member(new_status),
            },
        }

    def _next_message_id(self, chat_id: int) -> int:
        # With api.first_message_id, user and bot messages share the api's numbering.
        first = 1
        if self.api is not None and self.api.first_message_id is not None:
            first = self.api.first_message_id
        message_id = self._message_ids.get(chat_id, first)
        if self.api is not None:
            while self.api.message(chat_id, message_id) is not None:
                message_id += 1
        self._message_ids[chat_id] = message_id + 1
        return message_id


def _chat_member(status: str) -> JSONDict:
    member: JSONDict = {"user": dict(_BOT_SENDER), "status": status}
    if status == "kicked":
        member["until_date"] = 0
    elif status not in ("member", "left"):
        raise ValueError(f"unsupported chat member status for the bot: {status!r}")
    return member
