"""国办公开办函〔2019〕60号: report years 2019 and 2020."""
from .common import APPEALS, REQUEST_OTHER_2019, SECTIONS, common_rules, requests_table
from .schema import Column, Form, Row, Rule, Table

_ART_1 = "第二十条第（一）项"
_ART_5 = "第二十条第（五）项"
_ART_6 = "第二十条第（六）项"
_ART_8 = "第二十条第（八）项"
_ART_9 = "第二十条第（九）项"

ACTIVE = Table(
    "active",
    (
        Column("new_made", "本年新制作数量"),
        Column("new_published", "本年新公开数量"),
        Column("total_published", "对外公开总数量"),
        Column("prev_items", "上一年项目数量"),
        Column("change", "本年增/减", kind="signed"),
        Column("decisions", "处理决定数量"),
        Column("projects", "采购项目数量"),
        Column("amount_yuan", "采购总金额", kind="money", unit="元", units=(("万元", 10000), ("元", 1))),
    ),
    (
        Row("regulations", "规章", ("规章",), ("new_made", "new_published", "total_published"), _ART_1),
        Row("normative_docs", "规范性文件", ("规范性文件",), ("new_made", "new_published", "total_published"), _ART_1),
        Row("licensing", "行政许可", ("行政许可",), ("prev_items", "change", "decisions"), _ART_5),
        Row("other_services", "其他对外管理服务事项", ("对外管理服务", "其他对外管理"), ("prev_items", "change", "decisions"), _ART_5),
        Row("penalty", "行政处罚", ("行政处罚",), ("prev_items", "change", "decisions"), _ART_6),
        Row("enforcement", "行政强制", ("行政强制",), ("prev_items", "change", "decisions"), _ART_6),
        Row("fees", "行政事业性收费", ("事业性收费",), ("prev_items", "change"), _ART_8),
        Row("procurement", "政府集中采购", ("集中采购",), ("projects", "amount_yuan"), _ART_9),
    ),
)

REQUESTS = requests_table(REQUEST_OTHER_2019)
_OUTCOMES = tuple(r.id for r in REQUESTS.rows if r.id not in ("new", "carried_in", "total", "carried_out"))

FORM = Form(
    id="gov2019",
    title="国办公开办函〔2019〕60号",
    years=(2019, 2020),
    sections=tuple(s if s.id != "other" else s.__class__(**{**s.__dict__, "optional": True}) for s in SECTIONS),
    tables=(ACTIVE, REQUESTS, APPEALS),
    rules=common_rules(_OUTCOMES) + (
        Rule("R6", "本年新公开数量≤对外公开总数量", "active", "listed_rows", "<=",
             left=("new_published",), right=("total_published",), rows=("regulations", "normative_docs"),
             severity="warning", message="{label}：本年新公开数量不应大于对外公开总数量"),
        Rule("R9", "上一年项目数量=上年报告项目数量+增减", "active", "listed_rows", "==",
             left=("prev_items",), right=("prev:prev_items", "prev:change"),
             rows=("licensing", "other_services", "penalty", "enforcement", "fees"), cross_year=True, severity="warning",
             message="{label}：上一年项目数量应等于上年报告的项目数量加本年增/减"),
    ),
    markers=("本年新制作", "上一年项目", "采购总金额", "集中采购", "本年增/减"),
)
