"""The counter tablet's files as the server hands them out: the app page, its service worker
and its manifest (the tablet itself is driven in tests/browser/test_kiosk*.py)."""

import json
import re
from pathlib import Path

from flask_babel import force_locale

from survey_app.display.labels import SCALE_LABELS
from tests.helpers.survey_pages import SCALE_VI, parse

JS_TYPES = {"text/javascript", "application/javascript"}


def app_strings(page) -> dict[str, dict[str, str]]:
    return json.loads(page.select_one("script#kiosk-strings[type='application/json']").string)


def test_the_app_page_has_no_inline_script_or_style(client):
    response = client.get("/kiosk/")
    page = parse(response)

    assert response.headers["Cache-Control"] == "no-cache"
    for script in page.find_all("script"):
        assert script.get("src") or script.get("type") == "application/json", script
    assert page.find_all("style") == []
    assert [tag.name for tag in page.find_all(True) if tag.has_attr("style")] == []
    assert [
        (tag.name, name)
        for tag in page.find_all(True)
        for name in tag.attrs
        if name.startswith("on")
    ] == []


def test_the_app_page_carries_every_word_in_both_languages(client):
    strings = app_strings(parse(client.get("/kiosk/")))

    assert set(strings) == {"vi", "en"}
    assert strings["vi"].keys() == strings["en"].keys()
    assert [strings["vi"][f"scale_{level}"] for level in range(1, 6)] == SCALE_VI
    with force_locale("en"):
        assert strings["en"]["scale_1"] == str(SCALE_LABELS[1])
    assert all(text.strip() for texts in strings.values() for text in texts.values())


def test_every_file_the_page_names_is_served(client):
    page = parse(client.get("/kiosk/"))
    urls = [tag["href"] for tag in page.select("link[href]")]
    urls += [tag["src"] for tag in page.select("script[src]")]
    urls.append(page.body["data-sw"])

    for url in urls:
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url
    assert any(url.endswith("/app.js") for url in urls)


def test_the_service_worker_is_javascript_for_the_kiosk_scope_never_cached(client):
    response = client.get("/kiosk/sw.js")

    assert response.status_code == 200
    assert response.mimetype in JS_TYPES
    assert response.headers["Service-Worker-Allowed"] == "/kiosk/"
    assert response.headers["Cache-Control"] == "no-cache"


def test_the_service_worker_caches_the_page_and_all_its_files_under_the_page_version(client):
    page = parse(client.get("/kiosk/"))
    worker = client.get("/kiosk/sw.js").get_data(as_text=True)

    version = json.loads(re.search(r"const VERSION = (.+);", worker).group(1))
    cached = json.loads(re.search(r"const ASSETS = (.+);", worker).group(1))
    assert version == page.body["data-version"]
    assert json.loads(re.search(r"const SHELL = (.+);", worker).group(1)) == "/kiosk/"
    named = {tag["href"] for tag in page.select("link[rel=stylesheet], link[rel=modulepreload]")}
    named |= {tag["src"] for tag in page.select("script[src]")}
    assert named <= set(cached)


def test_an_unchanged_app_page_is_answered_with_304(client):
    first = client.get("/kiosk/")

    again = client.get("/kiosk/", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304


def test_the_manifest_installs_a_full_screen_app_on_the_kiosk_path(client):
    response = client.get("/kiosk/manifest.webmanifest")
    manifest = json.loads(response.get_data(as_text=True))

    assert response.mimetype == "application/manifest+json"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/kiosk/",
        "/kiosk/",
        "fullscreen",
    )
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        served = client.get(icon["src"])
        served.close()
        assert (served.status_code, served.mimetype) == (200, icon["type"])


def test_the_scripts_build_the_page_without_html_strings_or_inline_styles(app):
    """What the tablet shows is set as text (no markup from data) and styled by the style
    sheet only, as the Content Security Policy requires."""
    folder = Path(app.static_folder) / "kiosk"
    scripts = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.js")}

    assert "app.js" in scripts
    forbidden = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|\.style\b|eval\(|new Function")
    assert {
        name: forbidden.findall(text) for name, text in scripts.items() if forbidden.search(text)
    } == {}
