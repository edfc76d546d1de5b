"""The back-office console for pdp's support staff (``/console``): sign-in, search, tenants under a grant."""
