# ruff: noqa: E501  (prose: one paragraph per line reads and diffs better than wrapped strings)
"""The demo articles of the fictional province of Lâm Sơn.

All names, places, figures and quotations are invented for the demo portal.
Times are relative to the day the demo is built: ``days_ago`` (negative for
the future) and a local time of day. In the texts, ``{year}``, ``{last_year}``
and ``{next_year}`` become the current, previous and next year.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoArticle:
    """One demo article: where it goes, what it says, when it was published."""

    #: Key of its category in :data:`cms.demo.site.CATEGORIES`.
    category: str
    title: str
    summary: str
    body: str
    tags: tuple[str, ...]
    #: Days before the build (negative: a scheduled article, in the future).
    days_ago: int
    #: Local time of publication, ``HH:MM`` in the site's time zone.
    time: str = "08:00"
    #: ``published``, ``scheduled`` or ``draft``.
    status: str = "published"
    #: The illustration (a scene of :mod:`cms.demo.images`); ``None``: the category's; ``""``: none.
    scene: str | None = None


ARTICLES = (
    # --- Cải cách hành chính ------------------------------------------------------------
    DemoArticle(
        category="cchc",
        title="Kiểm tra công tác cải cách hành chính tại 6 sở, ngành và 8 xã, phường",
        summary="Đoàn kiểm tra cải cách hành chính của tỉnh vừa hoàn thành đợt kiểm tra tại 14 cơ quan, đơn vị; tỷ lệ hồ sơ giải quyết đúng hạn đạt 97,8%, nhưng việc số hóa kết quả giải quyết thủ tục ở một số xã còn chậm.",
        body="""
<p>Thực hiện Kế hoạch kiểm tra công tác cải cách hành chính năm {year} của Ủy ban nhân dân tỉnh, trong hai tuần qua, Đoàn kiểm tra do bà Nguyễn Thị Thu Hà, Giám đốc Sở Nội vụ, làm Trưởng đoàn đã làm việc với 6 sở, ngành và 8 xã, phường trên địa bàn tỉnh. Nội dung kiểm tra tập trung vào việc ban hành kế hoạch, tiến độ thực hiện nhiệm vụ, hoạt động của bộ phận tiếp nhận và trả kết quả, việc ứng dụng chữ ký số và số hóa hồ sơ.</p>
<p>Theo báo cáo của Đoàn, hầu hết các đơn vị đã ban hành kế hoạch cải cách hành chính đúng thời hạn, phân công rõ người, rõ việc. Tỷ lệ hồ sơ thủ tục hành chính được giải quyết đúng hạn tại các đơn vị được kiểm tra đạt 97,8%; toàn bộ văn bản trao đổi giữa các cơ quan được gửi, nhận trên môi trường điện tử và ký số.</p>
<h2>Những tồn tại cần khắc phục</h2>
<ul>
<li>Việc số hóa kết quả giải quyết thủ tục hành chính tại một số xã mới đạt khoảng 60%, thấp hơn yêu cầu.</li>
<li>Một số thủ tục chưa được công khai đầy đủ tại nơi tiếp nhận hồ sơ và trên trang thông tin điện tử của đơn vị.</li>
<li>Việc xin lỗi người dân khi hồ sơ bị trễ hạn chưa được thực hiện nghiêm túc ở một vài nơi.</li>
</ul>
<p>Phát biểu tại buổi làm việc cuối cùng, Trưởng đoàn kiểm tra nhấn mạnh:</p>
<blockquote><p>Cải cách hành chính không phải là phong trào mà là công việc hằng ngày. Mỗi bộ hồ sơ trễ hạn là một lần người dân phải đi lại thêm, vì vậy các đơn vị cần coi chỉ tiêu đúng hạn là trách nhiệm của từng cán bộ.</p></blockquote>
<p>Kết thúc đợt kiểm tra, Đoàn đề nghị các đơn vị xây dựng kế hoạch khắc phục ngay trong tháng, báo cáo kết quả về Sở Nội vụ để tổng hợp, trình Ủy ban nhân dân tỉnh xem xét khi chấm điểm chỉ số cải cách hành chính cuối năm.</p>
""",
        tags=("Cải cách hành chính", "Kiểm tra công vụ", "Sở Nội vụ"),
        days_ago=3,
        time="08:15",
    ),
    DemoArticle(
        category="cchc",
        title="Trung tâm Phục vụ hành chính công tỉnh: 98,6% hồ sơ được giải quyết đúng và trước hạn",
        summary="Trong quý vừa qua, Trung tâm Phục vụ hành chính công tỉnh tiếp nhận hơn 21.000 hồ sơ, trong đó gần 70% được nộp trực tuyến; tỷ lệ giải quyết đúng và trước hạn đạt 98,6%.",
        body="""
<p>Theo báo cáo của Trung tâm Phục vụ hành chính công tỉnh Lâm Sơn, trong quý vừa qua, Trung tâm đã tiếp nhận 21.436 hồ sơ thủ tục hành chính của người dân và doanh nghiệp, tăng 14% so với cùng kỳ năm {last_year}. Số hồ sơ nộp trực tuyến chiếm 69,2%, cao nhất kể từ khi Trung tâm đi vào hoạt động.</p>
<p>Các lĩnh vực có nhiều hồ sơ nhất là đất đai, đăng ký doanh nghiệp, tư pháp - hộ tịch và lao động - việc làm. Kết quả cụ thể như sau:</p>
<table>
<thead><tr><th scope="col">Lĩnh vực</th><th scope="col">Hồ sơ tiếp nhận</th><th scope="col">Đúng và trước hạn</th></tr></thead>
<tbody>
<tr><td>Đất đai</td><td>7.912</td><td>97,4%</td></tr>
<tr><td>Đăng ký doanh nghiệp</td><td>4.305</td><td>99,8%</td></tr>
<tr><td>Tư pháp - hộ tịch</td><td>3.876</td><td>99,5%</td></tr>
<tr><td>Lao động - việc làm</td><td>2.218</td><td>98,9%</td></tr>
<tr><td>Các lĩnh vực khác</td><td>3.125</td><td>98,7%</td></tr>
</tbody>
</table>
<p>Bà Trần Thị Mai Anh, Giám đốc Trung tâm, cho biết kết quả trên có được nhờ bố trí công chức có kinh nghiệm tại các quầy, rà soát quy trình nội bộ để cắt bớt các bước trung gian và theo dõi từng hồ sơ trên hệ thống thông tin giải quyết thủ tục hành chính của tỉnh. Hồ sơ sắp đến hạn được hệ thống tự động nhắc, giúp các sở, ngành chủ động xử lý.</p>
<p>Thời gian tới, Trung tâm tiếp tục mở rộng dịch vụ trả kết quả qua bưu chính công ích, hướng dẫn người dân nộp hồ sơ trực tuyến ngay tại sảnh và lấy ý kiến đánh giá sau mỗi lần giao dịch để kịp thời chấn chỉnh những điểm người dân chưa hài lòng.</p>
""",
        tags=("Một cửa", "Dịch vụ công", "Cải cách hành chính"),
        days_ago=9,
        time="14:30",
    ),
    DemoArticle(
        category="cchc",
        title="Cắt giảm 35 thủ tục hành chính nội bộ trong hệ thống hành chính nhà nước của tỉnh",
        summary="Ủy ban nhân dân tỉnh phê duyệt phương án bãi bỏ, đơn giản hóa 35 thủ tục hành chính nội bộ, ước tính tiết kiệm hơn 4.000 ngày công mỗi năm.",
        body="""
<p>Ủy ban nhân dân tỉnh Lâm Sơn vừa ban hành quyết định phê duyệt phương án đơn giản hóa thủ tục hành chính nội bộ giữa các cơ quan hành chính nhà nước trên địa bàn tỉnh. Theo đó, 12 thủ tục được bãi bỏ hoàn toàn, 23 thủ tục được rút ngắn thời gian giải quyết hoặc giảm thành phần hồ sơ.</p>
<p>Các thủ tục được đơn giản hóa chủ yếu thuộc lĩnh vực tổ chức cán bộ, tài chính, đầu tư công và thi đua - khen thưởng. Chẳng hạn, thời gian thẩm định hồ sơ đề nghị khen thưởng thường xuyên giảm từ 20 ngày xuống còn 12 ngày; nhiều loại báo cáo định kỳ trước đây nộp bằng giấy nay được tổng hợp trực tiếp trên hệ thống báo cáo của tỉnh.</p>
<p>Theo Văn phòng Ủy ban nhân dân tỉnh, việc cắt giảm giúp tiết kiệm ước tính hơn 4.000 ngày công mỗi năm, đồng thời giảm đáng kể lượng giấy tờ luân chuyển giữa các cơ quan. Thời gian tiết kiệm được sẽ dành cho việc phục vụ trực tiếp người dân và doanh nghiệp.</p>
<p>Ủy ban nhân dân tỉnh giao các sở, ngành cập nhật quy trình nội bộ trên hệ thống một cửa điện tử trước cuối tháng, đồng thời tiếp tục rà soát để đề xuất cắt giảm thêm trong đợt tiếp theo.</p>
""",
        tags=("Thủ tục hành chính", "Cải cách hành chính", "Văn phòng UBND tỉnh"),
        days_ago=16,
        time="09:00",
        scene="city",
    ),
    DemoArticle(
        category="cchc",
        title="Mức độ hài lòng của người dân với cơ quan hành chính đạt 86,4%",
        summary="Kết quả khảo sát gần 3.000 người dân và doanh nghiệp cho thấy mức độ hài lòng với sự phục vụ của cơ quan hành chính tăng 2,1 điểm phần trăm so với năm trước.",
        body="""
