"""Parameter counts (conv, fc, BatchNorm, 5×5/7×7 → stacked 3×3) and MACs/FLOPs of one layer.

Answers and derivation lines come from `calculators.params.count_params` on `calculators.layers` specs.
"""
from __future__ import annotations

import random

from calculators.layers import BatchNorm, Conv, ConvTranspose, Flatten, Layer, Linear, pair
from calculators.params import FORMULA, count_params
from question_bank.generators._base import Draft, arrange_choices, bi, derivation, grouped, register, spread_distractors

CHANNELS = (3, 16, 32, 64, 96, 128, 192, 256, 384, 512)
WIDE = (16, 32, 64, 96, 128, 192, 256, 384, 512)
# Channel counts seen at each feature-map size in VGG/ResNet/MobileNet-like networks (224 input).
STAGE_CHANNELS = {224: (3, 16, 32, 64), 112: (32, 64, 128), 56: (64, 128, 256), 28: (128, 256, 512),
                  14: (256, 512), 7: (512, 1024)}
_PARTS = {part.split(":")[0].strip(): part.strip() for part in FORMULA.split(";  ")}


def formula(*kinds: str) -> str:
    """The parts of calculators.params.FORMULA for these layer kinds ('conv', 'deconv', 'fc', 'BN', 'FLOPs = …')."""
    return ";  ".join(_PARTS[k] for k in kinds)


def param_lines(result) -> list[str]:
    """Per-layer 'params = …' lines of a count_params Result (MACs parts and the total line left out)."""
    return [step.split("; MACs")[0] for step in result.steps if not step.startswith("total:")]


def _bias_text(bias: bool) -> str:
    return "" if bias else ", bias=False"


def _conv_layer_text(cin: int, cout: int, k: int, bias: bool, groups: int = 1, s: int = 1, p: int = 0) -> str:
    extra = (f", stride={s}" if s != 1 else "") + (f", padding={p}" if p else "")
    extra += f", groups={groups}" if groups != 1 else ""
    return f"Conv2d({cin}, {cout}, kernel_size={k}{extra}{_bias_text(bias)})"


BIAS_TIP = bi("每个输出通道有一个偏置(bias=False 时没有);权重形状为 (C_out, C_in/groups, k, k)。",
              "One bias per output channel (none with bias=False); the weight has shape (C_out, C_in/groups, k, k).")


# ---------------------------------------------------------------- conv-params

def _draw_conv(rng: random.Random) -> dict:
    k = rng.choice((1, 3, 3, 3, 5, 7, 11))
    bias = rng.random() < 0.6
    roll = rng.random()
    if roll < 0.12:  # depthwise (MobileNet)
        cin = cout = groups = rng.choice(WIDE)
        k = rng.choice((3, 3, 5))
    elif roll < 0.22:  # grouped (AlexNet g=2, ResNeXt g=32)
        groups = rng.choice((2, 4, 8, 32))
        cin = rng.choice([c for c in WIDE if c % groups == 0])
        cout = rng.choice([c for c in WIDE if c % groups == 0])
    else:
        groups = 1
        cin, cout = rng.choice(CHANNELS), rng.choice(WIDE)
    return {"cin": cin, "cout": cout, "k": k, "groups": groups, "bias": bias}


def _conv_result(c: dict):
    layer = Conv(pair(c["k"]), out_channels=c["cout"], groups=c["groups"], bias=c["bias"], name="conv")
    return count_params([layer], max(c["k"], 8), c["cin"])


@register("conv-params", "cnn", "numeric", "params", en="Parameters of a Conv2d layer", zh="卷积层参数量")
def conv_params(rng: random.Random) -> Draft:
    c = _draw_conv(rng)
    result = _conv_result(c)
    total = result.value.total_params
    text = _conv_layer_text(c["cin"], c["cout"], c["k"], c["bias"], c["groups"])
    difficulty = 3 if c["groups"] > 1 else 1 if c["k"] <= 3 else 2
    tips_zh, tips_en = [BIAS_TIP.zh], [BIAS_TIP.en]
    if c["groups"] > 1:
        tips_zh.append(f"分组卷积(groups = {c['groups']})每个输出通道只连接 C_in/groups 个输入通道,参数量变为 1/groups"
                       + ("(深度可分离中的 depthwise 卷积:groups = C_in)。" if c["groups"] == c["cin"] else "。"))
        tips_en.append(f"A grouped conv (groups = {c['groups']}) connects each output channel to C_in/groups input "
                       f"channels, dividing the weights by groups"
                       + (" (groups = C_in: the depthwise conv of MobileNet)." if c["groups"] == c["cin"] else "."))
    return Draft(
        difficulty=difficulty,
        prompt=bi(f"卷积层 {text} 有多少个可学习参数(参数量,含偏置)?",
                  f"How many learnable parameters (weights and biases) does {text} have?"),
        answer=bi(f"{grouped(total)}", f"{grouped(total)}"),
        explanation=derivation("参数量 = 权重 + 偏置:", "Parameters = weights + biases:", formula("conv"),
                               param_lines(result), tips_zh, tips_en),
        params=c, tags=("conv", "grouped-conv") if c["groups"] > 1 else ("conv",),
        value=total, tolerance=0,
    )


