"""Output-size questions: Conv2d, ConvTranspose2d, MaxPool2d/AvgPool2d (floor and ceil_mode), plus
choice questions built from the usual mistakes (forgetting padding, the wrong rounding, ignoring dilation).

Answers and derivation lines come from `calculators.conv`.
"""
from __future__ import annotations

import random

from calculators.conv import (
    checked_conv_out,
    checked_conv_transpose_out,
    checked_pool_out,
    conv_out,
    conv_size,
    conv_transpose_size,
    pool_out,
    pool_size,
)
from dlquiz.errors import InputError
from question_bank.generators._base import Draft, arrange_choices, bi, derivation, register, spread_distractors

COMMON_SIZES = (7, 13, 14, 27, 28, 32, 55, 56, 64, 96, 112, 128, 150, 160, 192, 224, 227)
MAX_TRIES = 10_000


def draw_size(rng: random.Random, lo: int = 7, hi: int = 224) -> int:
    """A realistic feature-map side: often a classic size, otherwise anything in [lo, hi]."""
    common = [n for n in COMMON_SIZES if lo <= n <= hi]
    return rng.choice(common) if common and rng.random() < 0.6 else rng.randint(lo, hi)


def conv_text(k: int, s: int, p: int, d: int = 1) -> str:
    extra = f", dilation={d}" if d != 1 else ""
    return f"Conv2d(kernel_size={k}, stride={s}, padding={p}{extra})"


def deconv_text(k: int, s: int, p: int, d: int = 1, op: int = 0) -> str:
    extra = (f", output_padding={op}" if op else "") + (f", dilation={d}" if d != 1 else "")
    return f"ConvTranspose2d(kernel_size={k}, stride={s}, padding={p}{extra})"


def pool_text(op: str, k: int, s: int | None, p: int, d: int = 1, ceil: bool = False) -> str:
    parts = [f"kernel_size={k}"]
    if s is not None:
        parts.append(f"stride={s}")
    parts.append(f"padding={p}")
    if d != 1:
        parts.append(f"dilation={d}")
    if ceil:
        parts.append("ceil_mode=True")
    return f"{'Max' if op == 'max' else 'Avg'}Pool2d({', '.join(parts)})"


def _span(n: int, k: int, s: int, p: int, d: int) -> int:
    return n + 2 * p - d * (k - 1) - 1


def _tries():
    for _ in range(MAX_TRIES):
        yield
    raise RuntimeError("no valid configuration found")  # not reached with these ranges


FLOOR_TIP = bi("卷积的输出尺寸向下取整(⌊ ⌋);padding 两侧都加,所以是 2p。",
               "Convolution sizes round down (⌊ ⌋); padding is added on both sides, hence 2p.")
DILATION_TIP = bi("空洞卷积(dilation = d)的等效核大小为 d(k−1)+1。",
                  "A dilation d spreads the kernel over d(k−1)+1 pixels (effective kernel size).")


# ---------------------------------------------------------------- conv-output

