"""Issue #14, "fix in the existing bank": duplicates made distinct, self-contained explanations, honest
errata tags, both label-smoothing conventions, trivia kept out of mock interviews, and the coverage /
stats commands showing the notes and what lies beyond them separately."""
import json
import os
import re
import subprocess
import sys
from collections import Counter

import pytest

from dlquiz.review.session import Session, SessionConfig
from dlquiz.review.store import ProgressStore
from question_bank.loader import load_bank_with_problems
from question_bank.model import ExternalSource, Source


@pytest.fixture(scope="module")
def bank():
    bank, problems = load_bank_with_problems(use_disk_cache=False)
    assert problems == [], "\n".join(map(str, problems[:20]))
    return bank


@pytest.fixture(scope="module")
def note_questions(bank):
    return [q for q in bank.questions if isinstance(q.source, Source)]


def texts(q, lang):
    return [getattr(q.prompt, lang), getattr(q.answer, lang), getattr(q.explanation, lang),
            *(getattr(c, lang) for c in q.choices)]


def correct_answer(q):
    """What a user has to come up with: the value, the truth, or the text of the right choices."""
    if q.type == "numeric":
        return ("numeric", q.value)
    if q.type == "truefalse":
        return ("truefalse", q.truth)
    if q.type == "choice":
        return ("choice", tuple(sorted(q.choices["ABCDEFGH".index(c)].en for c in q.correct)))
    return ("flashcard", q.answer.en)


# -- near-duplicates ------------------------------------------------------------------------------

def adam_first_step_questions(note_questions):
    return [q for q in note_questions if "adam" in q.tags
            and re.search(r"first (step|update|gradient|parameter update)|first step|\bg_1\b", q.prompt.en)]


def first_step_over_lr(q):
    """The first step as a multiple of the learning rate, or None where the question does not settle it."""
    if q.type == "numeric":
        if re.search(r"times the learning rate", q.prompt.en):
            return round(q.value, 3)
        lr = re.search(r"(?:\\alpha|\\varepsilon)=(10\^\{-?\d+\}|[\d.]+)", q.prompt.en)
        assert lr, q.id
        text = lr.group(1)
        rate = 10.0 ** int(text[4:-1]) if text.startswith("10^") else float(text)
        return round(q.value / rate, 3)
    claims_lr = re.search(r"about equal to the learning rate|about \\\( \\alpha", q.prompt.en)
    if q.type == "truefalse" and q.truth and claims_lr:
        return 1.0
    return None


def test_adam_first_step_questions_ask_different_things(note_questions):
    found = adam_first_step_questions(note_questions)
    assert len(found) >= 4, [q.id for q in found]
    given = [tuple(re.findall(r"=\s*(-?[\d.]+(?:\^\{-?\d+\})?)", q.prompt.en)) for q in found]
    assert len(set(given)) == len(given), dict(zip([q.id for q in found], given))
    # the same step in other units (3.162 "times the rate" vs 0.003162 at rate 0.001) is the same question
    ratios = {q.id: first_step_over_lr(q) for q in found}
    settled = [r for r in ratios.values() if r is not None]
    assert len(set(settled)) == len(settled), ratios


def test_one_notation_for_adam(note_questions):
    """Kingma & Ba / PyTorch symbols (alpha, beta_1, beta_2, epsilon, m, v) in every Adam prompt and answer;
    the Deep Learning book's rho_1, rho_2, delta, s, r appear at most where an explanation names them."""
    book = re.compile(r"\\rho_[12]|\\hat s|\\hat r|\\varepsilon|\\delta\b|\\eta\b")
    for q in note_questions:
        if "adam" not in q.tags:
            continue
        for lang in ("en", "zh"):
            for text in (getattr(q.prompt, lang), getattr(q.answer, lang)):
                assert not book.search(text), (q.id, lang, [m.group(0) for m in book.finditer(text)])


