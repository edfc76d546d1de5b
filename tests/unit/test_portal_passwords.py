"""Portal passwords are stored as argon2id hashes (issue 12: "password (argon2)"), checked without a stored hash as
a no, and rehashed when their parameters are not today's; the sign-in tests only see that a password works."""

from __future__ import annotations

from argon2 import PasswordHasher

from pdp.tenants.accounts import passwords

PASSWORD = "correct horse battery staple"


async def test_a_password_is_kept_as_an_argon2id_hash_that_only_it_matches() -> None:
    stored = await passwords.hash_password(PASSWORD)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert await passwords.verify_password(stored, PASSWORD)
    assert not await passwords.verify_password(stored, PASSWORD + "!")
    assert not passwords.needs_rehash(stored)


async def test_no_stored_hash_an_unreadable_one_or_an_overlong_password_is_a_no() -> None:
    assert not await passwords.verify_password(None, PASSWORD)
    assert not await passwords.verify_password("not a hash", PASSWORD)
    overlong = "x" * (passwords.MAX_LENGTH + 1)
    assert not await passwords.verify_password(await passwords.hash_password(overlong), overlong)


def test_a_hash_made_with_weaker_parameters_or_unreadable_is_rehashed() -> None:
    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    assert passwords.needs_rehash(weaker)
    assert passwords.needs_rehash("not a hash")
