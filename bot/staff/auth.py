"""Staff accounts: password hashing, sign-in with a rate limit, sessions and roles.

Framework-free (the web app and the command line both use it); every function takes the
SQLAlchemy session to work in and the current time.

* Passwords are hashed with Argon2id (argon2-cffi, its recommended parameters); a hash made with
  older parameters is replaced at the next sign-in. Unknown usernames cost the same time as
  known ones, so timing does not tell which accounts exist.
* Sign-in is limited: after 5 failures for one username from one address within 15 minutes, and
  after 30 failures from one address within 15 minutes, that address is refused until the oldest
  failure leaves the window; after 20 failures for one username from any addresses within an
  hour (a guessing attack spread over many addresses), the account is locked until the hour has
  passed or an admin unlocks it (`unlock_account`). Failures are kept in the database, so the
  limit holds across restarts and several server processes, and each sign-in checks and counts
  in one transaction, one at a time per username and per address (SQLite's writing transaction;
  on PostgreSQL, advisory locks), so twenty attempts at once let through exactly the limit.
* A session is a random token in the (signed) cookie; only its SHA-256 is stored. It ends after 2
  hours without use or 12 hours after sign-in, at sign-out, or when the account is deactivated or
  its password changed.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.staff.models import (
    ADMIN, ROLES, SignInFailure, StaffAudit, StaffSession, StaffUser,
)

FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER_AND_ADDRESS = 5
MAX_FAILURES_PER_ADDRESS = 30
ACCOUNT_FAILURE_WINDOW = timedelta(hours=1)
MAX_FAILURES_PER_ACCOUNT = 20
SESSION_IDLE = timedelta(hours=2)
SESSION_LIFETIME = timedelta(hours=12)
SESSION_TOUCH_EVERY = timedelta(minutes=1)   # write last_seen_at at most this often
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")


class AccountError(ValueError):
    """Something about an account that the person can fix; the message says what, and `field`
    which of the account's details it is about ("username", "display_name", "role", "password",
    "active"), if one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- passwords ----------------------------------------------------------------------------------

_hasher = PasswordHasher()
_dummy_hash: str | None = None


def set_hasher(hasher: PasswordHasher) -> None:
    """Use other Argon2 parameters (the tests use cheap ones)."""
    global _hasher, _dummy_hash
    _hasher, _dummy_hash = hasher, None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; always takes the time of one verification."""
    global _dummy_hash
    if not password_hash:
        if _dummy_hash is None:
            _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
        password_hash, password = _dummy_hash, password + "\x00not it"
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is not acceptable, or None. Length is what matters (NCSC guidance):
    no composition rules, but not the username and not a run of one character."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must be at least {MIN_PASSWORD_LENGTH} characters long"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"the password must be at most {MAX_PASSWORD_LENGTH} characters long"
    if username and username.lower() in password.lower():
        return "the password must not contain the username"
    if len(set(password)) < 4:
        return "the password is too easy to guess: use more different characters"
    return None


def normalise_username(username: str) -> str:
    return (username or "").strip().lower()


def username_problem(username: str) -> str | None:
    if not USERNAME.fullmatch(username):
        return ("a username is 2 to 64 characters: lower-case letters, digits and . _ @ -, "
                "starting with a letter or digit")
    return None


# --- the rate limit -------------------------------------------------------------------------------

def _client(ip: str | None) -> str:
    return (ip or "unknown")[:64]


def _lock_key(kind: str, value: str) -> int:
    digest = hashlib.sha256(f"intake-sign-in:{kind}:{value}".encode("utf-8", "replace")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def serialise(session: Session, username: str, ip: str | None) -> None:
    """Make this transaction's check and count of sign-in failures wait for any other sign-in of
    the same username or address (PostgreSQL; SQLite's writing transaction already does)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({_lock_key("user", normalise_username(username)[:64]),
                   _lock_key("ip", _client(ip))})
    for key in keys:  # always in the same order: no deadlock between two sign-ins
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _waits(session: Session, username: str, ip: str, now: datetime) -> tuple[list[float], bool]:
    """Seconds to wait for each limit reached, and whether the account-wide one is among them."""
    waits, account = [], False
    for conditions, limit, window in (
            ((SignInFailure.username == username, SignInFailure.ip == ip),
             MAX_FAILURES_PER_USER_AND_ADDRESS, FAILURE_WINDOW),
            ((SignInFailure.ip == ip,), MAX_FAILURES_PER_ADDRESS, FAILURE_WINDOW),
            ((SignInFailure.username == username,), MAX_FAILURES_PER_ACCOUNT, ACCOUNT_FAILURE_WINDOW)):
        times = session.execute(
            select(SignInFailure.at).where(*conditions, SignInFailure.at > now - window)
            .order_by(SignInFailure.at.desc()).limit(limit)).scalars().all()
        if len(times) >= limit:
            # Free again when the oldest of the last `limit` failures leaves the window.
            waits.append((times[-1] + window - now).total_seconds())
            account = account or window is ACCOUNT_FAILURE_WINDOW
    return waits, account


