"""lr_finder: the learning-rate range test (loss against an exponentially growing lr), then three short
runs at the too-low, the suggested and the too-high lr. The sweep needs a per-step lr, which only the
loop engine has (`Variant.lr_schedule`)."""
from __future__ import annotations

from typing import Any

from dlquiz.lab.catalog._base import Chart, Experiment, describe_knobs, register
from dlquiz.lab.lr_range import BLOWUP_FACTOR, SMOOTHING, analyse

DEPTH, WIDTH, MOMENTUM, BATCH = 3, 64, 0.9, 64
LR_MIN, LR_MAX = 1e-5, 10.0
CHECK_STEPS = 100  # the short real runs at three fixed learning rates
RANGE_TEST = "lr range test"
CHECKS = ("too low", "suggested", "too high")  # the check runs' names start with these

LR_CHART = Chart("lr", "lr_curve", {"en": "smoothed loss vs learning rate (| = suggested lr)",
                                    "zh": "平滑后的损失 vs 学习率(| = 建议的学习率)"}, log_x=True)
CHECK_CHART = Chart("check", "curves", {"en": f"training loss at three fixed lrs ({CHECK_STEPS} steps)",
                                        "zh": f"三个固定学习率下的训练损失({CHECK_STEPS} 步)"},
                    ("train_loss",), log_y=True, exclude="lr_curve")


def _settings(cfg) -> dict[str, Any]:
    from dlquiz.lab.parts import custom_settings

    return custom_settings(cfg.knobs, EXPERIMENT.knob_defaults)


def _net(cfg):
    """A fresh copy of the net under test (the same seed, so every copy starts from the same weights)."""
    from dlquiz.lab.models import MLP

    k = _settings(cfg)
    return MLP(64, 10, width=WIDTH, depth=k["depth"], activation=k["activation"], init=k["init"],
               batchnorm=bool(k["batchnorm"]), dropout=float(k["dropout"]), seed=cfg.seed)


def lr_top(cfg) -> float:
    """The top of the sweep: the lr knob when set (a custom run), else LR_MAX."""
    from dlquiz.errors import InputError

    top = float(cfg.knobs.get("lr", LR_MAX))
    if top <= LR_MIN * 10:
        raise InputError(f"lr_finder: --lr is the top of the sweep and must be above {LR_MIN * 10:g}, got {top:g}")
    return top


def build(cfg):
    from dlquiz.lab import data as datasets
    from dlquiz.lab.engine import RunConfig, Variant
    from dlquiz.lab.lr_range import sweep
    from dlquiz.lab.parts import sgd

    steps = cfg.steps or EXPERIMENT.default_steps
    model = _net(cfg)
    variant = Variant(RANGE_TEST, model, sgd(model, LR_MIN, momentum=MOMENTUM),
                      lr_schedule=sweep(LR_MIN, lr_top(cfg), steps))
    return [variant], datasets.digits(cfg.seed), RunConfig(steps=steps, batch_size=BATCH, report_every=10,
                                                           seed=cfg.seed)


def check_lrs(rows: list[dict], top: float) -> dict[str, float] | None:
    """The three check runs' learning rates: the sweep's start, the suggestion, where the loss blew up
    (the top of the sweep when it never did)."""
    reading = analyse(rows)
    if reading is None:
        return None
    return {"too low": LR_MIN, "suggested": reading.suggested, "too high": reading.blowup or top}


def follow_up(cfg, variants):
    from dlquiz.lab.engine import RunConfig, Variant
    from dlquiz.lab.parts import sgd

    lrs = check_lrs(variants[0].lr_curve, lr_top(cfg))
    more = []
    for name, lr in (lrs or {}).items():
        model = _net(cfg)
        more.append(Variant(f"{name}: lr {lr:.2g}", model, sgd(model, lr, momentum=MOMENTUM)))
    return more, RunConfig(steps=CHECK_STEPS, batch_size=BATCH, report_every=10, seed=cfg.seed)


def add_extras(v):
    rows = v.get("lr_curve")
    reading = analyse(rows) if rows else None
    if reading is None:
        return
    f = v["final"]
    f.update(lr_suggested=reading.suggested, lr_at_min=reading.at_min, lr_min_over_10=reading.min_over_10,
             lr_blowup=reading.blowup, smoothed_loss_min=reading.min_loss, smoothed_loss_start=reading.start_loss)


