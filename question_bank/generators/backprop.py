"""Backprop by hand, the classic whiteboard question: a 1- or 2-input net with one hidden layer of one or two
sigmoid / ReLU units, a linear output and squared error; ∂L/∂(one named weight), the chain rule walked with
the numbers. Worked out with `math`; asked to 3 significant digits."""
from __future__ import annotations

import math
import random

from question_bank.generators._base import SIG_HINT, Draft, bi, explain, fmt_sig, register, significant_tolerance

ACTIVATIONS = ("sigmoid", "relu")
LOSSES = {  # name: (formula, dL/dŷ factor)
    "half": ("L = ½(ŷ − y)²", 1.0),
    "squared": ("L = (ŷ − y)²", 2.0),
}


def _f(x: float) -> str:
    return f"{x:.6g}"


def _p(x: float) -> str:
    """A factor in a product: negative numbers in parentheses."""
    return f"({_f(x)})" if x < 0 else _f(x)


def _tenth(rng: random.Random, low: float, high: float, nonzero: bool = True) -> float:
    while True:
        x = rng.randint(round(low * 10), round(high * 10)) / 10
        if x or not nonzero:
            return x


class _Names:
    """w_jk (hidden j from input k), b_j, v_j, c: indices dropped where there is only one of a kind."""

    def __init__(self, n_in: int, n_hidden: int) -> None:
        self.n_in, self.n_hidden = n_in, n_hidden

    def _j(self, j: int) -> str:
        return str(j + 1) if self.n_hidden > 1 else ""

    def w(self, j: int, k: int) -> str:
        if self.n_in == 1:
            return f"w_{self._j(j)}" if self.n_hidden > 1 else "w"
        return f"w_{self._j(j)}{k + 1}"

    def x(self, k: int) -> str:
        return f"x_{k + 1}" if self.n_in > 1 else "x"

    def b(self, j: int) -> str:
        return f"b_{self._j(j)}" if self.n_hidden > 1 else "b"

    def v(self, j: int) -> str:
        return f"v_{self._j(j)}" if self.n_hidden > 1 else "v"

    def z(self, j: int) -> str:
        return f"z_{self._j(j)}" if self.n_hidden > 1 else "z"

    def h(self, j: int) -> str:
        return f"h_{self._j(j)}" if self.n_hidden > 1 else "h"


@register("backprop-by-hand", "backprop", "numeric", "backprop", en="Backprop by hand: ∂L/∂w in a tiny net",
          zh="手算反向传播:小网络中的 ∂L/∂w")
