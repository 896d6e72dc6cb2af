"""Start-up cost of `dlquiz calc` commands as a ratio to bare `import dlquiz`, and one
ResNet-152-sized receptive-field + params table computed in-process."""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of, command_time, report  # noqa: E402


def main() -> None:
    base = command_time(["-c", "import dlquiz"])
    rows = [("python -c 'import dlquiz' (baseline)", base, base)]
    for args in (["calc", "conv", "--size", "224", "--kernel", "3", "--padding", "1"],
                 ["calc", "rf", "resnet50"], ["calc", "params", "resnet50"], ["calc", "iou", "0,0,10,10", "5,5,15,15"],
                 ["bank", "stats"]):
        rows.append(("dlquiz " + " ".join(args), command_time(["-m", "dlquiz", *args]), base))
    print("CLI start-up (median of 5, subprocess):")
    report(rows)

    from calculators.architectures import get_preset
    from calculators.params import count_params
    from calculators.receptive_field import receptive_field_table

    preset = get_preset("resnet152")
    start = time.perf_counter()
    seconds = best_of(lambda: (receptive_field_table(preset.layers, 224, network="resnet152"),
                               count_params(preset.layers, 224, network="resnet152")), repeat=5)
    print(f"\nin-process ResNet-152 RF table + params table: {seconds * 1000:.1f} ms "
          f"({time.perf_counter() - start:.2f} s for 5 runs)")


if __name__ == "__main__":
    main()
