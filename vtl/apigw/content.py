"""Content types: which mapping template applies, passthrough and 415, and content handling.

Spec/apigateway.md §7 (request template selection and passthrough behaviours), §8 (content
handling with ``binaryMediaTypes``) and §9 (response template selection by ``Accept``).

Payloads travel as :class:`Payload`: the bytes plus whether API Gateway treats them as binary.
A text payload's bytes are always valid UTF-8: binary bytes that API Gateway reads as text are
decoded with U+FFFD replacement first (recorded: 67 gzip bytes became 99 bytes).
"""
from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

DEFAULT_MEDIA_TYPE = "application/json"  # what a request without Content-Type/Accept counts as

CONVERT_TO_BINARY = "CONVERT_TO_BINARY"
CONVERT_TO_TEXT = "CONVERT_TO_TEXT"

WHEN_NO_MATCH = "WHEN_NO_MATCH"
WHEN_NO_TEMPLATES = "WHEN_NO_TEMPLATES"
NEVER = "NEVER"


class UnsupportedMediaType(Exception):
    """No template for the request's content type and the passthrough behaviour forbids
    passing the body through: API Gateway answers 415."""


class ContentHandlingError(Exception):
    """A conversion failed (text that is not base64 where binary is wanted) or a template was
    asked to read a binary payload: API Gateway answers 500."""


@dataclass(frozen=True)
class Payload:
    data: bytes
    is_binary: bool = False

    @classmethod
    def text(cls, data: bytes) -> Payload:
        """``data`` read as text: invalid UTF-8 becomes U+FFFD."""
        return cls(data.decode("utf-8", "replace").encode("utf-8"), False)

    def as_template_input(self) -> str:
        """What ``$input.body`` reads. Templates only take text."""
        if self.is_binary:
            raise ContentHandlingError("a mapping template cannot transform a binary payload")
        return self.data.decode("utf-8")


@dataclass(frozen=True)
class TemplateChoice:
    """The mapping template picked for a payload.

    ``media_type`` is the key of ``requestTemplates``/``responseTemplates`` that matched (None
    when nothing did). An empty template (get-integration prints ``null``) renders nothing:
    it passes the payload through like no template at all, but it still counts as a template
    for the passthrough behaviour.
    """

    media_type: str | None = None
    source: str | None = None

    @property
    def renders(self) -> bool:
        return bool(self.source)


PASS_THROUGH = TemplateChoice()


# --- media types -----------------------------------------------------------------------------


def media_type(header_value: str | None) -> str | None:
    """``type/subtype`` of a Content-Type or Accept value, parameters dropped, lower case
    (media types are case-insensitive, RFC 9110 §8.3.1)."""
    if not header_value:
        return None
    value = header_value.split(";", 1)[0].strip().lower()
    return value or None


def first_accept_media_type(accept: str | None) -> str | None:
    """API Gateway honours only the first media type of ``Accept`` (known issues page)."""
    if not accept:
        return None
    return media_type(accept.split(",", 1)[0])


def _media_type_pattern(pattern: str) -> re.Pattern[str]:
    # binaryMediaTypes entries are media types where either part may be "*" (image/*, */*).
    parts = [".*" if part == "*" else re.escape(part) for part in pattern.strip().lower().split("/", 1)]
    return re.compile("/".join(parts))


def is_binary_media_type(value: str | None, binary_media_types: Iterable[str]) -> bool:
    """Whether a media type is one of the API's ``binaryMediaTypes`` (wildcards allowed)."""
    if value is None:
        return False
    return any(_media_type_pattern(pattern).fullmatch(value) for pattern in binary_media_types)


def _template_for(templates: Mapping[str, str | None], wanted: str) -> TemplateChoice | None:
    for key, source in templates.items():
        if media_type(key) == wanted:
            return TemplateChoice(key, source)
    return None


# --- template selection ----------------------------------------------------------------------


