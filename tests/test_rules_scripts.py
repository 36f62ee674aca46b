"""Chinese and Japanese pages: text without spaces between words, measured in
pseudo-words so that the line classifier and the header rules see a paragraph
as a paragraph and a menu item as a menu item."""
import json

from click.testing import CliRunner

from cleaner.cli import main
from cleaner.rules import blocks, chrome, headers
from cleaner.rules.scripts import spaced, word_count

MENU = ["首页", "新闻", "国际", "财经", "体育", "科技", "娱乐"]
FOOTER = ["相关新闻", "地铁五号线下月开通试运营", "本市出租车将全面使用电动汽车", "热门文章",
          "冬季流感高发 专家提醒注意防护", "本市举办国际马拉松比赛", "关于我们 | 联系我们 | 广告服务 | 版权声明",
          "Copyright © 2026 某某新闻网 版权所有"]
# Three articles of one (made-up) news site, each in the site's template.
ARTICLES = {
    "traffic": ("市政府公布明年城市交通改善计划", "2026年11月20日 09:15 来源：本报记者", [
        "本报讯 市政府昨天召开新闻发布会，公布了明年城市交通改善计划。根据计划，全市将新建三条地铁线路，"
        "并对二十个主要路口进行改造，以缓解早晚高峰时段的交通拥堵问题。",
        "市交通局负责人在发布会上表示，过去一年里，全市机动车保有量增长了百分之八，部分道路的通行能力已经接近饱和。"
        "为此，交通部门将优先发展公共交通，同时鼓励市民绿色出行。",
        "不少市民对这一计划表示欢迎。在城东上班的王女士说，她每天开车上班要花一个多小时，如果地铁修到家门口，她愿意改乘公共交通。",
        "专家指出，城市交通问题需要长期规划和综合治理，单靠修路并不能从根本上解决拥堵。",
    ]),
    "library": ("本市图书馆延长开放时间 周末开放到晚上九点", "2026年11月21日 10:02 来源：本报记者", [
        "本报讯 从下个月开始，市图书馆将延长开放时间，周末的闭馆时间由晚上六点推迟到九点。图书馆负责人表示，这一调整是根据读者的意见作出的。",
        "去年以来，图书馆的读者人数明显增加，特别是周末的自习座位经常供不应求。不少学生和上班族希望图书馆晚上能多开几个小时。",
        "为了配合新的开放时间，图书馆将增加工作人员，并在晚上开设更多的讲座和读书会。",
        "有读者表示，这个消息让他很高兴，以后下班后也可以来图书馆看书了。",
    ]),
    "schools": ("全市中小学将开设编程课程", "2026年11月22日 16:40 来源：本报记者", [
        "本报讯 市教育局日前宣布，从明年春季学期开始，全市中小学将开设编程课程，小学三年级以上的学生每周上一节课。",
        "教育局有关负责人介绍，编程课程的目的不是培养程序员，而是让学生学会用逻辑的方法思考和解决问题。",
        "目前，全市已有三十多所学校进行了试点。试点学校的老师说，学生们对编程课非常感兴趣，很多学生在课后还会主动练习。",
        "不过，也有家长担心课程会增加孩子的学习负担。对此，教育局表示，编程课不布置课后作业，也不进行考试。",
    ]),
}


def page(name: str) -> str:
    title, dateline, paragraphs = ARTICLES[name]
    return "\n".join(MENU + [title, dateline, "分享到：微信 微博 QQ空间"] + paragraphs + FOOTER) + "\n"


def test_unspaced_runs_count_as_pseudo_words_and_spaced_text_is_left_alone():
    paragraph = ARTICLES["traffic"][2][0]
    assert word_count(paragraph) >= 30  # split at spaces, it would be 2 words
    assert word_count("首页") == 1
    assert word_count("Copyright © 2026 某某新闻网") == 3 + 3  # three tokens, then five characters
    korean = "설리, 무엇이 이 스물다섯 청춘의 삶을 무너뜨렸나"
    assert word_count(korean) == len(korean.split())  # Korean separates its words
    assert word_count("The budget passed.") == 3
    assert spaced("发布会。根据计划，全市") == " 发布 会 .  根据 计划 ,  全市 "


def test_a_chinese_paragraph_is_a_body_paragraph_and_a_title_is_a_title():
    title, _, paragraphs = ARTICLES["traffic"]
    assert all(headers.is_body(p) for p in paragraphs)
    assert not headers.is_body(title) and not headers.is_body("首页")
    assert headers._title_like(title)
    assert not headers._title_like("本报讯 市政府昨天召开新闻发布会，公布了明年城市交通改善计划。")


