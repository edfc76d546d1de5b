"""The portal's static files (vendored htmx, portal.css) are served by pdp under /static/portal/, cached for a
year under URLs that change with their content, and allowed by the portal pages' CSP (its browser proof:
tests/browser/test_htmx_under_csp.py)."""

from __future__ import annotations

from typing import Any

from pdp.web.portal.assets import HTMX, HTMX_VERSION, STATIC, portal_asset


async def test_htmx_is_served_as_javascript_cached_for_a_year_without_a_cookie(client: Any) -> None:
    url = portal_asset(HTMX)
    assert url == f"/static/portal/htmx-{HTMX_VERSION}.min.js"  # its version in its name
    served = await client.get(url)
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("text/javascript")
    assert served.headers["x-content-type-options"] == "nosniff"  # so the type above is the one that counts
    assert "max-age=31536000" in served.headers["cache-control"] and "public" in served.headers["cache-control"]
    assert "set-cookie" not in served.headers  # no CSRF cookie on a file shared caches may keep
    assert served.content == (STATIC / HTMX).read_bytes()
    assert f'version:"{HTMX_VERSION}"' in served.text
    assert "Zero-Clause BSD" in (STATIC / "LICENSE").read_text()


async def test_the_stylesheet_url_changes_with_its_content(client: Any) -> None:
    url = portal_asset("portal.css")
    assert url.startswith("/static/portal/portal.css?v=")
    served = await client.get(url)
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/css")
    assert ".htmx-indicator" in served.text


async def test_portal_pages_allow_scripts_and_styles_from_pdp_itself(client: Any) -> None:
    page = await client.get("/portal/mandates/accept/not-a-real-token")  # an error page has the portal's CSP too
    assert page.headers["content-type"].startswith("text/html")
    policy = {name: values for name, *values in (p.split() for p in page.headers["content-security-policy"].split(";"))}
    assert "'self'" in policy["script-src"] and "'self'" in policy["style-src"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert (await client.get("/static/portal/nothing.js")).status_code == 404