# ---------------------------------------------------------------- conv-params-choice

@register("conv-params-choice", "cnn", "choice", "params", en="Conv2d parameters: spot the right count",
          zh="卷积层参数量(选择题)")
def conv_params_choice(rng: random.Random) -> Draft:
    k = rng.choice((3, 3, 5, 7, 11))
    cin, cout = rng.choice(CHANNELS), rng.choice(WIDE)
    bias = rng.random() < 0.6
    c = {"cin": cin, "cout": cout, "k": k, "groups": 1, "bias": bias}
    result = _conv_result(c)
    total = result.value.total_params
    b = cout if bias else 0
    weights = cout * cin * k * k
    mistakes: dict[int, tuple[str, str]] = {}
    for value, zh, en in (
        (weights + cout if not bias else weights,
         "bias=False 时没有偏置" if not bias else "忘了偏置",
         "adds biases that bias=False removes" if not bias else "forgets the biases"),
        (cout * k * k + b, "忘了输入通道数 C_in", "forgets the input channels C_in"),
        (cout * cin * k + b, "用了 k 而不是 k²", "uses k instead of k²"),
        ((cin + cout) * k * k + b, "把 C_in·C_out 写成了 C_in + C_out", "adds C_in + C_out instead of multiplying"),
        (weights + cin, "偏置按输入通道计数", "counts one bias per input channel"),
        (cout * cin * (k * k + 1), "每对输入/输出通道算了一个偏置", "counts one bias per (input, output) channel pair"),
        (cout * (cin + 1) * k * k, "每个核位置都算了偏置", "adds a bias for every kernel position"),
    ):
        mistakes.setdefault(value, (zh, en))
    values_in_order = list(mistakes)
    wrong = spread_distractors(rng, total, [], values_in_order, step=cout)
    values = sorted([total, *wrong])
    choices, correct = arrange_choices(rng, [(bi(grouped(v), grouped(v)), v == total) for v in values], shuffle=False)
    text = _conv_layer_text(cin, cout, k, bias)
    zh_tips, en_tips = [BIAS_TIP.zh], [BIAS_TIP.en]
    for letter, v in zip("ABCD", values):
        if v != total and v in mistakes:
            zh_tips.append(f"{letter}({grouped(v)}):{mistakes[v][0]}。")
            en_tips.append(f"{letter} ({grouped(v)}) {mistakes[v][1]}.")
    return Draft(
        difficulty=1 if k == 3 else 2,
        prompt=bi(f"卷积层 {text} 的参数量是?", f"How many parameters does {text} have?"),
        answer=bi(f"{correct[0]}:{grouped(total)}", f"{correct[0]}: {grouped(total)}"),
        explanation=derivation(f"正确答案 {correct[0]}。", f"The answer is {correct[0]}.", formula("conv"),
                               param_lines(result), zh_tips, en_tips),
        params={**c, "choices": values}, tags=("conv",),
        choices=choices, correct=correct,
    )


# ---------------------------------------------------------------- fc-params

FC_MAPS = ((256, 6, 6), (512, 7, 7), (16, 5, 5), (128, 4, 4), (64, 7, 7), (2048, 1, 1), (512, 1, 1))


@register("fc-params", "cnn", "numeric", "params", en="Parameters of a fully connected layer",
          zh="全连接层参数量")