<p>Sở Nội vụ vừa công bố kết quả khảo sát mức độ hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước trên địa bàn tỉnh năm {year}. Cuộc khảo sát được thực hiện với 2.960 phiếu hỏi, kết hợp phỏng vấn trực tiếp tại nơi giao dịch và khảo sát trực tuyến.</p>
<p>Chỉ số hài lòng chung đạt 86,4%, tăng 2,1 điểm phần trăm so với năm {last_year}. Người dân đánh giá cao nhất thái độ của công chức tiếp nhận hồ sơ và việc công khai thủ tục; điểm thấp nhất thuộc về thời gian chờ đợi ở một số lĩnh vực như đất đai, xây dựng.</p>
<h2>Xã vùng cao có nhiều tiến bộ</h2>
<p>Ở cấp xã, phường Hồ Sen và xã Tân Khê dẫn đầu với mức hài lòng trên 92%. Đáng chú ý, nhiều xã vùng cao như Khe Mây, Mường Lâm đã cải thiện rõ rệt nhờ bố trí công chức biết tiếng dân tộc tại bộ phận một cửa và tổ chức tiếp nhận hồ sơ lưu động tại các thôn, bản xa trung tâm.</p>
<p>Trên cơ sở kết quả khảo sát, Sở Nội vụ đề nghị các cơ quan, đơn vị có chỉ số thấp phân tích nguyên nhân, đề ra giải pháp cụ thể. Kết quả này cũng là một căn cứ để đánh giá, xếp loại người đứng đầu cơ quan, đơn vị vào cuối năm.</p>
""",
        tags=("Chỉ số hài lòng", "Cải cách hành chính", "Sở Nội vụ"),
        days_ago=24,
        time="10:20",
    ),
    DemoArticle(
        category="cchc",
        title="Phường Hồ Sen tiếp nhận hồ sơ không phụ thuộc nơi cư trú",
        summary="Người dân ở bất kỳ xã, phường nào trong tỉnh giờ có thể nộp hồ sơ của 46 thủ tục tại bộ phận một cửa phường Hồ Sen mà không phải về nơi cư trú.",
        body="""
<p>Từ đầu tháng này, Trung tâm phục vụ hành chính công phường Hồ Sen bắt đầu tiếp nhận hồ sơ của 46 thủ tục hành chính không phụ thuộc vào nơi cư trú của người nộp. Các thủ tục chủ yếu thuộc lĩnh vực hộ tịch, chứng thực, bảo trợ xã hội và đăng ký hộ kinh doanh.</p>
<p>Bà Lò Thị Hạnh, công chức tư pháp - hộ tịch của phường, cho biết hồ sơ sau khi tiếp nhận được số hóa và chuyển ngay trên hệ thống đến cơ quan có thẩm quyền giải quyết. Kết quả được trả tại phường Hồ Sen hoặc gửi qua bưu điện theo đề nghị của người dân.</p>
<p>Anh Đặng Văn Toàn, quê ở xã Cao Đồi, đang làm việc tại một doanh nghiệp trên địa bàn phường, chia sẻ: “Trước đây muốn xin trích lục khai sinh cho con, tôi phải xin nghỉ một ngày để về quê. Giờ tôi nộp ngay gần nơi làm việc, hai ngày sau đã có kết quả.”</p>
<p>Sau ba tháng thí điểm, Sở Nội vụ sẽ tổng kết, đánh giá để nhân rộng mô hình ra các xã, phường có đông người lao động từ nơi khác đến sinh sống và làm việc.</p>
""",
        tags=("Một cửa", "Hộ tịch", "Phường Hồ Sen"),
        days_ago=33,
        time="15:00",
        scene="city",
    ),
    DemoArticle(
        category="cchc",
        title="Tập huấn nghiệp vụ kiểm soát thủ tục hành chính cho hơn 200 cán bộ, công chức",
        summary="Lớp tập huấn giúp cán bộ đầu mối ở các sở, ngành và xã, phường nắm vững quy trình công bố, công khai và rà soát thủ tục hành chính.",
        body="""
<p>Văn phòng Ủy ban nhân dân tỉnh vừa tổ chức hội nghị tập huấn nghiệp vụ kiểm soát thủ tục hành chính năm {year} cho hơn 200 cán bộ, công chức làm đầu mối kiểm soát thủ tục hành chính và công chức bộ phận một cửa ở các sở, ngành, xã, phường.</p>
<p>Tại hội nghị, các báo cáo viên đã hướng dẫn quy trình công bố, công khai danh mục thủ tục hành chính; cách đánh giá tác động của thủ tục trong dự thảo văn bản quy phạm pháp luật; kỹ năng tiếp nhận, xử lý phản ánh, kiến nghị của người dân. Phần thực hành trên hệ thống thông tin giải quyết thủ tục hành chính được nhiều học viên quan tâm.</p>
<p>Nhiều ý kiến tại hội nghị đề nghị sớm chuẩn hóa biểu mẫu điện tử để người dân không phải khai lại những thông tin đã có trong cơ sở dữ liệu về dân cư. Ban tổ chức đã ghi nhận và sẽ tổng hợp, kiến nghị cơ quan có thẩm quyền xem xét.</p>
""",
        tags=("Kiểm soát thủ tục hành chính", "Tập huấn", "Cải cách hành chính"),
        days_ago=47,
        time="08:30",
    ),
    # --- Tin trong tỉnh ------------------------------------------------------------------
    DemoArticle(
        category="tin-tinh",
        title="Khánh thành cầu Suối Ngọc, nối liền đôi bờ sông Lâm",
        summary="Cây cầu dài 312 m với tổng vốn đầu tư 168 tỷ đồng rút ngắn gần 15 km quãng đường từ các xã phía Nam sông Lâm về trung tâm tỉnh.",
        body="""
<p>Ủy ban nhân dân tỉnh Lâm Sơn vừa tổ chức lễ khánh thành, đưa vào sử dụng cầu Suối Ngọc bắc qua sông Lâm. Công trình dài 312 m, rộng 12 m, gồm hai làn xe cơ giới và hai làn dành cho người đi bộ, với tổng vốn đầu tư 168 tỷ đồng từ ngân sách tỉnh.</p>
<p>Trước đây, người dân các xã Suối Ngọc, Cao Đồi muốn về trung tâm tỉnh phải đi đò qua sông hoặc vòng qua cây cầu cũ ở phía thượng nguồn, xa thêm gần 15 km. Mùa mưa lũ, bến đò thường phải tạm dừng nhiều ngày, việc đi lại, học tập và tiêu thụ nông sản gặp rất nhiều khó khăn.</p>
<p>Phát biểu tại buổi lễ, ông Vũ Quang Hiếu, Phó Chủ tịch Ủy ban nhân dân tỉnh, ghi nhận nỗ lực của chủ đầu tư và nhà thầu trong việc hoàn thành công trình vượt tiến độ hơn hai tháng, bảo đảm chất lượng và an toàn lao động. Ông đề nghị chính quyền các xã phối hợp với lực lượng chức năng bảo vệ hành lang an toàn cầu, không để tái lấn chiếm và xả rác xuống lòng sông.</p>
<p>Cùng với cầu Suối Ngọc, tỉnh đang đầu tư tuyến đường dẫn dài 4,2 km nối với quốc lộ, dự kiến hoàn thành trong năm tới, tạo thành trục giao thông thuận lợi cho vùng nguyên liệu chè và cây ăn quả phía Nam tỉnh.</p>
""",
        tags=("Giao thông", "Hạ tầng", "Sông Lâm"),
        days_ago=1,
        time="10:05",
        scene="lake",
    ),
    DemoArticle(
        category="tin-tinh",
        title="Lãnh đạo tỉnh kiểm tra tiến độ tuyến đường vào xã Khe Mây",
        summary="Tuyến đường dài 27 km đã hoàn thành khoảng 68% khối lượng; lãnh đạo tỉnh yêu cầu nhà thầu tăng ca, tranh thủ thời tiết thuận lợi để thông tuyến đúng hẹn.",
        body="""
<p>Ông Lê Minh Khang, Phó Chủ tịch Thường trực Ủy ban nhân dân tỉnh, vừa dẫn đầu đoàn công tác kiểm tra tiến độ dự án cải tạo, nâng cấp tuyến đường từ trung tâm tỉnh đến xã Khe Mây. Tuyến đường dài 27 km, được thiết kế theo tiêu chuẩn đường cấp IV miền núi, tổng mức đầu tư hơn 390 tỷ đồng.</p>
<p>Theo báo cáo của Ban Quản lý dự án đầu tư xây dựng tỉnh, đến nay khối lượng thi công đạt khoảng 68%; phần nền đường cơ bản hoàn thành, các cống thoát nước và tường chắn tại những đoạn có nguy cơ sạt lở đang được khẩn trương thi công. Vướng mắc còn lại là 11 hộ dân chưa nhận tiền bồi thường do đang hoàn thiện hồ sơ xác định nguồn gốc đất.</p>
<p>Kiểm tra thực tế tại hiện trường, Phó Chủ tịch Thường trực yêu cầu nhà thầu bổ sung máy móc, nhân lực, tổ chức thi công ba ca tại các đoạn trọng điểm; chính quyền xã Khe Mây phối hợp với ban quản lý dự án vận động, giải quyết dứt điểm các trường hợp còn vướng mắc trong tháng này.</p>
<p>Khi hoàn thành, tuyến đường sẽ rút ngắn thời gian đi lại từ trung tâm tỉnh đến Khe Mây từ hơn hai giờ xuống còn khoảng 50 phút, mở ra cơ hội phát triển du lịch cộng đồng và tiêu thụ chè, dược liệu của đồng bào vùng cao.</p>
""",
        tags=("Giao thông", "Xã Khe Mây", "Đầu tư công"),
        days_ago=6,
        time="16:40",
        scene="fields",
    ),
    DemoArticle(
        category="tin-tinh",
        title="Kỳ họp chuyên đề Hội đồng nhân dân tỉnh thông qua 12 nghị quyết",
        summary="Kỳ họp đã thông qua các nghị quyết quan trọng về đầu tư công, hỗ trợ sản xuất nông nghiệp và chính sách cho giáo viên công tác ở vùng khó khăn.",
        body="""
