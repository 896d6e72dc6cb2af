"""Receptive field of a random conv/pool stack; answer and per-layer derivation from
`calculators.receptive_field` (layers built as `calculators.layers` dataclasses)."""
from __future__ import annotations

import random

from calculators.layers import Conv, Layer, Pool, pair
from calculators.receptive_field import receptive_field_table
from dlquiz.errors import InputError
from question_bank.generators._base import Draft, bi, derivation, register
from question_bank.generators.sizes import conv_text, pool_text

MAX_TRIES = 10_000


def _draw_layer(rng: random.Random, first: bool) -> dict:
    if first and rng.random() < 0.3:  # a ResNet/GoogLeNet-style stem
        return {"kind": "conv", "k": 7, "s": 2, "p": 3, "d": 1}
    if rng.random() < 0.7:
        k = rng.choice((1, 3, 3, 3, 3, 5, 7))
        d = 2 if k == 3 and rng.random() < 0.15 else 1
        s = 2 if rng.random() < 0.25 else 1
        p = d * (k - 1) // 2 if rng.random() < 0.8 else 0
        return {"kind": "conv", "k": k, "s": s, "p": p, "d": d}
    k = rng.choice((2, 2, 3))
    return {"kind": "maxpool", "k": k, "s": 2, "p": 1 if k == 3 and rng.random() < 0.5 else 0, "d": 1}


def _layer_objects(spec: list[dict]) -> list[Layer]:
    layers: list[Layer] = []
    n_conv = n_pool = 0
    for c in spec:
        if c["kind"] == "conv":
            n_conv += 1
            layers.append(Conv(pair(c["k"]), pair(c["s"]), pair(c["p"]), pair(c["d"]), name=f"conv{n_conv}"))
        else:
            n_pool += 1
            layers.append(Pool("max", pair(c["k"]), pair(c["s"]), pair(c["p"]), name=f"pool{n_pool}"))
    return layers


def _text(layer, c: dict) -> str:
    if c["kind"] == "conv":
        return f"{layer.name} {conv_text(c['k'], c['s'], c['p'], c['d'])}"
    return f"{layer.name} {pool_text('max', c['k'], c['s'], c['p'])}"


@register("receptive-field", "cnn", "numeric", "receptive-field", en="Receptive field of a conv/pool stack",
          zh="卷积/池化堆叠的感受野")
def receptive_field(rng: random.Random) -> Draft:
    for _ in range(MAX_TRIES):
        count = rng.randint(2, 5)
        spec = [_draw_layer(rng, i == 0) for i in range(count)]
        n = rng.choice((32, 64, 96, 112, 128, 224))
        layers = _layer_objects(spec)
        try:
            result = receptive_field_table(layers, n)
        except InputError:
            continue
        break
    else:  # pragma: no cover - the ranges above always fit
        raise RuntimeError("no valid stack found")
    table = result.value
    rf = table.receptive_field[0]
    dilated = any(c["d"] > 1 for c in spec)
    difficulty = 3 if (count >= 5 or dilated) else 1 if count == 2 else 2
    stack = " → ".join(_text(layer, c) for layer, c in zip(layers, spec))
    return Draft(
        difficulty=difficulty,
        prompt=bi(f"输入 {n}×{n},依次经过:{stack}。最后一层输出上一个单元的感受野(在输入上的边长,像素)是多少?",
                  f"A {n}×{n} input goes through: {stack}. What is the receptive field (side length in input "
                  f"pixels) of one unit of the last layer's output?"),
        answer=bi(f"{rf}(感受野 {rf}×{rf})", f"{rf} (a {rf}×{rf} window)"),
        explanation=derivation("逐层递推感受野 r 和累计步长 j(jump):",
                               "Propagate the receptive field r and the jump j (accumulated stride) layer by layer:",
                               result.formula, result.steps,
                               ["padding 不改变感受野;每层增加 (k_eff − 1) × 之前各层步长之积 j;"
                                "池化层和卷积层一样按核大小与步长计算。"],
                               ["Padding never changes the receptive field; each layer adds (k_eff − 1) × j, "
                                "j being the product of all earlier strides; pooling counts like a conv of the "
                                "same kernel and stride."]),
        params={"n": n, "layers": spec},
        tags=("receptive-field", "dilation") if dilated else ("receptive-field",),
        value=rf, tolerance=0, unit="px",
    )
