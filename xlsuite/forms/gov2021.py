"""国办公开办函〔2021〕30号: report years 2021 and later."""
from .common import APPEALS, REQUEST_OTHER_2021, SECTIONS, common_rules, requests_table
from .schema import Column, Form, Row, Rule, Table

_ART_1 = "第二十条第（一）项"
_ART_5 = "第二十条第（五）项"
_ART_6 = "第二十条第（六）项"
_ART_8 = "第二十条第（八）项"

ACTIVE = Table(
    "active",
    (
        Column("issued", "本年制发件数"),
        Column("repealed", "本年废止件数"),
        Column("in_force", "现行有效件数"),
        Column("decisions", "本年处理决定数量"),
        Column("amount_10k_yuan", "本年收费金额（单位：万元）", kind="money", unit="万元",
               units=(("万元", 1), ("元", 0.0001))),
    ),
    (
        Row("regulations", "规章", ("规章",), ("issued", "repealed", "in_force"), _ART_1),
        Row("normative_docs", "行政规范性文件", ("规范性文件",), ("issued", "repealed", "in_force"), _ART_1),
        Row("licensing", "行政许可", ("行政许可",), ("decisions",), _ART_5),
        Row("penalty", "行政处罚", ("行政处罚",), ("decisions",), _ART_6),
        Row("enforcement", "行政强制", ("行政强制",), ("decisions",), _ART_6),
        Row("fees", "行政事业性收费", ("事业性收费",), ("amount_10k_yuan",), _ART_8),
    ),
)

REQUESTS = requests_table(REQUEST_OTHER_2021)
_OUTCOMES = tuple(r.id for r in REQUESTS.rows if r.id not in ("new", "carried_in", "total", "carried_out"))

FORM = Form(
    id="gov2021",
    title="国办公开办函〔2021〕30号",
    years=tuple(range(2021, 2100)),
    sections=SECTIONS,
    tables=(ACTIVE, REQUESTS, APPEALS),
    rules=common_rules(_OUTCOMES) + (
        Rule("R7", "现行有效件数≥本年制发件数", "active", "listed_rows", ">=",
             left=("in_force",), right=("issued",), rows=("regulations", "normative_docs"),
             severity="warning", message="{label}：现行有效件数不应小于本年制发件数"),
        Rule("R10", "现行有效件数=上年现行有效+本年制发-本年废止", "active", "listed_rows", "==",
             left=("in_force",), right=("prev:in_force", "issued", "-repealed"),
             rows=("regulations", "normative_docs"), cross_year=True, severity="warning",
             message="{label}：现行有效件数应等于上年报告的现行有效件数加本年制发减本年废止"),
    ),
    markers=("本年制发", "本年废止", "现行有效", "逾期不补正", "收费通知", "本年收费金额"),
)
