"""Which staff passwords are refused (R16, issue 14): the one rule every place that sets a
password applies – ``foerderwerk staff add`` and ``set-password``, the change and reset pages,
the demo loader.

Length alone let ``aaaaaaaaaaaa`` through. Refused besides a length outside 12–1024:

- a password of the lists of common passwords (data/common-passwords.txt.gz, Django's list
  of 19,640, and data/common-passwords-de.txt, German words of the service's world) – also
  when it is only such a word with a few digits or signs around it (``Sommer2026!!``,
  ``P@ssw0rd1234``);
- a password that, without its predictable parts, has fewer than 8 characters left. Predictable
  are: a character repeated three or more times, runs of three or more letters or digits in
  order (``abc``, ``4321``, ``7890``), four or more neighbouring keys of a keyboard row
  (``qwertz``, ``asdf``), a part repeated at once (``hallo1hallo1``) – and the account's own
  name and e-mail address. So ``123456789012`` and ``koordination2026`` (for Kim
  Koordination) are refused, while a passphrase that happens to contain ``abc`` is not;
- fewer than 5 different characters.

The answers are messages for the person setting the password, not scores: what to do instead.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from .messages import N_, Message

MIN_LENGTH = 12
# The login form reads at most this many characters; a longer password could never be typed in.
MAX_LENGTH = 1024
MIN_DISTINCT = 5
# characters that must remain once the predictable parts are taken away
MIN_UNPREDICTABLE = 8
# digits and signs around a common word that still count as "only decoration"
MAX_DECORATION = 6

TOO_SHORT = N_("Please choose a password of at least %(length)s characters.")
TOO_LONG = N_("Please choose a password of at most %(length)s characters.")
COMMON = N_(
    "This password is one of the most frequently used ones and is tried first in attacks. "
    "Please choose another one – for example several words that have nothing to do with "
    "each other."
)
PERSONAL = N_(
    "The password consists mostly of your name or e-mail address. Please choose one that "
    "nobody can guess from them."
)
PATTERN = N_(
    "The password consists mostly of repeated characters, sequences such as 1234 or abcd, or "
    "neighbouring keys such as qwertz. Please choose one that is harder to guess."
)

# Rows of German (QWERTZ) and English (QWERTY) keyboards, unshifted and shifted digit rows.
KEYBOARD_ROWS = (
    "^1234567890ß´",
    "qwertzuiopü+",
    "asdfghjklöä#",
    "<yxcvbnm,.-",
    '°!"§$%&/()=?`',
    "`1234567890-=",
    "qwertyuiop[]",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "~!@#$%^&*()_+",
)
MIN_KEYBOARD_RUN = 4
MIN_RUN = 3
# longer parts repeated at once make a password of 130+ characters; not worth the time
MAX_REPEATED_PART = 64

# the usual letter substitutions, undone before a word is looked up
_LEET_I = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s",
                         "5": "s", "7": "t", "+": "t"})  # fmt: skip
_LEET_L = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "l", "!": "l", "0": "o", "$": "s",
                         "5": "s", "7": "t", "+": "t"})  # fmt: skip
_WORD_PARTS = re.compile(r"[^\W\d_]{3,}")


def password_problems(password: str, *, email: str = "", name: str = "") -> list[Message]:
    """What is wrong with ``password`` for the account of ``email`` and ``name``; empty
    when it may be used. At most one message: the first that applies."""
    if len(password) < MIN_LENGTH:
        return [Message(TOO_SHORT, {"length": MIN_LENGTH})]
    if len(password) > MAX_LENGTH:
        return [Message(TOO_LONG, {"length": MAX_LENGTH})]
    text = _normal(password)
    if _is_common(text):
        return [Message(COMMON)]
    if len(set(text)) < MIN_DISTINCT:
        return [Message(PATTERN)]
    predictable = _predictable(text)
    personal = _marked(text, _personal_words(email, name))
    left = sum(1 for a, b in zip(predictable, personal, strict=True) if not a | b)
    if left < MIN_UNPREDICTABLE:
        if predictable.count(0) >= MIN_UNPREDICTABLE:
            return [Message(PERSONAL)]
        return [Message(PATTERN)]
    return []


def _normal(password: str) -> str:
    return unicodedata.normalize("NFKC", password).casefold()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The lists of common passwords, lower case (read once per process, about 1 MB)."""
    folder = resources.files(__package__).joinpath("data")
    words: set[str] = set()
    with folder.joinpath("common-passwords.txt.gz").open("rb") as packed:
        words.update(_lines(gzip.decompress(packed.read()).decode("utf-8", "replace")))
    words.update(_lines(folder.joinpath("common-passwords-de.txt").read_text("utf-8")))
    return frozenset(words)


