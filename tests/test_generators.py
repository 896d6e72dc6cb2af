"""Generated questions: shape of every question, ids, determinism, sampling, the language of the explanations, and
every answer re-checked independently with PyTorch (real layers, numel(), forward-hook MACs, gradient support) or,
for IoU, a formula written out here. No expected answer below comes from calculators/ or the generators themselves
(the explanation tests read calculator lines on purpose: what they check is the wording, not the numbers)."""
from __future__ import annotations

import json
import math
import os
import random
import re
import subprocess
import sys
import warnings
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from question_bank.answers import check_answer
from question_bank.generators import GENERATORS, generate, resolve, sample, topic_of_generated
from question_bank.loader import ID_PATTERN, TAG_PATTERN
from question_bank.model import TOPICS, Question

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

torch.set_num_threads(1)  # tiny tensors: thread start-up would dominate

SEEDS = list(range(20)) + random.Random(2024).sample(range(10**12), 10)  # 30 per generator
NAMES = sorted(GENERATORS)
CJK = re.compile(r"[\u4e00-\u9fff]")
DECIMALS = {"en": "3 decimals", "zh": "3 位小数"}
SIGNIFICANT = {"en": "3 significant digits", "zh": "3 位有效数字"}  # answers that can be small


def asks_significant_digits(q: Question) -> bool:
    return SIGNIFICANT["en"] in q.prompt.en


def questions(name: str):
    gen = GENERATORS[name]
    for seed in SEEDS:
        yield seed, gen.generate(seed), gen.draw(seed).params


# --------------------------------------------------------------------------- shape of a question

def problems(q: Question) -> list[str]:
    """Everything wrong with a generated question (empty when it is fine)."""
    out = []
    if not ID_PATTERN.match(q.id) or not q.id.startswith("gen."):
        out.append(f"bad id {q.id!r}")
    if q.topic not in TOPICS:
        out.append(f"unknown topic {q.topic!r}")
    if q.difficulty not in (1, 2, 3):
        out.append(f"difficulty {q.difficulty!r}")
    if q.source is not None or not q.is_generated:
        out.append("generated questions have no source and a generator")
    if "generated" not in q.tags or not all(TAG_PATTERN.match(t) for t in q.tags) or len(set(q.tags)) != len(q.tags):
        out.append(f"tags {q.tags!r}")
    for field in ("prompt", "answer", "explanation"):
        text = getattr(q, field)
        for lang in ("zh", "en"):
            value = text.get(lang)
            if not value.strip():
                out.append(f"{field}.{lang} empty")
            if "$" in value:
                out.append(f"{field}.{lang} has $")
            if value.count("\\(") != value.count("\\)") or value.count("\\[") != value.count("\\]"):
                out.append(f"{field}.{lang} has unbalanced math delimiters")
        if not CJK.search(text.zh) and field != "answer":
            out.append(f"{field}.zh has no Chinese")
    if q.type == "numeric":
        if isinstance(q.value, bool) or not isinstance(q.value, (int, float)) or not math.isfinite(q.value):
            out.append(f"value {q.value!r}")
        if not (isinstance(q.tolerance, (int, float)) and q.tolerance >= 0):
            out.append(f"tolerance {q.tolerance!r}")
        if isinstance(q.value, int) and q.tolerance != 0:
            out.append("integer answers are exact")
        if q.tolerance:
            wording = SIGNIFICANT if asks_significant_digits(q) else DECIMALS
            for lang in ("zh", "en"):
                if wording[lang] not in q.prompt.get(lang):
                    out.append(f"prompt.{lang} does not say to how many decimals or significant digits")
            if wording is SIGNIFICANT and not 0.0005 * abs(q.value) <= q.tolerance <= 0.01 * abs(q.value):
                out.append(f"tolerance {q.tolerance} is not about 3 significant digits of {q.value}")
        if q.choices or q.correct:
            out.append("numeric question with choices")
    elif q.type == "choice":
        letters = "ABCDEFGH"[: len(q.choices)]
        if not 2 <= len(q.choices) <= 8:
            out.append(f"{len(q.choices)} choices")
        if not q.correct or any(c not in letters for c in q.correct) or list(q.correct) != sorted(set(q.correct)):
            out.append(f"correct {q.correct!r} for {len(q.choices)} choices")
        for lang in ("zh", "en"):
            texts = [c.get(lang) for c in q.choices]
            if len(set(texts)) != len(texts) or not all(t.strip() for t in texts) or any("$" in t for t in texts):
                out.append(f"choices.{lang} empty, repeated or with $")
        if q.value is not None:
            out.append("choice question with a value")
    else:
        out.append(f"type {q.type!r}")
    return out


