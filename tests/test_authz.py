"""Deny by default: every service function that reads or changes data checks roles itself."""

import importlib
import inspect
import pkgutil

import pytest

import store
from store.authz import PermissionDenied, Principal, check_role, required_roles, requires

SERVICE_PACKAGES = ["store", "segmentation", "privacy", "compliance", "campaigns", "kpis"]
# Functions that take an actor but are deliberately open to every signed-in user, with the reason.
OPEN_TO_EVERY_ROLE = {"store.accounts.change_own_password": "checks 'any role' itself",
                      "store.authz.check_role": "the guard itself",
                      "campaigns.workflow.transition": "pure state machine; 'actor' is a name, no data access"}


def _service_functions():
    for package_name in SERVICE_PACKAGES:
        package = importlib.import_module(package_name)
        for module_info in pkgutil.walk_packages(package.__path__, prefix=package_name + "."):
            if module_info.name.endswith("__main__") or ".migrations" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for name, function in inspect.getmembers(module, inspect.isfunction):
                # Private helpers (leading underscore) are only called from guarded functions.
                if (function.__module__ == module.__name__ and not name.startswith("_")
                        and "actor" in inspect.signature(function).parameters):
                    yield f"{module.__name__}.{name}", function


def test_every_function_taking_an_actor_is_guarded():
    unguarded = [name for name, function in _service_functions()
                 if required_roles(function) is None and name not in OPEN_TO_EVERY_ROLE]
    assert unguarded == []


def test_there_are_guarded_services_to_check():
    assert len([name for name, fn in _service_functions() if required_roles(fn)]) >= 15


@pytest.mark.parametrize("role", ["marketer", "reviewer", "manager", "admin"])
def test_each_guarded_service_refuses_roles_it_does_not_name(sqlite_store, role):
    principal = Principal(user_id=99, username="someone", roles=frozenset({role}))
    checked = 0
    for _name, function in _service_functions():
        roles = required_roles(function)
        if roles is None or role in roles:
            continue
        with pytest.raises(PermissionDenied, match="Not allowed"):
            function(sqlite_store, actor=principal)
        checked += 1
    assert checked > 0 or role == "admin"


def test_missing_and_inactive_principals_are_refused(sqlite_store):
    from store.accounts import list_users

    with pytest.raises(PermissionDenied, match="Sign in first"):
        list_users(sqlite_store, None)
    inactive = Principal(user_id=1, username="x", roles=frozenset({"admin"}), is_active=False)
    with pytest.raises(PermissionDenied, match="Sign in first"):
        list_users(sqlite_store, inactive)


def test_marketer_cannot_call_admin_services(people, store):
    from store.accounts import create_user, list_users, set_roles
    from store.audit import list_audit

    marketer = people["mark"]
    for call in (lambda: list_users(store, marketer),
                 lambda: create_user(store, marketer, "x1", "long enough password", ["admin"]),
                 lambda: set_roles(store, marketer, marketer.user_id, ["admin"]),
                 lambda: list_audit(store, marketer)):
        with pytest.raises(PermissionDenied, match="mark needs the Admin role"):
            call()


def test_requires_validates_its_own_declaration():
    with pytest.raises(ValueError, match="unknown"):
        requires("wizard", action="x")
    with pytest.raises(TypeError, match="actor"):
        requires("admin", action="x")(lambda engine: None)


def test_check_role_message_names_role_and_action():
    principal = Principal(1, "sam", roles=frozenset({"manager"}))
    with pytest.raises(PermissionDenied, match="sam needs the Marketer or Admin role to do things"):
        check_role(principal, ("marketer", "admin"), "do things")
    assert store  # the package under test is importable
