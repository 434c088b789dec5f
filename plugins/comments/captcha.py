"""The captcha: stateless challenges, answers derived on the server, single use everywhere.

A challenge is an id signed by the server (:mod:`itsdangerous`, with the
time it was made): a random nonce, the number of characters, and the start
of the keyed hash of the address it was made for. Its answer is derived from
the nonce with the plugin's secret key (:func:`plugins.comments.privacy.secret`),
so it is never stored, never sent (not in a cookie, the page, nor the image's
URL, which carries only the id) and cannot be computed without the secret.
Making one writes nothing: a cached page's live block makes one per visitor.

A challenge answers once: the first attempt, right or wrong, claims its nonce
in the shared store (:meth:`cms.store.Store.claim`, with a time to live), so
every worker and host refuses it afterwards, also across a Redis outage (a
claim fails closed while Redis is unreachable); it also expires after
:data:`TTL` seconds. Answers are compared case-insensitively, in constant
time. The image is drawn (``captcha``'s drawing, with Pillow) only when its
URL is asked for, and the same every time for the same challenge
(:mod:`plugins.comments.drawing`, seeded from the nonce and the secret): a
reader of images cannot average several drawings of one challenge; "New
image" makes a new challenge.

The accessible alternative (setting ``captcha_alternative = "question"``) is
five numbers from 1 to 9 written as words in the site's language, to be
written back in digits, derived from the same nonce; its answer is accepted in
the same field. A machine
that reads the language can solve it: it keeps the form usable without
sight at the cost of some strength, which is why it is a setting.

The challenge also times the HTML form (setting ``min_fill_seconds``): the
form counts as opened when its challenge was made, the time signed into the
id (:func:`age`). A robot cannot keep an old time to skip the wait: the
challenge is bound to the visitor's address, answers once and expires, and
every new form or new image starts the clock again.

Testing mode (``CMS_TESTING=1`` with ``CMS_CAPTCHA_TEST_ANSWER``) fixes the
image's answer; the core ignores that variable outside testing mode.
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from cms import store
from plugins.comments.drawing import SeededDrawing
from plugins.comments.privacy import address_hash, secret
from plugins.comments.settings import CommentSettings

#: Seconds a challenge may be answered.
TTL = 600
#: Characters of the image: capitals and digits without look-alikes (no 0/O/Q/D, 1/I/L,
#: 2/Z, 5/S, 6/G, 8/B, U/V).
ALPHABET = "ACEFHJKMNPRTWXY3479"
#: Longest challenge id accepted (a signed id is about 70 characters).
ID_MAX = 200
#: Number words of the text question, 1 to 9, translated when shown.
WORDS = (
    _l("one"),
    _l("two"),
    _l("three"),
    _l("four"),
    _l("five"),
    _l("six"),
    _l("seven"),
    _l("eight"),
    _l("nine"),
)
_SALT = "comments-captcha"


@dataclass(frozen=True)
class Challenge:
    """A new challenge as shown: its signed ``id``, the ``image_url``, the text ``question``."""

    #: The signed id sent back with the answer.
    id: str
    #: Where the image is drawn (carries the id only).
    image_url: str
    #: The accessible alternative in the active locale, or ``None`` (setting).
    question: str | None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret(), salt=_SALT)


def _digest(nonce: str) -> bytes:
    return hmac.new(secret(), f"captcha\x00{nonce}".encode(), "sha256").digest()


def image_answer(nonce: str, length: int) -> str:
    """The characters drawn for ``nonce`` (testing mode: ``CAPTCHA_TEST_ANSWER``)."""
    fixed = current_app.config.get("CAPTCHA_TEST_ANSWER")
    if fixed and current_app.config.get("TESTING"):
        return str(fixed)
    digest = _digest(nonce)
    return "".join(ALPHABET[digest[i] % len(ALPHABET)] for i in range(length))


#: Numbers the text question reads out: 9 ** 5 answers, as unlikely to guess blindly
#: as a 4-character image (19 ** 4).
QUESTION_NUMBERS = 5


def _terms(nonce: str) -> tuple[int, ...]:
    digest = _digest(nonce)
    return tuple(1 + digest[20 + i] % 9 for i in range(QUESTION_NUMBERS))


def question_of(nonce: str) -> str:
    """The text question of ``nonce`` in the active locale: numbers in words, to write in digits.

    Each of :data:`QUESTION_NUMBERS` numbers from 1 to 9 is drawn from the
    nonce's keyed hash, so a blind guess succeeds once in 9 ** 5 (59,049);
    a question whose answer space is small (a sum of two digits: 17 answers,
    the likeliest one time in nine) would let robots in without reading it.
    """
    return _(
        "Write these numbers in digits, one after another: %(numbers)s.",
        numbers=", ".join(str(WORDS[number - 1]) for number in _terms(nonce)),
    )


def _question_answer(nonce: str) -> str:
    return "".join(str(number) for number in _terms(nonce))


def _address_tag(address: str) -> str:
    return address_hash(address)[:16]


def new_challenge(address: str, settings: CommentSettings) -> Challenge:
    """A fresh challenge for a visitor at ``address``; writes nothing."""
    nonce = secrets.token_urlsafe(12)
    signed = _serializer().dumps([nonce, settings.captcha_length, _address_tag(address)])
    question = question_of(nonce) if settings.captcha_alternative == "question" else None
    return Challenge(signed, url_for("comments.captcha_image", captcha_id=signed), question)


def _read_timed(captcha_id: str) -> tuple[str, int, str, float] | None:
    """``(nonce, length, address tag, made at)`` of a well-signed, unexpired id, else ``None``.

    ``made at``: seconds since the epoch when the challenge was made (signed).
    """
    if not isinstance(captcha_id, str) or not captcha_id.isascii() or len(captcha_id) > ID_MAX:
        return None
    try:
        value, made = _serializer().loads(captcha_id, max_age=TTL, return_timestamp=True)
    except (SignatureExpired, BadSignature):
        return None
    match value:
        case [str(nonce), int(length), str(tag)] if 4 <= length <= 6:
            return nonce, length, tag, made.timestamp()
    return None


def _read(captcha_id: str) -> tuple[str, int, str] | None:
    """``(nonce, length, address tag)`` of a well-signed, unexpired id, else ``None``."""
    found = _read_timed(captcha_id)
    return found[:3] if found else None


def age(captcha_id: str | None, address: str) -> float | None:
    """Seconds since challenge ``captcha_id`` was made for a visitor at ``address``.

    The HTML form's fill time. ``None`` for a missing, badly signed or expired
    challenge, or one made for another address; reading it burns nothing
    (:func:`check` then refuses what must be refused).
    """
    found = _read_timed(captcha_id or "")
    if found is None or not hmac.compare_digest(found[2], _address_tag(address)):
        return None
    return time.time() - found[3]


def solution(captcha_id: str) -> str | None:
    """The image's answer of a well-signed, unexpired challenge (server side only: tests, tools).

    Never put it in an answer to a client.
    """
    found = _read(captcha_id)
    return image_answer(found[0], found[1]) if found else None


def question_solution(captcha_id: str) -> str | None:
    """The text question's answer of a well-signed, unexpired challenge (server side only)."""
    found = _read(captcha_id)
    return _question_answer(found[0]) if found else None


