"""The headline figures: what a person looks at first, grouped under the headings the office above uses.

One list for every short view of a report: the e-mail to the office above, the
CLI summaries of ``extract`` and ``rollup``, the ribbon's 汇总 message. Labels
come from the form (``Form.label_of``); every key exists in both forms.
"""
from __future__ import annotations

HEADLINE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("申请总数", ("requests.new.total", "requests.carried_in.total")),
    ("办结", ("requests.total.total",)),
    ("结转", ("requests.carried_out.total",)),
    ("复议/诉讼", ("appeals.review.total", "appeals.suit_direct.total", "appeals.suit_after_review.total")),
)


def headline_keys() -> tuple[str, ...]:
    return tuple(key for _heading, keys in HEADLINE for key in keys)