<p>Hội đồng nhân dân tỉnh Lâm Sơn vừa tổ chức kỳ họp chuyên đề để xem xét, quyết định một số nội dung cấp bách thuộc thẩm quyền. Sau một ngày làm việc khẩn trương, nghiêm túc, kỳ họp đã thông qua 12 nghị quyết với tỷ lệ tán thành cao.</p>
<p>Trong số các nghị quyết được thông qua, đáng chú ý có nghị quyết điều chỉnh kế hoạch đầu tư công trung hạn, bổ sung vốn cho các dự án giao thông kết nối vùng; nghị quyết quy định chính sách hỗ trợ phát triển vùng nguyên liệu chè, cây ăn quả tập trung; và nghị quyết hỗ trợ tiền thuê nhà cho giáo viên công tác tại các xã đặc biệt khó khăn.</p>
<p>Phát biểu bế mạc kỳ họp, Chủ tịch Hội đồng nhân dân tỉnh đề nghị Ủy ban nhân dân tỉnh khẩn trương ban hành văn bản hướng dẫn, sớm đưa các nghị quyết vào cuộc sống; các đại biểu Hội đồng nhân dân tăng cường giám sát, kịp thời phản ánh những vướng mắc phát sinh trong quá trình thực hiện.</p>
""",
        tags=("HĐND tỉnh", "Kỳ họp", "Nghị quyết"),
        days_ago=12,
        time="17:10",
        scene="hall",
    ),
    DemoArticle(
        category="tin-tinh",
        title="Huy động hơn 1.200 người giúp dân khắc phục hậu quả mưa lũ",
        summary="Cán bộ, chiến sĩ và đoàn viên thanh niên đã giúp người dân dọn dẹp nhà cửa, khơi thông đường giao thông sau đợt mưa lớn kéo dài ba ngày ở khu vực phía Tây tỉnh.",
        body="""
<p>Đợt mưa lớn kéo dài ba ngày vừa qua đã khiến nhiều tuyến đường liên xã ở khu vực phía Tây tỉnh bị sạt lở, 87 ngôi nhà bị ngập nước, hơn 140 ha lúa và hoa màu bị ảnh hưởng. Rất may, không có thiệt hại về người.</p>
<p>Ngay khi nước rút, Ban Chỉ huy phòng thủ dân sự tỉnh đã huy động hơn 1.200 cán bộ, chiến sĩ lực lượng vũ trang, công an, đoàn viên thanh niên cùng nhiều phương tiện cơ giới hỗ trợ người dân dọn bùn đất, sửa chữa nhà cửa, khơi thông các tuyến đường bị ách tắc. Đến nay, toàn bộ các tuyến đường chính đã thông xe.</p>
<p>Ủy ban nhân dân tỉnh cũng quyết định một số biện pháp hỗ trợ kịp thời:</p>
<ul>
<li>Hỗ trợ khẩn cấp 10 triệu đồng cho mỗi hộ có nhà bị hư hỏng nặng.</li>
<li>Cấp 8 tấn giống lúa, ngô để người dân gieo trồng lại diện tích bị mất trắng.</li>
<li>Phun khử trùng, tiêu độc môi trường tại các khu vực bị ngập, phòng ngừa dịch bệnh sau lũ.</li>
</ul>
<p>Lãnh đạo tỉnh đề nghị các xã tiếp tục rà soát những điểm có nguy cơ sạt lở cao, chủ động di dời người dân đến nơi an toàn khi có mưa lớn, tuyệt đối không để người dân đi qua các ngầm tràn khi nước đang chảy xiết.</p>
""",
        tags=("Phòng chống thiên tai", "Mưa lũ", "An sinh xã hội"),
        days_ago=20,
        time="19:30",
        scene="weather",
    ),
    DemoArticle(
        category="tin-tinh",
        title="Trao 150 căn nhà đại đoàn kết cho hộ nghèo, hộ cận nghèo",
        summary="Các căn nhà được xây dựng từ Quỹ Vì người nghèo của tỉnh và sự chung tay của doanh nghiệp, giúp các hộ khó khăn yên tâm an cư, lập nghiệp.",
        body="""
<p>Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh vừa tổ chức lễ bàn giao 150 căn nhà đại đoàn kết cho các hộ nghèo, hộ cận nghèo và gia đình chính sách có hoàn cảnh khó khăn về nhà ở. Mỗi căn nhà có diện tích từ 40 đến 60 m², được hỗ trợ từ 50 đến 70 triệu đồng; phần còn lại do gia đình, dòng họ và cộng đồng thôn, bản góp công, góp sức.</p>
<p>Kinh phí được huy động từ Quỹ Vì người nghèo của tỉnh, sự ủng hộ của 23 doanh nghiệp, ngân hàng trên địa bàn và các nhà hảo tâm. Nhiều nơi, đoàn viên thanh niên và dân quân đã trực tiếp vận chuyển vật liệu vào các thôn vùng sâu, nơi xe tải không thể đi tới.</p>
<p>Nhận chìa khóa ngôi nhà mới, bà Hoàng Thị Lìu ở thôn Nà Mòn, xã Mường Lâm, xúc động chia sẻ: “Cả đời tôi chưa dám nghĩ có ngày được ở nhà xây chắc chắn thế này. Từ nay mưa gió không còn phải lo nữa.”</p>
<p>Từ đầu năm đến nay, toàn tỉnh đã hoàn thành 412 căn nhà cho hộ nghèo, hộ cận nghèo, đạt 82% kế hoạch; phấn đấu đến cuối năm cơ bản xóa xong nhà tạm, nhà dột nát trên địa bàn.</p>
""",
        tags=("An sinh xã hội", "Giảm nghèo", "Nhà đại đoàn kết"),
        days_ago=38,
        time="09:45",
        scene="city",
    ),
    DemoArticle(
        category="tin-tinh",
        title="Chủ tịch Ủy ban nhân dân tỉnh đối thoại với hơn 150 doanh nghiệp",
        summary="Nhiều kiến nghị về mặt bằng sản xuất, thủ tục đất đai và nguồn lao động đã được lãnh đạo tỉnh và các sở, ngành trả lời trực tiếp tại hội nghị.",
        body="""
<p>Ủy ban nhân dân tỉnh Lâm Sơn vừa tổ chức hội nghị đối thoại giữa Chủ tịch Ủy ban nhân dân tỉnh với cộng đồng doanh nghiệp, hợp tác xã năm {year}, với sự tham dự của hơn 150 doanh nghiệp, hợp tác xã và lãnh đạo các sở, ngành, xã, phường.</p>
<p>Trước hội nghị, Hiệp hội Doanh nghiệp tỉnh đã tổng hợp 46 kiến nghị, tập trung vào thủ tục giao đất, cho thuê đất, thời gian cấp giấy phép xây dựng, khó khăn trong tuyển dụng lao động có tay nghề và tiếp cận vốn vay ưu đãi. Phần lớn kiến nghị đã được các sở, ngành trả lời bằng văn bản và giải đáp thêm ngay tại hội nghị.</p>
<p>Kết luận hội nghị, ông Hoàng Đức Thịnh, Chủ tịch Ủy ban nhân dân tỉnh, khẳng định:</p>
<blockquote><p>Doanh nghiệp thành công thì tỉnh mới phát triển. Mọi kiến nghị chính đáng của doanh nghiệp phải được trả lời, giải quyết đến cùng, có thời hạn cụ thể và người chịu trách nhiệm cụ thể.</p></blockquote>
<p>Chủ tịch Ủy ban nhân dân tỉnh giao Văn phòng Ủy ban nhân dân tỉnh theo dõi việc giải quyết từng kiến nghị, công khai kết quả trên Cổng thông tin điện tử tỉnh; yêu cầu các sở, ngành tiếp tục rút ngắn thời gian giải quyết các thủ tục liên quan đến đất đai, xây dựng.</p>
""",
        tags=("Doanh nghiệp", "Đối thoại", "Môi trường đầu tư"),
        days_ago=52,
        time="14:00",
        scene="hall",
    ),
    # --- Tin trong nước ------------------------------------------------------------------
    DemoArticle(
        category="tin-nuoc",
        title="Sản phẩm OCOP của Lâm Sơn hút khách tại hội chợ nông sản ở Hà Nội",
        summary="Gian hàng chung của tỉnh với hơn 60 sản phẩm chè, mật ong, miến dong, bưởi đã ký được 14 biên bản ghi nhớ hợp tác tiêu thụ sau năm ngày hội chợ.",
        body="""
