"""The app role's least privilege: SECURITY DEFINER functions never read a temporary table, and pdp_app keeps
only the grants the code uses on the global tables.

PostgreSQL searches ``pg_temp`` *first* unless the search_path names it: with ``pg_catalog, public`` a caller could
create a temporary ``tenants`` table and have ``pdp_active_tenants()`` (running as the owner) read it. Naming
``pg_temp`` last closes that. Every SECURITY DEFINER function of the schema is altered, whichever migration made it;
tests/security/test_database_privileges.py checks that any later one is pinned the same way.

Grants: ``staff_users`` is read-only to the app (staff are created and promoted by an operator on the owner
connection, never by a request); the directory cache keeps what ``directory/repository.py`` does — an upsert of
the recipient (SELECT, INSERT, UPDATE; a recipient is never deleted) and a replacement of its services
(SELECT, INSERT, DELETE; a service row is never updated).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_SECURITY_DEFINER = """
    DO $$
    DECLARE fn regprocedure;
    BEGIN
        FOR fn IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                   WHERE n.nspname = 'public' AND p.prosecdef LOOP
            EXECUTE format('ALTER FUNCTION %s SET search_path = {path}', fn);
        END LOOP;
    END $$
"""


def upgrade(app_role: str) -> None:
    op.execute(_SECURITY_DEFINER.format(path="pg_catalog, public, pg_temp"))
    op.execute(f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON staff_users FROM {app_role}")
    op.execute(f"REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON chorus_recipients FROM {app_role}")
    op.execute(f"REVOKE UPDATE, TRUNCATE, REFERENCES, TRIGGER ON chorus_recipient_services FROM {app_role}")


def downgrade(app_role: str) -> None:
    op.execute(f"GRANT UPDATE ON chorus_recipient_services TO {app_role}")
    op.execute(f"GRANT DELETE ON chorus_recipients TO {app_role}")
    op.execute(f"GRANT INSERT, UPDATE ON staff_users TO {app_role}")
    op.execute(_SECURITY_DEFINER.format(path="pg_catalog, public"))
