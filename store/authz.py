"""Who may do what. Every service function that reads or changes data declares its roles here.

Deny by default: a function decorated with `requires` refuses a missing, inactive or unprivileged
principal with `PermissionDenied`, whatever page or script called it. Pages hide what a role cannot
use, but the check that counts is this one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar


class Role(StrEnum):
    MARKETER = "marketer"
    REVIEWER = "reviewer"
    MANAGER = "manager"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.MARKETER: "Marketer",
    Role.REVIEWER: "Compliance reviewer",
    Role.MANAGER: "Manager",
    Role.ADMIN: "Admin",
}
ALL_ROLES = frozenset(Role)


class PermissionDenied(PermissionError):
    """The principal lacks the role a service function requires; the message says which."""


@dataclass(frozen=True)
class Principal:
    """The signed-in user as the services see it (loaded fresh from the database on every page run)."""

    user_id: int
    username: str
    display_name: str = ""
    roles: frozenset[str] = field(default_factory=frozenset)
    is_active: bool = True
    must_change_password: bool = False

    def has(self, *roles: str) -> bool:
        return self.is_active and bool(self.roles.intersection(roles))

    @property
    def label(self) -> str:
        return self.display_name or self.username


def system_principal(name: str = "system") -> Principal:
    """A principal for command-line and maintenance jobs run by the operator of the machine."""
    return Principal(user_id=0, username=name, display_name=name, roles=frozenset(ALL_ROLES))


P = ParamSpec("P")
R = TypeVar("R")


def check_role(actor: Principal | None, roles: tuple[str, ...], action: str) -> Principal:
    """Return ``actor`` when it holds one of ``roles``; raise `PermissionDenied` otherwise."""
    if not isinstance(actor, Principal) or not actor.is_active:
        raise PermissionDenied(f"Sign in first: you need to be signed in to {action}.")
    if not actor.has(*roles):
        needed = " or ".join(ROLE_LABELS.get(Role(r), r) for r in roles)
        raise PermissionDenied(f"Not allowed: {actor.username} needs the {needed} role to {action}.")
    return actor


def requires(*roles: str, action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service function whose ``actor`` parameter must hold one of ``roles``."""
    unknown = set(roles) - {role.value for role in Role}
    if not roles or unknown:
        raise ValueError(f"requires{roles}: unknown or missing roles {sorted(unknown)}")

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(function)
        if "actor" not in signature.parameters:
            raise TypeError(f"{function.__qualname__}: a guarded service needs an 'actor' parameter")

        @functools.wraps(function)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind_partial(*args, **kwargs)
            check_role(bound.arguments.get("actor"), roles, action)
            return function(*args, **kwargs)

        guarded.__required_roles__ = frozenset(roles)  # type: ignore[attr-defined]
        return guarded

    return decorate


def required_roles(function: Any) -> frozenset[str] | None:
    """The roles a service function requires, or None when it is not guarded."""
    return getattr(function, "__required_roles__", None)