def backprop_by_hand(rng: random.Random) -> Draft:
    n_in, n_hidden = rng.randint(1, 2), rng.randint(1, 2)
    act = rng.choice(ACTIVATIONS)
    loss = rng.choice(list(LOSSES))
    names = _Names(n_in, n_hidden)
    while True:
        x = [_tenth(rng, -2, 2) for _ in range(n_in)]
        w = [[_tenth(rng, -1.5, 1.5) for _ in range(n_in)] for _ in range(n_hidden)]
        b = [_tenth(rng, -1, 1, nonzero=False) for _ in range(n_hidden)]
        v = [_tenth(rng, -1.5, 1.5) for _ in range(n_hidden)]
        c = _tenth(rng, -1, 1, nonzero=False)
        y = _tenth(rng, -1, 2, nonzero=False)
        z = [math.fsum(w[j][k] * x[k] for k in range(n_in)) + b[j] for j in range(n_hidden)]
        h = [1 / (1 + math.exp(-zj)) if act == "sigmoid" else max(zj, 0.0) for zj in z]
        y_hat = math.fsum(v[j] * h[j] for j in range(n_hidden)) + c
        dy = LOSSES[loss][1] * (y_hat - y)
        kind = rng.choices(("w", "b", "v"), weights=(3, 1, 1))[0]
        j, k = rng.randrange(n_hidden), rng.randrange(n_in)
        d_act = h[j] * (1 - h[j]) if act == "sigmoid" else float(z[j] > 0)
        dz = dy * v[j] * d_act
        grad = {"w": dz * x[k], "b": dz, "v": dy * h[j]}[kind]
        # ReLU kinks and near-zero answers are redrawn: 3 significant digits of ~0 asks for noise
        if abs(grad) >= 0.01 and (act == "sigmoid" or all(abs(zj) >= 0.05 for zj in z)):
            break
    target = {"w": names.w(j, k), "b": names.b(j), "v": names.v(j)}[kind]
    act_name = "σ" if act == "sigmoid" else "ReLU"
    loss_formula = LOSSES[loss][0]

    def pre(i: int) -> str:
        return " + ".join(f"{names.w(i, m)}·{names.x(m)}" for m in range(n_in)) + f" + {names.b(i)}"

    out_formula = " + ".join(f"{names.v(i)}·{names.h(i)}" for i in range(n_hidden)) + " + c"
    weights = []
    for i in range(n_hidden):
        weights += [f"{names.w(i, m)} = {_f(w[i][m])}" for m in range(n_in)] + [f"{names.b(i)} = {_f(b[i])}"]
    weights += [f"{names.v(i)} = {_f(v[i])}" for i in range(n_hidden)] + [f"c = {_f(c)}"]
    inputs = ", ".join(f"{names.x(m)} = {_f(x[m])}" for m in range(n_in))
    hidden_zh = "对 j = 1, 2:" if n_hidden > 1 else ""
    hidden_en = " for j = 1, 2" if n_hidden > 1 else ""
    net = (f"{names.z(0)} = {pre(0)}, {names.h(0)} = {act_name}({names.z(0)})" if n_hidden == 1 else
           "z_j = " + " + ".join(f"w_j{m + 1}·{names.x(m)}" if n_in > 1 else f"w_j·{names.x(m)}"
                                  for m in range(n_in)) + f" + b_j, h_j = {act_name}(z_j)")
    act_zh = "sigmoid σ" if act == "sigmoid" else "ReLU"
    act_en = "sigmoid σ" if act == "sigmoid" else "ReLU"

    forward = []
    for i in range(n_hidden):
        terms = " + ".join(f"{_p(w[i][m])}·{_p(x[m])}" for m in range(n_in)) + f" + {_p(b[i])}"
        forward.append(f"{names.z(i)} = {terms} = {_f(z[i])}, {names.h(i)} = {act_name}({_f(z[i])}) = {_f(h[i])}")
    out_terms = " + ".join(f"{_p(v[i])}·{_p(h[i])}" for i in range(n_hidden)) + f" + {_p(c)}"
    forward.append(f"ŷ = {out_terms} = {_f(y_hat)}")
    loss_value = (0.5 if loss == "half" else 1.0) * (y_hat - y) ** 2
    forward.append(f"{loss_formula} = {_f(loss_value)}")
    factor = "ŷ − y" if loss == "half" else "2(ŷ − y)"
    backward = [f"∂L/∂ŷ = {factor} = {_f(dy)}"]
    if kind == "v":
        backward.append(f"∂L/∂{target} = ∂L/∂ŷ · {names.h(j)} = {_p(dy)}·{_p(h[j])} = {_f(grad)}")
        chain = f"∂L/∂{target} = ∂L/∂ŷ · {names.h(j)}"
    else:
        dh = dy * v[j]
        backward.append(f"∂L/∂{names.h(j)} = ∂L/∂ŷ · {names.v(j)} = {_p(dy)}·{_p(v[j])} = {_f(dh)}")
        if act == "sigmoid":
            backward.append(f"∂L/∂{names.z(j)} = ∂L/∂{names.h(j)} · {names.h(j)}(1 − {names.h(j)}) = "
                            f"{_p(dh)}·{_f(h[j])}·{_f(1 - h[j])} = {_f(dz)}")
        else:
            backward.append(f"∂L/∂{names.z(j)} = ∂L/∂{names.h(j)} · ReLU′({names.z(j)}) = {_p(dh)}·1 = {_f(dz)}"
                            f"  ({names.z(j)} = {_f(z[j])} > 0)")
        local = names.x(k) if kind == "w" else "1"
        local_value = _p(x[k]) if kind == "w" else "1"
        backward.append(f"∂L/∂{target} = ∂L/∂{names.z(j)} · {local} = {_p(dz)}·{local_value} = {_f(grad)}")
        d_act_text = f"{names.h(j)}(1 − {names.h(j)})" if act == "sigmoid" else f"ReLU′({names.z(j)})"
        chain = f"∂L/∂{target} = ∂L/∂ŷ · {names.v(j)} · {d_act_text}" + (f" · {names.x(k)}" if kind == "w" else "")
    backward[-1] += f" ≈ {fmt_sig(grad)}"
    tail = (("σ′(z) = σ(z)(1 − σ(z)) ≤ 0.25:每经过一层 sigmoid,梯度至少缩小到 1/4,层数一多就消失。",
             "σ′(z) = σ(z)(1 − σ(z)) ≤ 0.25: each sigmoid layer shrinks the gradient at least fourfold, which is "
             "why deep sigmoid nets' gradients vanish.")
            if act == "sigmoid" else
            ("ReLU′(z) 在 z > 0 时为 1、z < 0 时为 0:激活为负的单元(“死” ReLU)对它前面的权重梯度为 0。",
             "ReLU′(z) is 1 for z > 0 and 0 for z < 0: a unit whose pre-activation is negative (a “dead” ReLU) "
             "passes no gradient to the weights before it."))
    return Draft(
        difficulty=3 if n_in * n_hidden > 1 else 2,
        prompt=bi(f"一个小网络:输入 {inputs};隐藏层({act_zh}){hidden_zh}{net};输出 ŷ = {out_formula};"
                  f"损失 {loss_formula},目标 y = {_f(y)}。参数:{', '.join(weights)}。"
                  f"用反向传播手算 ∂L/∂{target},{SIG_HINT.zh}。",
                  f"A tiny net: input {inputs}; hidden layer ({act_en}){hidden_en}: {net}; output ŷ = {out_formula}; "
                  f"loss {loss_formula} with target y = {_f(y)}. Parameters: {', '.join(weights)}. "
                  f"Compute ∂L/∂{target} by backprop; {SIG_HINT.en}."),
        answer=bi(fmt_sig(grad), fmt_sig(grad)),
        explanation=explain(
            (f"链式法则:{chain}", f"Chain rule: {chain}"),
            ("前向:", "Forward pass:"),
            *((line, line) for line in forward),
            ("反向:", "Backward pass:"),
            *((line, line) for line in backward),
            tail,
        ),
        params={"x": x, "w": w, "b": b, "v": v, "c": c, "y": y, "activation": act, "loss": loss,
                "wrt": kind, "j": j, "k": k},
        tags=("chain-rule",),
        value=grad, tolerance=significant_tolerance(grad),
    )