<p>Tại hội chợ nông sản và sản phẩm OCOP vừa diễn ra ở Hà Nội, gian hàng chung của tỉnh Lâm Sơn đã giới thiệu hơn 60 sản phẩm tiêu biểu của 21 hợp tác xã, doanh nghiệp trong tỉnh, trong đó có 18 sản phẩm đạt chứng nhận OCOP từ 4 sao trở lên.</p>
<p>Các sản phẩm được khách tham quan quan tâm nhiều nhất là chè Bạch Lĩnh, mật ong Mường Lâm, miến dong Cao Đồi và bưởi Tân Khê. Nhiều khách hàng sau khi dùng thử đã đặt mua số lượng lớn; không ít sản phẩm hết hàng ngay từ ngày thứ ba của hội chợ.</p>
<p>Theo Sở Công Thương, sau năm ngày hội chợ, các đơn vị của tỉnh đã ký 14 biên bản ghi nhớ hợp tác tiêu thụ với các hệ thống phân phối, nhà hàng và doanh nghiệp xuất khẩu, tổng giá trị dự kiến khoảng 26 tỷ đồng mỗi năm.</p>
<p>Bà Phùng Thị Nga, Giám đốc Hợp tác xã chè Bạch Lĩnh, cho biết: “Đây là lần đầu hợp tác xã mang sản phẩm ra Hà Nội. Khách hàng góp ý rất thẳng thắn về bao bì, về cách kể câu chuyện sản phẩm; chúng tôi sẽ thay đổi để lần sau làm tốt hơn.”</p>
""",
        tags=("OCOP", "Xúc tiến thương mại", "Hội chợ"),
        days_ago=4,
        time="11:20",
    ),
    DemoArticle(
        category="tin-nuoc",
        title="Đoàn công tác tỉnh Lâm Sơn học tập kinh nghiệm xây dựng chính quyền số",
        summary="Trong năm ngày, đoàn đã làm việc tại ba địa phương có kết quả nổi bật về dịch vụ công trực tuyến, trung tâm điều hành thông minh và dữ liệu dùng chung.",
        body="""
<p>Đoàn công tác của tỉnh Lâm Sơn do ông Vũ Quang Hiếu, Phó Chủ tịch Ủy ban nhân dân tỉnh, làm trưởng đoàn vừa có chuyến học tập kinh nghiệm về xây dựng chính quyền số tại một số tỉnh, thành phố phía Nam. Tham gia đoàn có lãnh đạo Sở Khoa học và Công nghệ, Sở Nội vụ, Văn phòng Ủy ban nhân dân tỉnh và đại diện một số xã, phường.</p>
<p>Tại các địa phương, đoàn đã tìm hiểu cách tổ chức trung tâm điều hành thông minh, quy trình tiếp nhận và xử lý phản ánh hiện trường của người dân qua ứng dụng di động, mô hình kho dữ liệu dùng chung giữa các sở, ngành. Nhiều cách làm được đánh giá có thể áp dụng ngay trong điều kiện của Lâm Sơn, như chuẩn hóa dữ liệu ngay từ khâu tiếp nhận hồ sơ hay giao chỉ tiêu số hóa cụ thể cho từng công chức.</p>
<p>Kết thúc chuyến công tác, trưởng đoàn giao Sở Khoa học và Công nghệ tổng hợp các bài học kinh nghiệm, đề xuất những việc cần làm ngay trong năm {year} và các năm tiếp theo, trình Ủy ban nhân dân tỉnh xem xét.</p>
""",
        tags=("Chính quyền số", "Chuyển đổi số", "Học tập kinh nghiệm"),
        days_ago=27,
        time="16:00",
        scene="digital",
    ),
    DemoArticle(
        category="tin-nuoc",
        title="Vận động viên Lâm Sơn giành 3 huy chương tại giải điền kinh toàn quốc",
        summary="Một huy chương vàng và hai huy chương đồng là thành tích tốt nhất của đội tuyển điền kinh tỉnh tại một giải đấu cấp quốc gia trong nhiều năm qua.",
        body="""
<p>Khép lại giải vô địch điền kinh các câu lạc bộ toàn quốc, đội tuyển điền kinh tỉnh Lâm Sơn đã giành 1 huy chương vàng và 2 huy chương đồng. Đây là thành tích tốt nhất của đội tại một giải đấu cấp quốc gia trong nhiều năm qua.</p>
<p>Tấm huy chương vàng thuộc về vận động viên Sầm Văn Hải ở nội dung chạy 10.000 m nam. Sinh ra và lớn lên ở xã vùng cao Khe Mây, Hải được phát hiện tại giải việt dã học sinh của tỉnh cách đây sáu năm và được đưa về tập trung đào tạo tại Trung tâm Huấn luyện và Thi đấu thể thao tỉnh.</p>
<p>Ông Nông Văn Quý, huấn luyện viên trưởng đội tuyển, cho biết kết quả trên là động lực để đội tiếp tục đầu tư cho các nội dung chạy cự ly trung bình và dài, vốn là thế mạnh của vận động viên miền núi. Sở Văn hóa, Thể thao và Du lịch đã quyết định khen thưởng kịp thời các vận động viên và ban huấn luyện.</p>
""",
        tags=("Thể thao", "Điền kinh"),
        days_ago=44,
        time="20:15",
    ),
    # --- Thông báo -----------------------------------------------------------------------
    DemoArticle(
        category="thong-bao",
        title="Thông báo tuyển dụng 186 viên chức ngành giáo dục năm {year}",
        summary="Sở Giáo dục và Đào tạo tuyển dụng 186 chỉ tiêu giáo viên mầm non, tiểu học, trung học cơ sở và nhân viên trường học; phiếu đăng ký được nhận trong 30 ngày kể từ ngày thông báo.",
        body="""
<p>Căn cứ nhu cầu vị trí việc làm và chỉ tiêu số lượng người làm việc được giao, Sở Giáo dục và Đào tạo tỉnh Lâm Sơn thông báo tuyển dụng viên chức làm việc tại các cơ sở giáo dục công lập trên địa bàn tỉnh năm {year} như sau.</p>
<h2>Chỉ tiêu tuyển dụng</h2>
<table>
<thead><tr><th scope="col">Vị trí việc làm</th><th scope="col">Chỉ tiêu</th></tr></thead>
<tbody>
<tr><td>Giáo viên mầm non hạng III</td><td>64</td></tr>
<tr><td>Giáo viên tiểu học hạng III</td><td>71</td></tr>
<tr><td>Giáo viên trung học cơ sở hạng III</td><td>39</td></tr>
<tr><td>Nhân viên kế toán, thư viện, thiết bị</td><td>12</td></tr>
</tbody>
</table>
<h2>Điều kiện và hồ sơ đăng ký</h2>
<ul>
<li>Người đăng ký có đủ điều kiện theo quy định của pháp luật về viên chức và có trình độ chuyên môn phù hợp với vị trí việc làm.</li>
<li>Hồ sơ gồm phiếu đăng ký dự tuyển theo mẫu; người đăng ký chỉ nộp bản sao văn bằng, chứng chỉ sau khi có thông báo trúng tuyển.</li>
<li>Mỗi người chỉ được đăng ký vào một vị trí việc làm tại một đơn vị.</li>
</ul>
<h2>Hình thức tuyển dụng</h2>
<p>Việc tuyển dụng được thực hiện bằng hình thức xét tuyển qua hai vòng: vòng 1 kiểm tra điều kiện, tiêu chuẩn của người dự tuyển theo phiếu đăng ký; vòng 2 kiểm tra, sát hạch chuyên môn, nghiệp vụ bằng hình thức phỏng vấn hoặc thực hành. Thời gian, địa điểm tổ chức vòng 2 sẽ được thông báo đến từng người đủ điều kiện và đăng tải trên Cổng thông tin điện tử tỉnh.</p>
<p>Phiếu đăng ký được nhận trực tuyến trên Cổng dịch vụ công của tỉnh hoặc trực tiếp tại Sở Giáo dục và Đào tạo trong giờ hành chính, trong thời hạn 30 ngày kể từ ngày đăng thông báo này. Mọi thắc mắc xin liên hệ Phòng Tổ chức cán bộ, Sở Giáo dục và Đào tạo, điện thoại 0200 3 852 410.</p>
""",
        tags=("Tuyển dụng", "Viên chức", "Giáo dục"),
        days_ago=2,
        time="07:45",
    ),
    DemoArticle(
        category="thong-bao",
        title="Lấy ý kiến nhân dân về đồ án điều chỉnh quy hoạch chung đô thị Lâm Sơn",
        summary="Người dân, tổ chức có thể góp ý tại nơi trưng bày đồ án, qua phiếu góp ý hoặc trực tuyến trên Cổng thông tin điện tử tỉnh trong 30 ngày kể từ ngày thông báo.",
        body="""
<p>Thực hiện quy định về lấy ý kiến cộng đồng dân cư đối với quy hoạch đô thị, Sở Xây dựng tỉnh Lâm Sơn thông báo lấy ý kiến nhân dân đối với đồ án điều chỉnh quy hoạch chung đô thị Lâm Sơn đến năm 2045.</p>
<p>Đồ án đề xuất mở rộng không gian đô thị về phía Đông, dọc hai bờ sông Lâm; hình thành trục cảnh quan ven sông kết hợp công viên, quảng trường; bố trí quỹ đất xây dựng trường học, cơ sở y tế và nhà ở xã hội; đồng thời bảo vệ nghiêm ngặt vùng đồi chè và rừng phòng hộ phía Tây.</p>
<h2>Hình thức góp ý</h2>
<ul>
<li>Trực tiếp tại nơi trưng bày đồ án: sảnh tầng 1 trụ sở Sở Xây dựng và trụ sở Ủy ban nhân dân các phường Lâm Sơn, Hồ Sen, Đồi Thông.</li>
<li>Bằng phiếu góp ý phát tại các buổi họp tổ dân phố.</li>
<li>Trực tuyến qua chuyên mục góp ý dự thảo trên Cổng thông tin điện tử tỉnh, hoặc gửi thư điện tử về quyhoach@lamson.example.</li>
</ul>
<p>Thời gian lấy ý kiến là 30 ngày kể từ ngày đăng thông báo. Các ý kiến đóng góp sẽ được tổng hợp, tiếp thu, giải trình công khai trước khi trình cấp có thẩm quyền phê duyệt đồ án.</p>
""",
        tags=("Quy hoạch", "Lấy ý kiến nhân dân", "Đô thị"),
        days_ago=10,
        time="09:10",
        scene="city",
    ),
    DemoArticle(
        category="thong-bao",
        title="Cảnh báo mưa lớn, lũ quét và sạt lở đất tại các xã vùng núi",
        summary="Từ đêm nay đến hết ngày kia, khu vực phía Tây tỉnh có mưa to đến rất to, tổng lượng mưa phổ biến 100-200 mm, có nơi trên 250 mm; nguy cơ cao xảy ra lũ quét, sạt lở đất.",
        body="""
