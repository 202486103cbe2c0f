"""A real OpenID Connect provider for the SSO tests: panva's oidc-provider (OpenID Certified)
from the npm registry, run by Node with tests/oidc_provider/provider.mjs, and a browser-like
walk through its sign-in and consent pages."""

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from tests.helpers.smtp_server import free_port

PROVIDER_DIR = Path(__file__).resolve().parents[1] / "oidc_provider"
CLIENT_ID = "survey-app"
CLIENT_SECRET = "test-only-client-secret-0123456789"
STARTUP_SECONDS = 20


@dataclass(frozen=True)
class Provider:
    issuer: str

    def settings(self) -> dict:
        return {
            "SURVEY_OIDC_ISSUER": self.issuer,
            "SURVEY_OIDC_CLIENT_ID": CLIENT_ID,
            "SURVEY_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        }


def install_provider() -> None:
    """`npm ci` of the pinned version (package-lock.json), once; .ci/run does it beforehand."""
    if (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        # Like PostgreSQL, Chromium and Redis: a reason on a developer's machine, a failure in CI.
        reason = "Node.js and npm run the OpenID Connect provider of the SSO tests"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (under CI these tests must run)")
        pytest.skip(f"{reason}: apt-get install nodejs npm")
    subprocess.run(  # noqa: S603 (a fixed command)
        [npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=PROVIDER_DIR, check=True
    )


@contextmanager
def oidc_provider(public_url: str, accounts: dict[str, dict]) -> Iterator[Provider]:
    """The provider on a free port, knowing the service as a client and these accounts."""
    install_provider()
    port = free_port()
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [public_url.rstrip("/") + "/dang-nhap/sso/ve"],
        "post_logout_redirect_uris": [public_url.rstrip("/") + "/dang-nhap"],
    }
    environment = os.environ | {
        "OIDC_PORT": str(port),
        "OIDC_CLIENT": json.dumps(client),
        "OIDC_ACCOUNTS": json.dumps(accounts),
    }
    process = subprocess.Popen(  # noqa: S603 (a fixed command)
        [shutil.which("node") or "node", "provider.mjs"],
        cwd=PROVIDER_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(issuer, process)
        yield Provider(issuer)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(issuer: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "the OpenID Connect provider stopped at start"
        try:
            requests.get(issuer + "/.well-known/openid-configuration", timeout=1)
        except requests.ConnectionError:
            time.sleep(0.1)
        else:
            return
    raise AssertionError("the OpenID Connect provider did not start")


def through_provider(start_url: str, login: str, back_to: str) -> str:
    """Sign in as `login` on the provider's own pages and consent, as a browser would; the
    address the provider finally sends the browser to (on the service, `back_to`)."""
    browser = requests.Session()
    url, response = start_url, None
    for _step in range(12):
        if urlsplit(url).netloc == urlsplit(back_to).netloc:
            return url
        response = browser.get(url, allow_redirects=False, timeout=5)
        while response.status_code == 200:  # a page with a form: sign in, then consent
            form = BeautifulSoup(response.text, "html.parser").select_one("form")
            fields = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
            if "login" in fields:
                fields |= {"login": login, "password": "any password"}
            action = urljoin(response.url, form["action"])
            response = browser.post(action, data=fields, allow_redirects=False, timeout=5)
        url = urljoin(response.url, response.headers["Location"])
    raise AssertionError(f"the provider never sent the browser back: {url}")
