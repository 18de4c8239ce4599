"""Real browser: set up the first admin, sign out and in, open every page, no exception anywhere."""

import pytest

from tests.browser_support import (
    assert_no_exception,
    browser_page,
    chromium_path,
    running_app,
    screenshot,
    wait_idle,
)
from ui.navigation import PAGES

pytestmark = pytest.mark.browser
PASSWORD = "browser smoke password"


def test_setup_sign_in_and_every_page(tmp_path):
    chromium_path()
    with running_app(tmp_path) as base, browser_page() as page:
        page.goto(base)
        page.get_by_text("Welcome to Amanah").wait_for()
        page.get_by_label("Username", exact=True).fill("founder")
        page.get_by_label("Your name (shown to colleagues)").fill("Fatima Founder")
        page.get_by_label("Password (at least 12 characters)").fill(PASSWORD)
        page.get_by_label("Repeat the password").fill(PASSWORD)
        screenshot(page, "01-setup")
        page.get_by_role("button", name="Create admin account").click()
        page.get_by_text("Welcome, Fatima Founder").wait_for(timeout=90_000)
        wait_idle(page)
        assert_no_exception(page)

        page.get_by_role("button", name="Sign out").click()
        page.get_by_text("Sign in to Amanah").wait_for()
        page.get_by_label("Username", exact=True).fill("founder")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Welcome, Fatima Founder").wait_for()
        wait_idle(page)
        screenshot(page, "02-home")

        sidebar = page.locator('[data-testid="stSidebar"]')
        for number, spec in enumerate(PAGES, start=3):
            sidebar.get_by_role("link", name=spec.title).click()
            page.wait_for_url(f"**/{'' if spec.url_path == 'home' else spec.url_path}")
            wait_idle(page)
            assert_no_exception(page)
            screenshot(page, f"{number:02d}-{spec.url_path}")


def test_marketer_uploads_a_messy_file_and_saves_it(tmp_path):
    chromium_path()
    upload = tmp_path / "klanten.csv"
    upload.write_bytes(
        "klantnummer;naam;e-mailadres;leeftijd;woonplaats;religie;omzet;nieuwsbrief_email\n"
        "K001;Jan de Vries;jan@nl.example.com;34;Amsterdam;katholiek;1.234,50;ja\n"
        "K002;Jürgen Weiß;jurgen@de.example.com;28;Köln;evangelisch;980,00;nein\n".encode("cp1252"))
    with running_app(tmp_path) as base, browser_page() as page:
        page.goto(base)
        page.get_by_label("Username", exact=True).fill("founder")
        page.get_by_label("Password (at least 12 characters)").fill(PASSWORD)
        page.get_by_label("Repeat the password").fill(PASSWORD)
        page.get_by_text("Load the demo data").click()  # untick: start empty
        page.get_by_role("button", name="Create admin account").click()
        page.get_by_text("Welcome,").wait_for(timeout=60_000)
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Data").click()
        page.get_by_role("tab", name="Upload").click()
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(upload))
        page.get_by_text("2 rows × 8 columns").wait_for(timeout=60_000)
        wait_idle(page)
        assert_no_exception(page)
        screenshot(page, "20-upload")
        page.get_by_role("button", name="Save dataset").click()
        page.get_by_text("consent events recorded").wait_for(timeout=60_000)
        wait_idle(page)
        assert_no_exception(page)
        screenshot(page, "21-saved")