<p>Theo Đài Khí tượng Thủy văn tỉnh, do ảnh hưởng của không khí lạnh kết hợp với nhiễu động gió đông trên cao, từ đêm nay đến hết ngày kia, khu vực phía Tây tỉnh Lâm Sơn có mưa to đến rất to, tổng lượng mưa phổ biến từ 100 đến 200 mm, có nơi trên 250 mm. Các khu vực còn lại có mưa vừa, mưa to.</p>
<p>Cấp độ rủi ro thiên tai do lũ quét, sạt lở đất, sụt lún đất: cấp 1. Các xã có nguy cơ cao gồm Khe Mây, Mường Lâm, Bạch Lĩnh, Cao Đồi và Suối Ngọc.</p>
<h2>Đề nghị người dân</h2>
<ul>
<li>Không ở lại trong những ngôi nhà ven sườn đồi, ven suối có nguy cơ sạt lở; sẵn sàng di chuyển khi có yêu cầu của chính quyền.</li>
<li>Không đi qua ngầm tràn, đường ngập nước; không vớt củi, đánh bắt cá trên sông suối khi có lũ.</li>
<li>Chằng chống nhà cửa, bảo vệ gia súc; thu hoạch sớm diện tích lúa, hoa màu đã chín.</li>
<li>Theo dõi thông tin dự báo trên các phương tiện thông tin đại chúng và hệ thống loa truyền thanh của xã.</li>
</ul>
<p>Khi cần hỗ trợ khẩn cấp, người dân liên hệ Ủy ban nhân dân xã nơi cư trú hoặc Văn phòng thường trực Ban Chỉ huy phòng thủ dân sự tỉnh, điện thoại 0200 3 855 112.</p>
""",
        tags=("Cảnh báo thiên tai", "Mưa lớn", "Sạt lở đất"),
        days_ago=21,
        time="06:30",
        scene="weather",
    ),
    DemoArticle(
        category="thong-bao",
        title="Thông báo lịch tiếp công dân định kỳ của Chủ tịch Ủy ban nhân dân tỉnh",
        summary="Chủ tịch Ủy ban nhân dân tỉnh tiếp công dân định kỳ vào ngày 15 hằng tháng tại Trụ sở Tiếp công dân tỉnh; nếu trùng ngày nghỉ thì chuyển sang ngày làm việc kế tiếp.",
        body="""
<p>Thực hiện quy định của Luật Tiếp công dân, Ban Tiếp công dân tỉnh thông báo lịch tiếp công dân định kỳ của Chủ tịch Ủy ban nhân dân tỉnh Lâm Sơn như sau.</p>
<p>Chủ tịch Ủy ban nhân dân tỉnh tiếp công dân định kỳ vào ngày 15 hằng tháng, buổi sáng từ 7 giờ 30 đến 11 giờ 30, tại Trụ sở Tiếp công dân tỉnh, số 5 đường Trung tâm Hành chính, phường Lâm Sơn. Trường hợp ngày tiếp công dân trùng với ngày nghỉ, ngày lễ thì chuyển sang ngày làm việc kế tiếp. Khi Chủ tịch bận công tác đột xuất, việc tiếp công dân do Phó Chủ tịch được ủy quyền thực hiện.</p>
<ul>
<li>Công dân đến trình bày khiếu nại, tố cáo, kiến nghị, phản ánh cần mang theo giấy tờ tùy thân và các tài liệu liên quan.</li>
<li>Trường hợp nhiều người cùng khiếu nại, kiến nghị về một nội dung thì cử người đại diện để trình bày.</li>
<li>Công dân có thể đăng ký trước qua số điện thoại 0200 3 850 015 để được sắp xếp thời gian phù hợp.</li>
</ul>
<p>Ngoài lịch tiếp định kỳ, Trụ sở Tiếp công dân tỉnh tiếp công dân thường xuyên vào tất cả các ngày làm việc trong tuần.</p>
""",
        tags=("Tiếp công dân", "Khiếu nại tố cáo"),
        days_ago=30,
        time="08:00",
        scene="",
    ),
    DemoArticle(
        category="thong-bao",
        title="Tuyển sinh các lớp đào tạo nghề miễn phí cho lao động nông thôn",
        summary="Trường Cao đẳng Lâm Sơn tuyển sinh 12 lớp sơ cấp nghề về chè, nuôi ong, sửa chữa máy nông nghiệp và du lịch cộng đồng; học viên được miễn học phí, hỗ trợ tiền ăn và đi lại.",
        body="""
<p>Trường Cao đẳng Lâm Sơn thông báo tuyển sinh các lớp đào tạo nghề trình độ sơ cấp, thời gian học từ 2 đến 3 tháng, dành cho lao động nông thôn, người thuộc hộ nghèo, hộ cận nghèo, người dân tộc thiểu số và bộ đội xuất ngũ trên địa bàn tỉnh. Các nghề đào tạo gồm:</p>
<ul>
<li>Kỹ thuật trồng và chế biến chè: 3 lớp, học tại xã Bạch Lĩnh.</li>
<li>Nuôi ong lấy mật: 2 lớp, học tại xã Mường Lâm.</li>
<li>Sửa chữa máy nông nghiệp: 3 lớp, học tại trường.</li>
<li>Nghiệp vụ du lịch cộng đồng, lưu trú tại nhà dân: 4 lớp, học tại các xã Khe Mây, Vân Khê.</li>
</ul>
<p>Học viên được miễn học phí, được hỗ trợ tiền ăn và tiền đi lại theo quy định; sau khóa học được cấp chứng chỉ sơ cấp và được giới thiệu việc làm hoặc hỗ trợ vay vốn tự tạo việc làm.</p>
<p>Người có nhu cầu đăng ký tại Ủy ban nhân dân xã nơi cư trú hoặc trực tiếp tại Phòng Đào tạo của trường, điện thoại 0200 3 862 334. Mỗi lớp khai giảng khi đủ 25 học viên.</p>
""",
        tags=("Đào tạo nghề", "Lao động nông thôn", "Tuyển sinh"),
        days_ago=41,
        time="14:15",
        scene="",
    ),
    DemoArticle(
        category="thong-bao",
        title="Thông báo tạm ngừng Hệ thống thông tin giải quyết thủ tục hành chính để nâng cấp",
        summary="Hệ thống tạm ngừng từ 20 giờ thứ Bảy đến 6 giờ sáng thứ Hai để nâng cấp máy chủ và phần mềm; bộ phận một cửa vẫn tiếp nhận hồ sơ trực tiếp bình thường.",
        body="""
<p>Sở Khoa học và Công nghệ thông báo: để nâng cấp hạ tầng máy chủ và cập nhật phiên bản mới của phần mềm, Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Lâm Sơn sẽ tạm ngừng hoạt động trong hai ngày cuối tuần này, từ 20 giờ tối thứ Bảy đến 6 giờ sáng thứ Hai.</p>
<p>Trong thời gian trên, người dân, doanh nghiệp chưa thể nộp hồ sơ trực tuyến, tra cứu tình trạng hồ sơ hay thanh toán phí, lệ phí trên hệ thống của tỉnh. Các hồ sơ đã nộp trước thời điểm tạm ngừng vẫn được lưu giữ đầy đủ và tiếp tục được xử lý; thời gian tạm ngừng không tính vào thời hạn giải quyết hồ sơ.</p>
<p>Sau khi nâng cấp, hệ thống sẽ có giao diện mới thân thiện hơn trên điện thoại di động, tự động điền thông tin từ tài khoản định danh điện tử và gửi tin nhắn khi hồ sơ có kết quả. Sở Khoa học và Công nghệ mong nhận được sự thông cảm của người dân, doanh nghiệp về sự bất tiện này.</p>
""",
        tags=("Dịch vụ công", "Chuyển đổi số"),
        days_ago=-2,
        time="08:00",
        status="scheduled",
        scene="digital",
    ),
    # --- Kinh tế -------------------------------------------------------------------------
    DemoArticle(
        category="kinh-te",
        title="Nông dân Bạch Lĩnh thu hoạch lúa, năng suất đạt 62 tạ/ha",
        summary="Nhờ đưa giống lúa chất lượng cao vào sản xuất và cơ giới hóa khâu thu hoạch, năng suất lúa vụ này ở xã Bạch Lĩnh tăng gần 5 tạ/ha so với vụ trước.",
        body="""