def fc_params(rng: random.Random) -> Draft:
    bias = rng.random() < 0.8
    out = rng.choice((10, 84, 100, 120, 256, 512, 1000, 1024, 4096))
    if rng.random() < 0.6:
        c, h, w = rng.choice(FC_MAPS) if rng.random() < 0.6 else (rng.choice(WIDE), *(2 * (rng.randint(1, 7),)))
        result = count_params([Flatten(name="flatten"), Linear(out, bias, name="fc")], (h, w), c)
        zh_q = f"{c}×{h}×{w} 的特征图展平(flatten)后接全连接层 Linear(in_features, {out}{_bias_text(bias)})," \
               f"该全连接层有多少参数?"
        en_q = f"A {c}×{h}×{w} feature map is flattened and fed to Linear(in_features, {out}{_bias_text(bias)}). " \
               f"How many parameters does this fully connected layer have?"
        params = {"flatten": True, "c": c, "h": h, "w": w, "out": out, "bias": bias}
        difficulty = 2
    else:
        n_in = rng.choice((84, 120, 128, 256, 512, 768, 1024, 2048, 4096))
        result = count_params([Linear(out, bias, name="fc")], 1, n_in)
        zh_q = f"全连接层 Linear({n_in}, {out}{_bias_text(bias)}) 有多少参数?"
        en_q = f"How many parameters does Linear({n_in}, {out}{_bias_text(bias)}) have?"
        params = {"flatten": False, "c": n_in, "h": 1, "w": 1, "out": out, "bias": bias}
        difficulty = 1
    total = result.value.total_params
    return Draft(
        difficulty=difficulty,
        prompt=bi(zh_q, en_q),
        answer=bi(grouped(total), grouped(total)),
        explanation=derivation("全连接层参数量 = 输入维度 × 输出维度 + 偏置:", "FC parameters = in × out + biases:",
                               formula("fc"), param_lines(result),
                               ["展平后的输入维度是 C·H·W;AlexNet 的 fc6(256·6·6 → 4096)就有约 3775 万参数,"
                                "占全网大半。"],
                               ["After flatten the input has C·H·W features; AlexNet's fc6 (256·6·6 → 4096) alone "
                                "has about 37.8 M parameters, most of the network."]),
        params=params, tags=("fully-connected",),
        value=total, tolerance=0,
    )


# ---------------------------------------------------------------- bn-params

@register("bn-params", "normalization", "numeric", "params", en="BatchNorm parameters and buffers",
          zh="BatchNorm 的参数与缓冲区")
def bn_params(rng: random.Random) -> Draft:
    c = rng.choice(WIDE)
    variant = rng.choice(("params", "params", "state", "conv-bn"))
    tips_zh = ["BN 的可学习参数是每通道的 γ(缩放)和 β(平移),共 2C;running_mean / running_var 是缓冲区"
               "(buffer),不参与梯度更新。"]
    tips_en = ["BN learns a scale γ and a shift β per channel: 2C parameters. running_mean / running_var are "
               "buffers, not parameters (no gradient)."]
    if variant == "params":
        result = count_params([BatchNorm(name="bn")], 8, c)
        value, lines, form = result.value.total_params, param_lines(result), formula("BN")
        zh_q = f"BatchNorm2d({c}) 有多少个可学习参数?"
        en_q = f"How many learnable parameters does BatchNorm2d({c}) have?"
        params, difficulty = {"variant": variant, "c": c}, 1
    elif variant == "state":
        value = 4 * c + 1
        form = "state_dict = γ (C) + β (C) + running_mean (C) + running_var (C) + num_batches_tracked (1)"
        lines = [f"{c} + {c} + {c} + {c} + 1 = 4·{c} + 1 = {grouped(value)}"]
        zh_q = f"PyTorch 中 BatchNorm2d({c}) 的 state_dict 一共保存了多少个数(所有张量元素之和)?"
        en_q = f"How many numbers in total (summing every tensor's elements) does the state_dict of a PyTorch " \
               f"BatchNorm2d({c}) hold?"
        tips_zh.append("num_batches_tracked 是一个标量计数器(momentum=None 时用于累计平均)。")
        tips_en.append("num_batches_tracked is a scalar counter (used for the cumulative average when momentum=None).")
        params, difficulty = {"variant": variant, "c": c}, 2
    else:
        cin, k = rng.choice(CHANNELS), rng.choice((1, 3, 3, 5))
        result = count_params([Conv(pair(k), out_channels=c, bias=False, name="conv"), BatchNorm(name="bn")], 8, cin)
        value, lines, form = result.value.total_params, param_lines(result), formula("conv", "BN")
        zh_q = f"Conv2d({cin}, {c}, kernel_size={k}, bias=False) 后接 BatchNorm2d({c}),这两层共有多少可学习参数?"
        en_q = f"Conv2d({cin}, {c}, kernel_size={k}, bias=False) is followed by BatchNorm2d({c}). How many " \
               f"learnable parameters do the two layers have together?"
        tips_zh.append("卷积后接 BN 时通常设 bias=False:BN 减去均值会抵消偏置,β 已起到偏置的作用。")
        tips_en.append("A conv followed by BN usually sets bias=False: BN subtracts the mean, cancelling any bias, "
                       "and β plays its role.")
        params, difficulty = {"variant": variant, "c": c, "cin": cin, "k": k}, 2
    return Draft(
        difficulty=difficulty,
        prompt=bi(zh_q, en_q),
        answer=bi(grouped(value), grouped(value)),
        explanation=derivation("逐项计数:", "Count each tensor:", form, lines, tips_zh, tips_en),
        params=params, tags=("batchnorm",),
        value=value, tolerance=0,
    )


