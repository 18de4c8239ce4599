"""Policy settings an admin may change in the app (stored in `app_settings`, audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from store.audit import append_audit
from store.authz import Principal, requires
from store.db import WRITE
from store.schema import app_settings, utcnow
from store.settings import SETTINGS, SETTINGS_BY_NAME, SettingError, get_setting, setting_source


def stored_overrides(bind: Engine | Connection) -> dict[str, Any]:
    """Admin-set values of policy settings, as stored.

    Pass the open connection when inside a transaction: a second connection would block on SQLite.
    """
    if isinstance(bind, Connection):
        return {row.key: row.value for row in bind.execute(select(app_settings))}
    with bind.connect() as connection:
        return stored_overrides(connection)


def effective_setting(bind: Engine | Connection, name: str) -> Any:
    """The value in force: environment/secrets first, then an admin override, then the default."""
    overrides = stored_overrides(bind) if SETTINGS_BY_NAME[name].policy else None
    return get_setting(name, overrides)


@requires("admin", action="view settings")
def describe_settings(engine: Engine, actor: Principal) -> list[dict[str, Any]]:
    """Every setting with its effective value and where it comes from (secrets shown as set/unset)."""
    overrides = stored_overrides(engine)
    rows = []
    for setting in SETTINGS:
        value = get_setting(setting.name, overrides)
        if setting.secret:
            value = "(set)" if value else "(not set)"
        rows.append({"name": setting.name, "value": value, "default": setting.default,
                     "source": setting_source(setting.name, overrides), "editable": setting.policy,
                     "help": setting.help})
    return rows


@requires("admin", action="change settings")
def set_policy_setting(engine: Engine, actor: Principal, name: str, value: Any) -> Any:
    """Store an admin override for a policy setting; ``value=None`` returns it to its default."""
    setting = SETTINGS_BY_NAME.get(name)
    if setting is None or not setting.policy:
        raise SettingError(f"{name} cannot be changed in the app; set it in the environment instead.")
    parsed = setting.parse(value) if value is not None else None
    with engine.connect().execution_options(**WRITE) as connection, connection.begin():
        before = connection.execute(select(app_settings.c.value).where(app_settings.c.key == name)).scalar()
        if parsed is None:
            connection.execute(delete(app_settings).where(app_settings.c.key == name))
        elif before is None:
            connection.execute(insert(app_settings).values(key=name, value=parsed, updated_at=utcnow(),
                                                           updated_by=actor.username))
        else:
            connection.execute(update(app_settings).where(app_settings.c.key == name).values(
                value=parsed, updated_at=utcnow(), updated_by=actor.username))
        append_audit(connection, actor.username, "settings.change", "setting", name,
                     {"before": before, "after": parsed})
    return parsed
