"""Accounts, passwords, the sign-in rate limit and sessions, without the web (bot.staff.auth)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher, profiles

from bot.staff import auth
from bot.staff.models import StaffAudit, StaffSession, StaffUser
from tests.staff.conftest import PASSWORD


def test_passwords_are_argon2id_hashes_that_verify_only_the_right_password():
    hashed = auth.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$") and PASSWORD not in hashed
    assert auth.hash_password(PASSWORD) != hashed          # salted
    assert auth.verify_password(hashed, PASSWORD)
    assert not auth.verify_password(hashed, PASSWORD + " ")
    assert not auth.verify_password("not a hash", PASSWORD)
    assert not auth.verify_password(None, PASSWORD)        # unknown user: same work, no match


def test_password_and_username_rules():
    assert auth.password_problem("short") == "the password must be at least 12 characters long"
    assert "username" in auth.password_problem("ada-is-my-password", "ada")
    assert "easy to guess" in auth.password_problem("aaaaaaaaaaaaaaa")
    assert auth.password_problem("x" * 2000).startswith("the password must be at most")
    assert auth.password_problem(PASSWORD, "ada") is None
    assert auth.username_problem("ada") is None and auth.username_problem("a.b-c@d_e") is None
    assert auth.username_problem("Ada") and auth.username_problem("a") and auth.username_problem("a b")


def test_accounts_need_a_valid_unique_name_role_and_password(store, clock):
    with store.write() as db:
        user = auth.create_user(db, "  Ada ", "Ada  Lovelace", "advocate", PASSWORD,
                                actor="test", now=clock())
        assert (user.username, user.display_name, user.role) == ("ada", "Ada Lovelace", "advocate")
        for args, message in ((("ada", "Another", "advocate", PASSWORD), "already an account"),
                              (("bob", "Bob", "boss", PASSWORD), "role must be one of"),
                              (("bob", "Bob", "advocate", "short"), "at least 12"),
                              (("bob", "", "advocate", PASSWORD), "the person's name")):
            with pytest.raises(auth.AccountError, match=message):
                auth.create_user(db, *args, actor="test", now=clock())
        assert db.query(StaffAudit).filter_by(action="user_created").count() == 1


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(store, clock):
    with store.write() as db:
        ann = auth.create_user(db, "ann", "Ann", "admin", PASSWORD, actor="t", now=clock())
        with pytest.raises(auth.AccountError, match="only active admin"):
            auth.update_user(db, ann, actor="t", now=clock(), role="manager")
        with pytest.raises(auth.AccountError, match="only active admin"):
            auth.update_user(db, ann, actor="t", now=clock(), active=False)
        auth.create_user(db, "bea", "Bea", "admin", PASSWORD, actor="t", now=clock())
        assert auth.update_user(db, ann, actor="t", now=clock(), role="manager") == [
            "role admin -> manager"]


def test_roles_are_ordered_advocate_manager_admin():
    advocate, manager, admin = (StaffUser(role=r, active=True) for r in ("advocate", "manager", "admin"))
    assert advocate.can("advocate") and not advocate.can("manager") and not advocate.can("admin")
    assert manager.can("advocate") and manager.can("manager") and not manager.can("admin")
    assert admin.can("admin") and admin.can("manager")
    assert not StaffUser(role="admin", active=False).can("advocate")


def test_five_failures_for_one_username_and_address_lock_them_for_fifteen_minutes(store, clock, users):
    def attempt(password, username="ada", ip="10.0.0.1"):
        with store.write() as db:
            return auth.sign_in(db, username, password, ip=ip, user_agent="t", now=clock())

    for _ in range(5):
        result = attempt("wrong password!")
        assert not result.ok and result.retry_after is None
    clock.advance(minutes=1)
    locked = attempt(PASSWORD)                  # even the right password is refused now
    assert not locked.ok and locked.retry_after == 14 * 60
    assert attempt(PASSWORD, ip="10.0.0.2").ok  # another address is not locked out
    assert attempt(PASSWORD, username="max").ok  # nor another account from the same address
    clock.advance(minutes=14)
    assert attempt(PASSWORD).ok                 # the window has passed
    # A successful sign-in clears the failures of that username and address.
    for _ in range(4):
        attempt("wrong again!")
    assert attempt(PASSWORD).ok
    assert attempt("wrong once more").retry_after is None


def test_many_failures_from_one_address_lock_it_for_every_username(store, clock, users):
    with store.write() as db:
        for n in range(auth.MAX_FAILURES_PER_ADDRESS):
            auth.sign_in(db, f"guess{n}", "nope nope nope", ip="10.9.9.9", user_agent="", now=clock())
    with store.write() as db:
        result = auth.sign_in(db, "ada", PASSWORD, ip="10.9.9.9", user_agent="", now=clock())
    assert result.retry_after is not None and not result.ok


def test_unknown_and_inactive_accounts_fail_like_a_wrong_password(store, clock, users):
    with store.write() as db:
        assert not auth.sign_in(db, "nobody", PASSWORD, ip="1", user_agent="", now=clock()).ok
        ada = auth.find_user(db, "ada")
        auth.create_user(db, "ben", "Ben", "admin", PASSWORD, actor="t", now=clock())
        auth.update_user(db, ada, actor="t", now=clock(), active=False)
        assert not auth.sign_in(db, "ada", PASSWORD, ip="1", user_agent="", now=clock()).ok


def test_sessions_end_when_idle_after_their_lifetime_at_sign_out_and_with_a_new_password(
        store, clock, users):
    def sign_in():
        with store.write() as db:
            return auth.sign_in(db, "ada", PASSWORD, ip="1", user_agent="ua", now=clock()).token

    def who(token):
        with store.read() as db:
            found = auth.session_user(db, token, clock())
            return found and found[0].username

    token = sign_in()
    with store.read() as db:
        stored = db.query(StaffSession).one()
    assert stored.id != token and len(stored.id) == 64     # only the token's hash is kept
    assert who(token) == "ada" and who("forged") is None and who(None) is None
    clock.advance(hours=1, minutes=59)
    assert who(token) == "ada"
    clock.advance(minutes=2)
    assert who(token) is None                                # idle for more than 2 hours

    token = sign_in()
    for _ in range(6):                                       # used every 2 hours...
        clock.advance(hours=1, minutes=50)
        assert who(token) == "ada"
        with store.write() as db:
            auth.touch_session(db, token, clock())
    clock.advance(hours=1, minutes=50)                       # ...but not past 12 hours
    assert who(token) is None

    token, other = sign_in(), sign_in()
    with store.write() as db:
        auth.set_password(db, auth.find_user(db, "ada"), "another long passphrase", actor="ada",
                          now=clock(), keep_token=token)
    assert who(token) == "ada" and who(other) is None
    with store.write() as db:
        auth.end_session(db, token)
    assert who(token) is None


def test_a_hash_with_old_parameters_is_upgraded_at_sign_in(store, clock, users):
    auth.set_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))
    with store.read() as db:
        before = auth.find_user(db, "ada").password_hash
    stronger = PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1)
    auth.set_hasher(stronger)
    try:
        with store.write() as db:
            assert auth.sign_in(db, "ada", PASSWORD, ip="1", user_agent="", now=clock()).ok
        with store.read() as db:
            after = auth.find_user(db, "ada").password_hash
        assert after != before and not stronger.check_needs_rehash(after)
        assert auth.verify_password(after, PASSWORD)
    finally:
        auth.set_hasher(PasswordHasher.from_parameters(profiles.CHEAPEST))


def test_failures_older_than_a_day_are_removed(store, clock, users):
    from bot.staff.models import SignInFailure

    with store.write() as db:
        auth.record_failure(db, "ada", "1", clock())
    clock.advance(days=1, minutes=1)
    with store.write() as db:
        auth.record_failure(db, "ada", "1", clock())
    with store.read() as db:
        assert db.query(SignInFailure).count() == 1
    assert timedelta(minutes=15) == auth.FAILURE_WINDOW


def test_failures_for_one_account_from_many_addresses_lock_it_until_an_admin_unlocks(
        store, clock, users):
    """A guesser spreading attempts over many addresses stays under the per-address limits; the
    account-wide cap stops them, and only for that account."""
    for n in range(auth.MAX_FAILURES_PER_ACCOUNT):
        with store.write() as db:
            result = auth.sign_in(db, "ada", "not the password", ip=f"10.1.{n}.1",
                                  user_agent="", now=clock())
        assert result.retry_after is None
    with store.write() as db:
        refused = auth.sign_in(db, "ada", PASSWORD, ip="192.0.2.50", user_agent="", now=clock())
        assert auth.account_locked(db, "ada", clock())
        assert not auth.account_locked(db, "max", clock())
    assert not refused.ok and refused.account_locked and refused.retry_after > 50 * 60
    with store.write() as db:
        assert auth.sign_in(db, "max", PASSWORD, ip="192.0.2.50", user_agent="", now=clock()).ok
        assert auth.unlock_account(db, "ada", actor="admin:ann", now=clock()) == 20
    with store.write() as db:
        assert auth.sign_in(db, "ada", PASSWORD, ip="192.0.2.50", user_agent="", now=clock()).ok
    with store.read() as db:
        unlocked = db.query(StaffAudit).filter(StaffAudit.action == "account_unlocked").one()
    assert unlocked.actor == "admin:ann" and unlocked.details["username"] == "ada"


@pytest.fixture
def postgres_store(clock):
    from bot.cases.db import make_engine, upgrade
    from bot.cases.store import CaseStore
    from tests.support.services import fresh_postgres_database

    for url in fresh_postgres_database("intake_signin", "the concurrent sign-in tests"):
        engine = make_engine(url)
        upgrade(engine)
        store = CaseStore(engine, clock=clock, forward=False)
        with store.write() as db:
            auth.create_user(db, "ada", "Ada Advocate", "advocate", PASSWORD, actor="test",
                             now=clock())
        try:
            yield store
        finally:
            store.dispose()


def test_twenty_wrong_sign_ins_at_once_on_postgresql_let_exactly_the_limit_through(
        postgres_store, clock):
    """Each sign-in checks and counts in one transaction, waiting for the others of the same
    username and address: of twenty at once, exactly MAX_FAILURES_PER_USER_AND_ADDRESS are
    checked; the rest are refused without trying the password."""
    import threading

    from bot.staff.models import SignInFailure

    start = threading.Barrier(20)
    results = []

    def attempt() -> None:
        start.wait()
        with postgres_store.write() as db:
            results.append(auth.sign_in(db, "ada", "wrong password!", ip="203.0.113.9",
                                        user_agent="", now=clock()))

    threads = [threading.Thread(target=attempt) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    checked = [r for r in results if r.retry_after is None]
    assert len(checked) == auth.MAX_FAILURES_PER_USER_AND_ADDRESS
    assert len(results) == 20 and not any(r.ok for r in results)
    with postgres_store.read() as db:
        assert db.query(SignInFailure).count() == auth.MAX_FAILURES_PER_USER_AND_ADDRESS
