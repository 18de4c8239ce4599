"""AppTest: the manager pages show KPIs, rankings and experiment verdicts for the demo campaign."""

import pytest
from streamlit.testing.v1 import AppTest

from data.seed import seed_demo
from tests.conftest import ROOT, make_users, signed_in_state

TIMEOUT = 90


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    from store.db import create_store_engine, upgrade

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = create_store_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def manager_app(app_db):
    people = make_users(app_db)
    seed_demo(app_db, people["mark"], rows=3000)

    def open_page(page):
        app = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
        for key, value in signed_in_state(people["manu"]).items():
            app.session_state[key] = value
        app.run()
        app.switch_page(page).run()
        assert not app.exception, app.exception
        return app

    return open_page


def test_overview_shows_tiles_per_segment(manager_app):
    app = manager_app("pages/kpi_overview.py")
    labels = {metric.label for metric in app.metric}
    assert "All segments" in labels and len(labels) >= 3


def test_segment_performance_ranks_with_recommendations(manager_app):
    app = manager_app("pages/segment_performance.py")
    ranking = next(frame.value for frame in app.dataframe if "recommendation" in frame.value.columns)
    assert ranking["rank"].min() == 1 and ranking["recommendation"].notna().all()


def test_experiments_give_plain_words_verdicts(manager_app):
    app = manager_app("pages/experiment_results.py")
    texts = " ".join(element.value for element in [*app.success, *app.info])
    assert "recipients per variant" in texts
    assert "than A" in texts or "no reliable difference" in texts
