"""Friendships between users of this server: an invitation until the invitee accepts it (rows, through the change
seam; no subscription collection covers friends, so the writes record no change)."""

from __future__ import annotations

from sqlalchemy import Engine, and_, delete, insert, or_, select, update

from fitbit_local.store.changes import write
from fitbit_local.store.schema import friendships


class FriendRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def friends(self, user_id: str) -> list[str]:
        """The ids of the user's friends (accepted invitations, either way), in the order they became friends."""
        f = friendships.c
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(f.inviter_id, f.invitee_id)
                .where(f.status == "accepted", or_(f.inviter_id == user_id, f.invitee_id == user_id))
                .order_by(f.created_at, f.inviter_id, f.invitee_id)
            ).all()
        return [r[1] if r[0] == user_id else r[0] for r in rows]

    def invitations(self, user_id: str) -> list[str]:
        """The ids of users whose invitation to `user_id` is open."""
        f = friendships.c
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(f.inviter_id)
                .where(f.invitee_id == user_id, f.status == "invited")
                .order_by(f.created_at)
            ).all()
        return [r[0] for r in rows]

    def invite(self, inviter_id: str, invitee_id: str) -> str:
        """Invite, in one transaction: "friends" when the two already are (no change), "invited" for a new or repeated
        invitation, "accepted" when the other user had already invited this one (the two become friends)."""
        f = friendships.c
        with write(self._engine) as tx:
            existing = tx.conn.execute(
                select(f.inviter_id, f.status).where(
                    or_(
                        and_(f.inviter_id == inviter_id, f.invitee_id == invitee_id),
                        and_(f.inviter_id == invitee_id, f.invitee_id == inviter_id),
                    )
                )
            ).first()
            if existing is None:
                tx.conn.execute(
                    insert(friendships).values(
                        inviter_id=inviter_id, invitee_id=invitee_id, status="invited", created_at=tx.now
                    )
                )
                return "invited"
            if existing.status == "accepted":
                return "friends"
            if existing.inviter_id == invitee_id:
                tx.conn.execute(
                    update(friendships)
                    .where(f.inviter_id == invitee_id, f.invitee_id == inviter_id)
                    .values(status="accepted", created_at=tx.now)
                )
                return "accepted"
            return "invited"

    def respond(self, invitee_id: str, inviter_id: str, accept: bool) -> bool:
        """Accept or reject an open invitation; False when there is none."""
        f = friendships.c
        key = and_(f.inviter_id == inviter_id, f.invitee_id == invitee_id, f.status == "invited")
        with write(self._engine) as tx:
            if accept:
                done = tx.conn.execute(
                    update(friendships).where(key).values(status="accepted", created_at=tx.now)
                )
            else:
                done = tx.conn.execute(delete(friendships).where(key))
        return bool(done.rowcount)
