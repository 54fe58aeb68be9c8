"""What every vendor's diagnostics leave out, and the entry part they all share.

A download must be fit for a public issue, and its raw answers must still fit together: each
secret becomes `**REDACTED**`, and each identity (an id, serial, name, address, e-mail, phone
number, coordinate or IP address) becomes a placeholder of the same shape, the same one
wherever that value appears: in the entry, in our models, in a raw body, in a path or as a key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from homeassistant.components.diagnostics import REDACTED
from homeassistant.config_entries import ConfigEntry
from homeassistant.util import dt as dt_util
from yarl import URL

SECRET_WORDS = frozenset(
    {"password", "passwd", "token", "tokens", "cookie", "cookies", "secret", "authorization"}
    | {"jwt", "pin", "otp", "nonce", "csrf", "xsrf", "credentials", "signature", "apikey"}
)
"""A key with one of these words holds a secret: replaced whole, whatever it holds."""
IDENTITY_WORDS = frozenset(
    {
        *("id", "ids", "gid", "uid", "uuid", "guid", "ident", "identifier", "serial", "sn"),
        *("nmi", "imei", "iccid", "vin", "pcb", "ocr", "owner", "user", "username", "title"),
        *("email", "mail", "name", "names", "address", "addr", "street", "city", "postal"),
        *("postcode", "zip", "phone", "mobile", "tel", "lat", "latitude", "lon", "lng", "long"),
        *("longitude", "coordinates", "coords", "geo", "gps", "location", "ip", "ipv", "mac"),
        *("host", "hostname", "url", "pdf", "ssid", "wifi"),
    }
)
"""A key with one of these words names a home or a person: each value gets a placeholder."""
NUMBER_OWNERS = frozenset({"account", "customer", "meter", "contract", "invoice", "policy"})
"""`accountNumber`, `meterNumber`: a number that names a home."""
ID_WORDS = frozenset({"id", "ids", "gid", "uid", "uuid", "guid", "ident", "identifier"})
"""An id may be made of other ids (`jspro_SN123456789`)."""
WHOLE_WORDS = frozenset({"address", "street", "location", "coordinates", "coords", "geo", "gps"})
"""An object under such a key is an identity as a whole (`address: {street, city}`)."""
LABEL_WORDS = frozenset({"name", "names", "title"})
"""A label (a device's, a channel's, an entry's) is replaced where its key names it, and only
there: the same word elsewhere (a channel named "Solar", a type "Solar") is no identity."""
PERSON_WORDS = frozenset(
    {"first", "last", "full", "given", "family", "sur", "nick", "display", "contact"}
    | {"customer", "user", "owner", "person", "installer", "account", "login", "profile"}
)
"""A name beside one of these words (or under such a key) is a person's: replaced wherever
it appears."""
THING_WORDS = frozenset(
    {"model", "type", "product", "firmware", "software", "hardware", "version", "tariff", "plan"}
    | {"currency", "state", "status", "mode", "phase", "event", "file", "feature"}
)
"""A name beside one of these words names a thing, not a person or a home (`modelName`)."""
VERSION_WORDS = frozenset({"version", "firmware", "fw", "sw", "hw", "release", "build"})
"""A string under such a key may look like an IPv4 address (`25.1.0.12`) and is none."""
KEY_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}(?:@|%40)[\w-]{1,63}(?:\.[\w-]{1,63})+")
OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
IPV4 = re.compile(rf"(?<![\w.]){OCTET}(?:\.{OCTET}){{3}}(?!\w|\.\d)")
HEX = r"[0-9A-Fa-f]{1,4}"
IPV6 = re.compile(
    rf"(?<![\w:])(?:(?:{HEX}:){{7}}{HEX}|(?:{HEX}:){{1,6}}:(?:{HEX}:?){{0,6}})(?![\w:])"
)
MAC = re.compile(r"(?<![\w:-])[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}(?![\w:-])")
JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
BEARER = re.compile(r"(?i)\b(bearer|basic)\s+(?=[\w.~+/=-]*[\d._=-])[\w.~+/=-]{8,}")
PAIRS = (
    re.compile(r"(?<![\w-])([A-Za-z][\w-]{0,31})=\"?([^\s\"',;&<>]{1,256})"),
    re.compile(r"\"([A-Za-z][\w-]{0,31})\"\s*:\s*\"([^\"]{1,256})\""),
    re.compile(
        r"(?i)name=[\"']([\w-]{1,64})[\"'][^>]{0,200}?(?:value|content)=[\"']([^\"']{1,512})[\"']"
    ),
)
"""A key and its value inside text: `key=value` (a network config, a query, a form),
`"key": "value"` (JSON that did not parse) and an HTML field's name and value."""
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
SMALLEST_ID = 100
"""Numbers below this (a pack's slave id, a channel number) name nothing: left as they are."""
SHORTEST_KNOWN = 3
"""A known text shorter than this is replaced only where its key says what it is."""
LONGEST_NUMBER = 40
"""Digits an id may have to be read as a number (Python refuses to convert thousands)."""
LABEL = "label"
CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]*)+|[a-z]+")
"""A code constant (`USE_BATTERY_FOR_SELF_CONSUMPTION`, `noData`), never a user's label."""