def retry_after(session: Session, username: str, ip: str | None, now: datetime) -> int | None:
    """Seconds until this username may try again from this address, or None if it may now."""
    waits, _ = _waits(session, normalise_username(username)[:64], _client(ip), now)
    if not waits:
        return None
    return max(1, int(max(waits) + 0.999))


def account_locked(session: Session, username: str, now: datetime) -> bool:
    """Whether the account-wide limit refuses this username from every address now."""
    return _waits(session, normalise_username(username)[:64], "\x00no address", now)[1]


def unlock_account(session: Session, username: str, *, actor: str, now: datetime) -> int:
    """Forget the username's failed sign-ins from every address (an admin's decision, recorded);
    how many were forgotten."""
    username = normalise_username(username)[:64]
    forgotten = session.execute(sa.delete(SignInFailure).where(
        SignInFailure.username == username)).rowcount or 0
    audit(session, actor, "account_unlocked", {"username": username, "failures": forgotten}, now)
    return forgotten


def record_failure(session: Session, username: str, ip: str | None, now: datetime) -> None:
    session.add(SignInFailure(username=normalise_username(username)[:64], ip=_client(ip), at=now))
    # Keep the table small: failures older than a day tell the limit nothing.
    session.execute(sa.delete(SignInFailure).where(SignInFailure.at < now - timedelta(days=1)))


def clear_failures(session: Session, username: str, ip: str | None) -> None:
    session.execute(sa.delete(SignInFailure).where(
        SignInFailure.username == normalise_username(username)[:64],
        SignInFailure.ip == _client(ip)))


@dataclass
class SignInResult:
    user: StaffUser | None = None
    token: str | None = None
    retry_after: int | None = None   # seconds: refused by the rate limit
    account_locked: bool = False     # refused by the account-wide limit (an admin can unlock)

    @property
    def ok(self) -> bool:
        return self.user is not None


def sign_in(session: Session, username: str, password: str, *, ip: str | None,
            user_agent: str | None, now: datetime) -> SignInResult:
    """Check the password (unless the rate limit refuses) and start a session. The caller
    commits. Wrong password, unknown and inactive accounts all look the same."""
    username = normalise_username(username)
    serialise(session, username, ip)
    waits, account = _waits(session, username[:64], _client(ip), now)
    if waits:
        return SignInResult(retry_after=max(1, int(max(waits) + 0.999)), account_locked=account)
    user = session.execute(select(StaffUser).where(StaffUser.username == username[:64])
                           ).scalar_one_or_none() if username else None
    matched = verify_password(user.password_hash if user else None, password or "")
    if not (matched and user is not None and user.active):
        record_failure(session, username or "(empty)", ip, now)
        audit(session, username[:64] or "(empty)", "sign_in_failed", {"ip": _client(ip)}, now)
        return SignInResult()
    clear_failures(session, username, ip)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_sign_in_at = now
    token = start_session(session, user, ip=ip, user_agent=user_agent, now=now)
    audit(session, user.username, "signed_in", {"ip": _client(ip)}, now)
    return SignInResult(user=user, token=token)


# --- sessions -------------------------------------------------------------------------------------

def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user: StaffUser, *, ip: str | None, user_agent: str | None,
                  now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    session.add(StaffSession(id=_token_id(token), user_id=user.id, created_at=now,
                             last_seen_at=now, expires_at=now + SESSION_LIFETIME,
                             ip=_client(ip), user_agent=(user_agent or "")[:300]))
    # Sessions that ended long ago are of no use to anyone.
    session.execute(sa.delete(StaffSession).where(
        StaffSession.expires_at < now - timedelta(days=1)))
    return token