@pytest.mark.parametrize("name", NAMES)
def test_questions_are_well_formed(name):
    gen = GENERATORS[name]
    assert gen.name == name and gen.topic in TOPICS and gen.type in ("numeric", "choice")
    assert TAG_PATTERN.match(gen.family) and gen.summary.zh and gen.summary.en
    for seed, q, _ in questions(name):
        assert problems(q) == [], (q.id, problems(q))
        assert (q.id, q.topic, q.type, q.generator) == (f"gen.{name}-{seed}", gen.topic, gen.type, name)
        assert gen.family in q.tags


@pytest.mark.parametrize("name", NAMES)
def test_check_answer_accepts_the_answer_and_rejects_others(name):
    for _, q, _ in questions(name):
        if q.type == "numeric":
            assert check_answer(q, str(q.value)).correct
            assert check_answer(q, f"{q.value:,}" if isinstance(q.value, int) else repr(q.value)).correct
            if q.tolerance and asks_significant_digits(q):
                assert check_answer(q, f"{q.value:.3g}").correct, q.id  # "3 significant digits" is accepted
                assert not check_answer(q, f"{q.value * 1.02:.3g}").correct, q.id  # 2% off is not
                assert not check_answer(q, f"{q.value * 0.98:.3g}").correct, q.id
            elif q.tolerance:
                assert check_answer(q, f"{q.value:.3f}").correct  # "to 3 decimals" is accepted
                assert not check_answer(q, f"{q.value + 0.01:.3f}").correct
                assert not check_answer(q, f"{q.value - 0.01:.3f}").correct
            else:
                # check_answer allows a relative 1e-9 even at tolerance 0, so off-by-one is only
                # distinguishable below 1e9; bigger counts get a wrong value of the same relative size
                off = 1 if abs(q.value) < 10**8 else abs(q.value) // 10**6
                assert not check_answer(q, str(q.value + off)).correct
                assert not check_answer(q, str(q.value - off)).correct
        else:
            assert check_answer(q, ",".join(q.correct)).correct
            wrong = [letter for letter in "ABCDEFGH"[: len(q.choices)] if letter not in q.correct]
            assert wrong, q.id  # at least one option is wrong
            assert not check_answer(q, wrong[0]).correct
            assert not check_answer(q, ",".join(sorted({*q.correct, wrong[0]}))).correct
            if len(q.correct) > 1:
                assert not check_answer(q, q.correct[0]).correct


# --------------------------------------------------------------------------- ids, determinism, sampling

@pytest.mark.parametrize("name", NAMES)
def test_ids_round_trip_and_generation_is_deterministic(name):
    for seed, q, _ in questions(name):
        assert resolve(q.id) == q
        assert topic_of_generated(q.id) == q.topic
        assert GENERATORS[name].generate(seed) == q  # no cache involved
        assert generate(name, seed) == q


@settings(max_examples=40)
@given(st.sampled_from(NAMES), st.integers(min_value=0, max_value=2**64))
def test_any_seed_gives_a_valid_question_that_resolves(name, seed):
    q = generate(name, seed)
    assert problems(q) == []
    assert resolve(q.id) == q


def test_same_seed_same_question_in_a_fresh_process():
    """str-seeded RNGs must not depend on PYTHONHASHSEED or on anything cached in this process."""
    code = ("import json; from question_bank.generators import GENERATORS as G; "
            "print(json.dumps({n: [g.generate(s).to_dict() for s in (0, 1, 123456789)] for n, g in G.items()}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONHASHSEED": "12345"}, cwd=str(_repo_root()))
    theirs = json.loads(out.stdout)
    ours = {n: [g.generate(s).to_dict() for s in (0, 1, 123456789)] for n, g in GENERATORS.items()}
    assert theirs == json.loads(json.dumps(ours))