# ---------------------------------------------------------------- stack-3x3

@register("stack-3x3", "cnn", "numeric", "params", en="Parameters saved by replacing a 5×5/7×7 conv with 3×3 convs",
          zh="用 3×3 卷积堆叠替换 5×5/7×7 节省的参数量")
def stack_3x3(rng: random.Random) -> Draft:
    for _ in range(10_000):
        k = rng.choice((5, 5, 7))
        same = rng.random() < 0.7
        cout = rng.choice(WIDE)
        cin = cout if same else rng.choice(WIDE)
        bias = rng.random() < 0.5
        n3 = (k - 1) // 2
        big = count_params([Conv(pair(k), padding=pair(k // 2), out_channels=cout, bias=bias, name=f"conv{k}x{k}")],
                           32, cin)
        small = count_params([Conv(pair(3), padding=pair(1), out_channels=cout, bias=bias, name=f"conv3x3_{i + 1}")
                              for i in range(n3)], 32, cin)
        saved = big.value.total_params - small.value.total_params
        if saved > 0:
            break
    words_zh = {2: "两个", 3: "三个"}[n3]
    words_en = {2: "two", 3: "three"}[n3]
    chain = f"Conv2d({cin}, {cout}, 3, padding=1{_bias_text(bias)})" + "".join(
        f" → Conv2d({cout}, {cout}, 3, padding=1{_bias_text(bias)})" for _ in range(n3 - 1))
    lines = [*param_lines(big), f"{k}×{k} total = {grouped(big.value.total_params)}", *param_lines(small),
             f"{words_en} 3×3 total = {grouped(small.value.total_params)}",
             f"saved = {grouped(big.value.total_params)} − {grouped(small.value.total_params)} = {grouped(saved)}"]
    difficulty = 1 if (same and not bias and k == 5) else 3 if (k == 7 and not same) else 2
    return Draft(
        difficulty=difficulty,
        prompt=bi(f"VGG 的思路:把 Conv2d({cin}, {cout}, {k}, padding={k // 2}{_bias_text(bias)}) 换成{words_zh} 3×3 "
                  f"卷积的堆叠 {chain}(感受野同为 {k}×{k},输出尺寸不变)。参数量减少了多少?",
                  f"VGG-style: replace Conv2d({cin}, {cout}, {k}, padding={k // 2}{_bias_text(bias)}) by a stack of "
                  f"{words_en} 3×3 convs {chain} (same {k}×{k} receptive field and output size). How many "
                  f"parameters does that save?"),
        answer=bi(grouped(saved), grouped(saved)),
        explanation=derivation(f"分别计算 {k}×{k} 卷积和 3×3 堆叠的参数量,再相减:",
                               f"Count the {k}×{k} conv and the 3×3 stack, then subtract:", formula("conv"), lines,
                               [f"{words_zh} 3×3 的感受野 1 + {n3}·2 = {k},与 {k}×{k} 相同;同通道数 C 时权重从 "
                                f"{k * k}C² 降到 {9 * n3}C²,且中间多了非线性。"],
                               [f"{words_en.capitalize()} 3×3 convs see 1 + {n3}·2 = {k} pixels, like one {k}×{k}; "
                                f"with C channels throughout the weights drop from {k * k}C² to {9 * n3}C², and the "
                                f"stack adds non-linearities in between."]),
        params={"k": k, "cin": cin, "cout": cout, "bias": bias, "n3": n3},
        tags=("conv", "vgg"),
        value=saved, tolerance=0,
    )


# ---------------------------------------------------------------- layer-macs

@register("layer-macs", "practice", "numeric", "flops", en="MACs / FLOPs of a conv, transposed conv or linear layer",
          zh="卷积 / 转置卷积 / 全连接层的计算量(MACs / FLOPs)")
def layer_macs(rng: random.Random) -> Draft:
    kind = rng.choices(("conv", "deconv", "linear"), weights=(6, 1.5, 2.5))[0]
    metric = rng.choice(("macs", "flops"))
    layer: Layer
    if kind == "conv":
        k = rng.choice((1, 3, 3, 3, 5, 7))
        s = rng.choice((1, 1, 2))
        p = k // 2
        h = rng.choice(tuple(STAGE_CHANNELS))
        depthwise = rng.random() < 0.15
        cin = rng.choice(STAGE_CHANNELS[h])
        cout = cin if depthwise else rng.choice(STAGE_CHANNELS.get(h // s, WIDE))
        groups = cin if depthwise else 1
        layer = Conv(pair(k), pair(s), pair(p), out_channels=cout, groups=groups, name="conv")
        text = _conv_layer_text(cin, cout, k, True, groups, s, p)
        shape = f"{cin}×{h}×{h}"
        params = {"kind": kind, "cin": cin, "cout": cout, "k": k, "s": s, "p": p, "groups": groups, "h": h}
        parts, difficulty = ("conv",), 3 if depthwise else 2
    elif kind == "deconv":
        k, s, p = rng.choice(((4, 2, 1), (2, 2, 0), (3, 2, 1), (4, 2, 1)))
        h = rng.choice((7, 14, 28, 56))
        cin = rng.choice(STAGE_CHANNELS[h])
        cout = rng.choice(STAGE_CHANNELS[h * 2])
        layer = ConvTranspose(pair(k), pair(s), pair(p), out_channels=cout, name="deconv")
        text = f"ConvTranspose2d({cin}, {cout}, kernel_size={k}, stride={s}, padding={p})"
        shape = f"{cin}×{h}×{h}"
        params = {"kind": kind, "cin": cin, "cout": cout, "k": k, "s": s, "p": p, "groups": 1, "h": h}
        parts, difficulty = ("deconv",), 3
    else:
        cin = rng.choice((128, 256, 512, 768, 1024, 2048, 4096, 9216))
        cout = rng.choice((10, 100, 256, 512, 1000, 1024, 4096))
        layer = Linear(cout, name="fc")
        text = f"Linear({cin}, {cout})"
        shape = f"{cin}"
        h = 1
        params = {"kind": kind, "cin": cin, "cout": cout, "h": 1}
        parts, difficulty = ("fc",), 1
    result = count_params([layer], h, cin)
    macs = result.value.total_macs
    value = macs if metric == "macs" else 2 * macs
    lines = list(result.steps)
    what_en = "MACs (multiply-accumulates)" if metric == "macs" else "FLOPs (FLOPs = 2 × MACs)"
    what_zh = "乘加次数 MACs" if metric == "macs" else "浮点运算数 FLOPs(FLOPs = 2 × MACs)"
    return Draft(
        difficulty=difficulty,
        prompt=bi(f"单个样本(batch = 1)输入 {shape},经过 {text}。该层的计算量({what_zh})是多少?不计偏置加法。",
                  f"One sample (batch 1) of shape {shape} goes through {text}. How many {what_en} does this "
                  f"layer take? Ignore the bias additions."),
        answer=bi(f"{grouped(value)} {'MACs' if metric == 'macs' else 'FLOPs'}",
                  f"{grouped(value)} {'MACs' if metric == 'macs' else 'FLOPs'}"),
        explanation=derivation("计算量:每个输出值是一次长度为 C_in/groups·k·k 的点积。",
                               "Cost: every output value is one dot product of length C_in/groups·k·k.",
                               formula(*parts, "FLOPs = 2·MACs"), lines,
                               ["torchvision 的 “GFLOPS” 一栏以及 thop / fvcore / ptflops 报告的其实是 MACs;"
                                "严格的 FLOPs = 2 × MACs(一次乘法 + 一次加法)。"],
                               ["torchvision's “GFLOPS” column, thop, fvcore and ptflops all report MACs; strictly "
                                "FLOPs = 2 × MACs (one multiply and one add)."]),
        params={**params, "metric": metric},
        tags=("flops", "conv") if kind != "linear" else ("flops", "fully-connected"),
        value=value, tolerance=0, unit="MACs" if metric == "macs" else "FLOPs",
    )