<p>Những ngày này, trên các cánh đồng của xã Bạch Lĩnh, nông dân đang khẩn trương thu hoạch lúa. Theo Ủy ban nhân dân xã, toàn xã gieo cấy 640 ha, năng suất bình quân ước đạt 62 tạ/ha, tăng gần 5 tạ/ha so với vụ trước; giá lúa tươi tại ruộng dao động từ 7.800 đến 8.200 đồng/kg.</p>
<p>Điểm mới của vụ này là xã đã vận động người dân đưa các giống lúa chất lượng cao vào sản xuất tập trung trên diện tích hơn 300 ha, gắn với hợp đồng bao tiêu sản phẩm của một doanh nghiệp chế biến gạo trong tỉnh. Khâu làm đất và thu hoạch cơ bản được cơ giới hóa, giúp giảm chi phí nhân công và hao hụt sau thu hoạch.</p>
<p>Ông Ma Văn Khải ở thôn Nà Lìn vừa gặt xong hơn một mẫu ruộng, vui vẻ cho biết: “Máy gặt đập liên hợp làm một buổi là xong, thóc đóng bao chở thẳng về kho của doanh nghiệp. Trừ chi phí, vụ này gia đình tôi lãi hơn vụ trước gần một phần ba.”</p>
<p>Ngành nông nghiệp khuyến cáo bà con sau thu hoạch không đốt rơm rạ ngoài đồng mà tận dụng làm thức ăn cho gia súc, trồng nấm hoặc ủ làm phân bón hữu cơ, vừa bảo vệ môi trường vừa tăng thêm thu nhập.</p>
""",
        tags=("Nông nghiệp", "Lúa gạo", "Xã Bạch Lĩnh"),
        days_ago=5,
        time="15:20",
        scene="fields",
    ),
    DemoArticle(
        category="kinh-te",
        title="Bưởi Tân Khê được cấp mã số vùng trồng phục vụ xuất khẩu",
        summary="Với 120 ha được cấp mã số vùng trồng, bưởi Tân Khê đủ điều kiện truy xuất nguồn gốc để hướng tới những thị trường xuất khẩu khó tính.",
        body="""
<p>Sở Nông nghiệp và Môi trường tỉnh Lâm Sơn vừa trao quyết định cấp mã số vùng trồng cho 120 ha bưởi của 186 hộ dân tại xã Tân Khê. Đây là vùng trồng bưởi đầu tiên của tỉnh đủ điều kiện truy xuất nguồn gốc theo yêu cầu của các thị trường xuất khẩu.</p>
<p>Để được cấp mã số, các hộ tham gia phải ghi chép nhật ký sản xuất, sử dụng thuốc bảo vệ thực vật đúng danh mục và bảo đảm thời gian cách ly, quản lý sinh vật gây hại theo hướng dẫn của cán bộ kỹ thuật. Hợp tác xã bưởi Tân Khê làm đầu mối hướng dẫn, giám sát và thu mua sản phẩm cho các thành viên.</p>
<p>Theo ông Phạm Văn Tùng, Chủ tịch Ủy ban nhân dân xã Tân Khê, mã số vùng trồng là “tấm hộ chiếu” giúp trái bưởi của địa phương đi xa hơn. Ngay sau khi được cấp mã số, một doanh nghiệp xuất khẩu đã ký hợp đồng thu mua 300 tấn quả mỗi vụ, với giá cao hơn giá bán lẻ tại chợ từ 15 đến 20%.</p>
<p>Tỉnh đặt mục tiêu đến năm {next_year} có thêm 500 ha cây ăn quả được cấp mã số vùng trồng, tập trung vào bưởi, cam và mận, những cây trồng chủ lực của các xã phía Nam sông Lâm.</p>
""",
        tags=("Nông nghiệp", "Xuất khẩu", "Bưởi Tân Khê"),
        days_ago=14,
        time="10:00",
        scene="fields",
    ),
    DemoArticle(
        category="kinh-te",
        title="Khu công nghiệp Nam Lâm Sơn thu hút thêm 3 dự án đầu tư mới",
        summary="Ba dự án sản xuất linh kiện điện tử, chế biến gỗ và đóng gói nông sản với tổng vốn đăng ký hơn 1.100 tỷ đồng dự kiến tạo việc làm cho khoảng 2.300 lao động.",
        body="""
<p>Ban Quản lý các khu công nghiệp tỉnh vừa trao giấy chứng nhận đăng ký đầu tư cho ba dự án mới tại Khu công nghiệp Nam Lâm Sơn, gồm nhà máy sản xuất linh kiện điện tử, nhà máy chế biến gỗ xuất khẩu và trung tâm sơ chế, đóng gói nông sản. Tổng vốn đăng ký của ba dự án đạt hơn 1.100 tỷ đồng.</p>
<p>Với các dự án mới, tỷ lệ lấp đầy của Khu công nghiệp Nam Lâm Sơn nâng lên khoảng 64%. Khi đi vào hoạt động, ba nhà máy dự kiến tạo việc làm cho khoảng 2.300 lao động, phần lớn là lao động địa phương đã qua đào tạo nghề ngắn hạn.</p>
<h2>Hoàn thiện hạ tầng để đón nhà đầu tư</h2>
<p>Theo Ban Quản lý, điều nhà đầu tư quan tâm nhất hiện nay là hạ tầng đồng bộ và thủ tục nhanh gọn. Tỉnh đã hoàn thành nhà máy xử lý nước thải tập trung công suất 6.000 m³/ngày đêm, đang xây dựng khu nhà ở cho công nhân và áp dụng cơ chế “một đầu mối” hỗ trợ nhà đầu tư từ khi khảo sát đến khi dự án đi vào sản xuất.</p>
<p>Cùng với thu hút dự án mới, tỉnh yêu cầu các doanh nghiệp trong khu công nghiệp tuân thủ nghiêm các quy định về bảo vệ môi trường, an toàn lao động và chăm lo đời sống cho người lao động.</p>
""",
        tags=("Đầu tư", "Khu công nghiệp", "Việc làm"),
        days_ago=25,
        time="13:30",
        scene="city",
    ),
    DemoArticle(
        category="kinh-te",
        title="Chè Bạch Lĩnh: từ đồi chè truyền thống đến sản phẩm OCOP 4 sao",
        summary="Từ những cây chè shan tuyết lâu năm, người dân Bạch Lĩnh đã xây dựng thương hiệu chè riêng, đưa thu nhập từ cây chè tăng gấp đôi sau năm năm.",
        body="""
<p>Trên các sườn núi Bạch Lĩnh ở độ cao trên 900 m, những cây chè shan tuyết cổ thụ đã gắn bó với đồng bào Dao qua nhiều thế hệ. Trước đây, chè chủ yếu được sao bằng chảo gang, bán cho thương lái với giá thấp và bấp bênh.</p>
<p>Bước ngoặt đến khi Hợp tác xã chè Bạch Lĩnh được thành lập, liên kết với 140 hộ dân, xây dựng quy trình thu hái, chế biến thống nhất và đầu tư dây chuyền sao, sấy hiện đại. Sản phẩm chè Bạch Lĩnh đã được công nhận đạt chuẩn OCOP 4 sao, có mặt tại nhiều cửa hàng đặc sản và sàn thương mại điện tử.</p>
<p>Nhờ đó, giá chè búp tươi được hợp tác xã thu mua ổn định ở mức cao; thu nhập từ cây chè của các hộ thành viên tăng gấp đôi sau năm năm. Nhiều gia đình đã xây được nhà mới, cho con đi học đại học ở xa.</p>
<p>Để phát triển bền vững, tỉnh đang hỗ trợ xã Bạch Lĩnh khoanh vùng bảo vệ các cây chè cổ, kết hợp phát triển du lịch trải nghiệm hái chè, sao chè cùng người dân bản địa.</p>
""",
        tags=("OCOP", "Chè Bạch Lĩnh", "Nông nghiệp"),
        days_ago=36,
        time="07:30",
        scene="fields",
    ),
    DemoArticle(
        category="kinh-te",
        title="Thu ngân sách nhà nước trên địa bàn tăng 12% so với cùng kỳ",
        summary="Tính đến cuối tháng trước, tổng thu ngân sách nhà nước trên địa bàn tỉnh ước đạt 4.920 tỷ đồng, trong đó thu nội địa chiếm hơn 90%.",
        body="""
<p>Theo Sở Tài chính, tính đến cuối tháng trước, tổng thu ngân sách nhà nước trên địa bàn tỉnh Lâm Sơn ước đạt 4.920 tỷ đồng, tăng 12% so với cùng kỳ năm {last_year}. Trong đó, thu nội địa chiếm hơn 90%, thu từ hoạt động xuất nhập khẩu đạt 410 tỷ đồng.</p>
<p>Một số khoản thu tăng khá là thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài, thu tiền sử dụng đất và thuế thu nhập cá nhân. Ngược lại, thu từ doanh nghiệp nhà nước địa phương giảm nhẹ do một số doanh nghiệp đang trong giai đoạn tái cơ cấu.</p>
<p>Về chi ngân sách, tỉnh ưu tiên bảo đảm chi lương, chi an sinh xã hội và giải ngân vốn đầu tư công. Tỷ lệ giải ngân vốn đầu tư công đến nay đạt khoảng 61% kế hoạch; Ủy ban nhân dân tỉnh yêu cầu các chủ đầu tư đẩy nhanh tiến độ, phấn đấu giải ngân trên 95% trước khi kết thúc năm ngân sách.</p>
""",
        tags=("Ngân sách", "Tài chính", "Đầu tư công"),
        days_ago=55,
        time="16:50",
        scene="city",
    ),
    DemoArticle(
        category="kinh-te",
        title="Phát triển dược liệu dưới tán rừng: hướng đi mới cho các xã vùng cao",
        summary="Tỉnh đang xây dựng đề án phát triển vùng dược liệu dưới tán rừng, kết hợp bảo vệ rừng với nâng cao thu nhập cho người dân.",
        body="""
