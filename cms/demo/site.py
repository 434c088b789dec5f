# ruff: noqa: E501  (prose: one paragraph per line reads and diffs better than wrapped strings)
"""The demo portal's settings, categories and pages: a fictional province, Lâm Sơn.

Everything here is invented (the province, its communes, people, figures and
document numbers), so that nothing reads as news about a real place.
In the texts, ``{year}`` and ``{last_year}`` become the current and the
previous year, and ``[cat:KEY]`` and ``[page:KEY]`` the URLs of the demo's own
categories and pages, when the demo is built.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The province's name, as the texts use it.
PROVINCE = "Lâm Sơn"

#: Site settings stored by ``cms demo``.
SETTINGS = {
    "site_name": "Cổng thông tin điện tử tỉnh Lâm Sơn",
    "site_description": "Kênh thông tin chính thức của chính quyền tỉnh Lâm Sơn",
    "contact_address": "Số 1 đường Trung tâm Hành chính, phường Lâm Sơn, tỉnh Lâm Sơn",
    "contact_phone": "0200 3 888 123",
    "contact_email": "congthongtin@lamson.example",
}

#: The editor who signs the demo articles.
EDITOR = {"email": "bientap@lamson.example", "name": "Ban Biên tập", "role": "editor"}


@dataclass(frozen=True)
class DemoCategory:
    """A category of the demo portal; ``parent`` is another one's ``key``."""

    key: str
    name: str
    description: str
    position: int
    parent: str | None = None
    #: The illustrations its articles get unless an article names its own.
    scenes: tuple[str, ...] = ("city",)


CATEGORIES = (
    DemoCategory(
        "tin-tuc",
        "Tin tức - Sự kiện",
        "Tin tức về hoạt động của lãnh đạo tỉnh, các sở, ngành, địa phương và những sự kiện nổi bật trong tỉnh, trong nước.",
        1,
        scenes=("hall", "city"),
    ),
    DemoCategory(
        "tin-tinh",
        "Tin trong tỉnh",
        "Hoạt động chỉ đạo, điều hành của chính quyền và đời sống của người dân trên địa bàn tỉnh Lâm Sơn.",
        1,
        parent="tin-tuc",
        scenes=("hall", "city", "lake"),
    ),
    DemoCategory(
        "tin-nuoc",
        "Tin trong nước",
        "Các sự kiện trong nước có sự tham gia của tỉnh Lâm Sơn, các đoàn công tác, doanh nghiệp và vận động viên của tỉnh.",
        2,
        parent="tin-tuc",
        scenes=("city",),
    ),
    DemoCategory(
        "cchc",
        "Cải cách hành chính",
        "Kết quả cải cách thủ tục hành chính, hoạt động của bộ phận một cửa, kiểm tra công vụ và các chỉ số đánh giá sự hài lòng của người dân.",
        2,
        scenes=("hall",),
    ),
    DemoCategory(
        "thong-bao",
        "Thông báo",
        "Thông báo tuyển dụng, lấy ý kiến nhân dân, lịch tiếp công dân, cảnh báo thiên tai và các thông báo khác của cơ quan nhà nước.",
        3,
        scenes=("hall",),
    ),
    DemoCategory(
        "kinh-te",
        "Kinh tế",
        "Sản xuất nông nghiệp, công nghiệp, thương mại, đầu tư và ngân sách của tỉnh.",
        4,
        scenes=("fields", "city"),
    ),
    DemoCategory(
        "vhxh",
        "Văn hóa - Xã hội",
        "Giáo dục, y tế, văn hóa, du lịch, thể thao và an sinh xã hội.",
        5,
        scenes=("lake", "festival", "city"),
    ),
    DemoCategory(
        "cds",
        "Chuyển đổi số",
        "Chính quyền số, kinh tế số, xã hội số: dịch vụ công trực tuyến, dữ liệu và kỹ năng số cho người dân.",
        6,
        scenes=("digital",),
    ),
)


@dataclass(frozen=True)
class DemoPage:
    """A page of the demo portal; ``parent`` is another one's ``key``."""

    key: str
    title: str
    summary: str
    body: str
    position: int
    parent: str | None = None
    show_in_menu: bool = True