@pytest.mark.parametrize("first, second", [
    ("regularization.pytorch-dropout-p02-kept-scale", "regularization.inverted-dropout-scale-p0-2"),
    ("normalization.conv-bias-before-bn-is-redundant", "normalization.note002-conv-bias-before-bn-redundant"),
    ("backprop.zero-init-bias-does-not-break-symmetry", "backprop.zero-init-symmetry"),
    ("backprop.pytorch-linear-default-init-not-he", "backprop.pytorch-linear-default-init"),
])
def test_former_duplicate_pairs_have_different_answers(bank, first, second):
    a, b = bank.by_id[first], bank.by_id[second]
    assert correct_answer(a) != correct_answer(b)
    assert a.prompt.en != b.prompt.en and a.prompt.zh != b.prompt.zh


# -- self-contained text, history, conventions ------------------------------------------------------

def test_no_question_points_at_another_one(bank):
    """Quizzes are shuffled: "the previous question" is a different one each time (notes and beyond)."""
    zh = re.compile(r"上一题|前一题|上题|上一道|前面那道")
    en = re.compile(r"previous (question|batch|example)|(question|example) above|last question", re.I)
    for q in (q for q in bank.questions if not q.is_generated):
        assert not any(zh.search(t) for t in texts(q, "zh")), q.id
        assert not any(en.search(t) for t in texts(q, "en")), q.id


def test_kl_asymmetry_numbers_are_stated_in_both_languages(bank):
    q = bank.by_id["math.kl-divergence-properties"]
    for text in (q.explanation.en, q.explanation.zh):
        assert "0.511" in text and "0.368" in text and "0.9,0.1" in text


def test_1001_layer_resnet_is_the_2016_paper(bank):
    q = bank.by_id["foundations.what-made-very-deep-nets-trainable"]
    for text in (q.explanation.en, q.explanation.zh):
        assert "1202" in text and "110" in text  # what the 2015 paper trained on CIFAR-10
        assert "1001" in text and "2016" in text
        assert not re.search(r"2015[^。;.]*1001", text)


def test_label_smoothing_targets_name_both_conventions(note_questions):
    formula = re.compile(r"\\epsilon/\(?K")
    checked = 0
    for q in note_questions:
        if "label-smoothing" not in q.tags:
            continue
        for lang in ("en", "zh"):
            text = " ".join(texts(q, lang))
            if formula.search(text):
                checked += 1
                assert "\\epsilon/K" in text and "\\epsilon/(K-1)" in text, (q.id, lang)
    assert checked >= 6  # three questions give a target formula, in two languages


# -- tags: errata only where the note is wrong; trivia kept apart ------------------------------------

CONCEDES = re.compile(r"not flatly wrong|rather than wrong|not (strictly |entirely |really )?wrong|not incorrect"
                      r"|并非完全错误|不算错|不完全错|并不算错|没有错|并非错误", re.I)


def test_errata_explanations_do_not_concede_the_note_is_right(bank):
    for q in bank.questions:
        if "errata" in q.tags:
            for text in (q.answer.en, q.answer.zh, q.explanation.en, q.explanation.zh):
                assert not CONCEDES.search(text), (q.id, [m.group(0) for m in CONCEDES.finditer(text)])


def test_nuance_and_typo_questions_are_not_errata(bank):
    retagged = {"normalization.note002-bn-internal-covariate-shift-contested": "nuance",
                "cnn.transposed-conv-output-padding": "nuance",
                "cnn.conv-translation-equivariant-not-invariant": "nuance",
                "optimization.kkt-conditions-active-constraint": "note-typo",
                "sequence.note002-keras3-removed-tokenizer-input-length": "trivia"}
    for qid, tag in retagged.items():
        assert tag in bank.by_id[qid].tags and "errata" not in bank.by_id[qid].tags, qid
    assert not [q.id for q in bank.questions if "errata" in q.tags and {"nuance", "note-typo"} & set(q.tags)]


