"""The README documents every setting and has exactly the two commands CI and users rely on."""

import re

from store.settings import SETTINGS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _table_rows(heading: str) -> list[str]:
    section = README.split(heading, 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| `")]


def test_every_setting_is_in_the_configuration_table():
    documented = {re.match(r"\| `([A-Z0-9_]+)`", row).group(1) for row in _table_rows("## Configuration")}
    declared = {setting.name for setting in SETTINGS}
    assert declared - documented == set(), "settings missing from the README table"
    assert documented - declared == set(), "README documents settings that do not exist"


def test_readme_has_the_start_and_test_commands():
    for marker in ("start-command", "test-command"):
        block = README.split(f"<!-- {marker} -->", 1)[1].split(f"<!-- /{marker} -->", 1)[0]
        commands = [line for line in block.splitlines() if line and not line.startswith("```")]
        assert len(commands) == 1, f"{marker}: expected exactly one command line"
    assert "streamlit run streamlit_app.py" in README
    assert "python -m pytest" in README


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "test-command" in ci, ".ci/run must take the test command from the README"
