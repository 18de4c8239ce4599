"""The secret key behind pseudonymisation: where it comes from and how to recognise it safely.

The key is read from the ``AMANAH_PSEUDONYM_KEY`` setting (environment or ``.streamlit/secrets.toml``).
When that is unset, a random key is created once in ``<data folder>/pseudonym.key`` (mode 0600) and
reused afterwards. The key never goes into the database: only its fingerprint does, so the app can
notice that the key changed (which would silently break the link between old and new pseudonyms).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from store.settings import data_dir, get_setting

KEY_SETTING = "AMANAH_PSEUDONYM_KEY"
KEY_FILE_NAME = "pseudonym.key"
MINIMUM_KEY_BYTES = 32
_FINGERPRINT_LABEL = b"amanah/pseudonym-key-fingerprint/v1"
_HOW_TO_MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'


class PseudonymKeyError(ValueError):
    """The pseudonymisation key is missing, too short or unreadable; the message says how to fix it."""


def parse_key_text(text: str, *, origin: str = KEY_SETTING) -> bytes:
    """Turn the configured key text into key bytes: hex, then base64, then the text itself.

    Hex and base64 must decode to at least 32 bytes; any other text must be at least 32 characters
    (it is then used as its UTF-8 bytes). ``origin`` names where the text came from in errors.
    """
    text = text.strip()
    decoded = _decode_hex(text) or _decode_base64(text)
    if decoded is not None:
        return decoded
    if len(text) >= MINIMUM_KEY_BYTES:
        return text.encode("utf-8")
    raise PseudonymKeyError(
        f"{origin} is too short ({len(text)} characters): use at least {MINIMUM_KEY_BYTES} random bytes, "
        f"for example the output of {_HOW_TO_MAKE_A_KEY}"
    )


def _decode_hex(text: str) -> bytes | None:
    try:
        decoded = bytes.fromhex(text)
    except ValueError:
        return None
    return decoded if len(decoded) >= MINIMUM_KEY_BYTES else None


def _decode_base64(text: str) -> bytes | None:
    for decode, encode in ((base64.b64decode, base64.b64encode),
                           (base64.urlsafe_b64decode, base64.urlsafe_b64encode)):
        try:
            decoded = decode(text)
        except (binascii.Error, ValueError):
            continue
        # Decoding silently skips characters outside the alphabet, so only a canonical encoding
        # counts as base64; anything else is a passphrase.
        if len(decoded) >= MINIMUM_KEY_BYTES and encode(decoded).decode("ascii") == text:
            return decoded
    return None


def load_pseudonym_key(data_directory: Path | None = None) -> bytes:
    """Return the pseudonymisation key: the configured setting, else the local key file.

    Without a configured key, ``<data_directory>/pseudonym.key`` is created once with 32 random
    bytes (hex text, mode 0600) and reused on every later call; an existing file is never overwritten.
    ``data_directory`` defaults to the configured data folder.
    """
    configured = get_setting(KEY_SETTING)
    if configured is not None and str(configured).strip():
        return parse_key_text(str(configured))
    key_file = Path(data_directory if data_directory is not None else data_dir()) / KEY_FILE_NAME
    if not key_file.exists():
        try:
            _create_key_file(key_file)
        except OSError as exc:
            raise PseudonymKeyError(
                f"Cannot create the pseudonymisation key file {key_file} ({exc.strerror or exc}); make the "
                f"data folder writable or set {KEY_SETTING}."
            ) from None
    return _read_key_file(key_file)


def _create_key_file(key_file: Path) -> None:
    """Write a fresh random key so that the final name appears only complete, and never replaces a key."""
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_text = secrets.token_hex(MINIMUM_KEY_BYTES) + "\n"
    # mkstemp creates the file with mode 0600 (owner read/write only).
    descriptor, partial = tempfile.mkstemp(prefix=".pseudonym-", suffix=".partial", dir=key_file.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key_text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # A hard link fails when the target exists, so two processes racing here both end up
            # using whichever key was linked first.
            os.link(partial, key_file)
        except FileExistsError:
            pass
        except OSError:  # file systems without hard links
            _create_exclusively(key_file, key_text)
    finally:
        Path(partial).unlink(missing_ok=True)


def _create_exclusively(key_file: Path, key_text: str) -> None:
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key_text)


def _read_key_file(key_file: Path) -> bytes:
    try:
        text = key_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PseudonymKeyError(
            f"Cannot read the pseudonymisation key file {key_file} ({exc.__class__.__name__}); restore it "
            f"from a backup or set {KEY_SETTING}."
        ) from None
    return parse_key_text(text, origin=f"The key file {key_file}")


def key_fingerprint(key: bytes) -> str:
    """A 12-hex-character fingerprint of the key, safe to show and store; it changes when the key does."""
    derived = hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).digest()
    return hashlib.sha256(derived).hexdigest()[:12]