@register("conv-output", "cnn", "numeric", "output-size", en="Conv2d output size", zh="卷积输出尺寸")
def conv_output(rng: random.Random) -> Draft:
    for _ in _tries():
        k = rng.choice((1, 2, 3, 3, 3, 4, 5, 5, 7, 7, 11))
        s = rng.choice((1, 1, 2, 2, 2, 3, 4))
        d = rng.choice((2, 3)) if k in (3, 5) and rng.random() < 0.2 else 1
        p = rng.randint(0, d * (k - 1) // 2)
        n = draw_size(rng)
        if s > max(k, 2):  # a stride larger than the kernel skips pixels: only 1×1 shortcuts do that
            continue
        try:
            out = checked_conv_out(n, k, s, p, d)
        except InputError:
            continue
        break
    result = conv_size(n, k, s, p, d)
    difficulty = 3 if d > 1 else 2 if _span(n, k, s, p, d) % s else 1
    layer = conv_text(k, s, p, d)
    tips = [FLOOR_TIP] + ([DILATION_TIP] if d > 1 else [])
    return Draft(
        difficulty=difficulty,
        prompt=bi(f"输入特征图尺寸为 {n}×{n},经过卷积层 {layer},输出尺寸(高 = 宽)是多少?",
                  f"Input feature map: {n}×{n}. Layer: {layer}. What is the output size (height = width)?"),
        answer=bi(f"{out}(输出为 {out}×{out})", f"{out} (the output is {out}×{out})"),
        explanation=derivation(f"卷积输出尺寸:n = {n}, k = {k}, s = {s}, p = {p}, d = {d}。",
                               f"Conv output size with n = {n}, k = {k}, s = {s}, p = {p}, d = {d}.",
                               result.formula, result.steps,
                               [t.zh for t in tips], [t.en for t in tips]),
        params={"n": n, "k": k, "s": s, "p": p, "d": d},
        tags=("conv", "dilation") if d > 1 else ("conv",),
        value=out, tolerance=0, unit="px",
    )


# ---------------------------------------------------------------- conv-transpose-output

@register("conv-transpose-output", "cnn", "numeric", "output-size",
          en="ConvTranspose2d output size", zh="转置卷积输出尺寸")
def conv_transpose_output(rng: random.Random) -> Draft:
    for _ in _tries():
        k = rng.choice((2, 3, 3, 4, 4, 5))
        s = rng.choice((1, 2, 2, 2, 3, 4))
        d = 2 if rng.random() < 0.1 else 1
        p = rng.randint(0, k // 2)
        op = 0 if rng.random() < 0.7 else rng.randint(0, max(s, d) - 1)
        n = rng.choice((4, 7, 8, 14, 16, 28, 32, 56, 64)) if rng.random() < 0.6 else rng.randint(2, 64)
        if s > k:  # the output would have gaps no kernel covers
            continue
        try:
            out = checked_conv_transpose_out(n, k, s, p, d, op)
        except InputError:
            continue
        break
    result = conv_transpose_size(n, k, s, p, d, op)
    difficulty = 3 if (op or d > 1) else 1 if (p == 0 and s == 1) else 2
    layer = deconv_text(k, s, p, d, op)
    zh_tips = ["转置卷积(反卷积)的尺寸公式是卷积公式反过来解 n:(n−1)s 恢复步长,−2p 去掉 padding。",
               "output_padding 只在右/下一侧补,用来消除“多个输入尺寸卷积后相同”的歧义,须小于 max(stride, dilation)。"]
    en_tips = ["The transposed-conv formula is the conv formula solved for n: (n−1)s undoes the stride, −2p removes "
               "the padding.",
               "output_padding adds rows/columns on the bottom/right only, to pick one of the input sizes a strided "
               "conv would map to the same output; it must be < max(stride, dilation)."]
    return Draft(
        difficulty=difficulty,
        prompt=bi(f"输入特征图尺寸为 {n}×{n},经过转置卷积 {layer},输出尺寸(高 = 宽)是多少?",
                  f"Input feature map: {n}×{n}. Layer: {layer}. What is the output size (height = width)?"),
        answer=bi(f"{out}(输出为 {out}×{out})", f"{out} (the output is {out}×{out})"),
        explanation=derivation(f"转置卷积输出尺寸:n = {n}, k = {k}, s = {s}, p = {p}, d = {d}, output_padding = {op}。",
                               f"Transposed-conv output size with n = {n}, k = {k}, s = {s}, p = {p}, d = {d}, "
                               f"output_padding = {op}.",
                               result.formula, result.steps, zh_tips, en_tips),
        params={"n": n, "k": k, "s": s, "p": p, "d": d, "op": op},
        tags=("transposed-conv",),
        value=out, tolerance=0, unit="px",
    )


# ---------------------------------------------------------------- pool-output

def _pool_tips(stride: int | None, ceil: bool, dropped: bool) -> tuple[list[str], list[str]]:
    zh = ["PyTorch 池化默认向下取整;ceil_mode=True 时向上取整(Caffe 默认向上取整)。"]
    en = ["PyTorch pooling rounds down by default and up only with ceil_mode=True (Caffe rounds up)."]
    if stride is None:
        zh.append("池化层的 stride 默认等于 kernel_size。")
        en.append("A pooling layer's stride defaults to its kernel_size.")
    if ceil:
        zh.append("ceil_mode 下,若最后一个窗口的起点落在右侧 padding 内(≥ n + p),PyTorch 会丢弃它"
                  + ("(本题正是这种情况)。" if dropped else "。"))
        en.append("With ceil_mode, PyTorch drops a last window that would start inside the right padding (≥ n + p)"
                  + (" — which happens here." if dropped else "."))
    return zh, en


def _draw_pool(rng: random.Random, need_rounding: bool = False) -> dict:
    for _ in _tries():
        op = "max" if rng.random() < 0.6 else "avg"
        k = rng.choice((2, 2, 3, 3, 3, 5))
        stride = None if rng.random() < 0.3 else rng.choice((1, 2, 2, 3))
        s = k if stride is None else stride
        p = 0 if rng.random() < 0.6 else rng.randint(0, k // 2)
        d = 2 if op == "max" and k in (2, 3) and rng.random() < 0.1 else 1
        ceil = rng.random() < (0.5 if need_rounding else 0.4)
        n = draw_size(rng)
        if s > k:  # windows that skip pixels: not a real pooling layer
            continue
        if need_rounding and _span(n, k, s, p, d) % s == 0:
            continue
        try:
            out = checked_pool_out(n, k, stride, p, d, ceil, avg=op == "avg")
        except InputError:
            continue
        break
    return {"op": op, "n": n, "k": k, "stride": stride, "s": s, "p": p, "d": d, "ceil": ceil, "out": out}


@register("pool-output", "cnn", "numeric", "output-size", en="Max/avg pooling output size (floor or ceil_mode)",
          zh="池化输出尺寸(向下取整或 ceil_mode)")
def pool_output(rng: random.Random) -> Draft:
    c = _draw_pool(rng)
    n, k, stride, s, p, d, ceil, out = (c[x] for x in ("n", "k", "stride", "s", "p", "d", "ceil", "out"))
    result = pool_size(n, k, stride, p, d, ceil_mode=ceil, avg=c["op"] == "avg")
    span = _span(n, k, s, p, d)
    dropped = ceil and out != -(-span // s) + 1
    difficulty = 3 if (d > 1 or dropped) else 2 if span % s else 1
    layer = pool_text(c["op"], k, stride, p, d, ceil)
    zh_tips, en_tips = _pool_tips(stride, ceil, dropped)
    return Draft(
        difficulty=difficulty,
        prompt=bi(f"对 {n}×{n} 的特征图做池化 {layer},输出尺寸(高 = 宽)是多少?",
                  f"Input feature map: {n}×{n}. Layer: {layer}. What is the output size (height = width)?"),
        answer=bi(f"{out}(输出为 {out}×{out})", f"{out} (the output is {out}×{out})"),
        explanation=derivation(f"池化输出尺寸:n = {n}, k = {k}, s = {s}, p = {p}, d = {d},"
                               f"{'向上取整(ceil_mode)' if ceil else '向下取整'}。",
                               f"Pooling output size with n = {n}, k = {k}, s = {s}, p = {p}, d = {d}, "
                               f"{'rounding up (ceil_mode)' if ceil else 'rounding down'}.",
                               result.formula, result.steps, zh_tips, en_tips),
        params={key: c[key] for key in ("op", "n", "k", "stride", "p", "d", "ceil")},
        tags=("pooling", "ceil-mode") if ceil else ("pooling",),
        value=out, tolerance=0, unit="px",
    )


# ---------------------------------------------------------------- pool-output-choice

@register("pool-output-choice", "cnn", "choice", "output-size", en="Pooling output size: pick the right rounding",
          zh="池化输出尺寸(选择题:取整方式)")
def pool_output_choice(rng: random.Random) -> Draft:
    c = _draw_pool(rng, need_rounding=True)
    n, k, stride, s, p, d, ceil, out = (c[x] for x in ("n", "k", "stride", "s", "p", "d", "ceil", "out"))
    span = _span(n, k, s, p, d)
    other = pool_out(n, k, s, p, d, not ceil)
    raw_ceil = -(-span // s) + 1
    mistakes: dict[int, tuple[str, str]] = {}

    def note(value: int, zh: str, en: str) -> int:
        mistakes.setdefault(value, (zh, en))
        return value

    first = [note(other, "用错了取整方式" + ("(应向上取整)" if ceil else "(PyTorch 默认向下取整)"),
                  "uses the other rounding" + (" (ceil_mode rounds up)" if ceil else " (PyTorch rounds down)"))]
    if ceil and raw_ceil != out:
        first.append(note(raw_ceil, "没有丢弃落在 padding 内的最后一个窗口",
                          "keeps the last window that starts inside the padding"))
    rest = [note(span // s, "漏了 +1", "forgets the + 1"),
            note(-(-n // s), "直接用 n/s 向上取整", "just divides n by the stride (rounded up)"),
            note(n // s, "直接用 n/s 向下取整", "just divides n by the stride (rounded down)")]
    if p:
        rest.insert(0, note(pool_out(n, k, s, 0, d, ceil), "忘记了 padding", "forgets the padding"))
    wrong = spread_distractors(rng, out, first, rest)
    values = sorted([out, *wrong])
    choices, correct = arrange_choices(rng, [(bi(f"{v}×{v}", f"{v}×{v}"), v == out) for v in values], shuffle=False)
    result = pool_size(n, k, stride, p, d, ceil_mode=ceil, avg=c["op"] == "avg")
    layer = pool_text(c["op"], k, stride, p, d, ceil)
    letter = correct[0]
    zh_tips, en_tips = _pool_tips(stride, ceil, ceil and raw_ceil != out)
    for letter_i, v in zip("ABCD", values):
        if v != out and v in mistakes:
            zh_tips.append(f"{letter_i}({v}):{mistakes[v][0]}。")
            en_tips.append(f"{letter_i} ({v}) {mistakes[v][1]}.")
    return Draft(
        difficulty=3 if (d > 1 or (ceil and raw_ceil != out)) else 2,
        prompt=bi(f"对 {n}×{n} 的特征图做池化 {layer},输出尺寸是?",
                  f"Input feature map: {n}×{n}. Layer: {layer}. What is the output size?"),
        answer=bi(f"{letter}:{out}×{out}", f"{letter}: {out}×{out}"),
        explanation=derivation(f"正确答案 {letter}。", f"The answer is {letter}.", result.formula, result.steps,
                               zh_tips, en_tips),
        params={**{key: c[key] for key in ("op", "n", "k", "stride", "p", "d", "ceil")}, "choices": values},
        tags=("pooling", "ceil-mode") if ceil else ("pooling",),
        choices=choices, correct=correct,
    )


# ---------------------------------------------------------------- same-padding

def _check_line(letter: str, n: int, k: int, s: int, p: int, d: int, target: int) -> str:
    step = conv_size(n, k, s, p, d).steps[0]
    out = conv_out(n, k, s, p, d)
    return f"{letter}. padding={p}: {step} {'✓' if out == target else '✗'}"


@register("same-padding", "cnn", "choice", "output-size", en="Which padding keeps the size (or gives ⌈n/s⌉)",
          zh="哪个 padding 能保持尺寸(或得到 ⌈n/s⌉)")
def same_padding(rng: random.Random) -> Draft:
    if rng.random() < 0.6:
        return _same_padding_stride1(rng)
    return _same_padding_strided(rng)


def _same_padding_stride1(rng: random.Random) -> Draft:
    k = rng.choice((3, 3, 5, 5, 7, 9, 11))
    d = rng.choice((2, 3)) if k in (3, 5) and rng.random() < 0.3 else 1
    n = draw_size(rng, lo=max(7, d * (k - 1) + 1))
    right = d * (k - 1) // 2
    first = [(k - 1) // 2] if d > 1 else []
    rest = [0, k - 1, d * (k - 1), (k + 1) // 2, right + 1, right - 1, k]
    wrong = spread_distractors(rng, right, first, rest, minimum=0)
    values = sorted([right, *wrong])
    choices, correct = arrange_choices(
        rng, [(bi(f"padding={p}", f"padding={p}"), conv_out(n, k, 1, p, d) == n) for p in values], shuffle=False)
    layer = f"Conv2d(kernel_size={k}, stride=1{f', dilation={d}' if d > 1 else ''})"
    lines = [_check_line(letter, n, k, 1, p, d, n) for letter, p in zip("ABCD", values)]
    zh_tips = ["步长为 1 时 out = n + 2p − d(k−1),保持尺寸需要 2p = d(k−1),即 p = d(k−1)/2"
               + ("(k 为奇数时即 (k−1)/2 乘以 d)。" if d > 1 else "(d = 1 时就是 (k−1)/2)。")]
    en_tips = ["With stride 1, out = n + 2p − d(k−1), so keeping the size needs 2p = d(k−1), i.e. p = d(k−1)/2"
               + (" — (k−1)/2 alone ignores the dilation." if d > 1 else " (= (k−1)/2 for d = 1).")]
    return Draft(
        difficulty=3 if d > 1 else 1,
        prompt=bi(f"输入 {n}×{n},卷积层 {layer},padding 取多少时输出尺寸仍为 {n}×{n}?",
                  f"Input feature map: {n}×{n}. Layer: {layer}. Which padding keeps the output at {n}×{n}?"),
        answer=bi(f"{correct[0]}:padding={right}", f"{correct[0]}: padding={right}"),
        explanation=derivation(f"逐个代入卷积输出尺寸公式(目标 {n}):", f"Substitute each option (target {n}):",
                               "out = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1", lines, zh_tips, en_tips),
        params={"n": n, "k": k, "s": 1, "d": d, "target": n, "choices": values},
        tags=("conv", "padding") + (("dilation",) if d > 1 else ()),
        choices=choices, correct=correct,
    )


def _same_padding_strided(rng: random.Random) -> Draft:
    for _ in _tries():
        s = rng.choice((2, 2, 3, 4))
        k = rng.choice((1, 2, 3, 3, 4, 5, 7))
        n = draw_size(rng, lo=max(7, k))
        if s > max(k, 2):
            continue
        target = -(-n // s)
        values = [0, 1, 2, 3, 4]
        good = [conv_out(n, k, s, p, 1) == target for p in values]
        if 1 <= sum(good) < len(values):
            break
    choices, correct = arrange_choices(rng, [(bi(f"padding={p}", f"padding={p}"), ok) for p, ok in zip(values, good)],
                                       shuffle=False)
    layer = f"Conv2d(kernel_size={k}, stride={s})"
    lines = [_check_line(letter, n, k, s, p, 1, target) for letter, p in zip("ABCDE", values)]
    zh_tips = ["步长 s > 1 时,向下取整让相邻几个 padding 得到同一个尺寸,所以可能不止一个答案;"
               "TensorFlow 的 SAME 输出 ⌈n/s⌉,必要时在右/下多补一列(非对称 padding)。"]
    en_tips = ["With stride s > 1 the floor maps several paddings to the same size, so more than one option can be "
               "right; TensorFlow's SAME gives ⌈n/s⌉ and pads the extra pixel on the right/bottom when needed."]
    return Draft(
        difficulty=3,
        prompt=bi(f"输入 {n}×{n},卷积层 {layer}(两侧对称 padding)。哪些 padding 能使输出尺寸为 "
                  f"⌈n/s⌉ = ⌈{n}/{s}⌉ = {target}(TensorFlow 的 SAME)?(多选,选出所有正确项)",
                  f"Input feature map: {n}×{n}. Layer: {layer} with symmetric padding. Which paddings give the "
                  f"TensorFlow-“SAME” size ⌈n/s⌉ = ⌈{n}/{s}⌉ = {target}? Select all that apply."),
        answer=bi(",".join(correct) + ":" + "、".join(f"padding={p}" for p, ok in zip(values, good) if ok),
                  ", ".join(correct) + ": " + ", ".join(f"padding={p}" for p, ok in zip(values, good) if ok)),
        explanation=derivation(f"逐个代入卷积输出尺寸公式(目标 {target}):",
                               f"Substitute each option (target {target}):",
                               "out = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1", lines, zh_tips, en_tips),
        params={"n": n, "k": k, "s": s, "d": 1, "target": target, "choices": values},
        tags=("conv", "padding"),
        choices=choices, correct=correct,
    )


# ---------------------------------------------------------------- config-output

def _candidates(n: int) -> list[dict]:
    """Realistic conv / max-pool layers and their real output size for an n×n input."""
    out = []
    for k in (1, 2, 3, 5, 7, 11):
        for s in (1, 2, 3, 4):
            if s > max(k, 2):
                continue
            for p in range(0, k // 2 + 1):
                for d in ((1, 2) if k == 3 and s <= 2 else (1,)):
                    try:
                        real = checked_conv_out(n, k, s, p, d)
                    except InputError:
                        continue
                    out.append({"kind": "conv", "k": k, "s": s, "p": p, "d": d, "ceil": False, "out": real})
    for k in (2, 3):
        for s in range(1, k + 1):
            for p in range(0, k // 2 + 1):
                for ceil in (False, True):
                    try:
                        real = checked_pool_out(n, k, s, p, 1, ceil)
                    except InputError:
                        continue
                    out.append({"kind": "maxpool", "k": k, "s": s, "p": p, "d": 1, "ceil": ceil, "out": real})
    return out


def _mistakes(n: int, c: dict) -> dict[str, int]:
    """What a common mistake would predict for layer c."""
    k, s, p, d, ceil = c["k"], c["s"], c["p"], c["d"], c["ceil"]
    found = {}
    if p:
        found["no_padding"] = pool_out(n, k, s, 0, d, ceil)
        found["one_side"] = pool_out(n - p, k, s, p, d, ceil)  # n + p instead of n + 2p
    if c["kind"] == "maxpool":
        found["rounding"] = pool_out(n, k, s, p, d, not ceil)
    if d > 1:
        found["no_dilation"] = conv_out(n, k, s, p, 1)
    found["no_plus_one"] = (n + 2 * p - d * (k - 1) - 1) // s
    return found


MISTAKE_TEXT = {
    "no_padding": ("忘记 padding", "forgetting the padding"),
    "one_side": ("padding 只算一侧(n + p 而非 n + 2p)", "adding the padding once (n + p instead of n + 2p)"),
    "rounding": ("用错取整方式(floor / ceil_mode)", "using the wrong rounding (floor vs ceil_mode)"),
    "no_dilation": ("忽略 dilation", "ignoring the dilation"),
    "no_plus_one": ("漏掉 +1", "forgetting the + 1"),
}


def _layer_text(c: dict) -> str:
    if c["kind"] == "conv":
        return conv_text(c["k"], c["s"], c["p"], c["d"])
    return pool_text("max", c["k"], c["s"], c["p"], 1, c["ceil"])


def _steps(n: int, c: dict) -> tuple[str, ...]:
    if c["kind"] == "conv":
        return conv_size(n, c["k"], c["s"], c["p"], c["d"]).steps[:-1]
    return pool_size(n, c["k"], c["s"], c["p"], 1, ceil_mode=c["ceil"]).steps[:-1]


@register("config-output", "cnn", "choice", "output-size", en="Which layer gives this output size",
          zh="哪一层能得到给定的输出尺寸")
def config_output(rng: random.Random) -> Draft:
    for _ in _tries():
        n = draw_size(rng, lo=14, hi=227)
        pool = _candidates(n)
        shrinking = [c for c in pool if c["s"] >= 2 and c["out"] >= 3]
        right = rng.choice(shrinking)
        m = right["out"]
        by_mistake: dict[str, list[dict]] = {}
        for c in pool:
            if c["out"] == m:
                continue
            for mistake, predicted in _mistakes(n, c).items():
                if predicted == m:
                    by_mistake.setdefault(mistake, []).append(c)
        kinds = sorted(by_mistake)
        rng.shuffle(kinds)
        wrong: list[dict] = []
        why: list[str] = []
        for mistake in kinds:
            c = rng.choice(by_mistake[mistake])
            if c not in wrong and len(wrong) < 3:
                wrong.append(c)
                why.append(mistake)
        near = [c for c in pool if abs(c["out"] - m) == 1 and c not in wrong]
        while len(wrong) < 3 and near:
            c = near.pop(rng.randrange(len(near)))
            wrong.append(c)
            why.append("")
        if len(wrong) == 3:
            break
    options = [(right, "")] + list(zip(wrong, why))
    rng.shuffle(options)
    choices, correct = arrange_choices(
        rng, [(bi(_layer_text(c), _layer_text(c)), c["out"] == m) for c, _ in options], shuffle=False)
    lines, zh_tips, en_tips = [], [], []
    for letter, (c, mistake) in zip("ABCD", options):
        mark = "✓" if c["out"] == m else "✗"
        lines.append(f"{letter}. {_layer_text(c)}: " + " ; ".join(_steps(n, c)) + f" → {c['out']} {mark}")
        if mistake:
            zh_tips.append(f"{letter}:若{MISTAKE_TEXT[mistake][0]},会误算出 {m};实际为 {c['out']}。")
            en_tips.append(f"{letter} gives {m} only by {MISTAKE_TEXT[mistake][1]}; really {c['out']}.")
    zh_tips.append("池化的 padding 不能超过 kernel_size/2;PyTorch 池化默认向下取整。")
    en_tips.append("Pooling padding may not exceed kernel_size/2; PyTorch pooling rounds down unless ceil_mode=True.")
    hard = right["d"] > 1 or right["ceil"]
    return Draft(
        difficulty=3 if hard else 2,
        prompt=bi(f"下列哪一层能把 {n}×{n} 的特征图变为 {m}×{m}?",
                  f"Which of these layers maps an input feature map of {n}×{n} to {m}×{m}?"),
        answer=bi(f"{correct[0]}:{_layer_text(right)}", f"{correct[0]}: {_layer_text(right)}"),
        explanation=derivation(f"逐个代入(目标 {m}):", f"Substitute each option (target {m}):",
                               "out = ⌊(n + 2p − d(k−1) − 1)/s⌋ + 1 (⌈ ⌉ with ceil_mode)", lines, zh_tips, en_tips),
        params={"n": n, "target": m, "choices": [{key: c[key] for key in ("kind", "k", "s", "p", "d", "ceil")}
                                                 for c, _ in options]},
        tags=("conv", "pooling"),
        choices=choices, correct=correct,
    )