def _lines(text: str) -> Iterable[str]:
    for line in text.splitlines():
        word = line.strip()
        if word and not word.startswith("#"):
            yield _normal(word)


def _is_common(text: str) -> bool:
    common = common_passwords()
    if text in common:
        return True
    # a common word with a few digits or signs around it: Sommer2026!!, !P@ssw0rd1
    core = text
    while core and not core[0].isalpha():
        core = core[1:]
    while core and not core[-1].isalpha():
        core = core[:-1]
    if len(core) < MIN_RUN or len(text) - len(core) > MAX_DECORATION:
        return False
    return bool({core, core.translate(_LEET_I), core.translate(_LEET_L)} & common)


def _personal_words(email: str, name: str) -> set[str]:
    """The parts of the e-mail address and the name someone could guess a password from."""
    email = _normal(email.strip())
    local, _at, domain = email.partition("@")
    words = {email, local} if len(local) >= MIN_RUN else {email}
    words.update(_WORD_PARTS.findall(local))
    labels = domain.split(".")[:-1]  # not the top-level domain
    words.update(label for label in labels if len(label) >= 4)
    words.update(_WORD_PARTS.findall(_normal(name)))
    return words


def _marked(text: str, words: Iterable[str]) -> bytearray:
    mask = bytearray(len(text))
    for word in words:
        start = text.find(word) if word else -1
        while start >= 0:
            mask[start : start + len(word)] = b"\x01" * len(word)
            start = text.find(word, start + 1)
    return mask


def _predictable(text: str) -> bytearray:
    """A mask of the characters that belong to a predictable part of ``text`` (1: predictable)."""
    mask = bytearray(len(text))
    _repeated_characters(text, mask)
    _sequences(text, mask)
    _keyboard_runs(text, mask)
    _repeated_parts(text, mask)
    return mask


def _mark(mask: bytearray, start: int, end: int) -> None:
    mask[start:end] = b"\x01" * (end - start)


def _repeated_characters(text: str, mask: bytearray) -> None:
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or text[index] != text[start]:
            if index - start >= MIN_RUN:
                _mark(mask, start, index)
            start = index


def _step(a: str, b: str) -> int | None:
    """+1 or -1 when ``b`` follows ``a`` in the alphabet or among the digits (9 → 0 too)."""
    if a.isdigit() and b.isdigit() and a.isascii() and b.isascii():
        difference = (int(b) - int(a)) % 10
        return {1: 1, 9: -1}.get(difference)
    if a.isascii() and b.isascii() and a.isalpha() and b.isalpha():
        difference = ord(b) - ord(a)
        return difference if difference in (1, -1) else None
    return None


def _sequences(text: str, mask: bytearray) -> None:
    start, direction = 0, 0
    for index in range(1, len(text)):
        step = _step(text[index - 1], text[index])
        if step is not None and direction in (0, step):
            direction = step
            continue
        if index - start >= MIN_RUN:
            _mark(mask, start, index)
        # a change of direction: the last character begins the next run (1234321)
        start, direction = (index - 1, step) if step is not None else (index, 0)
    if len(text) - start >= MIN_RUN:
        _mark(mask, start, len(text))


def _keyboard_runs(text: str, mask: bytearray) -> None:
    for row in KEYBOARD_ROWS:
        for keys in (row, row[::-1]):
            start = 0
            for index in range(1, len(text) + 1):
                if index < len(text) and _neighbours(keys, text[index - 1], text[index]):
                    continue
                if index - start >= MIN_KEYBOARD_RUN:
                    _mark(mask, start, index)
                start = index


def _neighbours(keys: str, a: str, b: str) -> bool:
    position = keys.find(a)
    return position >= 0 and position + 1 < len(keys) and keys[position + 1] == b


def _repeated_parts(text: str, mask: bytearray) -> None:
    """Marks the second and later copies of a part of three or more characters repeated at
    once (``hallo1hallo1``, ``abcabc``)."""
    for size in range(MIN_RUN, min(len(text) // 2, MAX_REPEATED_PART) + 1):
        for start in range(size, len(text) - size + 1):
            if text[start : start + size] == text[start - size : start]:
                _mark(mask, start, start + size)
