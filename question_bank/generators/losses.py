"""Softmax probabilities and cross-entropy of small logits.

calculators/ has no softmax/cross-entropy module, so the derivation (a `calculators.result.Result`,
like every calculator's) is computed here with `math`: stable log-sum-exp, natural log (PyTorch's
nn.CrossEntropyLoss, mean over the batch).
"""
from __future__ import annotations

import math
import random

from calculators.result import Result
from question_bank.generators._base import Draft, bi, derivation, fmt_num, fmt_sig, register, significant_tolerance

TOLERANCE = 0.002  # cross-entropy answers to 3 decimals after a few hand-computed exponentials
# softmax probabilities can be tiny (0.0048): they are asked to 3 significant digits (significant_tolerance)
ORDINAL_EN = ("first", "second", "third", "fourth", "fifth")

SOFTMAX_FORMULA = "pᵢ = exp(zᵢ/T) / Σⱼ exp(zⱼ/T)  (T = 1: plain softmax)"
CE_FORMULA = "CE = −log softmax(z)_y = log Σⱼ exp(zⱼ) − z_y;  batch loss = mean over the samples"


def _f(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1000 else f"{x:.6g}"


def _vec(values) -> str:
    return "(" + ", ".join(_f(v) for v in values) + ")"


def _logits(rng: random.Random, count: int) -> list[float]:
    """Distinct one-decimal logits in [−2, 4]."""
    out: list[float] = []
    while len(out) < count:
        z = round(rng.uniform(-2, 4), 1)
        if z not in out:
            out.append(z)
    return out


def softmax_result(z: list[float], index: int, temperature: float = 1.0) -> Result:
    scaled = [v / temperature for v in z]
    m = max(scaled)
    exps = [math.exp(v - m) for v in scaled]
    total = math.fsum(exps)
    p = exps[index] / total
    steps = []
    if temperature != 1:
        steps.append(f"z/T = {_vec(z)}/{_f(temperature)} = {_vec(scaled)}")
    steps += [
        f"subtract the max {_f(m)} (same result, no overflow): {_vec([v - m for v in scaled])}",
        f"exp: {_vec(exps)}",
        f"Σ = {_f(total)}",
        f"p = {_f(exps[index])} / {_f(total)} = {p:.6g} ≈ {fmt_sig(p)}",
    ]
    return Result(p, SOFTMAX_FORMULA, tuple(steps))


def cross_entropy_result(batch: list[list[float]], targets: list[int]) -> Result:
    losses, steps = [], []
    for i, (z, y) in enumerate(zip(batch, targets), start=1):
        m = max(z)
        lse = m + math.log(math.fsum(math.exp(v - m) for v in z))
        loss = lse - z[y]
        losses.append(loss)
        label = f"sample {i}: " if len(batch) > 1 else ""
        steps.append(f"{label}log Σ exp(z) = {_f(m)} + log({_f(math.fsum(math.exp(v - m) for v in z))}) = "
                     f"{lse:.6f};  CE = {lse:.6f} − {_f(z[y]) if z[y] >= 0 else f'({_f(z[y])})'} = {loss:.6f}")
    value = math.fsum(losses) / len(losses)
    if len(losses) > 1:
        steps.append(f"mean = ({' + '.join(f'{x:.6f}' for x in losses)})/{len(losses)} = {value:.6f} ≈ {value:.3f}")
    else:
        steps.append(f"CE ≈ {value:.3f}")
    return Result(value, CE_FORMULA, tuple(steps))


@register("softmax", "losses", "numeric", "softmax", en="Softmax probability of small logits (with temperature)",
          zh="小规模 logits 的 softmax 概率(含温度)")
def softmax(rng: random.Random) -> Draft:
    count = rng.randint(3, 5)
    z = _logits(rng, count)
    index = rng.randrange(count)
    temperature = rng.choice((0.5, 2.0)) if rng.random() < 0.2 else 1.0
    result = softmax_result(z, index, temperature)
    latex = (r"\( p_i = e^{z_i/T} / \sum_j e^{z_j/T} \)" if temperature != 1
             else r"\( p_i = e^{z_i} / \sum_j e^{z_j} \)")
    t_zh = f",温度 T = {_f(temperature)}(即 softmax(z/T))" if temperature != 1 else ""
    t_en = f" with temperature T = {_f(temperature)} (softmax(z/T))" if temperature != 1 else ""
    return Draft(
        difficulty=3 if temperature != 1 else 2 if count > 3 else 1,
        prompt=bi(f"logits z = {_vec(z)}{t_zh}。第 {index + 1} 个类别(logit {_f(z[index])})的 softmax 概率是多少?"
                  f"保留 3 位有效数字(如 0.0123、0.456)。",
                  f"Logits z = {_vec(z)}{t_en}. What softmax probability does the {ORDINAL_EN[index]} class "
                  f"(logit {_f(z[index])}) get? Give 3 significant digits (e.g. 0.0123, 0.456)."),
        answer=bi(fmt_sig(result.value), fmt_sig(result.value)),
        explanation=derivation(f"softmax:{latex}。", f"Softmax: {latex}.",
                               result.formula, result.steps,
                               ["先减去最大值再取指数,结果不变但不会溢出;温度 T > 1 让分布更平,T < 1 更尖。"],
                               ["Subtracting the max before exponentiating changes nothing but avoids overflow; "
                                "T > 1 flattens the distribution, T < 1 sharpens it."]),
        params={"z": z, "index": index, "temperature": temperature},
        tags=("softmax",) + (("temperature",) if temperature != 1 else ()),
        value=result.value, tolerance=significant_tolerance(result.value),
    )


@register("cross-entropy", "losses", "numeric", "cross-entropy", en="Cross-entropy loss of small logits",
          zh="小规模 logits 的交叉熵损失")
def cross_entropy(rng: random.Random) -> Draft:
    samples = 2 if rng.random() < 0.3 else 1
    count = rng.randint(3, 4)
    batch = [_logits(rng, count) for _ in range(samples)]
    targets = [rng.randrange(count) for _ in range(samples)]
    result = cross_entropy_result(batch, targets)
    if samples == 1:
        z, y = batch[0], targets[0]
        zh_q = (f"logits z = {_vec(z)},真实类别是第 {y + 1} 个(logit {_f(z[y])})。求交叉熵损失(自然对数,"
                f"即 nn.CrossEntropyLoss),保留 3 位小数。")
        en_q = (f"Logits z = {_vec(z)}; the true class is the {ORDINAL_EN[y]} one (logit {_f(z[y])}). "
                f"Compute the cross-entropy loss (natural log, as nn.CrossEntropyLoss) to 3 decimals.")
    else:
        zh_rows = ";".join(f"样本 {i + 1}:z = {_vec(z)},真实类别第 {y + 1} 个" for i, (z, y) in
                           enumerate(zip(batch, targets)))
        en_rows = "; ".join(f"sample {i + 1}: z = {_vec(z)}, true class = the {ORDINAL_EN[y]}" for i, (z, y) in
                            enumerate(zip(batch, targets)))
        zh_q = f"一个 batch 有两个样本:{zh_rows}。求 nn.CrossEntropyLoss()(自然对数,对 batch 取平均),保留 3 位小数。"
        en_q = f"A batch of two samples: {en_rows}. Compute nn.CrossEntropyLoss() (natural log, mean over the " \
               f"batch) to 3 decimals."
    return Draft(
        difficulty=2 if samples > 1 else 1,
        prompt=bi(zh_q, en_q),
        answer=bi(fmt_num(result.value), fmt_num(result.value)),
        explanation=derivation(r"交叉熵:\( L = -\log p_y = \log \sum_j e^{z_j} - z_y \)。",
                               r"Cross-entropy: \( L = -\log p_y = \log \sum_j e^{z_j} - z_y \).",
                               result.formula, result.steps,
                               ["nn.CrossEntropyLoss 的输入是未经 softmax 的 logits,内部做 log_softmax + NLL;"
                                "默认 reduction='mean' 对 batch 取平均。"],
                               ["nn.CrossEntropyLoss takes raw logits (it applies log_softmax + NLL itself); "
                                "reduction='mean' averages over the batch."]),
        params={"batch": batch, "targets": targets},
        tags=("cross-entropy", "softmax"),
        value=result.value, tolerance=TOLERANCE,
    )
