"""Classification and ranking metrics: precision / recall / F1 from confusion counts, and the average precision
of a ranked list. Exact arithmetic with `fractions.Fraction`; the answers are asked to 3 significant digits."""
from __future__ import annotations

import random
from fractions import Fraction

from question_bank.generators._base import SIG_HINT, Draft, bi, explain, fmt_sig, register, significant_tolerance

# metric: (zh name, en name, difficulty)
CONFUSION_METRICS = {
    "precision": ("精确率(precision)", "precision", 1),
    "recall": ("召回率(recall)", "recall", 1),
    "f1": ("F1 分数", "F1 score", 2),
}
HIT, MISS = "✓", "✗"


def _frac(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator}" if x.denominator != 1 else str(x.numerator)


def _dec(x: Fraction | float) -> str:
    return f"{float(x):.6g}"


@register("precision-recall-f1", "metrics", "numeric", "precision-recall",
          en="Precision, recall or F1 from a confusion matrix", zh="由混淆矩阵求精确率、召回率或 F1")
def precision_recall_f1(rng: random.Random) -> Draft:
    tp, fp, fn, tn = rng.randint(5, 95), rng.randint(1, 40), rng.randint(1, 40), rng.randint(10, 300)
    metric = rng.choices(list(CONFUSION_METRICS), weights=(1, 1, 2))[0]
    precision, recall = Fraction(tp, tp + fp), Fraction(tp, tp + fn)
    f1 = Fraction(2 * tp, 2 * tp + fp + fn)
    value = float({"precision": precision, "recall": recall, "f1": f1}[metric])
    lines = []
    if metric in ("precision", "f1"):
        lines.append((f"精确率 P = TP / (TP + FP) = {tp} / ({tp} + {fp}) = {_frac(precision)} = {_dec(precision)}",
                      f"precision P = TP / (TP + FP) = {tp} / ({tp} + {fp}) = {_frac(precision)} = "
                      f"{_dec(precision)}"))
    if metric in ("recall", "f1"):
        lines.append((f"召回率 R = TP / (TP + FN) = {tp} / ({tp} + {fn}) = {_frac(recall)} = {_dec(recall)}",
                      f"recall R = TP / (TP + FN) = {tp} / ({tp} + {fn}) = {_frac(recall)} = {_dec(recall)}"))
    if metric == "f1":
        lines.append((f"F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN) = {2 * tp} / ({2 * tp} + {fp} + {fn}) = "
                      f"{_frac(f1)} = {_dec(f1)}",
                      f"F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN) = {2 * tp} / ({2 * tp} + {fp} + {fn}) = "
                      f"{_frac(f1)} = {_dec(f1)}"))
    lines.append((f"≈ {fmt_sig(value)}", f"≈ {fmt_sig(value)}"))
    zh_name, en_name, difficulty = CONFUSION_METRICS[metric]
    counts = f"TP = {tp},FP = {fp},FN = {fn},TN = {tn}"
    return Draft(
        difficulty=difficulty,
        prompt=bi(f"一个二分类器在测试集上的混淆矩阵:{counts}。它的{zh_name}是多少?{SIG_HINT.zh}。",
                  f"A binary classifier's confusion matrix on a test set: TP = {tp}, FP = {fp}, FN = {fn}, "
                  f"TN = {tn}. What is its {en_name}? {SIG_HINT.en.capitalize()}."),
        answer=bi(fmt_sig(value), fmt_sig(value)),
        explanation=explain(
            ("精确率:预测为正的样本里真正为正的比例;召回率:真正为正的样本里被找出来的比例;F1 是两者的调和平均。",
             "Precision: the share of predicted positives that are positive; recall: the share of actual "
             "positives that were found; F1 is their harmonic mean."),
            *lines,
            (f"TN = {tn} 不出现在精确率、召回率和 F1 的公式里:负样本再多,这三个指标也不变(准确率才会受它影响)。",
             f"TN = {tn} enters none of precision, recall and F1: piling up easy negatives leaves them unchanged "
             f"(accuracy is what it inflates)."),
        ),
        params={"tp": tp, "fp": fp, "fn": fn, "tn": tn, "metric": metric},
        tags=("classification",),
        value=value, tolerance=significant_tolerance(value),
    )


def _ranking(rng: random.Random) -> list[bool]:
    """6-10 ranked results, at least two relevant, not all relevant ones on top (AP = 1 teaches nothing)."""
    while True:
        ranked = [rng.random() < 0.45 for _ in range(rng.randint(6, 10))]
        hits = sum(ranked)
        if hits >= 2 and ranked[:hits] != [True] * hits:
            return ranked


@register("average-precision", "metrics", "numeric", "average-precision",
          en="Average precision (AP) of a ranked list", zh="排序结果的平均精度 AP")
def average_precision(rng: random.Random) -> Draft:
    ranked = _ranking(rng)
    precisions: list[tuple[int, Fraction]] = []
    found = 0
    for rank, relevant in enumerate(ranked, start=1):
        if relevant:
            found += 1
            precisions.append((rank, Fraction(found, rank)))
    ap = sum((p for _, p in precisions), Fraction(0)) / len(precisions)
    value = float(ap)
    marks = " ".join(HIT if r else MISS for r in ranked)
    ranks = ", ".join(str(rank) for rank, _ in precisions)
    at_k = ", ".join(f"P@{rank} = {_frac(p)}" for rank, p in precisions)
    terms = " + ".join(_dec(p) for _, p in precisions)
    return Draft(
        difficulty=2,
        prompt=bi(f"一次检索按得分返回 {len(ranked)} 个结果(第 1 名在最左),{HIT} 表示相关、{MISS} 表示不相关:{marks}。"
                  f"所有相关项都在这个列表里。求平均精度 AP(不插值,即 sklearn 的 average_precision_score)。"
                  f"{SIG_HINT.zh}。",
                  f"A search returns {len(ranked)} results ranked by score (rank 1 on the left); {HIT} = relevant, "
                  f"{MISS} = not: {marks}. Every relevant item is in the list. What is the average precision "
                  f"(non-interpolated AP, as sklearn's average_precision_score)? {SIG_HINT.en.capitalize()}."),
        answer=bi(fmt_sig(value), fmt_sig(value)),
        explanation=explain(
            ("AP = 每个相关项所在名次 k 处的精确率 P@k(前 k 个里相关的比例)的平均。",
             "AP = the mean, over the ranks k of the relevant items, of precision@k (the share of the top k "
             "that is relevant)."),
            (f"相关项的名次:{ranks}", f"relevant at ranks {ranks}"),
            (at_k, at_k),
            (f"AP = ({terms}) / {len(precisions)} = {_frac(ap)} = {_dec(ap)} ≈ {fmt_sig(value)}",
             f"AP = ({terms}) / {len(precisions)} = {_frac(ap)} = {_dec(ap)} ≈ {fmt_sig(value)}"),
            ("最后一个相关项之后的不相关项不影响 AP;把任何一个相关项往前挪,AP 只会变大。",
             "Misses after the last relevant item leave AP unchanged; moving any relevant item up can only "
             "raise it."),
        ),
        params={"ranked": ranked},
        tags=("ranking",),
        value=value, tolerance=significant_tolerance(value),
    )