def key_words(key: str) -> set[str]:
    """The words of a key, in any case style: `deviceGid`, `asset_owner_id`, `NMI`; a word
    run together (`firstname`, `cellphone`, `zipcode`, `macaddr`) counts as its parts too."""
    words = {word.lower() for word in KEY_WORDS.findall(key)}
    for word in list(words):
        for part in ("name", "phone", "addr", "mail"):
            if word.endswith(part) and word != part:
                words |= {part, word.removesuffix(part)}
        if word.startswith(("zip", "mac", "ip")) and len(word) <= 8:
            words.add(word[:3] if word.startswith(("zip", "mac")) else "ip")
    return words


class Redactor:
    """Replaces secrets and identities, each identity by one placeholder wherever it appears.

    `vendor_keys` are keys a vendor knows to name a home or a person beyond the common words,
    in any case style (`time_zone` stands for `timeZone` too).
    """

    def __init__(self, vendor_keys: Iterable[str] = ()) -> None:
        self._vendor_keys = frozenset(_flat(key) for key in vendor_keys)
        self._placeholders: dict[object, object] = {}
        self._labels: set[object] = set()
        """Values seen only as labels: replaced under their keys, nowhere else."""
        self._secrets: set[str] = set()
        """Secrets found in text (`token=...`): replaced wherever they appear."""
        self._known_texts: dict[str, str] = {}
        self._known_pattern: re.Pattern[str] | None = None
        self._ids: set[str] = set()
        """Values under id keys, which may be made of other ids."""

    def redact(self, value: Any) -> Any:
        """The value with every secret and identity replaced."""
        self._collect(value, None, set())
        self._compose_ids()
        for known, placeholder in self._placeholders.items():
            if known not in self._labels and _long_enough(known):
                self._known_texts.setdefault(str(known), str(placeholder))
        for secret in self._secrets:
            self._known_texts[secret] = REDACTED
        if self._known_texts:
            self._known_pattern = _any_of(self._known_texts)
        return self._replace(value, None, set())

    def _compose_ids(self) -> None:
        """An id made of others (`jspro_SN123`, `site:serial:7c1e`) keeps its shape with its
        parts replaced as they are everywhere else, so that it still fits the answers."""
        parts = {
            str(known): str(placeholder)
            for known, placeholder in self._placeholders.items()
            if known not in self._labels and _long_enough(known)
        }
        for ident in self._ids:
            inside = [text for text in parts if text != ident and text in ident]
            if inside:
                composed = _any_of(inside).sub(lambda match: parts[match.group(0)], ident)
                if composed != ident:
                    self._placeholders[ident] = composed

    def _kind(self, key: str, parent: str | None, parent_words: set[str]) -> str | None:
        """What a key's value is: `secret`, an identity (its word, or `label`), or None."""
        if parent in WHOLE_WORDS:
            return parent
        words = key_words(key)
        if words & SECRET_WORDS or {"api", "key"} <= words:
            return "secret"
        if _flat(key) in self._vendor_keys:
            return "redacted"
        if "number" in words and words & NUMBER_OWNERS:
            return "number"
        identity = words & IDENTITY_WORDS
        if not identity:
            return None
        if identity <= LABEL_WORDS:
            if (words | parent_words) & PERSON_WORDS:
                return "name"
            return None if words & THING_WORDS else LABEL
        return min(identity)

    def _collect(
        self, value: Any, kind: str | None, parent_words: set[str], *, version: bool = False
    ) -> None:
        """Give a placeholder to each identity, in the order they appear."""
        if isinstance(value, dict):
            for key, child in value.items():
                child_kind = self._kind(str(key), kind, parent_words)
                if child_kind != "secret":
                    words = key_words(str(key))
                    self._collect(child, child_kind, words, version=bool(words & VERSION_WORDS))
        elif isinstance(value, list | tuple | set | frozenset):
            for child in value:
                self._collect(child, kind, parent_words, version=version)
        elif _names(kind, value):
            self._placeholder(value, kind or "")
            if isinstance(value, str) and "://" in value:
                self._collect_url(value)
        elif isinstance(value, str):
            self._collect_text(value, version=version)

    def _collect_url(self, url: str) -> None:
        """A URL's lowercased form and its host name the same home (an Emporia proxy's
        unique id holds the lowercased URL)."""
        self._placeholder(url.lower(), "url")
        try:
            host = URL(url).host
        except ValueError:
            return
        if host:
            self._placeholder(host, "host")
            self._placeholder(host.lower(), "host")

    def _collect_text(self, text: str, *, version: bool) -> None:
        """Identities and secrets inside free text: addresses by their shape, and the values
        of `key=value` pairs whose key names one."""
        for email in EMAIL.findall(text):
            self._placeholder(email, "email")
            self._placeholder(email.lower(), "email")
        if not version:
            for address in IPV4.findall(text):
                self._placeholder(address, "ip")
        for address in IPV6.findall(text):
            self._placeholder(address, "ip")
        for address in MAC.findall(text):
            self._placeholder(address, "mac")
        for key, pair_value in (pair for pattern in PAIRS for pair in pattern.findall(text)):
            kind = self._kind(key, None, set())
            if kind == "secret" and len(pair_value) >= SHORTEST_KNOWN:
                self._secrets.add(pair_value)
            elif kind is not None and kind != LABEL and _identifying(pair_value):
                self._placeholder(pair_value, kind)

    def _placeholder(self, value: object, kind: str) -> None:
        if isinstance(value, list | dict | set):
            return
        if kind == LABEL and value not in self._placeholders:
            self._labels.add(value)
        elif kind != LABEL:
            self._labels.discard(value)
        if kind in ID_WORDS and isinstance(value, str):
            self._ids.add(value)
        if value in self._placeholders:
            return
        twin = _twin(value)  # an id sent as a number in one answer and as text in another
        if twin is not None and twin in self._placeholders:
            self._placeholders[value] = _twin(self._placeholders[twin])
        else:
            number = len(self._placeholders) + 1
            self._placeholders[value] = _shaped_like(value, kind, number)

    def _replace(self, value: Any, kind: str | None, parent_words: set[str]) -> Any:
        if isinstance(value, dict):
            redacted: dict[Any, Any] = {}
            for key, child in value.items():
                child_kind = self._kind(str(key), kind, parent_words)
                new_key = self._text(key) if isinstance(key, str) else self._key(key)
                redacted[new_key] = (
                    REDACTED
                    if child_kind == "secret"
                    else self._replace(child, child_kind, key_words(str(key)))
                )
            return redacted
        if isinstance(value, list | tuple | set | frozenset):
            return [self._replace(child, kind, parent_words) for child in value]
        if _names(kind, value):
            return self._placeholders.get(value, REDACTED)
        if isinstance(value, str):
            return self._text(value)
        return value

    def _key(self, key: object) -> object:
        """A key that is no text (an id as a number): its placeholder, if it is one."""
        try:
            return self._placeholders.get(key, key)
        except TypeError:  # pragma: no cover - JSON and our models have hashable keys
            return key

    def _text(self, text: str) -> str:
        """Free text: known identities and secrets, and tokens, replaced."""
        whole = self._known_texts.get(text)
        if whole is not None:
            return whole
        text = JWT.sub(REDACTED, text)
        text = BEARER.sub(lambda match: f"{match.group(1)} {REDACTED}", text)
        if self._known_pattern is not None:
            text = self._known_pattern.sub(lambda match: self._known_texts[match.group(0)], text)
        return text


