"""A portal user's e-mail choices: their role's defaults until they choose, then exactly their choice."""

from __future__ import annotations

from pdp.platform.callers import PortalRole
from pdp.tenants.notifications.emails import LABELS
from pdp.tenants.notifications.preferences import GROUPS, NOTIFIED_STATUSES, choices_of, customised, highest


def test_the_groups_cover_every_status_email_once() -> None:
    statuses = [status for group in GROUPS.values() for status in group]
    assert sorted(statuses) == sorted(LABELS) and len(statuses) == len(set(statuses))


def test_defaults_follow_the_role() -> None:
    admin, depositor, viewer = (choices_of({}, role) for role in PortalRole)
    assert admin.groups == {"progress", "action", "payment"} and admin.mandate_events
    assert depositor.groups == {"progress", "action"} and not depositor.mandate_events
    assert viewer.groups == {"action", "payment"} and not viewer.mandate_events
    assert viewer.wants_status("rejected") and not viewer.wants_status("deposited")


def test_a_choice_replaces_the_defaults_key_by_key() -> None:
    chosen = choices_of({"invoice_status": ["payment_sent", "paid", "nonsense"]}, PortalRole.ADMIN)
    assert chosen.invoice_statuses == {"payment_sent"}  # statuses pdp does not e-mail about are dropped
    assert chosen.mandate_events  # not chosen: the admin's default
    assert not choices_of({"invoice_status": [], "mandate_events": False}, PortalRole.ADMIN).groups
    assert customised({"mandate_events": True}) and not customised({})
    assert set(LABELS) == NOTIFIED_STATUSES


def test_the_page_shows_the_defaults_of_the_highest_role() -> None:
    assert highest([PortalRole.VIEWER, PortalRole.ADMIN]) is PortalRole.ADMIN
    assert highest([PortalRole.VIEWER, PortalRole.DEPOSITOR]) is PortalRole.DEPOSITOR
    assert highest([]) is PortalRole.VIEWER