def _used_key(nonce: str) -> str:
    return f"comments:captcha:{nonce}"


def check(
    captcha_id: str | None, answer: str | None, address: str, settings: CommentSettings
) -> bool:
    """Whether ``answer`` solves challenge ``captcha_id`` for a visitor at ``address``.

    Burns the challenge whatever the answer (every worker then refuses it).
    False for a missing, badly signed, expired, reused or another address's challenge.
    """
    found = _read(captcha_id or "")
    if found is None:
        return False
    nonce, length, tag = found
    if not store.claim(_used_key(nonce), TTL + 60):  # used, or Redis down: refused
        return False
    if not hmac.compare_digest(tag, _address_tag(address)):
        return False
    given = (answer or "").strip().upper().encode("utf-8", "replace")
    right = hmac.compare_digest(given, image_answer(nonce, length).upper().encode())
    if settings.captcha_alternative == "question":
        spoken = given.replace(b" ", b"")  # "4 7 2" as well as "472"
        right = hmac.compare_digest(spoken, _question_answer(nonce).encode()) or right
    return right


def burn(captcha_id: str | None) -> None:
    """Mark a challenge used without an attempt (replaced by a new one); unknown ids are ignored."""
    found = _read(captcha_id or "")
    if found is not None:
        store.claim(_used_key(found[0]), TTL + 60)


def _drawing_seed(nonce: str) -> bytes:
    return hmac.new(secret(), f"captcha-drawing\x00{nonce}".encode(), "sha256").digest()


def draw(captcha_id: str, settings: CommentSettings) -> bytes | None:
    """The PNG of a challenge not yet answered; ``None`` for an unknown one.

    Drawn now, identical bytes at every request for the same challenge and size.
    """
    found = _read(captcha_id)
    if found is None or store.get(_used_key(found[0])):
        return None
    nonce, length, _tag = found
    drawing = SeededDrawing(settings.captcha_width, settings.captcha_height, _drawing_seed(nonce))
    return drawing.png(image_answer(nonce, length))
