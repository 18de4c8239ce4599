"""The page registry: which page exists, in which section, for which roles."""

from __future__ import annotations

from dataclasses import dataclass

from store.authz import Principal


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: frozenset[str]  # empty: every signed-in user
    section: str
    url_path: str


# The setup and sign-in pages share the home page's URL path, so the page hash survives the switch
# from signed out to signed in and the user lands on Home without a "page not found" detour.
PUBLIC_URL_PATH = "home"

PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Home", ":material/home:", frozenset(), "Amanah", "home"),
    PageSpec("pages/datasets.py", "Data", ":material/table_view:", frozenset({"marketer"}), "Marketing", "data"),
    PageSpec("pages/build_segments.py", "Segments", ":material/donut_small:", frozenset({"marketer"}), "Marketing",
             "segments"),
    PageSpec("pages/segment_profile.py", "Segment profile", ":material/person_search:",
             frozenset({"marketer", "manager"}), "Marketing", "profile"),
    PageSpec("pages/campaign_planner.py", "Campaigns", ":material/campaign:", frozenset({"marketer", "manager"}),
             "Marketing", "campaigns"),
    PageSpec("pages/message_editor.py", "Message editor", ":material/edit_note:", frozenset({"marketer"}),
             "Marketing", "editor"),
    PageSpec("pages/review_queue.py", "Review queue", ":material/fact_check:", frozenset({"reviewer"}), "Review",
             "review"),
    PageSpec("pages/compliance_rules.py", "Rules", ":material/rule:", frozenset({"reviewer"}), "Review", "rules"),
    PageSpec("pages/kpi_overview.py", "Overview", ":material/monitoring:", frozenset({"manager", "marketer"}),
             "Insights", "kpis"),
    PageSpec("pages/segment_performance.py", "Segment performance", ":material/leaderboard:",
             frozenset({"manager", "marketer"}), "Insights", "performance"),
    PageSpec("pages/experiment_results.py", "Experiments", ":material/science:", frozenset({"manager", "marketer"}),
             "Insights", "experiments"),
    PageSpec("pages/admin_users.py", "Users and roles", ":material/group:", frozenset({"admin"}), "Admin",
             "users"),
    PageSpec("pages/admin_audit.py", "Audit log", ":material/receipt_long:", frozenset({"admin"}), "Admin",
             "audit"),
    PageSpec("pages/admin_privacy.py", "Privacy", ":material/shield_person:", frozenset({"admin"}), "Admin",
             "privacy"),
    PageSpec("pages/admin_settings.py", "Settings", ":material/tune:", frozenset({"admin"}), "Admin",
             "settings"),
    PageSpec("pages/my_account.py", "My account", ":material/person:", frozenset(), "Account", "account"),
)

SECTION_ORDER = ("Amanah", "Marketing", "Review", "Insights", "Admin", "Account")


def pages_for(principal: Principal) -> list[PageSpec]:
    """The pages this user may open, in menu order."""
    if principal.must_change_password:
        return [page for page in PAGES if page.url_path == "account"]
    return [page for page in PAGES if not page.roles or principal.has(*page.roles)]


def page_spec(path: str) -> PageSpec:
    return next(page for page in PAGES if page.path == path)
