"""Sample comments for ``cms demo``: a few approved ones, a reply, and one awaiting moderation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cms.content import public_filter
from cms.extensions import db
from cms.models import Article, utcnow
from plugins.comments.models import CommentsComment
from plugins.comments.privacy import keyed

#: ``(name, text, status, reply)`` on the newest public article, oldest first; ``reply``:
#: the index of the comment answered.
DEMO_COMMENTS: list[tuple[str, str, str, int | None]] = [
    ("Nguyễn Văn An", "Thông tin rất hữu ích, cảm ơn ban biên tập.", "approved", None),
    (
        "Trần Thị Bình",
        "Xin hỏi thủ tục này đã áp dụng ở cấp xã chưa?\nTôi ở huyện miền núi.",
        "approved",
        None,
    ),
    ("Ban biên tập", "Chào bạn, thủ tục đã áp dụng ở tất cả các xã từ tháng này.", "approved", 1),
    ("Lê Minh", "Mong có thêm hướng dẫn chi tiết trên cổng dịch vụ công.", "approved", None),
    ("Phạm Hoa", "Bình luận này đang chờ kiểm duyệt.", "pending", None),
]


def demo() -> None:
    """Add :data:`DEMO_COMMENTS` to the newest public article, in the demo's transaction."""
    newest = (
        select(Article.id)
        .where(public_filter())
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(1)
    )
    article_id = db.session.execute(newest).scalar()
    if article_id is None:
        return
    start = utcnow() - timedelta(hours=len(DEMO_COMMENTS))
    rows: list[CommentsComment] = []
    for index, (name, body, status, reply) in enumerate(DEMO_COMMENTS):
        parent = rows[reply] if reply is not None else None
        row = CommentsComment(
            article_id=article_id,
            parent_id=parent.id if parent else None,
            root_id=parent.root_id if parent else None,
            depth=1 if parent else 0,
            name=name,
            body=body,
            status=status,
            address_hash=keyed("demo", str(index)),
            created_at=start + timedelta(minutes=37 * index),
        )
        db.session.add(row)
        db.session.flush()
        if row.root_id is None:
            row.root_id = row.id
        rows.append(row)