def test_dataset_counts_and_api_churn_are_tagged_trivia(bank, note_questions):
    for qid in ("foundations.mnist-dataset-facts", "foundations.imagenet-ilsvrc-scale",
                "sequence.imdb-large-movie-review-dataset-facts", "foundations.tf-read-data-sets-mnist-train-size",
                "sequence.note002-keras3-removed-tokenizer-input-length"):
        assert "trivia" in bank.by_id[qid].tags, qid
    issue_number = re.compile(r"issue #\d+", re.I)
    assert not [q.id for q in note_questions if any(issue_number.search(t) for t in texts(q, "en") + texts(q, "zh"))]


def test_mock_interview_leaves_out_trivia(bank, tmp_path):
    # dlquiz/review/session.py build_queue: MOCK drops MOCK_EXCLUDED_TAG ("trivia") questions
    session = Session.start(bank, ProgressStore(tmp_path / "progress.db"),
                            SessionConfig(kind="mock", count=1000, seed=3, include_generated=False))
    assert len(session.queue) > 100
    assert [q.id for q in session.queue if "trivia" in q.tags] == []


# -- `dlquiz bank coverage` and `dlquiz bank stats` ------------------------------------------------

def dlquiz(home, *args):
    env = {**os.environ, "DLQUIZ_HOME": str(home), "LANG": "C"}
    result = subprocess.run([sys.executable, "-m", "dlquiz", *args], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def counts(bank):
    """Expected figures, counted straight from the questions (not through question_bank.report)."""
    beyond = [q for q in bank.questions if isinstance(q.source, ExternalSource)]
    return {"notes": sum(isinstance(q.source, Source) for q in bank.questions), "beyond": len(beyond),
            "per_topic": Counter(q.topic for q in beyond),
            "per_topic_kind": Counter((q.topic, q.source.kind) for q in beyond)}


def test_coverage_text_shows_the_notes_then_what_lies_beyond(tmp_path, counts):
    out = dlquiz(tmp_path, "bank", "coverage")
    assert counts["beyond"] > 0
    notes_at = out.index(f"From the notes: {counts['notes']} question(s)")
    beyond_at = out.index(f"Beyond the notes: {counts['beyond']} question(s)")
    assert notes_at < out.index("uncovered sections: 0") < beyond_at
    beyond_part = out[beyond_at:].splitlines()
    header = beyond_part[1].split()
    assert header[:2] == ["topic", "total"] and set(header[2:]) == {"paper", "book", "docs"}
    rows = {line.split()[0]: line.split()[1:] for line in beyond_part[2:] if line.strip()}
    assert set(rows) == set(counts["per_topic"])
    for topic, cells in rows.items():
        assert int(cells[0]) == counts["per_topic"][topic], topic
        by_kind = dict(zip(header[2:], map(int, cells[1:])))
        assert by_kind == {kind: counts["per_topic_kind"][(topic, kind)] for kind in header[2:]}, topic


def test_coverage_json_has_both_parts(tmp_path, counts):
    data = json.loads(dlquiz(tmp_path, "bank", "coverage", "--json"))
    assert len(data["notes"]) == 5 and all(not note["uncovered"] for note in data["notes"])
    assert sum(note["questions"] for note in data["notes"]) == data["from_notes"] == counts["notes"]
    assert data["beyond_notes"] == counts["beyond"]
    assert {row["topic"]: row["questions"] for row in data["beyond"]} == dict(counts["per_topic"])
    assert {(row["topic"], kind): n for row in data["beyond"] for kind, n in row["by_kind"].items()} \
        == dict(counts["per_topic_kind"])


def test_stats_counts_from_and_beyond_the_notes(tmp_path, counts):
    lines = dlquiz(tmp_path, "bank", "stats").splitlines()
    assert f"from the notes: {counts['notes']}" in lines
    beyond = next(line for line in lines if line.startswith("beyond the notes: "))
    assert beyond.startswith(f"beyond the notes: {counts['beyond']} (")
    data = json.loads(dlquiz(tmp_path, "bank", "stats", "--json"))
    assert (data["from_notes"], data["beyond_notes"]) == (counts["notes"], counts["beyond"])
    assert data["from_notes"] + data["beyond_notes"] == data["total"]
