"""Agency and year from a report's own title: chrome, wrapping, bounded work on hostile text."""
from xlsuite.recognize.meta import agency_and_year, parse_title


def test_title_on_one_line_and_over_two():
    assert agency_and_year(["福建省商务厅2020年政府信息公开工作年度报告"], "") == ("福建省商务厅", 2020)
    assert agency_and_year(["厦门市人民政府 2020 年", "政府信息公开工作年度报告"], "") == ("厦门市人民政府", 2020)
    assert agency_and_year(["2019年上海市人民政府办公厅政府信息公开工作年度报告"], "") == ("上海市人民政府办公厅", 2019)


def test_site_chrome_in_a_page_title_is_not_the_agency():
    got = parse_title("厦门市思明区人民政府网站 - 首页 > 信息公开 > 厦门市思明区商务局2021年度政府信息公开工作年度报告")
    assert got == ("厦门市思明区商务局", 2021)
    assert parse_title("某某市人民政府门户网站_某某市交通运输局2022年政府信息公开工作年度报告") == ("某某市交通运输局", 2022)


def test_place_prefix_from_the_opening_sentence_only():
    body = "洪泽区人民政府2023年政府信息公开工作年度报告本报告由淮安市洪泽区人民政府办公室根据《条例》编制。"
    assert agency_and_year(["洪泽区人民政府", "2023年政府信息公开工作年度报告"], body) == ("淮安市洪泽区人民政府", 2023)


def test_a_paragraph_mentioning_the_report_is_not_a_title():
    assert parse_title("现将2020年度福建省商务厅政府信息公开工作的情况报告如下") is None


def test_a_huge_first_line_is_skipped_not_backtracked():
    # 8,000 characters of "2019年" used to take minutes in a backtracking title pattern.
    texts = ["2019年" * 1600, "石狮市商务局2019年政府信息公开工作年度报告"]
    assert agency_and_year(texts, "") == ("石狮市商务局", 2019)
    assert parse_title("2019年" * 1600 + "政府信息公开工作年度报告") is None  # too long for a title
