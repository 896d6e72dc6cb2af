"""Chinese wording for the calculators' formula and step lines, used on the zh side of generated explanations.

`calculators/` writes its derivations in English only: the CLI prints them and its tests read them, so they stay
as they are. A generated question shows the same lines in both languages, which left English prose
("→ output size 104", "last window starts at …: keep it") inside the Chinese explanation. `to_zh` rewrites one
line with the table below: each entry is a whole phrase template (numbers and expressions captured, the math
copied unchanged), not a word-by-word dictionary, so a calculator wording this table does not know stays
English and tests/test_generators.py reports it. `derivation()` applies it to the zh side only; the English
explanation gets the calculators' lines verbatim.

Covered: conv / transposed conv / pooling sizes (calculators.conv), receptive field (calculators.receptive_field),
per-layer params / MACs and the totals (calculators.params, stack-3x3), IoU / GIoU / DIoU / CIoU (calculators.boxes),
vector and matrix norms (calculators.norms), softmax and cross-entropy (generators/losses.py). Not covered: the
ResNet-block summary line of calculators.params, which no generator shows. Generators whose steps are their own
(metrics, nms, robust_losses, attention, backprop) write each line in both languages with `_base.explain` instead.
"""
from __future__ import annotations

import re

_NUM = r"[^\s,;:()]+"  # one number-like token: 104, 1/7, -3, 1.2e-05, 4x7 (an (H, W) pair)
_BIG = r"[\d,]+"       # a grouped count: 1,792

