"""Job modules. Importing this package registers every job (called by the worker factory, not at import)."""


def load_all() -> None:
    from pdp.workers.tasks import audit, daily, directory, invoices, maintenance, notifications, portal, webhooks  # noqa: F401