<p>Với diện tích rừng lớn và khí hậu mát mẻ quanh năm, các xã vùng cao của Lâm Sơn có điều kiện thuận lợi để trồng các loại dược liệu quý dưới tán rừng như sa nhân, ba kích, đinh lăng.</p>
<p>Sở Nông nghiệp và Môi trường đang phối hợp với các nhà khoa học khảo sát, đánh giá thổ nhưỡng để xây dựng đề án phát triển vùng dược liệu tập trung, gắn với liên kết tiêu thụ cùng doanh nghiệp.</p>
<p>[Ban Biên tập: bổ sung số liệu diện tích, ý kiến của người dân xã Mường Lâm và ảnh thực tế trước khi đăng.]</p>
""",
        tags=("Dược liệu", "Lâm nghiệp"),
        days_ago=0,
        status="draft",
        scene="",
    ),
    # --- Văn hóa - Xã hội ----------------------------------------------------------------
    DemoArticle(
        category="vhxh",
        title="Khai mạc Tuần Văn hóa - Du lịch hồ Vân Khê năm {year}",
        summary="Trong bảy ngày, du khách được thưởng thức nghệ thuật dân gian, xem đua thuyền trên hồ, dạo chợ phiên vùng cao và trải nghiệm cuộc sống tại các bản làng.",
        body="""
<p>Tuần Văn hóa - Du lịch hồ Vân Khê năm {year} đã chính thức khai mạc tại quảng trường ven hồ, thu hút hàng nghìn người dân và du khách đến tham dự.</p>
<p>Chương trình nghệ thuật khai mạc với chủ đề “Vân Khê - sắc màu miền sơn cước” tái hiện đời sống, phong tục và những làn điệu dân ca đặc sắc của đồng bào các dân tộc Tày, Nùng, Dao. Màn trình diễn ánh sáng trên mặt hồ cùng hàng nghìn chiếc đèn lồng thắp sáng quanh quảng trường đã tạo nên không khí rộn ràng, ấm áp.</p>
<h2>Nhiều hoạt động hấp dẫn</h2>
<ul>
<li>Giải đua thuyền truyền thống trên hồ Vân Khê với sự tham gia của 16 đội.</li>
<li>Chợ phiên vùng cao, trưng bày và bán sản phẩm OCOP, đặc sản địa phương.</li>
<li>Hội thi ẩm thực dân tộc, trình diễn gói bánh chưng đen, đồ xôi ngũ sắc.</li>
<li>Các tour trải nghiệm cắm trại, chèo thuyền kayak, nghỉ nhà sàn tại bản.</li>
</ul>
<p>Theo Sở Văn hóa, Thể thao và Du lịch, dịp này các cơ sở lưu trú quanh hồ đã kín phòng vào những ngày cuối tuần. Ban tổ chức khuyến cáo du khách đặt phòng sớm và tuân thủ hướng dẫn an toàn khi tham gia các hoạt động trên mặt nước.</p>
""",
        tags=("Du lịch", "Lễ hội", "Hồ Vân Khê"),
        days_ago=7,
        time="20:00",
        scene="festival",
    ),
    DemoArticle(
        category="vhxh",
        title="Khánh thành điểm trường mới cho học sinh xã Khe Mây",
        summary="Điểm trường với 6 phòng học, nhà bán trú và bếp ăn giúp gần 200 học sinh tiểu học ở thôn Khe Nhàn không còn phải học trong phòng học tạm.",
        body="""
<p>Trường Phổ thông dân tộc bán trú Tiểu học Khe Mây vừa khánh thành và đưa vào sử dụng điểm trường mới tại thôn Khe Nhàn. Công trình gồm 6 phòng học, nhà ở bán trú cho 80 học sinh, bếp ăn và khu vệ sinh khép kín, tổng kinh phí gần 9 tỷ đồng từ nguồn xã hội hóa và ngân sách tỉnh.</p>
<p>Trước đây, gần 200 học sinh của thôn Khe Nhàn và các thôn lân cận phải học trong những phòng học tạm tường đất, mái lợp tôn, mùa đông lạnh giá, mùa mưa thì dột. Nhiều em nhà xa phải đi bộ hơn một giờ đường rừng để đến lớp.</p>
<p>Cô giáo Triệu Thị Mây, người đã gắn bó với điểm trường 12 năm, xúc động: “Bây giờ các con có phòng học sáng sủa, có chỗ ngủ trưa, có bữa ăn nóng. Thầy cô chúng tôi cũng yên tâm bám trường, bám lớp hơn.”</p>
<p>Dịp này, các đơn vị tài trợ đã trao tặng nhà trường 200 bộ quần áo ấm, chăn, sách vở và một tủ sách thiếu nhi.</p>
""",
        tags=("Giáo dục", "Xã Khe Mây", "Vùng cao"),
        days_ago=18,
        time="10:30",
        scene="hall",
    ),
    DemoArticle(
        category="vhxh",
        title="Triển khai tiêm bổ sung vắc xin phòng sởi cho trẻ em",
        summary="Chiến dịch nhằm bảo đảm tỷ lệ tiêm chủng đạt trên 95% ở từng xã, phường, chủ động phòng ngừa dịch sởi bùng phát trong cộng đồng.",
        body="""
<p>Sở Y tế tỉnh Lâm Sơn vừa triển khai chiến dịch tiêm bổ sung vắc xin phòng bệnh sởi cho trẻ từ 1 đến 10 tuổi chưa tiêm đủ mũi theo lịch. Chiến dịch được tổ chức tại trạm y tế các xã, phường, tại trường học và các điểm tiêm lưu động ở thôn, bản vùng sâu.</p>
<p>Qua rà soát, toàn tỉnh có hơn 6.800 trẻ chưa tiêm hoặc chưa tiêm đủ hai mũi vắc xin có thành phần sởi. Sởi là bệnh truyền nhiễm lây qua đường hô hấp, có thể gây biến chứng nặng như viêm phổi, viêm não ở trẻ nhỏ, trong khi tiêm chủng là biện pháp phòng bệnh hiệu quả nhất.</p>
<p>Các trạm y tế đã lập danh sách từng trẻ, phối hợp với trưởng thôn, giáo viên thông báo đến từng gia đình. Khi đưa trẻ đi tiêm, phụ huynh cần mang theo sổ hoặc phiếu tiêm chủng, thông báo cho nhân viên y tế tình trạng sức khỏe của trẻ và ở lại theo dõi trẻ 30 phút sau tiêm.</p>
<p>Sở Y tế khuyến cáo các gia đình không chủ quan; khi trẻ có biểu hiện sốt, phát ban, ho, chảy nước mũi, cần đưa trẻ đến cơ sở y tế để được khám và xử trí kịp thời.</p>
""",
        tags=("Y tế", "Tiêm chủng", "Sức khỏe trẻ em"),
        days_ago=28,
        time="09:00",
        scene="city",
    ),
    DemoArticle(
        category="vhxh",
        title="Giải việt dã quanh hồ Vân Khê thu hút hơn 1.500 vận động viên",
        summary="Giải năm nay lần đầu có cự ly 21 km dành cho người chạy phong trào, góp phần quảng bá cảnh quan hồ Vân Khê tới bạn bè gần xa.",
        body="""
<p>Giải việt dã truyền thống tỉnh Lâm Sơn năm {year} vừa diễn ra trên cung đường quanh hồ Vân Khê với sự tham gia của hơn 1.500 vận động viên là học sinh, sinh viên, cán bộ, chiến sĩ lực lượng vũ trang và người chạy phong trào đến từ nhiều tỉnh, thành phố.</p>
<p>Giải được tổ chức ở các cự ly 3 km, 5 km, 10 km và năm nay lần đầu có thêm cự ly 21 km. Đường chạy men theo bờ hồ, băng qua những đồi chè và bản làng, mang lại cho vận động viên nhiều trải nghiệm thú vị.</p>
<p>Ban tổ chức đã trao 48 bộ huy chương cho các vận động viên đạt thành tích cao ở từng nội dung. Ở cự ly 21 km nam, vận động viên Sầm Văn Hải về nhất với thành tích 1 giờ 12 phút.</p>
<p>Theo Sở Văn hóa, Thể thao và Du lịch, giải việt dã không chỉ là ngày hội thể thao quần chúng mà còn là dịp quảng bá hình ảnh, cảnh quan du lịch của Lâm Sơn. Từ năm sau, giải sẽ được nâng lên thành giải chạy địa hình quy mô khu vực.</p>
""",
        tags=("Thể thao", "Việt dã", "Hồ Vân Khê"),
        days_ago=40,
        time="11:00",
        scene="lake",
    ),
    DemoArticle(
        category="vhxh",
        title="Câu lạc bộ dân ca Mường Lâm truyền dạy làn điệu cổ cho thế hệ trẻ",
        summary="Từ 12 thành viên ban đầu, câu lạc bộ nay có hơn 40 hội viên, một nửa là thanh thiếu niên, sinh hoạt đều đặn hai buổi mỗi tuần tại nhà văn hóa thôn.",
        body="""
