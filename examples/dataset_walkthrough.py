"""Walkthrough: a folder of annual reports -> one dataset -> share of applications granted per agency.

Run it as a script, or cell by cell (``# %%``) in VS Code, Spyder or Jupytext:

    .venv/bin/python examples/dataset_walkthrough.py                  # the reports in examples/
    .venv/bin/python examples/dataset_walkthrough.py reports/ --out dataset/

Needs ``pip install 'xlsuite[dataset]'``; the chart also needs ``'xlsuite[charts]'``
(matplotlib) and is skipped without it.
"""
# %% Setup: which reports, where the dataset goes
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import pandas as pd

from xlsuite.dataset import build_dataset

HERE = Path(__file__).resolve().parent


def granted_share(values: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Per report: applications handled (三、（七）总计), granted in full (（一）予以公开), their share.

    A report whose table could not be read has null totals: it is listed with a
    null share, never a share of 0.
    """
    keys = {"requests.total.total": "handled", "requests.granted.total": "granted",
            "requests.partial.total": "partial"}
    wide = (values[values["key"].isin(list(keys))]
            .pivot(index="source", columns="key", values="value")
            .rename(columns=keys))
    meta = reports.set_index("source")[["agency", "year", "form", "verdict"]]
    out = meta.join(wide, how="inner")
    out["granted_share"] = out["granted"] / out["handled"].where(out["handled"] > 0)
    return out.sort_values(["agency", "year"]).reset_index()


def main(argv: list[str] | None = None) -> pd.DataFrame:
    ap = argparse.ArgumentParser(description="Share of applications granted per agency")
    ap.add_argument("sources", nargs="*", default=[str(HERE)])
    ap.add_argument("--out", default=None, help="dataset folder (default: a temporary one)")
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--no-chart", action="store_true")
    args = ap.parse_args(argv)
    out = Path(args.out or tempfile.mkdtemp(prefix="xlsuite-dataset-"))

    # %% 1. Build the dataset: all local cores; a re-run over the same --out reads only what changed
    ds = build_dataset(args.sources, out, workers=args.workers)
    print("\n".join(ds.summary.lines()))

    # %% 2. Two tidy tables: one row per report and key, one row per file
    print(ds.values[["agency", "year", "key", "value", "page", "flags"]].head(3).to_string())
    failed = ds.reports[ds.reports["status"] != "ok"]
    if len(failed):
        print("未能读取：\n" + failed[["source", "error_code", "error_reason"]].to_string(index=False))

    # %% 3. Share of applications granted in full, per agency and year
    share = granted_share(ds.values, ds.reports)
    share.to_csv(out / "granted_share.csv", index=False, encoding="utf-8-sig")
    print(share[["agency", "year", "handled", "granted", "granted_share"]].to_string(index=False))

    # %% 4. Chart (optional): one bar per report that has the numbers
    if not args.no_chart:
        chart(share.dropna(subset=["granted_share"]), out / "granted_share.png")
    print(f"数据集：{out}")
    return share


def chart(share: pd.DataFrame, path: Path) -> None:
    try:
        import matplotlib
    except ImportError:
        print("（未安装 matplotlib，跳过作图：pip install 'xlsuite[charts]'）")
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    cjk = [f.name for f in font_manager.fontManager.ttflist if "CJK" in f.name]
    if cjk:  # agency names are Chinese; DejaVu would draw empty boxes
        plt.rcParams["font.family"] = cjk[0]
    labels = [f"{a} {y}" for a, y in zip(share["agency"], share["year"])]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(share) + 1.2))
    ax.barh(labels, share["granted_share"] * 100)
    ax.set_xlabel("予以公开占办理总数的比例（%）")
    ax.set_xlim(0, 100)
    ax.invert_yaxis()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    print(f"图表：{path}")


if __name__ == "__main__":
    main()