def _repo_root():
    from pathlib import Path
    return Path(__file__).resolve().parent.parent


def test_different_seeds_vary():
    for name in NAMES:
        prompts = {GENERATORS[name].generate(seed).prompt.en for seed in SEEDS}
        assert len(prompts) >= len(SEEDS) // 2, name


def test_resolve_and_topic_reject_other_ids():
    for bad in ("cnn.rf-two-3x3-equals-5x5", "gen.no-such-generator-3", "gen.conv-output", "gen.conv-output-",
                "gen.conv-output-01", "gen.conv-output--1", "gen.conv-output-1x", "GEN.conv-output-1", "", None,
                "gen.conv-output-" + "9" * 5000):
        assert resolve(bad) is None, bad
        assert topic_of_generated(bad) is None, bad
    assert topic_of_generated("gen.conv-output-5") == "cnn"
    assert topic_of_generated("gen.softmax-0") == "losses"


def test_generate_refuses_unknown_names_and_bad_seeds():
    with pytest.raises(KeyError):
        generate("no-such-generator", 1)
    for seed in (-1, True, 1.0, "3"):
        with pytest.raises(ValueError):
            GENERATORS["conv-output"].generate(seed)


def test_sample_spreads_over_generators_and_is_reproducible():
    n = 2 * len(GENERATORS)
    qs = sample(random.Random(7), n)
    assert len(qs) == n and len({q.id for q in qs}) == n
    counts = {name: sum(q.generator == name for q in qs) for name in GENERATORS}
    assert set(counts.values()) == {2}, counts  # every generator exactly twice
    assert [q.id for q in sample(random.Random(7), n)] == [q.id for q in qs]
    assert [q.id for q in sample(random.Random(8), n)] != [q.id for q in qs]


def test_sample_honours_topic():
    by_topic: dict[str, set[str]] = {}
    for g in GENERATORS.values():
        by_topic.setdefault(g.topic, set()).add(g.name)
    assert {"cnn", "math", "losses"} <= set(by_topic)
    for topic, names in by_topic.items():
        qs = sample(random.Random(topic), 3 * len(names), topic=topic)
        assert {q.topic for q in qs} == {topic}
        assert {q.generator for q in qs} == names  # spread over all of the topic's generators
    cnn = sample(random.Random(1), 5, topic="cnn")
    assert len({q.generator for q in cnn}) == 5  # fewer than the topic's generators: all different
    assert sample(random.Random(1), 4, topic="sequence") == []
    assert sample(random.Random(1), 4, topic="no-such-topic") == []
    assert sample(random.Random(1), 0) == []