PAGES = (
    DemoPage(
        "gioi-thieu",
        "Giới thiệu",
        "Khái quát về vị trí địa lý, dân cư, đơn vị hành chính và định hướng phát triển của tỉnh Lâm Sơn.",
        """
<p>Lâm Sơn là tỉnh miền núi, trung du nằm ở phía Bắc, có địa hình thấp dần từ dãy núi Bạch Lĩnh ở phía Tây xuống thung lũng sông Lâm ở phía Đông. Khí hậu nhiệt đới gió mùa với mùa đông lạnh và khô, mùa hè nóng ẩm, mưa nhiều, thuận lợi cho cây chè, cây ăn quả và các loại dược liệu.</p>
<p>Tỉnh có 48 đơn vị hành chính cấp xã, gồm 9 phường và 39 xã, với hơn 20 dân tộc anh em cùng sinh sống, trong đó đông nhất là người Kinh, Tày, Nùng và Dao. Trung tâm hành chính, chính trị của tỉnh đặt tại phường Lâm Sơn.</p>
<h2>Một số thông tin cơ bản</h2>
<table>
<thead><tr><th scope="col">Chỉ tiêu</th><th scope="col">Số liệu</th></tr></thead>
<tbody>
<tr><td>Diện tích tự nhiên</td><td>6.214 km²</td></tr>
<tr><td>Dân số</td><td>khoảng 912.000 người</td></tr>
<tr><td>Đơn vị hành chính cấp xã</td><td>9 phường, 39 xã</td></tr>
<tr><td>Tỷ lệ che phủ rừng</td><td>58,4%</td></tr>
</tbody>
</table>
<p>Trong giai đoạn tới, tỉnh tập trung phát triển nông nghiệp hàng hóa gắn với chế biến sâu, du lịch sinh thái hồ Vân Khê và núi Bạch Lĩnh, công nghiệp chế biến tại Khu công nghiệp Nam Lâm Sơn; đồng thời đẩy mạnh cải cách hành chính và chuyển đổi số để phục vụ người dân, doanh nghiệp ngày càng tốt hơn.</p>
<p><em>Các số liệu trên trang này là số liệu minh họa của cổng thông tin mẫu.</em></p>
""",
        1,
    ),
    DemoPage(
        "chuc-nang",
        "Chức năng, nhiệm vụ",
        "Chức năng, nhiệm vụ của Ủy ban nhân dân tỉnh Lâm Sơn và của Cổng thông tin điện tử tỉnh.",
        """
<p>Ủy ban nhân dân tỉnh là cơ quan chấp hành của Hội đồng nhân dân tỉnh, cơ quan hành chính nhà nước ở địa phương, chịu trách nhiệm trước Nhân dân địa phương, Hội đồng nhân dân tỉnh và cơ quan hành chính nhà nước cấp trên.</p>
<h2>Nhiệm vụ chủ yếu</h2>
<ul>
<li>Xây dựng, trình Hội đồng nhân dân tỉnh quyết định các nội dung thuộc thẩm quyền và tổ chức thực hiện các nghị quyết đó.</li>
<li>Quản lý nhà nước về kinh tế, văn hóa, xã hội, quốc phòng, an ninh trên địa bàn; bảo đảm quyền và lợi ích hợp pháp của người dân, doanh nghiệp.</li>
<li>Tổ chức thực hiện ngân sách địa phương; chỉ đạo cải cách hành chính, chuyển đổi số trong các cơ quan nhà nước.</li>
<li>Chỉ đạo, kiểm tra hoạt động của các sở, ngành và Ủy ban nhân dân các xã, phường.</li>
</ul>
<h2>Cổng thông tin điện tử tỉnh</h2>
<p>Cổng thông tin điện tử là kênh thông tin chính thức của tỉnh trên Internet: đăng tải thông tin chỉ đạo, điều hành; cung cấp thông tin về thủ tục hành chính, dịch vụ công; tiếp nhận ý kiến góp ý của người dân đối với dự thảo văn bản và các chương trình, dự án của tỉnh.</p>
""",
        1,
        parent="gioi-thieu",
    ),
    DemoPage(
        "co-cau",
        "Cơ cấu tổ chức",
        "Lãnh đạo Ủy ban nhân dân tỉnh và các cơ quan chuyên môn trực thuộc.",
        """
<p>Ủy ban nhân dân tỉnh Lâm Sơn gồm Chủ tịch, các Phó Chủ tịch và các Ủy viên là người đứng đầu cơ quan chuyên môn, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh, Giám đốc Công an tỉnh.</p>
<h2>Lãnh đạo Ủy ban nhân dân tỉnh</h2>
<ul>
<li>Ông Hoàng Đức Thịnh, Chủ tịch Ủy ban nhân dân tỉnh</li>
<li>Ông Lê Minh Khang, Phó Chủ tịch Thường trực</li>
<li>Bà Đinh Thị Thanh Vân, Phó Chủ tịch phụ trách khối văn hóa - xã hội</li>
<li>Ông Vũ Quang Hiếu, Phó Chủ tịch phụ trách khối kinh tế</li>
</ul>
<h2>Các cơ quan chuyên môn</h2>
<ul>
<li>Văn phòng Ủy ban nhân dân tỉnh; Sở Nội vụ; Sở Tư pháp; Thanh tra tỉnh</li>
<li>Sở Tài chính; Sở Công Thương; Sở Xây dựng; Sở Nông nghiệp và Môi trường</li>
<li>Sở Khoa học và Công nghệ; Sở Giáo dục và Đào tạo; Sở Y tế</li>
<li>Sở Văn hóa, Thể thao và Du lịch; Sở Dân tộc và Tôn giáo</li>
</ul>
<p><em>Tên người trên trang này là tên hư cấu của cổng thông tin mẫu.</em></p>
""",
        2,
        parent="gioi-thieu",
    ),
    DemoPage(
        "lien-he",
        "Liên hệ",
        "Địa chỉ, điện thoại và thư điện tử của Ban Biên tập Cổng thông tin điện tử tỉnh Lâm Sơn.",
        """
<p>Ban Biên tập Cổng thông tin điện tử tỉnh Lâm Sơn luôn trân trọng mọi ý kiến đóng góp, phản ánh của bạn đọc để trang tin ngày càng chính xác, kịp thời và hữu ích.</p>
<ul>
<li>Địa chỉ: Số 1 đường Trung tâm Hành chính, phường Lâm Sơn, tỉnh Lâm Sơn</li>
<li>Điện thoại: 0200 3 888 123</li>
<li>Thư điện tử: <a href="mailto:congthongtin@lamson.example">congthongtin@lamson.example</a></li>
</ul>
<h2>Thời gian làm việc</h2>
<p>Từ thứ Hai đến thứ Sáu hằng tuần: buổi sáng từ 7 giờ 30 đến 11 giờ 30, buổi chiều từ 13 giờ 30 đến 17 giờ. Ý kiến gửi qua thư điện tử ngoài giờ làm việc sẽ được tiếp nhận và trả lời trong ngày làm việc kế tiếp.</p>
<p>Đối với phản ánh, kiến nghị về thủ tục hành chính, đề nghị bạn đọc ghi rõ họ tên, địa chỉ, số điện thoại và nội dung cụ thể để cơ quan chức năng xem xét, trả lời theo quy định.</p>
<p>Để tìm nhanh thông tin cần thiết, mời bạn xem <a href="[page:so-do]">Sơ đồ cổng thông tin</a>.</p>
""",
        2,
    ),
    DemoPage(
        "so-do",
        "Sơ đồ cổng thông tin",
        "Các chuyên mục và trang của Cổng thông tin điện tử tỉnh Lâm Sơn.",
        """
<p>Sơ đồ dưới đây giúp bạn đọc tìm nhanh các chuyên mục và trang thông tin của cổng.</p>
<h2>Chuyên mục tin tức</h2>
<ul>
<li><a href="[cat:tin-tuc]">Tin tức - Sự kiện</a>
<ul><li><a href="[cat:tin-tinh]">Tin trong tỉnh</a></li><li><a href="[cat:tin-nuoc]">Tin trong nước</a></li></ul></li>
<li><a href="[cat:cchc]">Cải cách hành chính</a></li>
<li><a href="[cat:thong-bao]">Thông báo</a></li>
<li><a href="[cat:kinh-te]">Kinh tế</a></li>
<li><a href="[cat:vhxh]">Văn hóa - Xã hội</a></li>
<li><a href="[cat:cds]">Chuyển đổi số</a></li>
</ul>
<h2>Giới thiệu</h2>
<ul>
<li><a href="[page:gioi-thieu]">Giới thiệu chung</a>
<ul><li><a href="[page:chuc-nang]">Chức năng, nhiệm vụ</a></li><li><a href="[page:co-cau]">Cơ cấu tổ chức</a></li></ul></li>
<li><a href="[page:lien-he]">Liên hệ</a></li>
</ul>
<p>Bạn cũng có thể dùng ô tìm kiếm ở đầu trang; tìm kiếm không phân biệt chữ có dấu hay không dấu.</p>
""",
        3,
        show_in_menu=False,
    ),
)
