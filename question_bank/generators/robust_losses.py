"""Losses that down-weight part of the data: binary focal loss (easy examples) and Huber / smooth-L1 (outliers).
Computed here with `math`, natural log, PyTorch's conventions (torchvision.ops.sigmoid_focal_loss;
F.huber_loss and F.smooth_l1_loss with reduction='mean'); asked to 3 significant digits."""
from __future__ import annotations

import math
import random

from question_bank.generators._base import SIG_HINT, Draft, bi, explain, fmt_sig, register, significant_tolerance

GAMMAS = (0.5, 1.0, 2.0, 2.0, 3.0)  # γ = 2 is the paper's choice
ALPHAS = (0.25, 0.25, 0.5, 0.75, None)  # None: no α weighting (torchvision's alpha < 0)
DELTAS = (0.5, 1.0, 2.0)


def _f(x: float) -> str:
    return f"{x:.6g}"


def _signed(x: float) -> str:
    return f"({_f(x)})" if x < 0 else _f(x)


@register("focal-loss", "losses", "numeric", "focal-loss", en="Binary focal loss of one prediction",
          zh="单个预测的二分类焦点损失(focal loss)")
def focal_loss(rng: random.Random) -> Draft:
    y = rng.randint(0, 1)
    p_t = rng.randint(10, 90) / 100  # how right the model is; p is what it outputs for class 1
    p = p_t if y == 1 else round(1 - p_t, 2)
    gamma, alpha = rng.choice(GAMMAS), rng.choice(ALPHAS)
    alpha_t = 1.0 if alpha is None else alpha if y == 1 else 1 - alpha
    ce = -math.log(p_t)
    modulating = (1 - p_t) ** gamma
    value = alpha_t * modulating * ce
    g = f"{gamma:g}"
    lines = [
        (f"p_t = p = {_f(p)}(y = 1)" if y == 1 else f"p_t = 1 − p = 1 − {_f(p)} = {_f(p_t)}(y = 0)",
         f"p_t = p = {_f(p)} (y = 1)" if y == 1 else f"p_t = 1 − p = 1 − {_f(p)} = {_f(p_t)} (y = 0)"),
    ]
    if alpha is not None:
        lines.append((f"α_t = α = {alpha:g}" if y == 1 else f"α_t = 1 − α = 1 − {alpha:g} = {_f(1 - alpha)}",) * 2)
    lines += [
        (f"CE = −log p_t = −log {_f(p_t)} = {_f(ce)}",) * 2,
        (f"(1 − p_t)^γ = {_f(round(1 - p_t, 2))}^{g} = {_f(modulating)}",) * 2,
        ((f"FL = α_t · (1 − p_t)^γ · CE = {_f(alpha_t)} · {_f(modulating)} · {_f(ce)}" if alpha is not None else
          f"FL = (1 − p_t)^γ · CE = {_f(modulating)} · {_f(ce)}") + f" = {_f(value)} ≈ {fmt_sig(value)}",) * 2,
    ]
    formula = "FL = −α_t (1 − p_t)^γ log p_t" if alpha is not None else "FL = −(1 − p_t)^γ log p_t"
    ratio = ce / value
    weight_zh = f",α = {alpha:g} 加在正类(y = 1)上、1 − α 加在负类上" if alpha is not None else ",不加 α 权重"
    weight_en = (f", α = {alpha:g} weighting the positive class (y = 1) and 1 − α the negative one"
                 if alpha is not None else ", no α weighting")
    return Draft(
        difficulty=2 if alpha is None else 3,
        prompt=bi(f"二分类焦点损失(focal loss,RetinaNet;同 torchvision.ops.sigmoid_focal_loss):{formula},"
                  f"γ = {g}{weight_zh}。模型预测正类概率 p = {_f(p)},真实标签 y = {y}。求 FL(自然对数),{SIG_HINT.zh}。",
                  f"Binary focal loss (RetinaNet; as torchvision.ops.sigmoid_focal_loss): {formula} with γ = {g}"
                  f"{weight_en}. The model gives the positive class p = {_f(p)}; the true label is y = {y}. "
                  f"Compute FL (natural log); {SIG_HINT.en}."),
        answer=bi(fmt_sig(value), fmt_sig(value)),
        explanation=explain(
            (f"焦点损失:{formula},p_t 是模型给真实类别的概率。", f"Focal loss: {formula}, p_t being the probability "
             f"the model gives the true class."),
            (f"公式:{formula}", f"Formula: {formula}"),
            *lines,
            (f"同一个样本的交叉熵是 {_f(ce)},焦点损失只有它的 1/{ratio:.3g}:(1 − p_t)^γ "
             f"让分得好的(容易的)样本几乎不贡献损失,训练集中在难样本上;γ = 0 且不加 α 时就是交叉熵。",
             f"Plain cross-entropy for this example is {_f(ce)}; focal loss is 1/{ratio:.3g} of it: (1 − p_t)^γ "
             f"mutes well-classified (easy) examples so training concentrates on hard ones; γ = 0 without α is "
             f"cross-entropy."),
        ),
        params={"p": p, "y": y, "gamma": gamma, "alpha": alpha},
        tags=("class-imbalance",),
        value=value, tolerance=significant_tolerance(value),
    )


