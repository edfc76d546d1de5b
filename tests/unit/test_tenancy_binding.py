"""Architecture: what a session may see is bound in one module, pdp.platform.db.tenancy, and nowhere else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from pdp.platform.callers import PortalRole, PortalUserCaller, SystemCaller
from pdp.platform.db import tenancy

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "platform" / "src" / "pdp" / "platform" / "db" / "tenancy.py"

# A write into a session's info by key, or by bulk (update/setdefault/pop of a tenancy key). The jobs buffer
# (pdp.platform.jobs) keeps its own key with setdefault/pop: it says nothing about what the session may see.
INFO_WRITE = re.compile(r"\binfo\[[^\]]+\]\s*(?:=|\|=)(?!=)|\binfo\.update\(|\binfo\.setdefault\((?!_BUFFER_KEY)")
SET_CONFIG = re.compile(r"set_config\(\s*'app\.")


SOURCES = ("platform", "connectors", "tenants", "workers", "web")


def _python_files(folders: tuple[str, ...] = (*SOURCES, "tests")) -> list[Path]:
    me = Path(__file__).resolve()
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py") if p.resolve() not in (BINDER, me)]


def test_only_the_tenancy_module_writes_session_info() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _python_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INFO_WRITE.search(line)
    ]
    assert not offenders, "bind tenancy through pdp.platform.db.tenancy:\n" + "\n".join(offenders)


def test_only_the_tenancy_module_sets_the_scope_settings_from_python() -> None:
    # The SECURITY DEFINER lookups set app.tenant_id in SQL (migrations), and attack tests set it by hand on
    # purpose; the application's Python goes through tenancy.bind.
    offenders = [
        str(path.relative_to(ROOT))
        for path in _python_files(SOURCES)
        if SET_CONFIG.search(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, offenders


def test_the_binder_is_where_the_scope_is_written() -> None:
    text = BINDER.read_text(encoding="utf-8")
    assert INFO_WRITE.search(text) and SET_CONFIG.search(text)


def test_a_caller_scoped_to_providers_cannot_be_adopted_mid_transaction() -> None:
    # adopt() trusts that SQL already set the transaction's settings, and SQL sets the tenant only.
    session = AsyncSession()
    with pytest.raises(ValueError, match="scoped to providers"):
        tenancy.adopt(session, PortalUserCaller("ten_x", "usr_x", {"prv_x": PortalRole.VIEWER}))
    tenancy.adopt(session, SystemCaller("ten_x"))
    assert tenancy.tenant_of(session) == "ten_x" and tenancy.provider_scope_of(session) is None