def _any_of(texts: Iterable[str]) -> re.Pattern[str]:
    """Any of the texts as a whole token, longest first: a number not inside a longer number,
    a decimal or a date (`2025` is no part of `2025-03-31`), a text not inside a longer word;
    both may be parts of a composite id (`enphase_3381244`, `3381244:482522020944:7c1e`)."""
    alternatives = []
    for text in sorted(texts, key=len, reverse=True):
        if text.isdigit():
            alternatives.append(rf"(?<![A-Za-z0-9.-]){re.escape(text)}(?![A-Za-z0-9-]|\.\d)")
        else:
            alternatives.append(rf"(?<![A-Za-z0-9]){re.escape(text)}(?![A-Za-z0-9])")
    return re.compile("|".join(alternatives))


def _flat(key: str) -> str:
    """A key in any case style, flat: `time_zone` and `timeZone` are `timezone`."""
    return re.sub(r"[\W_]", "", key).lower()


def _names(kind: str | None, value: object) -> bool:
    """The value under a key of this kind names a home or a person (a label written as a
    code constant, `USE_BATTERY_FOR_SELF_CONSUMPTION` or `noData`, is a setting's name)."""
    if kind is None or not _identifying(value):
        return False
    return not (kind == LABEL and isinstance(value, str) and CONSTANT.fullmatch(value))


