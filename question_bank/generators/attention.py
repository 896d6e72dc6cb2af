"""Attention: the parameter count of nn.MultiheadAttention (the heads don't change it) and one entry of
softmax(QKᵀ/√d_k)·V for tiny integer matrices, worked out with `math` the way one does on a whiteboard."""
from __future__ import annotations

import math
import random

from question_bank.generators._base import (
    SIG_HINT,
    Draft,
    bi,
    explain,
    fmt_sig,
    grouped,
    register,
    significant_tolerance,
)

EMBED_DIMS = (32, 64, 128, 256, 384, 512, 768, 1024)
HEADS = (2, 3, 4, 6, 8, 12, 16)  # ≥ 2: the question is that the heads change nothing
OTHER_DIMS = (64, 128, 256, 512, 1024)


@register("mha-params", "attention", "numeric", "attention", en="Parameters of nn.MultiheadAttention",
          zh="nn.MultiheadAttention 的参数量")
def mha_params(rng: random.Random) -> Draft:
    d = rng.choice(EMBED_DIMS)
    heads = rng.choice([h for h in HEADS if d % h == 0 and d // h >= 16])
    bias = rng.random() < 0.7
    kdim = vdim = d
    if rng.random() < 0.25:
        while kdim == d and vdim == d:
            kdim, vdim = rng.choice(OTHER_DIMS), rng.choice(OTHER_DIMS)
    q_w, k_w, v_w, out_w = d * d, d * kdim, d * vdim, d * d
    in_bias, out_bias = (3 * d, d) if bias else (0, 0)
    total = q_w + k_w + v_w + in_bias + out_w + out_bias
    args = f"embed_dim={d}, num_heads={heads}"
    if kdim != d or vdim != d:
        args += f", kdim={kdim}, vdim={vdim}"
    if not bias:
        args += ", bias=False"
    lines: list[tuple[str, str]] = []
    if kdim == d == vdim:
        lines.append((f"Q、K、V 投影:in_proj_weight 为 3d×d = 3·{d}·{d} = {grouped(3 * d * d)}",
                      f"Q, K, V projections: in_proj_weight is 3d×d = 3·{d}·{d} = {grouped(3 * d * d)}"))
    else:
        lines.append((f"Q、K、V 投影:q_proj_weight {d}×{d} + k_proj_weight {d}×{kdim} + v_proj_weight {d}×{vdim} "
                      f"= {grouped(q_w + k_w + v_w)}",
                      f"Q, K, V projections: q_proj_weight {d}×{d} + k_proj_weight {d}×{kdim} + v_proj_weight "
                      f"{d}×{vdim} = {grouped(q_w + k_w + v_w)}"))
    if bias:
        lines.append((f"in_proj_bias:3d = {grouped(in_bias)}", f"in_proj_bias: 3d = {grouped(in_bias)}"))
    lines.append((f"输出投影 out_proj:{d}×{d}" + (f" + {d}" if bias else "") + f" = {grouped(out_w + out_bias)}",
                  f"output projection out_proj: {d}×{d}" + (f" + {d}" if bias else "") +
                  f" = {grouped(out_w + out_bias)}"))
    lines.append((f"合计 = {grouped(total)}", f"total = {grouped(total)}"))
    formula = ("4d² + 4d" if bias else "4d²") if kdim == d == vdim else \
        ("2d² + d·kdim + d·vdim + 4d" if bias else "2d² + d·kdim + d·vdim")
    return Draft(
        difficulty=3 if kdim != d or vdim != d else 2,
        prompt=bi(f"nn.MultiheadAttention({args}) 有多少个可学习参数?",
                  f"How many learnable parameters does nn.MultiheadAttention({args}) have?"),
        answer=bi(grouped(total), grouped(total)),
        explanation=explain(
            (f"公式:params = {formula}(d = embed_dim = {d})", f"Formula: params = {formula} (d = embed_dim = {d})"),
            *lines,
            (f"num_heads = {heads} 不改变参数量:{heads} 个头只是把 {d} 维切成 {heads} 份、每份 {d // heads} 维,"
             f"每个头的 W_Q 是同一个大矩阵的一块。",
             f"num_heads = {heads} does not change the count: the heads split the {d} dimensions into {heads} "
             f"slices of {d // heads}, each head's W_Q being a slice of the same big matrix."),
        ),
        params={"d": d, "heads": heads, "bias": bias, "kdim": kdim, "vdim": vdim},
        tags=("transformer", "params"),
        value=total, tolerance=0,
    )


def _matrix(rng: random.Random, rows: int, cols: int, low: int, high: int) -> list[list[int]]:
    return [[rng.randint(low, high) for _ in range(cols)] for _ in range(rows)]


def _mat_text(m: list[list[int]]) -> str:
    return "[" + ", ".join("[" + ", ".join(map(str, row)) + "]" for row in m) + "]"


def _f(x: float) -> str:
    return f"{x:.6g}"


def _vec(xs) -> str:
    return "(" + ", ".join(_f(x) for x in xs) + ")"


def attention_row(q: list[int], keys: list[list[int]]) -> tuple[list[float], list[float]]:
    """(scaled scores, softmax weights) of one query against every key."""
    scale = math.sqrt(len(q))
    scores = [sum(a * b for a, b in zip(q, k)) / scale for k in keys]
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = math.fsum(exps)
    return scores, [e / total for e in exps]


@register("attention-entry", "attention", "numeric", "attention",
          en="One entry of softmax(QKᵀ/√d_k)·V by hand", zh="手算 softmax(QKᵀ/√d_k)·V 的一个元素")
def attention_entry(rng: random.Random) -> Draft:
    while True:
        d_k, n_k = rng.randint(2, 3), rng.randint(2, 3)
        q, k, v = _matrix(rng, 2, d_k, -2, 2), _matrix(rng, n_k, d_k, -2, 2), _matrix(rng, n_k, 2, -3, 3)
        row, col = rng.randrange(2), rng.randrange(2)
        scores, weights = attention_row(q[row], k)
        value = math.fsum(w * v[m][col] for m, w in enumerate(weights))
        if abs(value) >= 0.05 and len(set(scores)) > 1:  # not ~0, and a softmax that is not uniform
            break
    dots = [sum(a * b for a, b in zip(q[row], key)) for key in k]
    dot_text = ", ".join(f"q{row + 1}·k{j + 1} = {x}" for j, x in enumerate(dots))
    scale = math.sqrt(d_k)
    mix = " + ".join(f"{_f(w)}·{v[m][col] if v[m][col] >= 0 else f'({v[m][col]})'}" for m, w in enumerate(weights))
    where = (f"第 {row + 1} 行、第 {col + 1} 列", f"row {row + 1}, column {col + 1}")
    shapes = f"Q {2}×{d_k},K {n_k}×{d_k},V {n_k}×2"
    return Draft(
        difficulty=3 if n_k == 3 or d_k == 3 else 2,
        prompt=bi(f"缩放点积注意力 softmax(QKᵀ/√d_k)·V,无掩码,d_k = {d_k}:Q = {_mat_text(q)},K = {_mat_text(k)},"
                  f"V = {_mat_text(v)}({shapes})。输出矩阵{where[0]}的元素是多少?{SIG_HINT.zh}。",
                  f"Scaled dot-product attention softmax(QKᵀ/√d_k)·V, no mask, d_k = {d_k}: Q = {_mat_text(q)}, "
                  f"K = {_mat_text(k)}, V = {_mat_text(v)} ({shapes.replace(',', ', ')}). What is the output's "
                  f"entry at {where[1]}? {SIG_HINT.en.capitalize()}."),
        answer=bi(fmt_sig(value), fmt_sig(value)),
        explanation=explain(
            (f"输出第 {row + 1} 行只依赖 Q 的第 {row + 1} 行:它和每个 k_j 的点积除以 √d_k,softmax 得到权重,"
             f"再对 V 的各行加权平均。",
             f"Row {row + 1} of the output needs only row {row + 1} of Q: its dot products with every k_j, divided "
             f"by √d_k, go through softmax, and the weights average the rows of V."),
            (f"点积:{dot_text}", f"dot products: {dot_text}"),
            (f"除以 √{d_k} = {_f(scale)}:{_vec(scores)}", f"divided by √{d_k} = {_f(scale)}: {_vec(scores)}"),
            (f"softmax 权重:{_vec(weights)}", f"softmax weights: {_vec(weights)}"),
            (f"输出[{row + 1}, {col + 1}] = Σ_j w_j·V[j, {col + 1}] = {mix} = {_f(value)} ≈ {fmt_sig(value)}",
             f"out[{row + 1}, {col + 1}] = Σ_j w_j·V[j, {col + 1}] = {mix} = {_f(value)} ≈ {fmt_sig(value)}"),
            ("除以 √d_k 让点积的方差保持在 1 左右,softmax 不会饱和(梯度不会消失)。",
             "Dividing by √d_k keeps the scores' variance near 1, so softmax does not saturate and its gradients "
             "don't vanish."),
        ),
        params={"q": q, "k": k, "v": v, "row": row, "col": col},
        tags=("transformer",),
        value=value, tolerance=significant_tolerance(value),
    )