def session_user(session: Session, token: str | None, now: datetime
                 ) -> tuple[StaffUser, StaffSession] | None:
    """The signed-in user of a session token and its session, or None (unknown, ended, idle, or
    the account is inactive). Only reads: see `touch_session` and `end_session`."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    row = session.get(StaffSession, _token_id(token))
    if row is None or row.expires_at <= now or row.last_seen_at + SESSION_IDLE <= now:
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active:
        return None
    return user, row


def needs_touch(row: StaffSession, now: datetime) -> bool:
    return now - row.last_seen_at >= SESSION_TOUCH_EVERY


def touch_session(session: Session, token: str, now: datetime) -> None:
    """Mark a session as used now (it ends after SESSION_IDLE without use)."""
    session.execute(sa.update(StaffSession).where(StaffSession.id == _token_id(token))
                    .values(last_seen_at=now))


def end_session(session: Session, token: str | None) -> None:
    if token and isinstance(token, str):
        session.execute(sa.delete(StaffSession).where(StaffSession.id == _token_id(token)))


def end_all_sessions(session: Session, user_id: int, except_token: str | None = None) -> None:
    statement = sa.delete(StaffSession).where(StaffSession.user_id == user_id)
    if except_token:
        statement = statement.where(StaffSession.id != _token_id(except_token))
    session.execute(statement)


# --- accounts -------------------------------------------------------------------------------------

def audit(session: Session, actor: str, action: str, details: dict | None, now: datetime) -> None:
    session.add(StaffAudit(at=now, actor=actor, action=action, details=dict(details or {})))


def find_user(session: Session, username: str) -> StaffUser | None:
    return session.execute(select(StaffUser).where(
        StaffUser.username == normalise_username(username))).scalar_one_or_none()


def account_problems(username: str, display_name: str, role: str, password: str) -> dict[str, str]:
    """Every problem with a new account's details, by field ("username", "display_name", "role",
    "password"), in that order: a form says them all at once. Empty when the account can be
    made (unless the username is taken)."""
    problems = {}
    username = normalise_username(username)
    if not username:
        problems["username"] = "enter a username"
    elif problem := username_problem(username):
        problems["username"] = problem
    display_name = " ".join((display_name or "").split())
    if not display_name:
        problems["display_name"] = "enter the person's name"
    elif len(display_name) > 200:
        problems["display_name"] = "give the person's name (at most 200 characters)"
    if role not in ROLES:
        problems["role"] = f"the role must be one of {', '.join(ROLES)}"
    if not password:
        problems["password"] = "enter a password"
    elif problem := password_problem(password, username):
        problems["password"] = problem
    return problems


def create_user(session: Session, username: str, display_name: str, role: str, password: str, *,
                actor: str, now: datetime) -> StaffUser:
    problems = account_problems(username, display_name, role, password)
    if problems:
        field, problem = next(iter(problems.items()))
        raise AccountError(problem, field)
    username = normalise_username(username)
    display_name = " ".join((display_name or "").split())
    if find_user(session, username) is not None:
        raise AccountError(f"there is already an account called {username!r}", "username")
    user = StaffUser(username=username, display_name=display_name, role=role,
                     password_hash=hash_password(password), active=True, created_at=now,
                     updated_at=now, password_changed_at=now)
    session.add(user)
    session.flush()
    audit(session, actor, "user_created", {"username": username, "role": role}, now)
    return user


def _active_admins(session: Session) -> int:
    return session.execute(select(sa.func.count(StaffUser.id)).where(
        StaffUser.role == ADMIN, StaffUser.active.is_(True))).scalar_one()


def update_user(session: Session, user: StaffUser, *, actor: str, now: datetime,
                role: str | None = None, active: bool | None = None,
                display_name: str | None = None) -> list[str]:
    """Change an account's role, name or whether it may sign in; what changed, in words.
    The last active admin cannot be demoted or deactivated (someone must manage accounts)."""
    changes = []
    if role is not None and role != user.role:
        if role not in ROLES:
            raise AccountError(f"the role must be one of {', '.join(ROLES)}", "role")
        if user.role == ADMIN and user.active and _active_admins(session) <= 1:
            raise AccountError("this is the only active admin: make someone else an admin first",
                               "role")
        changes.append(f"role {user.role} -> {role}")
        user.role = role
    if active is not None and bool(active) != bool(user.active):
        if not active and user.role == ADMIN and _active_admins(session) <= 1:
            raise AccountError("this is the only active admin: make someone else an admin first",
                               "active")
        changes.append("activated" if active else "deactivated")
        user.active = bool(active)
        if not active:
            end_all_sessions(session, user.id)
    if display_name is not None:
        display_name = " ".join(display_name.split())
        if not display_name or len(display_name) > 200:
            raise AccountError("give the person's name (at most 200 characters)", "display_name")
        if display_name != user.display_name:
            changes.append("name changed")
            user.display_name = display_name
    if changes:
        user.updated_at = now
        audit(session, actor, "user_changed", {"username": user.username, "changes": changes}, now)
    return changes


def set_password(session: Session, user: StaffUser, password: str, *, actor: str, now: datetime,
                 keep_token: str | None = None) -> None:
    """A new password; every other session of the account ends."""
    problem = password_problem(password, user.username)
    if problem:
        raise AccountError(problem, "password")
    user.password_hash = hash_password(password)
    user.password_changed_at = user.updated_at = now
    end_all_sessions(session, user.id, except_token=keep_token)
    audit(session, actor, "password_set", {"username": user.username}, now)