def _identifying(value: object) -> bool:
    """A value that can name something: not empty, no flag, no small number."""
    if value is None or isinstance(value, bool) or value == "":
        return False
    if isinstance(value, int):
        return abs(value) >= SMALLEST_ID
    if isinstance(value, str) and value.isdigit():
        return len(value) >= len(str(SMALLEST_ID))
    return not isinstance(value, list | dict | set)


def _twin(value: object) -> object:
    """The same number in the other form: 3381244 for "3381244" and back; None for others."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if abs(value) < 10**LONGEST_NUMBER else None
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return int(value) if len(value) <= LONGEST_NUMBER else None
    return None


def _long_enough(value: object) -> bool:
    """Long enough to be replaced wherever it appears, not only under its key."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) >= SMALLEST_ID
    return isinstance(value, str) and len(value) >= SHORTEST_KNOWN


def _shaped_like(value: object, kind: str, number: int) -> object:
    """A placeholder of the value's shape, so that a redacted answer still parses as one."""
    if isinstance(value, float):
        return 0.0
    if isinstance(value, int):
        digits = min(len(str(abs(value))), LONGEST_NUMBER)
        return 10 ** (digits - 1) + number
    text = str(value)
    if EMAIL.fullmatch(text):
        return f"owner{number}@example.invalid"
    if IPV4.fullmatch(text):
        return f"192.0.2.{number % 254 + 1}"
    if IPV6.fullmatch(text):
        return f"2001:db8::{number:x}"
    if MAC.fullmatch(text):
        return f"02:00:00:00:{number // 256 % 256:02x}:{number % 256:02x}"
    if UUID.fullmatch(text):
        return f"00000000-0000-4000-8000-{number:012d}"
    if text.isdigit() and len(text) <= LONGEST_NUMBER:
        return str(10 ** (len(text) - 1) + number)
    return f"{kind}-{number}"


def redacted_diagnostics(
    entry: ConfigEntry,
    data: dict[str, Any],
    answers: list[dict[str, Any]],
    vendor_keys: Iterable[str] = (),
) -> dict[str, Any]:
    """The entry's configuration, the vendor's data and the last raw answer of each endpoint
    (answers.py), redacted together; `vendor_keys` name a home beyond the common words."""
    diagnostics: dict[str, Any] = {
        "taken_at": dt_util.utcnow().isoformat(),
        "entry": {
            "title": entry.title,
            "unique_id": entry.unique_id,
            "data": dict(entry.data),
            "options": dict(entry.options),
        },
        "data": data,
        "answers": answers,
    }
    try:
        redacted: dict[str, Any] = Redactor(vendor_keys).redact(diagnostics)
    except (RecursionError, ValueError, TypeError) as err:  # a peer's answer, never the download
        redacted = Redactor(vendor_keys).redact({**diagnostics, "answers": []})
        redacted["answers_left_out"] = type(err).__name__
    return redacted
