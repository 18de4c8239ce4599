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


def test_overview_shows_tiles_per_segment_and_goal_progress(manager_app):
    app = manager_app("pages/kpi_overview.py")
    labels = {metric.label for metric in app.metric}
    assert "All segments" in labels and len(labels) >= 3
    goal_lines = [e.value for e in [*app.success, *app.warning, *app.error, *app.info] if "Demo campaign" in e.value]
    assert goal_lines and "Gold tier" in goal_lines[0] and "95% CI" in goal_lines[0]


def test_overview_shows_an_uploaded_results_file(app_db):
    from kpis.service import import_results

    people = make_users(app_db)
    results = ("campagne;segment;variant;verzonden;afgeleverd;geopend;kliks;conversies;omzet;kosten\n"
               "Lente;Jong;A;1000;980;300;60;20;1500,50;120\n"
               "Lente;Jong;B;1000;975;320;75;28;2100,00;120\n"
               "Lente;Senior;A;800;790;260;30;12;900,00;96\n")
    import_results(app_db, people["mark"], results.encode(), "resultaten.csv", "Lente results")
    app = open_page(people["manu"], "pages/kpi_overview.py")
    labels = {metric.label for metric in app.metric}
    assert {"Jong", "Senior"} <= labels


def test_segment_performance_ranks_with_recommendations(manager_app):
    app = manager_app("pages/segment_performance.py")
    ranking = next(frame.value for frame in app.dataframe if "recommendation" in frame.value.columns)
    assert ranking["rank"].min() == 1 and ranking["recommendation"].notna().all()


def test_experiments_give_plain_words_verdicts(manager_app):
    app = manager_app("pages/experiment_results.py")
    texts = " ".join(element.value for element in [*app.success, *app.info])
    assert "recipients per variant" in texts
    assert "than A" in texts or "no reliable difference" in texts
