"""Every setting Amanah reads, declared once with its default and help text.

A value comes from (first wins): the environment variable, then `.streamlit/secrets.toml`
(top-level key of the same name), then the default. Settings marked ``policy`` can also be
changed by an admin in the app; that value is stored in the database and wins over the default
but not over an explicit environment variable (an operator's deployment choice is final).

The README's configuration table lists every setting here; a test keeps the two in step.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"


class SettingError(ValueError):
    """A setting has a value that cannot be used; the message names the setting."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    kind: type
    help: str
    secret: bool = False
    policy: bool = False  # admin may change it in the app (stored in the settings table)
    minimum: float | None = None

    def parse(self, raw: Any) -> Any:
        if raw is None:
            return None
        if self.kind is bool:
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in {"1", "true", "yes", "on"}:
                return True
            if text in {"0", "false", "no", "off", ""}:
                return False
            raise SettingError(f"{self.name}={raw!r}: expected true or false")
        if self.kind in (int, float):
            try:
                value = self.kind(raw)
            except (TypeError, ValueError):
                raise SettingError(f"{self.name}={raw!r}: expected a number") from None
            if self.minimum is not None and value < self.minimum:
                raise SettingError(f"{self.name}={raw!r}: must be at least {self.minimum:g}")
            return value
        return str(raw)


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", "sqlite:///data/app.db", str,
            "SQLAlchemy URL of the application database. SQLite paths are relative to the project "
            "folder; use postgresql+psycopg://user:pass@host/db for PostgreSQL."),
    Setting("AMANAH_DATA_DIR", "data", str,
            "Folder for stored datasets (Parquet) and the local pseudonymisation key file; relative "
            "paths are taken from the project folder."),
    Setting("AMANAH_SESSION_IDLE_MINUTES", 30, int,
            "Minutes without interaction after which a signed-in session expires.",
            policy=True, minimum=1),
    Setting("AMANAH_REMEMBER_SIGN_IN_HOURS", 12, int,
            "Hours a browser stays signed in across page reloads and new tabs (a secure random token in a "
            "cookie, revocable, still subject to the idle limit); 0 signs out on every reload.",
            policy=True, minimum=0),
    Setting("AMANAH_PASSWORD_MIN_LENGTH", 12, int,
            "Minimum length of a local account password.", policy=True, minimum=8),
    Setting("AMANAH_LOGIN_MAX_FAILURES", 5, int,
            "Failed sign-ins in a row after which an account is locked for a while.",
            policy=True, minimum=1),
    Setting("AMANAH_LOGIN_LOCKOUT_SECONDS", 300, int,
            "How long an account stays locked after too many failed sign-ins.",
            policy=True, minimum=1),
    Setting("AMANAH_LOGIN_DELAY_SECONDS", 0.5, float,
            "Base delay added to every failed sign-in; it doubles with each further failure "
            "(capped at 8 s) to slow down password guessing.", minimum=0),
    Setting("AMANAH_UPLOAD_MAX_MB", 200, int,
            "Largest accepted upload in megabytes, checked on the server (also cap "
            "server.maxUploadSize in .streamlit/config.toml).", policy=True, minimum=1),
    Setting("AMANAH_MIN_SEGMENT_SIZE", 100, int,
            "Smallest segment that may be targeted or exported; smaller ones could single people out.",
            policy=True, minimum=1),
    Setting("AMANAH_PSEUDONYM_KEY", None, str,
            "Secret key for HMAC-SHA256 pseudonymisation of identifiers. Never stored in the "
            "database. When unset, a random key is created once in AMANAH_DATA_DIR/pseudonym.key.",
            secret=True),
    Setting("AMANAH_ADMIN_PASSWORD", None, str,
            "Password used by `python -m store create-user` instead of prompting (for scripted "
            "setups). Never pass a password as a command-line argument.", secret=True),
    Setting("AMANAH_ENABLE_SSO", False, bool,
            "Offer single sign-on through Streamlit's st.login (OIDC). Needs an [auth] section in "
            ".streamlit/secrets.toml; SSO users must exist as local accounts (same username or "
            "e-mail) to get roles."),
    Setting("AMANAH_LOG_LEVEL", "INFO", str,
            "Python logging level for the app (logs never contain personal data)."),
    Setting("TEST_DATABASE_URL", None, str,
            "Tests only: a PostgreSQL URL; when set, the store tests also run against it."),
)

SETTINGS_BY_NAME = {setting.name: setting for setting in SETTINGS}


def _read_secrets_file(path: Path = SECRETS_FILE) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise SettingError(f"{path}: not valid TOML ({exc})") from None


def get_setting(name: str, overrides: dict[str, Any] | None = None) -> Any:
    """Return the effective value of one setting (env > secrets.toml > admin override > default)."""
    setting = SETTINGS_BY_NAME[name]
    if name in os.environ:
        return setting.parse(os.environ[name])
    secrets = _read_secrets_file()
    if name in secrets:
        return setting.parse(secrets[name])
    if overrides and setting.policy and name in overrides:
        return setting.parse(overrides[name])
    return setting.default


def setting_source(name: str, overrides: dict[str, Any] | None = None) -> str:
    """Where the effective value of a setting comes from, for the admin settings page."""
    setting = SETTINGS_BY_NAME[name]
    if name in os.environ:
        return "environment"
    if name in _read_secrets_file():
        return "secrets.toml"
    if overrides and setting.policy and name in overrides:
        return "admin (database)"
    return "default"


def project_path(value: str | os.PathLike[str]) -> Path:
    """Resolve a configured path relative to the project folder."""
    path = Path(value)
    return path if path.is_absolute() else PROJECT_ROOT / path


def data_dir() -> Path:
    return project_path(get_setting("AMANAH_DATA_DIR"))