def _residuals(rng: random.Random, delta: float) -> tuple[list[float], list[float]]:
    """Predictions and targets with residuals on both sides of δ, none within 0.05 of it (no kink ambiguity)."""
    while True:
        n = rng.randint(3, 4)
        pred = [rng.randint(-30, 30) / 10 for _ in range(n)]
        target = [rng.randint(-30, 30) / 10 for _ in range(n)]
        d = [abs(round(a - b, 1)) for a, b in zip(pred, target)]
        if any(0 < x < delta for x in d) and any(x > delta for x in d) and all(abs(x - delta) >= 0.05 for x in d):
            return pred, target


@register("huber-loss", "losses", "numeric", "huber-loss", en="Huber / smooth-L1 loss of a few residuals",
          zh="几个残差的 Huber / smooth-L1 损失")
def huber_loss(rng: random.Random) -> Draft:
    kind = rng.choice(("huber", "smooth-l1"))
    delta = rng.choice(DELTAS)
    pred, target = _residuals(rng, delta)
    residuals = [round(a - b, 1) for a, b in zip(pred, target)]
    dt = f"{delta:g}"
    terms, lines = [], []
    for i, r in enumerate(residuals, start=1):
        a = abs(r)
        if kind == "huber":
            term = 0.5 * r * r if a < delta else delta * (a - 0.5 * delta)
            how = (f"|d| = {_f(a)} < δ → 0.5·{_signed(r)}² = {_f(term)}" if a < delta else
                   f"|d| = {_f(a)} ≥ δ → {dt}·({_f(a)} − 0.5·{dt}) = {_f(term)}")
        else:
            term = 0.5 * r * r / delta if a < delta else a - 0.5 * delta
            how = (f"|d| = {_f(a)} < β → 0.5·{_signed(r)}²/{dt} = {_f(term)}" if a < delta else
                   f"|d| = {_f(a)} ≥ β → {_f(a)} − 0.5·{dt} = {_f(term)}")
        terms.append(term)
        lines.append((f"d_{i} = {_signed(pred[i - 1])} − {_signed(target[i - 1])} = {_f(r)}:{how}",
                      f"d_{i} = {_signed(pred[i - 1])} − {_signed(target[i - 1])} = {_f(r)}: {how}"))
    value = math.fsum(terms) / len(terms)
    lines.append((f"{' + '.join(_f(t) for t in terms)} 的均值 = {_f(value)} ≈ {fmt_sig(value)}",
                  f"mean of {' + '.join(_f(t) for t in terms)} = {_f(value)} ≈ {fmt_sig(value)}"))
    if kind == "huber":
        call = f"F.huber_loss(pred, target, delta={dt})"
        formula = "Huber_δ(d) = 0.5·d² if |d| < δ, else δ·(|d| − 0.5·δ)"
        formula_zh = "Huber_δ(d) = 0.5·d²(|d| < δ),否则 δ·(|d| − 0.5·δ)"
    else:
        call = f"F.smooth_l1_loss(pred, target, beta={dt})"
        formula = "SmoothL1_β(d) = 0.5·d²/β if |d| < β, else |d| − 0.5·β"
        formula_zh = "SmoothL1_β(d) = 0.5·d²/β(|d| < β),否则 |d| − 0.5·β"
    cap = "±δ" if kind == "huber" else "±1"
    vec = lambda xs: "(" + ", ".join(_f(x) for x in xs) + ")"  # noqa: E731
    return Draft(
        difficulty=2,
        prompt=bi(f"预测 pred = {vec(pred)},目标 target = {vec(target)}。求 {call}(reduction='mean',对所有元素取平均),"
                  f"{SIG_HINT.zh}。",
                  f"Predictions pred = {vec(pred)}, targets target = {vec(target)}. Compute {call} "
                  f"(reduction='mean', averaged over the elements); {SIG_HINT.en}."),
        answer=bi(fmt_sig(value), fmt_sig(value)),
        explanation=explain(
            (f"小残差用平方(像均方误差,在 0 附近光滑),大残差用线性(像 L1,离群点的梯度被截断在 {cap})。",
             f"Small residuals are squared (like MSE, smooth at 0); large ones grow linearly (like L1, so an "
             f"outlier's gradient is capped at {cap})."),
            (f"公式:{formula_zh};d = 预测 − 目标,再对元素取均值", f"Formula: {formula}; d = pred − target, "
             f"then the mean over the elements"),
            *lines,
            ("两者只差一个系数:β = δ 时 smooth_l1_loss = huber_loss / β;β = δ = 1 时完全相同。",
             "They differ by a factor only: smooth_l1_loss(beta=β) = huber_loss(delta=β) / β; at β = δ = 1 "
             "they are the same."),
        ),
        params={"kind": kind, "delta": delta, "pred": pred, "target": target},
        tags=("regression", "smooth-l1") if kind == "smooth-l1" else ("regression",),
        value=value, tolerance=significant_tolerance(value),
    )