<p>Mỗi tối thứ Ba và thứ Sáu, nhà văn hóa thôn Nà Mòn, xã Mường Lâm lại rộn ràng tiếng đàn, tiếng hát. Đó là giờ sinh hoạt của Câu lạc bộ dân ca Mường Lâm, nơi các nghệ nhân cao tuổi truyền dạy cho lớp trẻ những làn điệu hát then, hát lượn đã có từ bao đời.</p>
<p>Nghệ nhân Lương Văn Páo, năm nay 78 tuổi, người sáng lập câu lạc bộ, kể: “Hồi mới thành lập chỉ có 12 người, toàn người già. Tôi lo nếu không dạy thì đến lúc chúng tôi đi, con cháu sẽ không còn ai biết hát nữa.”</p>
<p>Sau tám năm, câu lạc bộ đã có hơn 40 hội viên, một nửa là học sinh và thanh niên trong xã. Các em không chỉ học hát mà còn học làm đàn tính, học may trang phục truyền thống. Câu lạc bộ thường xuyên biểu diễn phục vụ du khách tại các nhà nghỉ cộng đồng trong xã và tham gia các hội diễn văn nghệ quần chúng của tỉnh.</p>
<p>Ủy ban nhân dân xã Mường Lâm đã hỗ trợ câu lạc bộ mua sắm nhạc cụ, trang phục biểu diễn và đưa lịch sinh hoạt của câu lạc bộ vào chương trình tham quan dành cho du khách.</p>
""",
        tags=("Văn hóa dân gian", "Bảo tồn di sản", "Xã Mường Lâm"),
        days_ago=58,
        time="19:00",
        scene="festival",
    ),
    # --- Chuyển đổi số -------------------------------------------------------------------
    DemoArticle(
        category="cds",
        title="Trung tâm Giám sát, điều hành thông minh tỉnh chính thức vận hành",
        summary="Trung tâm kết nối dữ liệu từ hệ thống dịch vụ công, camera giao thông, quan trắc môi trường và phản ánh hiện trường, giúp lãnh đạo tỉnh theo dõi, chỉ đạo theo thời gian thực.",
        body="""
<p>Ủy ban nhân dân tỉnh Lâm Sơn vừa đưa Trung tâm Giám sát, điều hành thông minh của tỉnh vào vận hành chính thức sau sáu tháng chạy thử nghiệm. Trung tâm đặt tại Sở Khoa học và Công nghệ, được đầu tư hệ thống màn hình hiển thị, phần mềm phân tích và đường truyền kết nối với các sở, ngành, xã, phường.</p>
<p>Giai đoạn đầu, Trung tâm tích hợp dữ liệu của 9 lĩnh vực, trong đó có:</p>
<ul>
<li>tình hình tiếp nhận, giải quyết hồ sơ thủ tục hành chính;</li>
<li>phản ánh, kiến nghị của người dân gửi qua ứng dụng di động;</li>
<li>camera giám sát giao thông, an ninh trật tự tại các nút giao trọng điểm;</li>
<li>quan trắc chất lượng không khí, nước thải và mực nước các hồ chứa;</li>
<li>các chỉ tiêu kinh tế - xã hội chủ yếu của tỉnh.</li>
</ul>
<p>Ông Vũ Quang Hiếu, Phó Chủ tịch Ủy ban nhân dân tỉnh, nhấn mạnh Trung tâm chỉ phát huy hiệu quả khi dữ liệu được cập nhật đầy đủ, chính xác và được các cơ quan sử dụng thực chất trong chỉ đạo, điều hành. Mỗi phản ánh của người dân gửi về Trung tâm phải được chuyển đến đúng nơi xử lý và trả lời trong thời hạn quy định.</p>
<p>Người dân có thể gửi phản ánh về hư hỏng đường sá, ô nhiễm môi trường, mất an toàn giao thông qua ứng dụng “Lâm Sơn số” trên điện thoại thông minh, kèm hình ảnh và vị trí.</p>
""",
        tags=("Chuyển đổi số", "Đô thị thông minh", "Phản ánh hiện trường"),
        days_ago=8,
        time="15:45",
    ),
    DemoArticle(
        category="cds",
        title="Gần 75% hồ sơ thủ tục hành chính được nộp trực tuyến",
        summary="Tỷ lệ hồ sơ trực tuyến tăng mạnh nhờ việc tự động điền thông tin từ tài khoản định danh điện tử và tái sử dụng dữ liệu đã số hóa.",
        body="""
<p>Theo Sở Khoa học và Công nghệ, từ đầu năm đến nay, tỷ lệ hồ sơ thủ tục hành chính được nộp trực tuyến trên toàn tỉnh đạt 74,6%, tăng gần 20 điểm phần trăm so với cùng kỳ năm {last_year}. Riêng nhóm thủ tục cung cấp dịch vụ công trực tuyến toàn trình, tỷ lệ này đạt trên 90%.</p>
<p>Một trong những nguyên nhân quan trọng là người dân không còn phải khai lại thông tin cá nhân nhiều lần. Khi đăng nhập bằng tài khoản định danh điện tử, các thông tin như họ tên, ngày sinh, nơi cư trú được tự động điền vào tờ khai; giấy tờ đã được số hóa trong những lần giao dịch trước cũng được tái sử dụng mà không cần nộp lại.</p>
<table>
<thead><tr><th scope="col">Nhóm thủ tục</th><th scope="col">Tỷ lệ nộp trực tuyến</th></tr></thead>
<tbody>
<tr><td>Đăng ký doanh nghiệp, hộ kinh doanh</td><td>96,1%</td></tr>
<tr><td>Hộ tịch</td><td>81,3%</td></tr>
<tr><td>Lao động, bảo trợ xã hội</td><td>72,8%</td></tr>
<tr><td>Đất đai</td><td>48,5%</td></tr>
</tbody>
</table>
<p>Lĩnh vực đất đai vẫn có tỷ lệ thấp do nhiều hồ sơ cần bản vẽ, giấy tờ gốc. Thời gian tới, tỉnh sẽ tập trung số hóa hồ sơ địa chính và bố trí nhân viên hỗ trợ người dân nộp hồ sơ đất đai trực tuyến ngay tại bộ phận một cửa.</p>
""",
        tags=("Dịch vụ công trực tuyến", "Chuyển đổi số", "Cải cách hành chính"),
        days_ago=15,
        time="09:30",
    ),
    DemoArticle(
        category="cds",
        title="Tổ công nghệ số cộng đồng giúp người dân vùng cao làm quen với dịch vụ số",
        summary="Hơn 2.600 tổ công nghệ số cộng đồng với gần 11.000 thành viên đang hướng dẫn người dân cài đặt ứng dụng, nộp hồ sơ trực tuyến và thanh toán không dùng tiền mặt.",
        body="""
<p>Mỗi buổi tối, tại nhà văn hóa thôn Khe Nhàn, xã Khe Mây, anh Bàn Văn Sinh, tổ trưởng tổ công nghệ số cộng đồng, lại kiên nhẫn hướng dẫn từng người cách cài đặt ứng dụng định danh điện tử, tra cứu thông tin và nộp hồ sơ trực tuyến trên điện thoại.</p>
<p>Toàn tỉnh hiện có hơn 2.600 tổ công nghệ số cộng đồng với gần 11.000 thành viên là cán bộ thôn, đoàn viên thanh niên, giáo viên và nhân viên bưu điện. Các tổ đã giúp hàng chục nghìn người dân tạo tài khoản dịch vụ công, mở tài khoản thanh toán và đưa nông sản lên các sàn thương mại điện tử.</p>
<p>Chị Triệu Thị Xuân, một hộ trồng quế ở Khe Mây, kể: “Trước đây tôi chỉ dùng điện thoại để nghe gọi. Giờ tôi biết chụp ảnh, đăng bán mật ong, vỏ quế lên mạng; khách ở xa chuyển khoản trả tiền, không phải cầm tiền mặt đi đâu nữa.”</p>
<p>Năm {year}, tỉnh đặt mục tiêu mỗi hộ gia đình có ít nhất một người biết sử dụng dịch vụ công trực tuyến và thanh toán điện tử. Sở Khoa học và Công nghệ sẽ tiếp tục mở các lớp bồi dưỡng kỹ năng cho thành viên các tổ.</p>
""",
        tags=("Kỹ năng số", "Chuyển đổi số", "Tổ công nghệ số cộng đồng"),
        days_ago=34,
        time="16:10",
        scene="city",
    ),
    DemoArticle(
        category="cds",
        title="Chợ Trung tâm Lâm Sơn thí điểm thanh toán không dùng tiền mặt",
        summary="Sau ba tháng, hơn 85% tiểu thương ở chợ đã có mã QR thanh toán; nhiều người mua hàng đã quen quét mã thay vì chuẩn bị tiền lẻ.",
        body="""
<p>Ban Quản lý chợ Trung tâm Lâm Sơn phối hợp với các ngân hàng trên địa bàn vừa tổng kết ba tháng thí điểm mô hình “Chợ thanh toán không dùng tiền mặt”. Đến nay, 312 trong tổng số 365 hộ kinh doanh tại chợ đã có mã QR thanh toán, đạt hơn 85%.</p>
<p>Bà Nguyễn Thị Lan, tiểu thương bán rau ở chợ hơn 20 năm, cho biết ban đầu bà ngại vì không quen dùng điện thoại. Được cán bộ ngân hàng hướng dẫn tận tình, giờ bà đã quen kiểm tra tiền vào tài khoản, đỡ phải trả tiền lẻ và không lo nhận nhầm tiền giả.</p>
<p>Không chỉ thanh toán tiền hàng, các hộ kinh doanh còn nộp phí, tiền thuê điểm kinh doanh và tiền điện, nước qua tài khoản. Ban Quản lý chợ nhờ vậy giảm được thời gian thu phí và minh bạch hơn trong quản lý.</p>
<p>Từ kết quả này, Sở Công Thương sẽ nhân rộng mô hình ra các chợ ở trung tâm các xã, đồng thời tuyên truyền để người dân bảo mật thông tin tài khoản, không chuyển tiền theo yêu cầu của người lạ.</p>
""",
        tags=("Thanh toán không dùng tiền mặt", "Chuyển đổi số", "Thương mại"),
        days_ago=49,
        time="08:40",
        scene="city",
    ),
)