def finding(vname, v):
    f = v["final"]
    if "lr_suggested" in f:
        blow_en = (f"above lr {f['lr_blowup']:.2g} it blew up (> {BLOWUP_FACTOR:g}× the minimum)"
                   if f.get("lr_blowup") else "it never blew up in this range")
        blow_zh = (f"学习率超过 {f['lr_blowup']:.2g} 后损失暴涨(> 最小值的 {BLOWUP_FACTOR:g} 倍)"
                   if f.get("lr_blowup") else "在这个范围内损失没有暴涨")
        return (f"{vname}: the loss fell fastest at lr {f['lr_suggested']:.2g} (the suggestion); its minimum "
                f"{f['smoothed_loss_min']:.2f} at lr {f['lr_at_min']:.2g} (min/10 = {f['lr_min_over_10']:.2g}); "
                + blow_en,
                f"{vname}: 损失在学习率 {f['lr_suggested']:.2g} 处下降最快(即建议值);"
                f"最小值 {f['smoothed_loss_min']:.2f} 出现在学习率 {f['lr_at_min']:.2g}"
                f"(最小值处/10 = {f['lr_min_over_10']:.2g});" + blow_zh)
    if "diverged_at" in v or "lr_curve" in v:
        return None
    return (f"{vname}: train loss {f['train_loss']:.3f} after {f['step']} steps",
            f"{vname}: {f['step']} 步后训练损失 {f['train_loss']:.3f}")


def explain_custom(result, lang):
    k, steps = result["custom"], result["steps"]
    top = k.get("lr", LR_MAX)
    described = describe_knobs({**k, "lr": f"{LR_MIN:g}→{top:g}"}, lang)
    if lang == "en":
        return (f"This run: the range test of {described}, {steps} steps, lr multiplied by the same factor every "
                f"step; then {CHECK_STEPS}-step runs at the too-low, the suggested and the too-high lr. "
                + EXPLANATION["en"].split(". ", 2)[2])
    return (f"本次运行:对{described}做学习率范围测试,{steps} 步,学习率每步乘以同一个倍数;然后分别用过小、建议和过大的"
            f"学习率各训练 {CHECK_STEPS} 步。" + EXPLANATION["zh"].split("。", 2)[2])


EXPLANATION = {
    "en": f"The learning-rate range test (Leslie Smith's, fastai's lr_find): a {DEPTH}-layer ReLU MLP (He init, SGD "
          f"with momentum {MOMENTUM}) on the digits data, its lr multiplied by the same factor every step from "
          f"{LR_MIN:g} to {LR_MAX:g}, every mini-batch loss recorded against the lr that produced it and smoothed "
          f"(moving average, β = {SMOOTHING}). Then three fresh copies of the net train for {CHECK_STEPS} steps "
          "each at fixed lrs. Read the curve from left to right: at tiny rates the loss barely moves (too slow); "
          "then it falls, fastest somewhere in the middle; past its minimum the steps overshoot and the loss "
          f"shoots up (marked where it exceeds {BLOWUP_FACTOR:g}× the minimum). The suggested lr is where the "
          "smoothed loss falls fastest (the steepest descent against log lr), marked | on the chart; the other "
          "rule of thumb, the minimum's lr divided by 10, usually lands close. The minimum itself is already "
          "too high to train at: it is where the loss stopped improving while the lr kept growing. The check "
          f"runs at {LR_MIN:g}, at the suggestion and at the blow-up lr show the suggestion training best.",
    "zh": f"学习率范围测试(Leslie Smith 提出,fastai 的 lr_find):在 digits 数据上训练一个 {DEPTH} 层 ReLU MLP"
          f"(He 初始化,动量 {MOMENTUM} 的 SGD),学习率每步乘以同一个倍数,从 {LR_MIN:g} 增加到 {LR_MAX:g},"
          f"把每个小批量的损失和产生它的学习率记录下来并平滑(滑动平均,β = {SMOOTHING})。然后用三个固定学习率各训练一份"
          f"新网络 {CHECK_STEPS} 步。从左往右读曲线:学习率很小时损失几乎不动(太慢);然后开始下降,在中间某处下降最快;"
          f"过了最小值之后步子太大、越过了谷底,损失猛涨(超过最小值 {BLOWUP_FACTOR:g} 倍的地方被标出)。"
          "建议的学习率是平滑损失随 log 学习率下降最快的地方(最陡下降),图上用 | 标出;"
          "另一个经验法则是最小值处的学习率除以 10,通常与之接近。"
          "最小值处的学习率本身已经太大:那是学习率还在变大而损失已不再改善的地方。"
          f"用 {LR_MIN:g}、建议值和暴涨处的学习率分别训练的对照运行表明,建议值训练得最好。",
}

EXPERIMENT = register(Experiment(
    "lr_finder",
    {"en": "Learning-rate range test (the lr finder)", "zh": "学习率范围测试(lr finder)"},
    EXPLANATION,
    ("learning-rate", "optimizer", "lr-finder"), 200,
    build=build,
    # lr: the top of the sweep in a custom run
    knob_defaults=dict(depth=DEPTH, activation="relu", init="he", lr=LR_MAX, dropout=0.0, batchnorm=False),
    charts=(LR_CHART, CHECK_CHART),
    columns=(("suggested lr", lambda v: _sci(v["final"].get("lr_suggested"))),
             ("lr at min", lambda v: _sci(v["final"].get("lr_at_min"))),
             ("blow-up lr", lambda v: _sci(v["final"].get("lr_blowup")))),
    finding=finding,
    finding_after_divergence=True,
    follow_up=follow_up,
    add_extras=add_extras,
    explain_custom=explain_custom,
))


def _sci(x) -> str:
    return "-" if x is None else f"{x:.2g}"