def test_import_does_not_load_torch_or_sympy():
    code = ("import sys, question_bank.generators as g; g.topic_of_generated('gen.iou-1'); "
            "print(sorted(m for m in ('torch', 'sympy', 'textual') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(_repo_root()))
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------- explanation language

# Words of 3+ ASCII letters that may stand in a Chinese explanation: math functions and variables, metric and
# unit names, PyTorch layer arguments, library and dataset names. Any other word is English prose left in the zh
# text. Tokens with a digit or an underscore (conv1, fc6, Conv2d, k_eff, C_out, ceil_mode, running_mean) are
# identifiers and are not checked; nor are LaTeX commands (\log, \sum) or quoted code literals ('mean').
ZH_ALLOWED_WORDS = frozenset({
    "exp", "log", "max", "min", "atan", "softmax", "logits", "out", "start",  # math
    "IoU", "GIoU", "DIoU", "CIoU", "MACs", "FLOPs", "GFLOPS", "NLL", "SVD", "params",  # metrics, counts
    "conv", "deconv", "padding", "stride", "dilation", "groups", "bias", "floor", "momentum", "batch",  # PyTorch
    "reduction", "buffer", "depthwise", "jump", "True", "False", "None", "CrossEntropyLoss",
    "PyTorch", "TensorFlow", "SAME", "Caffe", "AlexNet", "Pascal", "VOC", "Lasso", "Frobenius",  # names
    "torchvision", "thop", "fvcore", "ptflops",
    "sigmoid", "ReLU", "NMS", "Huber", "MultiheadAttention", "kdim", "vdim",  # issue #14's generators
})
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_CODE_LITERAL = re.compile(r"'[^'\n]*'")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def english_words(text: str) -> list[str]:
    """English prose words in a Chinese text: 3+ letters, not an identifier, not in ZH_ALLOWED_WORDS."""
    text = _CODE_LITERAL.sub(" ", _LATEX_COMMAND.sub(" ", text))
    return [w for w in _WORD.findall(text)
            if len(w) >= 3 and not any(c.isdigit() or c == "_" for c in w) and w not in ZH_ALLOWED_WORDS]


def test_english_words_finds_prose_and_spares_identifiers():
    assert english_words("→ output size 104") == ["output", "size"]
    assert english_words("样本 1:log Σ exp(z) = 2.3; conv1 k_eff = 3, \\( \\log \\sum_j \\), reduction='mean'") == []


def test_zh_explanations_have_no_english_prose():
    """Every generator, seeds 0..199: the calculator's step lines are translated on the zh side."""
    leftovers: dict[str, set[str]] = {}
    for name in NAMES:
        for seed in range(200):
            words = english_words(GENERATORS[name].generate(seed).explanation.zh)
            if words:
                leftovers.setdefault(name, set()).update(words)
    assert not leftovers, "\n".join(f"{name}: {' '.join(sorted(words))}" for name, words in leftovers.items())
    q = generate("conv-output", 0)
    assert "→ output size" in q.explanation.en and "→ 输出尺寸" in q.explanation.zh



def test_zh_step_table_covers_every_calculator_wording():
    """Lines no generator shows today (DIoU/CIoU, VOC +1 boxes, long and all-zero norms, (H, W) sizes, non-square
    receptive fields) are in the table too, so a new generator or option does not bring English back."""
    from calculators import boxes, conv, norms
    from calculators.layers import Conv, Pool
    from calculators.receptive_field import receptive_field_table
    from question_bank.generators.zh_steps import to_zh

    results = []
    for a, b in (((0, 0, 10, 10), (5, 5, 15, 15)), ((0, 0, 4, 4), (10, 10, 12, 13)), ((1, 1, 5, 5), (1, 1, 5, 5)),
                 ((0, 0, 2.5, 3), (1, 1, 4, 4))):
        for voc in (False, True):
            results += boxes.box_metrics(a, b, pixel_inclusive=voc).values()
    results += [*norms.vector_norms([0, 0, 0], p=3).values(), *norms.vector_norms(range(-8, 9), p=math.inf).values(),
                norms.lp_norm([1e100, 1e100], 5), *norms.matrix_norms([[1, -2, 3]] * 14).values(),
                *norms.matrix_norms([[1] * 14, [2] * 14]).values()]
    results += [conv.conv_size((10, 12), 3, 2, 1), conv.pool_size((10, 13), 2, 2, 1, ceil_mode=True),
                conv.conv_transpose_size((4, 5), 3, 2),
                receptive_field_table([Conv((3, 5), (1, 2), (1, 2), name="conv1"), Pool("max", (2, 2), (2, 2))], 32)]
    for result in results:
        for line in (result.formula, *result.steps):
            assert english_words(to_zh(line)) == [], line


def test_en_explanations_keep_the_calculator_lines():
    """The en side is untouched: no Chinese, and the calculator's own formula and step lines, verbatim."""
    from calculators.conv import conv_size, pool_size

    for name in NAMES:
        for seed in range(50):
            assert not CJK.search(GENERATORS[name].generate(seed).explanation.en), (name, seed)
    for _, q, c in questions("conv-output"):
        result = conv_size(c["n"], c["k"], c["s"], c["p"], c["d"])
        lines = q.explanation.en.splitlines()
        assert f"Formula: {result.formula}" in lines and list(result.steps) == [
            line for line in lines if line in result.steps], q.id
    ceil_seen = False
    for _, q, c in questions("pool-output"):
        result = pool_size(c["n"], c["k"], c["stride"], c["p"], c["d"], ceil_mode=c["ceil"], avg=c["op"] == "avg")
        lines = q.explanation.en.splitlines()
        assert f"Formula: {result.formula}" in lines and all(step in lines for step in result.steps), q.id
        ceil_seen |= c["ceil"]
    assert ceil_seen  # the ceil_mode wording ("last window ...") was among them


# --------------------------------------------------------------------------- answers re-checked with torch

def run(module: nn.Module, shape: tuple[int, ...], device: str = "cpu") -> torch.Tensor | None:
    """Output of `module` on zeros of `shape`; None when torch refuses the configuration.

    device="meta" (module built there too) gives shapes without compute, for the big layers."""
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            return module(torch.zeros(shape, device=device))
    except RuntimeError:
        return None


def torch_side(module: nn.Module, n: int) -> int | None:
    out = run(module, (1, 1, n, n))
    if out is None:
        return None
    assert out.shape[-1] == out.shape[-2]
    return out.shape[-1]


def numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def shown(q: Question, *fragments: str) -> None:
    """The configuration the answer was checked for is the one the prompt shows."""
    for fragment in fragments:
        assert fragment in q.prompt.en and fragment in q.prompt.zh, (q.id, fragment)


def pool_module(op: str, k: int, stride, p: int, d: int, ceil: bool) -> nn.Module:
    if op == "max":
        return nn.MaxPool2d(k, stride, p, dilation=d, ceil_mode=ceil)
    assert d == 1
    return nn.AvgPool2d(k, stride, p, ceil_mode=ceil)


def letters_where(q: Question, ok) -> tuple[str, ...]:
    return tuple(letter for letter, c in zip("ABCDEFGH", q.choices) if ok(c.en))


def parse_int(text: str) -> int:
    return int(text.replace(",", ""))


def check_conv_output(q, c):
    shown(q, f"{c['n']}×{c['n']}", f"kernel_size={c['k']}", f"stride={c['s']}", f"padding={c['p']}")
    if c["d"] != 1:
        shown(q, f"dilation={c['d']}")
    assert q.value == torch_side(nn.Conv2d(1, 1, c["k"], c["s"], c["p"], c["d"]), c["n"])


def check_conv_transpose_output(q, c):
    shown(q, f"{c['n']}×{c['n']}", f"kernel_size={c['k']}", f"stride={c['s']}", f"padding={c['p']}")
    if c["op"]:
        shown(q, f"output_padding={c['op']}")
    module = nn.ConvTranspose2d(1, 1, c["k"], c["s"], c["p"], output_padding=c["op"], dilation=c["d"])
    assert q.value == torch_side(module, c["n"])


def check_pool_output(q, c):
    shown(q, f"{c['n']}×{c['n']}", f"kernel_size={c['k']}", f"padding={c['p']}")
    assert ("ceil_mode=True" in q.prompt.en) == c["ceil"]
    assert ("stride=" in q.prompt.en) == (c["stride"] is not None)
    module = pool_module(c["op"], c["k"], c["stride"], c["p"], c["d"], c["ceil"])
    assert type(module).__name__ in q.prompt.en
    assert c["p"] <= c["k"] // 2  # PyTorch's pooling rule, by construction
    assert q.value == torch_side(module, c["n"])


def check_pool_output_choice(q, c):
    shown(q, f"{c['n']}×{c['n']}", f"kernel_size={c['k']}")
    real = torch_side(pool_module(c["op"], c["k"], c["stride"], c["p"], c["d"], c["ceil"]), c["n"])
    assert q.correct == letters_where(q, lambda text: re.fullmatch(rf"{real}×{real}", text) is not None)
    assert len(q.correct) == 1


def check_same_padding(q, c):
    shown(q, f"{c['n']}×{c['n']}", f"kernel_size={c['k']}", f"stride={c['s']}")
    assert c["target"] == (c["n"] if c["s"] == 1 else math.ceil(c["n"] / c["s"]))
    shown(q, f"{c['target']}")

    def keeps(text: str) -> bool:
        p = int(re.fullmatch(r"padding=(\d+)", text).group(1))
        return torch_side(nn.Conv2d(1, 1, c["k"], c["s"], p, c["d"]), c["n"]) == c["target"]

    assert q.correct == letters_where(q, keeps)
    if c["s"] == 1:
        assert len(q.correct) == 1


_LAYER = re.compile(r"(Conv2d|MaxPool2d)\((.*)\)")


def build_layer(text: str) -> nn.Module:
    kind, args = _LAYER.fullmatch(text).groups()
    kw = {key: (value == "True" if value in ("True", "False") else int(value))
          for key, value in re.findall(r"(\w+)=(\w+)", args)}
    return nn.Conv2d(1, 1, **kw) if kind == "Conv2d" else nn.MaxPool2d(**kw)


def check_config_output(q, c):
    n, m = c["n"], c["target"]
    shown(q, f"{n}×{n}", f"{m}×{m}")
    assert q.correct == letters_where(q, lambda text: torch_side(build_layer(text), n) == m)
    assert len(q.correct) == 1
    for choice in q.choices:  # every option is a layer PyTorch accepts for this input
        assert torch_side(build_layer(choice.en), n) is not None


def check_receptive_field(q, c):
    n, spec = c["n"], c["layers"]
    for layer in spec:
        text = (f"Conv2d(kernel_size={layer['k']}, stride={layer['s']}, padding={layer['p']}"
                + (f", dilation={layer['d']})" if layer["d"] != 1 else ")")
                if layer["kind"] == "conv" else
                f"MaxPool2d(kernel_size={layer['k']}, stride={layer['s']}, padding={layer['p']})")
        shown(q, text)

    def stack(probe: bool) -> nn.Sequential:
        mods = []
        for layer in spec:
            if layer["kind"] == "conv":
                mods.append(nn.Conv2d(1, 1, layer["k"], layer["s"], layer["p"], layer["d"], bias=False))
            elif probe:  # max pooling routes the gradient to one input; average pooling reaches the whole window
                mods.append(nn.AvgPool2d(layer["k"], layer["s"], layer["p"]))
            else:
                mods.append(nn.MaxPool2d(layer["k"], layer["s"], layer["p"]))
        return nn.Sequential(*mods)

    assert run(stack(False), (1, 1, n, n)) is not None  # the question's own input size works
    net = stack(True).double()
    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.ones_(m.weight)
    jump = math.prod(layer["s"] for layer in spec)
    size = n + 2 * q.value + 4 * jump  # big enough for a middle unit whose window stays off the border
    x = torch.ones(1, 1, size, size, dtype=torch.float64, requires_grad=True)
    out = net(x)
    u = out.shape[-1] // 2
    out[0, 0, u, u].backward()
    rows = torch.nonzero(x.grad[0, 0].abs().sum(dim=1) > 0).flatten()
    cols = torch.nonzero(x.grad[0, 0].abs().sum(dim=0) > 0).flatten()
    assert rows.min() > 0 and rows.max() < size - 1  # not clipped by the border
    assert int(rows.max() - rows.min() + 1) == q.value == int(cols.max() - cols.min() + 1)


def conv_module(c: dict, device="meta") -> nn.Module:
    return nn.Conv2d(c["cin"], c["cout"], c["k"], groups=c["groups"], bias=c["bias"], device=device)


def check_conv_params(q, c):
    shown(q, f"Conv2d({c['cin']}, {c['cout']}, kernel_size={c['k']}")
    assert ("bias=False" in q.prompt.en) == (not c["bias"])
    assert ("groups=" in q.prompt.en) == (c["groups"] != 1)
    assert q.value == numel(conv_module(c))


def check_conv_params_choice(q, c):
    shown(q, f"Conv2d({c['cin']}, {c['cout']}, kernel_size={c['k']}")
    real = numel(conv_module(c))
    assert q.correct == letters_where(q, lambda text: parse_int(text) == real)
    assert len(q.correct) == 1


def check_fc_params(q, c):
    features = c["c"] * c["h"] * c["w"]
    layer = nn.Linear(features, c["out"], bias=c["bias"], device="meta")
    shown(q, f"{c['out']}{'' if c['bias'] else ', bias=False'})")
    shown(q, f"{c['c']}×{c['h']}×{c['w']}" if c["flatten"] else f"Linear({c['c']}, {c['out']}")
    assert q.value == numel(layer)


def check_bn_params(q, c):
    bn = nn.BatchNorm2d(c["c"])
    shown(q, f"BatchNorm2d({c['c']})")
    if c["variant"] == "params":
        assert q.value == numel(bn)
    elif c["variant"] == "state":
        assert q.value == sum(t.numel() for t in bn.state_dict().values())
    else:
        conv = nn.Conv2d(c["cin"], c["c"], c["k"], bias=False, device="meta")
        shown(q, f"Conv2d({c['cin']}, {c['c']}, kernel_size={c['k']}, bias=False)")
        assert q.value == numel(conv) + numel(bn)


def check_stack_3x3(q, c):
    big = nn.Conv2d(c["cin"], c["cout"], c["k"], padding=c["k"] // 2, bias=c["bias"], device="meta")
    small = nn.Sequential(*[nn.Conv2d(c["cin"] if i == 0 else c["cout"], c["cout"], 3, padding=1, bias=c["bias"],
                                      device="meta") for i in range(c["n3"])])
    assert (c["k"] - 1) // 2 == c["n3"]
    assert run(big, (1, c["cin"], 20, 20), "meta").shape == run(small, (1, c["cin"], 20, 20), "meta").shape
    shown(q, f"Conv2d({c['cin']}, {c['cout']}, {c['k']}")
    assert q.value == numel(big) - numel(small) > 0


def hooked_macs(module: nn.Module, shape: tuple[int, ...]) -> int:
    """Multiply-accumulates measured on torch's own tensors during a forward pass (one sample)."""
    counted = []

    def hook(m, inputs, output):
        per_output = m.weight[0].numel()  # Conv2d: C_in/g·k·k per output value; Linear: in_features
        if isinstance(m, nn.ConvTranspose2d):  # each input value is spread over a (C_out/g)·k·k patch
            counted.append(inputs[0][0].numel() * per_output)
        else:
            counted.append(output[0].numel() * per_output)

    module.register_forward_hook(hook)
    module(torch.zeros(shape, device="meta"))
    return sum(counted)


def check_layer_macs(q, c):
    if c["kind"] == "conv":
        module = nn.Conv2d(c["cin"], c["cout"], c["k"], c["s"], c["p"], groups=c["groups"], device="meta")
        shape = (1, c["cin"], c["h"], c["h"])
    elif c["kind"] == "deconv":
        module = nn.ConvTranspose2d(c["cin"], c["cout"], c["k"], c["s"], c["p"], device="meta")
        shape = (1, c["cin"], c["h"], c["h"])
    else:
        module = nn.Linear(c["cin"], c["cout"], device="meta")
        shape = (1, c["cin"])
    macs = hooked_macs(module, shape)
    assert q.value == (macs if c["metric"] == "macs" else 2 * macs)
    assert q.unit == ("MACs" if c["metric"] == "macs" else "FLOPs")
    shown(q, f"{c['cin']}, {c['cout']}" if c["kind"] != "linear" else f"Linear({c['cin']}, {c['cout']})")


def reference_iou(a, b, generalized: bool) -> Fraction:
    area = lambda box: (box[2] - box[0]) * (box[3] - box[1])  # noqa: E731
    iw = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = area(a) + area(b) - inter
    value = Fraction(inter, union)
    if generalized:
        hull = (max(a[2], b[2]) - min(a[0], b[0])) * (max(a[3], b[3]) - min(a[1], b[1]))
        value -= Fraction(hull - union, hull)
    return value


def check_iou(q, c):
    a, b = c["a"], c["b"]
    assert a[2] > a[0] and a[3] > a[1] and b[2] > b[0] and b[3] > b[1]
    shown(q, "(" + ", ".join(map(str, a)) + ")", "(" + ", ".join(map(str, b)) + ")")
    expected = float(reference_iou(a, b, c["metric"] == "giou"))
    assert q.value == pytest.approx(expected, abs=1e-12)
    assert q.tolerance == 0.001
    assert check_answer(q, f"{expected:.3f}").correct


ORDS = {"l0": 0, "l1": 1, "l2": 2, "l3": 3, "linf": math.inf}
MATRIX_ORDS = {"fro": "fro", "nuclear": "nuc", "spectral": 2, "l1": 1, "linf": math.inf}


def check_vector_norm(q, c):
    shown(q, "(" + ", ".join(map(str, c["x"])) + ")")
    expected = torch.linalg.vector_norm(torch.tensor(c["x"], dtype=torch.float64), ord=ORDS[c["ord"]]).item()
    assert q.value == pytest.approx(expected, abs=1e-9)
    assert check_answer(q, f"{expected:.3f}").correct


def check_matrix_norm(q, c):
    shown(q, "[" + ", ".join("[" + ", ".join(map(str, row)) + "]" for row in c["a"]) + "]")
    expected = torch.linalg.matrix_norm(torch.tensor(c["a"], dtype=torch.float64), ord=MATRIX_ORDS[c["ord"]]).item()
    assert q.value == pytest.approx(expected, abs=1e-9)
    assert check_answer(q, f"{expected:.3f}").correct


def check_softmax(q, c):
    z = torch.tensor(c["z"], dtype=torch.float64)
    expected = F.softmax(z / c["temperature"], dim=0)[c["index"]].item()
    assert q.value == pytest.approx(expected, abs=1e-12)
    assert check_answer(q, f"{expected:.3g}").correct  # asked to 3 significant digits: p can be 0.0048
    assert not check_answer(q, f"{expected * 1.02:.3g}").correct


def check_cross_entropy(q, c):
    logits = torch.tensor(c["batch"], dtype=torch.float64)
    expected = F.cross_entropy(logits, torch.tensor(c["targets"])).item()
    assert q.value == pytest.approx(expected, abs=1e-12)
    assert check_answer(q, f"{expected:.3f}").correct
    assert not check_answer(q, f"{expected + 0.01:.3f}").correct


CHECKS = {
    "conv-output": check_conv_output,
    "conv-transpose-output": check_conv_transpose_output,
    "pool-output": check_pool_output,
    "pool-output-choice": check_pool_output_choice,
    "same-padding": check_same_padding,
    "config-output": check_config_output,
    "receptive-field": check_receptive_field,
    "conv-params": check_conv_params,
    "conv-params-choice": check_conv_params_choice,
    "fc-params": check_fc_params,
    "bn-params": check_bn_params,
    "stack-3x3": check_stack_3x3,
    "layer-macs": check_layer_macs,
    "iou": check_iou,
    "vector-norm": check_vector_norm,
    "matrix-norm": check_matrix_norm,
    "softmax": check_softmax,
    "cross-entropy": check_cross_entropy,
}


def test_every_generator_has_a_torch_check():
    from tests.test_generators_beyond import CHECKS as BEYOND_CHECKS  # issue #14's families, checked there

    assert not set(CHECKS) & set(BEYOND_CHECKS)
    assert set(CHECKS) | set(BEYOND_CHECKS) == set(GENERATORS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_answers_match_torch(name):
    for _, q, params in questions(name):
        CHECKS[name](q, params)


def test_generated_configs_are_realistic():
    for _, _q, c in questions("conv-output"):
        assert 7 <= c["n"] <= 224 and 1 <= c["k"] <= 11 and 1 <= c["s"] <= 4
    for _, _q, c in questions("pool-output"):
        assert c["p"] <= c["k"] // 2 and 7 <= c["n"] <= 224
    for name in ("conv-params", "conv-params-choice", "stack-3x3"):
        for _, _q, c in questions(name):
            assert 3 <= c["cin"] <= 512 and 3 <= c["cout"] <= 512
