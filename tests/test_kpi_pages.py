"""AppTest: the manager pages show KPIs, rankings and experiment verdicts for the demo campaign."""

import pytest

from data.seed import seed_demo
from tests.conftest import make_users, open_page

TIMEOUT = 90




@pytest.fixture
def manager_app(app_db):
    people = make_users(app_db)
    seed_demo(app_db, people["mark"], rows=3000)

    return lambda page: open_page(people["manu"], page)


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