# (English phrase template, Chinese replacement): applied in this order, each wherever it matches in the line.
PHRASES: tuple[tuple[str, str], ...] = (
    # ---- calculators.conv: output sizes
    (rf"→ output size ({_NUM})", r"→ 输出尺寸 \1"),
    (r"→ output shape ", "→ 输出形状 "),
    (rf"last window starts at (\S+ = {_NUM}) < n \+ p = ({_NUM}): keep it → ({_NUM})",
     r"最后一个窗口的起点 \1 < n + p = \2,保留它 → \3"),
    (rf"last window would start at (\S+ = {_NUM}) ≥ n \+ p = ({_NUM}), in the right padding: drop it → ({_NUM})",
     r"最后一个窗口的起点 \1 ≥ n + p = \2,落在右侧 padding 内,丢弃它 → \3"),
    (r", minus 1 if the last window would start at or past n \+ p \(inside the right padding\)",
     r";若最后一个窗口的起点 ≥ n + p(落在右侧 padding 内),再减 1"),
    (r"\(⌈ ⌉ with ceil_mode\)", "(ceil_mode 时取 ⌈ ⌉)"),  # config-output's formula line
    # ---- calculators.receptive_field
    (rf"receptive field ({_NUM}), effective stride ({_NUM}), effective padding ({_NUM}) \(start = ",
     r"感受野 \1,有效步长 \2,有效填充 \3(start = "),
    # ---- calculators.params (and the stack-3x3 lines built from it)
    (r"\(\+ C_out bias\)", "(+ C_out 个偏置)"),
    (r"\(\+ out\)", "(+ out 个偏置)"),
    (rf"^total: params ({_BIG}), MACs ({_BIG}), FLOPs = ", r"合计:params \1,MACs \2,FLOPs = "),
    (r"^(\d+×\d+) total = ", r"\1 合计 = "),
    (r"^two 3×3 total = ", "两个 3×3 合计 = "),
    (r"^three 3×3 total = ", "三个 3×3 合计 = "),
    (r"^saved = ", "节省 = "),
    # ---- calculators.boxes
    (r"area\(A ∩ B\) / area\(A ∪ B\)", "面积(A ∩ B) / 面积(A ∪ B)"),
    (r"\(area\(C\) − area\(A ∪ B\)\) / area\(C\), C = smallest box enclosing A and B",
     "(面积(C) − 面积(A ∪ B)) / 面积(C),C 为 A 和 B 的最小外接框"),
    (r", ρ = distance between box centres, c = diagonal of the smallest enclosing box C",
     ",ρ 为两框中心点的距离,c 为最小外接框 C 的对角线长"),
    (r"^A \(pred\) = (\(.*?\)): w = (.*?), h = (.*?), area = ", r"A(预测框) = \1:w = \2,h = \3,面积 = "),
    (r"^B \(gt\)   = (\(.*?\)): w = (.*?), h = (.*?), area = ", r"B(真实框) = \1:w = \2,h = \3,面积 = "),
    (r"^intersection corners: ", "交集角点:"),
    (r"^intersection: w = (.*?), h = (.*?), area = ", r"交集:w = \1,h = \2,面积 = "),
    (r"^union = ", "并集 = "),
    (rf" \(intersection ({_NUM}), union ({_NUM})\)$", r"(交集 \1,并集 \2)"),
    (r"enclosing box C: ", "最小外接框 C:"),
    (r"^area\(C\) = ", "面积(C) = "),
    (r"^\(area\(C\) − union\)/area\(C\) = ", "(面积(C) − 并集)/面积(C) = "),
    (r"^centres: A (\(.*?\)), B (\(.*?\)); ", r"中心点:A \1,B \2;"),
    (r"; diagonal c² = ", ";对角线 c² = "),
    (rf"^aspect ratios: gt \(second box\) w/h = ({_NUM}), pred \(first box\) w/h = ({_NUM})$",
     r"宽高比:真实框(第二个框)w/h = \1,预测框(第一个框)w/h = \2"),
    (r" \(0/0 for identical boxes, taken as 0\)$", "(两框完全相同时为 0/0,取 0)"),
    # ---- calculators.norms
    (r"^non-zero entries: none; zeros skipped: (\d+)$", r"非零元素:无;跳过 \1 个零"),
    (r"^non-zero entries: (.*); zeros skipped: (\d+)$", r"非零元素:\1;跳过 \2 个零"),
    (r"^column (\d+): ", r"第 \1 列:"),
    (r"^row (\d+): ", r"第 \1 行:"),
    (r"^… \((\d+) more columns\)$", r"…(另有 \1 列)"),
    (r"^… \((\d+) more rows\)$", r"…(另有 \1 行)"),
    (r"… \((\d+) more\)", r"…(另有 \1 项)"),
    (r"^singular values \(SVD\): ", "奇异值(SVD):"),
    (r"\(sum overflows, so factor out m = ", "(求和会溢出,先提出 m = "),
    (r"^‖x‖_p with p = ∞ is ", "p = ∞ 时 ‖x‖_p 即 "),
    (r" \(largest absolute column sum\)$", "(最大列绝对值和)"),
    (r" \(largest absolute row sum\)$", "(最大行绝对值和)"),
    (r" \(sum of singular values\)$", "(奇异值之和)"),
    (r" = max over ‖x‖₂ = 1 of ‖Ax‖₂$", " = max{‖Ax‖₂ : ‖x‖₂ = 1}"),
    # ---- generators/losses.py (softmax, cross-entropy)
    (r"\(T = 1: plain softmax\)", "(T = 1 即普通 softmax)"),
    (rf"^subtract the max ({_NUM}) \(same result, no overflow\): ", r"减去最大值 \1(结果不变,且不会溢出):"),
    (r"batch loss = mean over the samples$", "batch 损失 = 各样本损失的均值"),
    (r"^sample (\d+): ", r"样本 \1:"),
    (r"^mean = ", "均值 = "),
)

_TABLE = tuple((re.compile(pattern), replacement) for pattern, replacement in PHRASES)


def to_zh(line: str) -> str:
    """One formula or step line with its English phrases in Chinese; the math is left as it is."""
    for pattern, replacement in _TABLE:
        line = pattern.sub(replacement, line)
    return line