def test_chinese_paragraphs_have_the_shape_of_prose():
    features = dict(zip(blocks._TEXT_FEATURES, blocks._text_features(ARTICLES["library"][2][1])))
    assert features["log_words"] > blocks._text_features("首页")[0] + 2
    assert features["sentence_end"] == 1.0
    assert features["commas"] > 0 and features["inner_punct"] > 0  # ，and 。 count as , and .
    assert features["stopwords"] > 0  # function characters (的, 了, 在 ...)


def test_headings_dates_and_buttons_of_chinese_japanese_and_korean_pages():
    for cue in ("相关新闻", "热门文章", "推荐阅读", "関連記事", "人気記事", "관련기사", "많이 본 뉴스"):
        assert blocks.is_cue_heading(cue), cue
    assert not blocks.is_cue_heading("相关部门表示将尽快处理。")  # a sentence
    for heading in ("评论", "网友评论（12）", "コメント", "댓글 3"):
        assert blocks.is_comments_heading(heading), heading
    assert not blocks.is_comments_heading("评论员文章指出，问题需要解决")
    for date in ("2026年11月20日", "2026年11月20日 09:15", "2026年11月20日 星期五", "投稿日：2026年5月10日",
                 "发表于 2026-03-02", "입력 2019.11.20 15:23", "2019년 11월 20일 (수)"):
        assert headers.is_dateline(date), date
    assert not headers.is_dateline("2026年是不平凡的一年")
    for button in ("分享到：", "返回顶部", "ログイン", "공유하기"):
        assert chrome._chrome_reason(button) == "page chrome phrase", button


def test_chinese_articles_of_one_site_keep_every_paragraph_and_lose_the_template(tmp_path):
    src = tmp_path / "pages"
    src.mkdir()
    for name in ARTICLES:
        (src / f"{name}.txt").write_bytes(page(name).encode("gb18030"))  # as a Chinese site may serve it
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["clean", str(src), "--out", str(out), "--no-dedup"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name, (title, dateline, paragraphs) in ARTICLES.items():
        cleaned = (out / f"{name}.txt").read_text(encoding="utf-8").splitlines()  # written as UTF-8
        assert cleaned[:len(paragraphs)] == paragraphs, name
        for line in MENU + FOOTER + ["分享到：微信 微博 QQ空间"]:
            assert line not in cleaned, (name, line)
    log = [json.loads(line) for line in (out / "cleaner-log.jsonl").read_text().splitlines()]
    files = [r for r in log if r["type"] == "file"]
    assert {r["encoding"] for r in files} <= {"gb18030", "gb2312", "gbk"}
    restored = tmp_path / "restored"
    assert CliRunner().invoke(main, ["restore", str(out / "cleaner-log.jsonl"), "--out", str(restored)]).exit_code == 0
    for name in ARTICLES:
        assert (restored / f"{name}.txt").read_bytes() == (src / f"{name}.txt").read_bytes()


JAPANESE_PAGE = [
    "ホーム", "ニュース", "経済", "スポーツ", "エンタメ", "ライフ", "ログイン",
    "新型ロケットの打ち上げに成功、来年から商業運用へ", "2026年11月18日 14:30", "ツイート", "シェア",
    "宇宙航空研究開発機構は18日、新型ロケットの打ち上げに成功したと発表した。ロケットは午前10時に種子島宇宙センターから"
    "打ち上げられ、約20分後に搭載していた人工衛星を予定の軌道に投入した。",
    "新型ロケットは、従来型に比べて打ち上げ費用をおよそ半分に抑えることを目標に開発された。部品の多くに自動車向けの"
    "量産品を使うことで、製造にかかる時間も大幅に短くなったという。",
    "開発チームの責任者は記者会見で「多くの人の努力が実を結んだ。これからは安定して打ち上げを続けることが大切だ」と話した。",
    "同機構は来年から商業衛星の打ち上げを請け負う計画で、すでに国内外の企業から問い合わせが寄せられている。",
    "関連記事", "小型衛星の需要、5年で3倍に", "宇宙ベンチャーが資金調達、総額100億円",
    "人気記事", "冬のボーナス、平均支給額が過去最高", "新幹線の新型車両、来春デビュー",
    "会社概要 | お問い合わせ | 利用規約 | プライバシーポリシー",
    "Copyright © 2026 Example News. 無断転載を禁じます。",
]


def test_a_japanese_page_alone_keeps_its_article_and_loses_what_follows_related_articles(tmp_path):
    src = tmp_path / "news.txt"
    src.write_text("\n".join(JAPANESE_PAGE) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["clean", str(src), "--out", str(out), "--no-dedup"]).exit_code == 0
    cleaned = (out / "news.txt").read_text(encoding="utf-8").splitlines()
    for paragraph in JAPANESE_PAGE[11:15]:
        assert paragraph in cleaned
    for line in JAPANESE_PAGE[15:] + ["ツイート", "シェア", "ログイン"]:
        assert line not in cleaned, line
