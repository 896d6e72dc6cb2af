"""One knob rule (dlquiz.lab.config.from_knobs) for `dlquiz lab NAME --activation ...` and the TUI's lab form:
the same knobs give the same config and the same variant from both."""
from __future__ import annotations

import asyncio

import pytest
import torch
from textual.widgets import Checkbox, Input, Select

from dlquiz.cli import build_parser
from dlquiz.commands.lab import config_from_args
from dlquiz.errors import InputError
from dlquiz.lab.config import from_knobs
from dlquiz.lab.experiments import BUILDERS
from dlquiz.lab.stacked import architecture
from dlquiz.tui.app import DlquizApp
from dlquiz.tui.screens.lab import AUTO_INIT, PRESET, LabScreen
from tests.bank_fixture import small_bank


def test_no_knobs_means_the_preset_variants():
    assert from_knobs() == {}


def test_the_torch_free_names_are_the_models_names():
    from dlquiz.lab.config import ACTIVATION_NAMES, INIT_NAMES
    from dlquiz.lab.models import ACTIVATIONS, init_std

    assert tuple(ACTIVATIONS) == ACTIVATION_NAMES
    assert [i for i in INIT_NAMES if init_std(i, 64, 64) is None] == ["default"]  # every other one is defined


def test_init_suits_the_activation_unless_asked():
    assert from_knobs("relu") == {"activation": "relu", "init": "he"}
    assert from_knobs("tanh") == {"activation": "tanh", "init": "xavier"}
    assert from_knobs("sigmoid") == {"activation": "sigmoid", "init": "xavier"}
    assert from_knobs("relu", init="naive", depth=6, batchnorm=False) == \
        {"activation": "relu", "init": "naive", "depth": 6, "batchnorm": False}


@pytest.mark.parametrize("kwargs, message", [
    (dict(depth=4), "needs an activation"),
    (dict(batchnorm=True), "needs an activation"),
    (dict(activation="gelu"), "activation must be one of"),
    (dict(activation="relu", depth=1), "depth must be"),
    (dict(activation="relu", lr=0.0), "learning rate"),
    (dict(activation="relu", dropout=1.0), "dropout"),
])
def test_bad_knobs_are_one_input_error(kwargs, message):
    with pytest.raises(InputError, match=message):
        from_knobs(**kwargs)


# (CLI options, the TUI form: activation, init, depth, lr, dropout, BatchNorm box)
CASES = [
    ("vanishing", [], (PRESET, AUTO_INIT, "", "", "", False)),
    ("vanishing", ["--activation", "relu", "--no-batchnorm"], ("relu", AUTO_INIT, "", "", "", False)),
    ("init", ["--activation", "tanh", "--depth", "6", "--lr", "0.05", "--dropout", "0.1", "--batchnorm"],
     ("tanh", AUTO_INIT, "6", "0.05", "0.1", True)),
    ("batchnorm", ["--activation", "sigmoid", "--init", "naive", "--no-batchnorm"],
     ("sigmoid", "naive", "", "", "", False)),
    ("exploding", ["--activation", "relu", "--init", "default", "--depth", "5", "--batchnorm"],
     ("relu", "default", "5", "", "", True)),
]


def cli_config(name, options):
    return config_from_args(build_parser().parse_args(["lab", name, *options]))


def tui_configs(tmp_path) -> list:
    async def run():
        app = DlquizApp(db_path=tmp_path / "p.db")
        app._bank = small_bank()
        configs = []
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LabScreen)
            for name, _options, (activation, init, depth, lr, dropout, bn) in CASES:
                screen.query_one("#lab-experiment", Select).value = name
                await pilot.pause()  # choosing an experiment resets the BatchNorm box to its default
                screen.query_one("#lab-activation", Select).value = activation
                screen.query_one("#lab-init", Select).value = init
                for key, text in (("depth", depth), ("lr", lr), ("dropout", dropout)):
                    screen.query_one(f"#lab-{key}", Input).value = text
                screen.query_one("#lab-bn", Checkbox).value = bn
                await pilot.pause()
                assert screen.query_one("#lab-init", Select).disabled == (activation == PRESET)
                configs.append(screen.read_config())
            # depth without an activation: the same refusal as the CLI's
            screen.query_one("#lab-activation", Select).value = PRESET
            screen.query_one("#lab-depth", Input).value = "4"
            await pilot.pause()
            with pytest.raises(InputError, match="needs an activation"):
                screen.read_config()
        return configs

    return asyncio.run(run())


def test_cli_and_tui_build_the_same_variant_for_the_same_knobs(tmp_path):
    for (name, options, _form), tui in zip(CASES, tui_configs(tmp_path)):
        cli = cli_config(name, options)
        assert cli == tui, (name, options)
        cli_variants, _, _ = BUILDERS[name](cli)
        tui_variants, _, _ = BUILDERS[name](tui)
        assert [v.name for v in cli_variants] == [v.name for v in tui_variants]
        for a, b in zip(cli_variants, tui_variants):
            assert architecture(a.model) == architecture(b.model)
            assert all(torch.equal(x, y) for x, y in zip(a.model.state_dict().values(),
                                                         b.model.state_dict().values()))
    with pytest.raises(InputError, match="needs an activation"):
        cli_config("init", ["--depth", "4"])


def test_the_batchnorm_box_starts_at_the_experiments_default(tmp_path):
    """An unset --batchnorm means the experiment's own choice; the TUI's box shows that choice."""
    async def run():
        app = DlquizApp(db_path=tmp_path / "p.db")
        app._bank = small_bank()
        seen = {}
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            screen = app.screen
            for name in ("batchnorm", "vanishing"):
                screen.query_one("#lab-experiment", Select).value = name
                await pilot.pause()
                seen[name] = screen.query_one("#lab-bn", Checkbox).value
                screen.query_one("#lab-activation", Select).value = "relu"
                await pilot.pause()
                assert screen.read_config().knobs.get("batchnorm") == \
                    cli_config(name, ["--activation", "relu"]).knobs.get("batchnorm", seen[name])
        return seen

    assert asyncio.run(run()) == {"batchnorm": True, "vanishing": False}


def test_a_relu_knob_gets_he_init_from_the_cli_too():
    """It used to be the experiment's naive init in `dlquiz lab vanishing --activation relu` and He in the TUI."""
    config = cli_config("vanishing", ["--activation", "relu"])
    assert config.knobs == {"activation": "relu", "init": "he"}
    [variant], _, _ = BUILDERS["vanishing"](config)
    assert variant.name.startswith("custom: relu/he")
