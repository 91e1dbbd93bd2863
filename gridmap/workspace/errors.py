"""Named errors of the workspace: refused rights, missing or existing names, conflicting saves, logins.

Every error here is a :class:`WorkspaceError` (a ``ValueError``, like every named error of gridmap):
its message (a catalog id, ``err_ws_…``, rendered in the language current when shown, like every
:class:`gridmap.errors.GridmapError`) says what was refused and what to do, and it carries a ``code``
and ``params`` for scripts and the app. The command line turns each into exit status 2 and one
``error:`` line; the app shows the message. Passwords never appear in a message, nor in ``params``.

* :class:`PermissionDenied` — the principal may not do this (a viewer editing, a planner outside
  the scope, anyone but an admin managing accounts);
* :class:`NotFound`, :class:`AlreadyExists` — a project, plan, revision or account name;
* :class:`SaveConflict` — a save touched units that another save changed since the plan was
  opened; the planner's plan is kept as a ``rescue`` revision (``.rescue``);
* :class:`StaleHead` — the storage-level signal of a compare-and-swap that lost (the head moved);
  :class:`gridmap.workspace.workspace.WorkspaceSession` handles it by merging;
* :class:`LoginFailed`, :class:`AccountLocked`, :class:`SessionExpired` — accounts and sessions
  (:mod:`gridmap.workspace.auth`);
* :class:`WorkspaceFormatError` — a folder or database that is not a workspace, or one written by
  a newer gridmap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gridmap.errors import GridmapError
from gridmap.vocab import CATALOG, Message

if TYPE_CHECKING:
    from gridmap.workspace.model import Revision

__all__ = ["WorkspaceError", "PermissionDenied", "NotFound", "AlreadyExists", "SaveConflict", "StaleHead",
           "AuthError", "LoginFailed", "AccountLocked", "SessionExpired", "WorkspaceFormatError"]


class WorkspaceError(GridmapError):
    """A workspace operation that cannot be done; the message says what and what to do.

    Parameters
    ----------
    message : a message id of the catalog (``err_ws_…``, rendered with ``params`` in the language current
        when shown), a :class:`~gridmap.vocab.Message`, or a text kept as it is.
    code : a stable key naming the kind of refusal (e.g. ``edit_outside_scope``), for scripts and the app.
    params : what the message names (units, grids, a project); the template uses those it names.
    """

    def __init__(self, message: str | Message, code: str = "", /, **params: Any):
        if isinstance(message, str) and message in CATALOG:
            message = Message(message, **params)
        super().__init__(message)
        self.code = code or type(self).__name__
        self.params = params

    def __reduce__(self):
        """Pickle the message, code and attributes (the subclasses' constructors differ)."""
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _restore(cls: type[WorkspaceError], args: tuple, state: dict) -> WorkspaceError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class PermissionDenied(WorkspaceError):
    """The principal has no right to do this; checked in the workspace API, never only in a user interface."""


class NotFound(WorkspaceError):
    """A project, plan, revision, account or session that does not exist (or is not visible to the principal)."""


class AlreadyExists(WorkspaceError):
    """A project, plan or account name that is already taken."""


class WorkspaceFormatError(WorkspaceError):
    """Not a workspace, or a workspace of a newer format than this gridmap reads."""


class StaleHead(WorkspaceError):
    """A compare-and-swap of a plan's head lost: the head is no longer the expected revision.

    Raised by :meth:`gridmap.workspace.backend.Backend.commit_revision`; ``head`` is the head found.
    """

    def __init__(self, message: str | Message, head: int):
        super().__init__(message, "stale_head", head=head)
        self.head = head


class SaveConflict(WorkspaceError):
    """A save refused because another save since the plan was opened changed the same units or grids.

    Nothing is lost: the refused plan is stored as the ``rescue`` revision ``rescue`` (not the head).

    Attributes
    ----------
    units : unit ids changed by both saves.
    grids : grid codes in conflict (locked by one side while the other changed them, removed by one
        side while the other put units in them).
    head : the head revision the save collided with.
    rescue : the rescue revision holding the refused plan.
    """

    def __init__(self, message: str | Message, *, units: tuple = (), grids: tuple[str, ...] = (), head: int = 0,
                 rescue: Revision | None = None):
        super().__init__(message, "save_conflict", units=list(units), grids=list(grids), head=head,
                         rescue=rescue.number if rescue is not None else None)
        self.units = tuple(units)
        self.grids = tuple(grids)
        self.head = head
        self.rescue = rescue


class AuthError(WorkspaceError):
    """A login or session that cannot be accepted."""


class LoginFailed(AuthError):
    """Wrong name or password, or a disabled account (one message for all, so names cannot be probed)."""


class AccountLocked(AuthError):
    """Too many failed logins: the account is locked until ``until`` (UTC)."""

    def __init__(self, message: str | Message, until):
        super().__init__(message, "account_locked", until=until.isoformat())
        self.until = until


class SessionExpired(AuthError):
    """A session token that is unknown, revoked or past its expiry: log in again."""