def choose_request_template(templates: Mapping[str, str | None], content_type: str | None,
                            passthrough_behavior: str | None) -> TemplateChoice:
    """The request template for the request's Content-Type, or :data:`PASS_THROUGH`.

    Only the MIME type counts (``; charset=UTF-8`` is dropped); no Content-Type means
    application/json. Without a matching template (spec §7 table): WHEN_NO_MATCH passes the
    body through; WHEN_NO_TEMPLATES passes it through only when there are no templates at
    all; NEVER always refuses. Raises :class:`UnsupportedMediaType` for the refusals.
    """
    wanted = media_type(content_type) or DEFAULT_MEDIA_TYPE
    choice = _template_for(templates, wanted)
    if choice is not None:
        return choice
    behavior = passthrough_behavior or WHEN_NO_MATCH
    if behavior == WHEN_NO_MATCH or (behavior == WHEN_NO_TEMPLATES and not templates):
        return PASS_THROUGH
    raise UnsupportedMediaType(wanted)


def choose_response_template(templates: Mapping[str, str | None], accept: str | None) -> TemplateChoice:
    """The response template for the request's first Accept media type.

    No template for it: the application/json template, else the first template defined
    (recorded: Accept image/png still rendered the only, application/json, template). No
    templates: the payload passes through.
    """
    if not templates:
        return PASS_THROUGH
    wanted = first_accept_media_type(accept) or DEFAULT_MEDIA_TYPE
    choice = _template_for(templates, wanted) or _template_for(templates, DEFAULT_MEDIA_TYPE)
    if choice is not None:
        return choice
    key, source = next(iter(templates.items()))
    return TemplateChoice(key, source)


# --- content handling ------------------------------------------------------------------------


def decode_base64(text: bytes) -> bytes:
    """Base64 as java.util.Base64's basic decoder reads it: the standard alphabet only, padding
    optional. Anything else is an error (API Gateway answers 500)."""
    stripped = text.rstrip(b"=")
    if len(text) - len(stripped) > 2 or len(stripped) % 4 == 1:
        raise ContentHandlingError("the payload is not valid base64")
    try:
        return base64.b64decode(stripped + b"=" * (-len(stripped) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise ContentHandlingError("the payload is not valid base64") from None


def is_binary_content_type(content_type: str | None, binary_media_types: Iterable[str]) -> bool:
    """Whether a payload with this Content-Type is binary for the API."""
    return is_binary_media_type(media_type(content_type), binary_media_types)


def convert_request_payload(body: bytes, content_type: str | None, binary_media_types: Iterable[str],
                            content_handling: str | None) -> Payload:
    """The method request body after the integration's ``contentHandling`` (spec §8).

    The body is binary when its Content-Type is a binary media type, else it is read as UTF-8
    text. CONVERT_TO_TEXT base64-encodes binary bodies; CONVERT_TO_BINARY base64-decodes text
    bodies (binary ones stay as they are, even when they are base64 text); no conversion
    leaves either alone.
    """
    return _convert(body, is_binary_content_type(content_type, binary_media_types), content_handling)


def convert_response_payload(body: bytes, *, is_binary: bool, accept: str | None,
                             binary_media_types: Iterable[str], content_handling: str | None) -> Payload:
    """An integration response body after the integration response's ``contentHandling``.

    ``is_binary``: the backend's Content-Type is a binary media type (for a Lambda proxy
    result: ``isBase64Encoded``). Without a conversion the client's first Accept media type
    decides (recorded S3 matrix): a binary Accept turns text into base64-decoded bytes, a text
    Accept turns bytes into base64 text.
    """
    if content_handling is None:
        wants_binary = is_binary_media_type(first_accept_media_type(accept), binary_media_types)
        content_handling = CONVERT_TO_BINARY if wants_binary else CONVERT_TO_TEXT
    return _convert(body, is_binary, content_handling)


def _convert(body: bytes, is_binary: bool, content_handling: str | None) -> Payload:
    if is_binary:
        if content_handling == CONVERT_TO_TEXT:
            return Payload(base64.b64encode(body), False)
        return Payload(body, True)
    text = Payload.text(body)
    if content_handling == CONVERT_TO_BINARY:
        return Payload(decode_base64(text.data), True)
    return text
