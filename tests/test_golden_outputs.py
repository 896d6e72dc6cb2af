"""Golden outputs: calculator tables and lab summaries compared with checked-in files in tests/golden/.

A wording or alignment change shows up as a diff of those files in review. After an intended change,
regenerate them with `DLQUIZ_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_outputs.py` and
review the diff. Only exact (integer or fixed-precision) output is golden-filed: nothing from training runs,
whose float results can differ across CPUs; lab summaries are rendered from hand-made results.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from dlquiz.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("DLQUIZ_UPDATE_GOLDEN") == "1"

RESNET_SPEC = ("conv(k=7,s=2,p=3,c=64,bias=false); bn; relu; pool(k=3,s=2,p=1); basic(c=64)*2; "
               "basic(c=128,s=2); gap; fc(1000)")

CALC_CASES: dict[str, list[str]] = {
    "calc_rf_alexnet_seed.txt": ["rf", "alexnet_seed"],
    "calc_rf_vgg16_steps.txt": ["rf", "vgg16", "--steps"],
    "calc_rf_list.txt": ["rf", "--list"],
    "calc_rf_resnet50.json": ["rf", "resnet50", "--json"],
    "calc_rf_layers_pairs.txt": ["rf", "--layers", "conv(k=3x1,p=1x0)*3; pool(2)", "--size", "32x24"],
    "calc_rf_layers_pairs.json": ["rf", "--layers", "conv(k=3x1,p=1x0)*3; pool(2)", "--size", "32x24", "--json"],
    "calc_params_resnet50.txt": ["params", "resnet50"],
    "calc_params_alexnet.json": ["params", "alexnet", "--json"],
    "calc_params_layers_steps.txt": ["params", "--layers", RESNET_SPEC, "--steps"],
    "calc_params_layers_deconv.json": ["params", "--layers", "deconv(k=2,s=2,c=8); bn; fc(10)", "--size", "7",
                                       "--in-channels", "4", "--json"],
    "calc_params_huge_totals.txt": ["params", "--layers", "fc(1000000000000000000)*8"],
    "calc_conv_pairs.txt": ["conv", "--size", "224,160", "--kernel", "3", "--padding", "1", "--dilation", "1,2"],
    "calc_conv_transposed.json": ["conv", "--size", "7", "--kernel", "3", "--stride", "2", "--padding", "1",
                                  "--transposed", "--output-padding", "1", "--json"],
    "calc_pool_ceil.txt": ["pool", "--size", "5", "--kernel", "2", "--stride", "2", "--padding", "1", "--ceil"],
    "calc_solve_padding.txt": ["solve", "padding", "--size", "224", "--kernel", "7", "--stride", "2", "--out",
                               "112"],
    "calc_solve_same.json": ["solve", "same", "--kernel", "7", "--stride", "2", "--size", "224", "--json"],
    "calc_iou.txt": ["iou", "0,0,10,10", "5,5,15,15"],
    "calc_norm_vector_p3.txt": ["norm", "3,-4,0", "--p", "3"],
    "calc_norm_vector.json": ["norm", "3,-4,0", "--json"],
    "calc_norm_matrix.txt": ["norm", "--matrix", "1,2;3,4"],
}


def _variant(train_loss, val_loss, train_acc, val_acc, **final) -> dict:
    return {"final": {"train_loss": train_loss, "val_loss": val_loss, "train_acc": train_acc, "val_acc": val_acc,
                      **final}}


# Hand-made results (numbers chosen, not trained) that exercise each experiment's extra columns.
LAB_RESULTS: dict[str, dict] = {
    "exploding": {
        "experiment": "exploding", "device": "cpu", "engine": "stacked", "seed": 0, "steps": 150, "seconds": 1.25,
        "completed": True,
        "variants": {
            "large init (1.5x He)": {**_variant(None, None, None, None, grad_ratio_first_last_init=0.5,
                                                grad_norm_total_init=123.0), "diverged_at": 3},
            "gradient clipping": _variant(0.25, 0.5, 0.875, 0.75, grad_ratio_first_last_init=0.5,
                                          grad_ratio_first_last=0.125, grad_norm_total_init=123.0),
        },
        "findings": {"en": ["large init (1.5x He): diverged at step 3"], "zh": ["large init (1.5x He): 第 3 步发散"]},
    },
    "overfitting": {
        "experiment": "overfitting", "device": "cuda:0", "engine": "loop", "seed": 7, "steps": 40, "seconds": 12.0,
        "completed": False,
        "variants": {
            "plain": _variant(0.0625, 1.5, 1.0, 0.625, train_val_gap=0.375),
            "early stopping": {**_variant(0.5, 0.75, 0.75, 0.6875, train_val_gap=0.0625), "early_stop_step": 30,
                               "best_step": 25},
        },
        "findings": {"en": [], "zh": []},
    },
    "batchnorm": {
        "experiment": "batchnorm", "device": "cpu", "engine": "stacked", "seed": 1, "steps": 100, "seconds": 3.5,
        "completed": True,
        "variants": {
            "with BN": _variant(0.125, 0.25, 0.9375, 0.875, act_std_last_hidden_init=1.0,
                                act_std_last_hidden_end=0.75, val_acc_bn_eval_mode=0.875,
                                val_acc_bn_train_mode_batch8=0.5),
            "no BN": _variant(2.25, 2.25, 0.125, 0.125, act_std_last_hidden_init=0.0625,
                              act_std_last_hidden_end=0.03125),
        },
        "findings": {"en": ["with BN: 87.5% val acc"], "zh": ["with BN: 验证准确率 87.5%"]},
    },
    "optimizers": {
        "experiment": "optimizers", "device": "cpu", "engine": "stacked", "seed": 0, "steps": 200, "seconds": 0.5,
        "completed": True,
        "variants": {"sgd": _variant(0.5, 0.5, 0.875, 0.875, steps_to_90pct_train_acc=None),
                     "adam": _variant(0.125, 0.25, 1.0, 0.9375, steps_to_90pct_train_acc=40)},
        "findings": {"en": [], "zh": []},
    },
    "init": {
        "experiment": "init", "device": "cpu", "engine": "stacked", "seed": 0, "steps": 100, "seconds": 2.0,
        "completed": True,
        "variants": {"zero init": _variant(2.25, 2.25, 0.125, 0.125, distinct_units=1, act_std_last_hidden_init=0.0,
                                           saturated_last_hidden_init=0.0, grad_ratio_first_last_init=None,
                                           grad_ratio_first_last=None),
                     "he init": _variant(0.125, 0.25, 1.0, 0.9375, distinct_units=64, act_std_last_hidden_init=0.5,
                                         saturated_last_hidden_init=0.25, grad_ratio_first_last_init=2.0,
                                         grad_ratio_first_last=1.5)},
        "findings": {"en": ["zero init: 1 distinct unit"], "zh": ["zero init: 只有 1 个不同的单元"]},
    },
}


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing; create it with DLQUIZ_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (f"output differs from tests/golden/{name}; if the change is intended, rerun with "
                                f"DLQUIZ_UPDATE_GOLDEN=1 to rewrite the file and review its diff")


@pytest.mark.parametrize("name", CALC_CASES)
def test_calc_output_matches_golden_file(name, capsys):
    assert main(["calc", *CALC_CASES[name]]) == 0
    out = capsys.readouterr()
    assert out.err == ""
    check_golden(name, out.out)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("experiment", LAB_RESULTS)
def test_lab_summary_matches_golden_file(experiment, lang):
    from dlquiz.lab.summary import summary_text

    check_golden(f"lab_summary_{experiment}_{lang}.txt", summary_text(LAB_RESULTS[experiment], lang) + "\n")


def test_text_table_pads_by_terminal_columns():
    """CJK characters take two columns: a Chinese cell must not push the next column out of line."""
    from dlquiz.text_layout import display_width, text_table

    lines = text_table(["variant", "acc"], [["大初始化", "50%"], ["he init", "100%"]], align="lr", rule="columns")
    assert display_width("大初始化") == 8
    assert len({display_width(line) for line in lines}) == 1, lines
    framed = text_table(["层", "n"], [["卷积1", "3"]], align="ll")
    assert framed[1] == framed[-1] == "=" * max(display_width(line) for line in framed[:1] + framed[2:-1])
