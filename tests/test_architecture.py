"""Layering rules that keep the packages usable outside Streamlit."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STREAMLIT_ALLOWED = {"pages", "ui", "tests"}


def _python_files():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0].startswith(".") or "site-packages" in relative.parts:
            continue
        yield relative, path


def _imports_streamlit(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "streamlit" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "streamlit":
            return True
    return False


def test_only_pages_ui_and_entry_import_streamlit():
    offenders = [str(relative) for relative, path in _python_files()
                 if relative.parts[0] not in STREAMLIT_ALLOWED and str(relative) != "streamlit_app.py"
                 and _imports_streamlit(path)]
    assert offenders == [], f"streamlit imported outside pages/, ui/ and streamlit_app.py: {offenders}"


def test_the_check_detects_a_streamlit_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from streamlit import session_state\n")
    assert _imports_streamlit(sample)
    sample.write_text("import pandas\n# import streamlit\n")
    assert not _imports_streamlit(sample)


TYPE_ONLY = {"Engine", "Connection"}


def _sqlalchemy_uses(path: Path) -> set[str]:
    """Names imported from sqlalchemy beyond the Engine/Connection types used in signatures."""
    used = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            used |= {a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"}
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            used |= {a.name for a in node.names} - TYPE_ONLY
    return used


def test_only_store_speaks_sql():
    # segmentation compiles rule segments to SQLAlchemy Core expressions (run in a warehouse).
    allowed = {"store", "tests", "benchmarks", "segmentation"}
    offenders = {str(relative): sorted(uses) for relative, path in _python_files()
                 if relative.parts[0] not in allowed and (uses := _sqlalchemy_uses(path))}
    assert offenders == {}, f"SQL outside store/: {offenders}"


def test_page_files_do_not_shadow_url_paths():
    """Streamlit's legacy pages/ discovery names a page after its file stem. If a stem equalled an
    st.Page url_path, a rerun (or a fresh server's first request) could run that file directly and
    skip streamlit_app.py's sign-in and menu; distinct names make every run go through the entry."""
    from ui.navigation import PAGES, PUBLIC_URL_PATH

    stems = {path.stem for path in (ROOT / "pages").glob("*.py")}
    url_paths = {page.url_path for page in PAGES} | {PUBLIC_URL_PATH}
    assert stems & url_paths == set()
    assert {page.path for page in PAGES} <= {f"pages/{stem}.py" for stem in stems}
