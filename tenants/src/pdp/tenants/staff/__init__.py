"""Support staff's access to tenants: grants opened with a reason, read under, audited, listed to the tenant."""
