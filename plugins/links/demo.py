"""Sample data for ``cms demo``: the "Liên kết website" group of the reference page.

Fictional provinces and ministries only, each on a ``.example.vn`` host
(``example`` names are reserved for documentation, RFC 2606), never a real
government domain. No logos: the demo's media library holds its article
illustrations only (a webmaster adds logos from it later).
"""

from __future__ import annotations

from plugins.links import services

#: The demo group's title, as the reference page shows it.
GROUP_TITLE = "Liên kết website"

#: The sample links, in their order: (title, URL).
LINKS = [
    ("Cổng thông tin điện tử tỉnh Bình Nguyên", "https://binhnguyen.example.vn"),
    ("Cổng thông tin điện tử tỉnh Vân Sơn", "https://vanson.example.vn"),
    ("Cổng thông tin điện tử tỉnh Hải Lâm", "https://hailam.example.vn"),
    ("Cổng thông tin điện tử tỉnh Ngọc Khê", "https://ngockhe.example.vn"),
    ("Bộ Chuyển đổi số", "https://chuyendoiso.example.vn"),
    ("Bộ Phát triển Vùng cao", "https://vungcao.example.vn"),
    ("Bộ Hành chính công", "https://hanhchinhcong.example.vn"),
    ("Cổng Dịch vụ công trực tuyến liên tỉnh", "https://dichvucong.example.vn"),
]


def build() -> None:
    """Add the group and its links in ``cms demo``'s transaction (never commits)."""
    group = services.save_group(None, title=GROUP_TITLE, active=True, commit=False)
    for title, url in LINKS:
        services.save_link(None, group_id=group.id, title=title, url=url, commit=False)
