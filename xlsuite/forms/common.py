"""Sections, tables and rules that both national forms share (docs/forms.md)."""
from __future__ import annotations

from .schema import Column, Row, Rule, Section, Table

# Headings are matched on the squashed line with its numbering removed (一、 / 1. / 第一部分 /
# none at all): reports renumber their sections, and converters rewrite the numbers.
SECTIONS = (
    Section("overview", "一", "总体情况", "narrative",
            r"^(?:政府信息公开|政务公开)?(?:工作)?(?:总体|基本|整体)情况|^概述|^总体概况"),
    Section("active", "二", "主动公开政府信息情况", "table", r"^(?:政府信息)?主动公开.{0,8}情况"),
    Section("requests", "三", "收到和处理政府信息公开申请情况", "table",
            r"^(?:收到|处理|受理).{0,14}申请.{0,6}情况|^依申请公开.{0,8}情况"),
    Section("appeals", "四", "政府信息公开行政复议、行政诉讼情况", "table",
            r"^(?:政府信息公开)?(?:行政)?复议.{0,4}(?:行政)?诉讼.{0,4}情况|^(?:政府信息公开)?行政复议.{0,2}行政诉讼$"),
    Section("issues", "五", "存在的主要问题及改进情况", "narrative",
            r"^(?:政府信息公开|政务公开)?(?:工作)?中?存在的?(?:主要)?问题|^(?:主要)?问题(?:及|和|与)(?:其)?改进"),
    Section("other", "六", "其他需要报告的事项", "narrative", r"^其他需要报告"),
)

# Where each table starts when its heading is missing: words printed only in that table.
TABLE_ANCHORS = {
    "active": ("信息内容", "第二十条第(一)项", "本年新制作数量", "本年制发件数"),
    "requests": ("申请人情况", "本年新收政府信息公开申请数量", "本年新收"),
    "appeals": ("结果维持", "尚未审结", "未经复议直接起诉"),
}

REQUEST_COLUMNS = (
    Column("natural", "自然人"),
    Column("org_commercial", "商业企业", group="法人或其他组织"),
    Column("org_research", "科研机构", group="法人或其他组织"),
    Column("org_social", "社会公益组织", group="法人或其他组织"),
    Column("org_legal", "法律服务机构", group="法人或其他组织"),
    Column("org_other", "其他", group="法人或其他组织"),
    Column("total", "总计"),
)

_RESULT = "三、本年度办理结果"
_DENIED = "（三）不予公开"
_UNABLE = "（四）无法提供"
_REJECTED = "（五）不予处理"
_OTHER = "（六）其他处理"

REQUEST_ROWS_HEAD = (
    Row("new", "一、本年新收政府信息公开申请数量", ("本年新收",)),
    Row("carried_in", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Row("granted", "（一）予以公开", ("予以公开",), group=_RESULT),
    Row("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",), group=_RESULT),
    Row("denied_secret", "1.属于国家秘密", ("国家秘密", "属于国家"), group=_DENIED),
    Row("denied_law", "2.其他法律行政法规禁止公开", ("其他法律", "法规禁止", "禁止公开", "行政止公开"), group=_DENIED),
    Row("denied_security", "3.危及“三安全一稳定”", ("三安全", "一稳定", "危及"), group=_DENIED),
    Row("denied_third_party", "4.保护第三方合法权益", ("第三方",), group=_DENIED),
    Row("denied_internal", "5.属于三类内部事务信息", ("内部事务", "属于三类"), group=_DENIED),
    Row("denied_process", "6.属于四类过程性信息", ("过程性", "属于四类"), group=_DENIED),
    Row("denied_case_file", "7.属于行政执法案卷", ("执法案卷",), group=_DENIED),
    Row("denied_query", "8.属于行政查询事项", ("行政查询", "查询事项"), group=_DENIED),
    Row("unable_not_held", "1.本机关不掌握相关政府信息", ("不掌握", "本机关"), group=_UNABLE),
    Row("unable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "现成信息", "没有现成", "需要另行"), group=_UNABLE),
    Row("unable_unclear", "3.补正后申请内容仍不明确", ("补正后", "仍不明确"), group=_UNABLE),
    Row("rejected_petition", "1.信访举报投诉类申请", ("信访", "举报投诉"), group=_REJECTED),
    Row("rejected_repeat", "2.重复申请", ("重复申请",), group=_REJECTED),
    Row("rejected_publication", "3.要求提供公开出版物", ("出版物", "公开出版", "要求提供"), group=_REJECTED),
    Row("rejected_massive", "4.无正当理由大量反复申请", ("大量反复",), group=_REJECTED),
    Row("rejected_confirm", "5.要求行政机关确认或重新出具已获取信息", ("确认或重新", "重新出具"), group=_REJECTED),
)

REQUEST_ROWS_TAIL = (
    Row("total", "（七）总计", ("总计",), group=_RESULT),
    Row("carried_out", "四、结转下年度继续办理", ("结转下年度", "下年度继续")),
)

REQUEST_OTHER_2019 = (Row("other", "（六）其他处理", ("其他处理",), group=_RESULT),)

REQUEST_OTHER_2021 = (
    Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正",), group=_OTHER),
    Row("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("收费通知", "缴纳费用"), group=_OTHER),
    Row("other_misc", "3.其他", ("3.其他", "3、其他", "其他处理"), group=_OTHER),
)

APPEAL_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)

APPEALS = Table(
    "appeals",
    APPEAL_COLUMNS,
    (
        Row("review", "行政复议", ("行政复议",)),
        Row("suit_direct", "未经复议直接起诉", ("直接起诉",), group="行政诉讼"),
        Row("suit_after_review", "复议后起诉", ("复议后起诉",), group="行政诉讼"),
    ),
    layout="flat",
)


def requests_table(other_rows: tuple[Row, ...]) -> Table:
    return Table("requests", REQUEST_COLUMNS, REQUEST_ROWS_HEAD + other_rows + REQUEST_ROWS_TAIL)


def common_rules(outcome_rows: tuple[str, ...]) -> tuple[Rule, ...]:
    """Relations R1-R5 and R8 (docs/forms.md); ``outcome_rows`` differ between the forms."""
    return (
        Rule("R1", "新收+上年结转=总计+结转下年", "requests", "column", "==",
             left=("new", "carried_in"), right=("total", "carried_out"),
             message="{label}：本年新收与上年结转之和应等于总计与结转下年度之和"),
        Rule("R2", "各类申请人之和=总计", "requests", "row", "==",
             left=("total",),
             right=("natural", "org_commercial", "org_research", "org_social", "org_legal", "org_other"),
             message="{label}：总计应等于自然人与各类法人或其他组织之和"),
        Rule("R3", "办理结果之和=总计", "requests", "column", "==",
             left=("total",), right=outcome_rows,
             message="{label}：（七）总计应等于各项办理结果之和"),
        Rule("R4", "复议诉讼结果之和=总计", "appeals", "row", "==",
             left=("total",), right=("upheld", "corrected", "other", "pending"),
             message="{label}：总计应等于维持、纠正、其他结果与尚未审结之和"),
        Rule("R5", "非负整数", "*", "cell", ">=",
             message="{label}：应为非负整数"),
        Rule("R8", "上年结转=上年报告结转下年", "requests", "column", "==",
             left=("carried_in",), right=("prev:carried_out",), cross_year=True, severity="warning",
             message="{label}：本年“上年结转”应等于上年报告的“结转下年度继续办理”"),
    )
