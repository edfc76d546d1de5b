"""Job modules. Importing this package registers every job (called by the worker factory, not at import)."""


def load_all() -> None:
    from pdp.workers.tasks import (  # noqa: F401
        audit,
        chorus_copies,
        chorus_passwords,
        daily,
        directory,
        identity,
        invoices,
        maintenance,
        mandates,
        notifications,
        portal,
        webhooks,
    )
