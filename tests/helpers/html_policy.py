"""What a page may not contain under the Content Security Policy."""

from bs4 import BeautifulSoup

# <script> elements that hold data, never run: allowed by the policy.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def inline_code(page: BeautifulSoup) -> list[str]:
    """Everything on the page the policy would block (or that needs 'unsafe-inline')."""
    found = [f"<style>: {tag.get_text()[:40]}" for tag in page.find_all("style")]
    for tag in page.find_all("script"):
        if not tag.get("src") and tag.get("type") not in DATA_SCRIPT_TYPES:
            found.append(f"inline <script>: {tag.get_text()[:40]}")
    for tag in page.find_all(True):
        found += [f"<{tag.name} {name}=...>" for name in tag.attrs if name.startswith("on")]
        if tag.has_attr("style"):
            found.append(f'<{tag.name} style="{tag["style"]}">')
    return found
