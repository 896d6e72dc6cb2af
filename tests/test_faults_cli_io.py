"""Issue #9, hostile input and hostile I/O: typed answers far beyond float range, absurd --count values,
a reader that leaves (`| head -1`), a closed stdin, an ASCII-only terminal. Each gives one clear line
(or a quiet exit), never a traceback, never a hang."""
import asyncio
import json
import os
import subprocess
import sys

import pytest

from question_bank.answers import AnswerSyntaxError, check_answer, parse_number
from tests.bank_fixture import small_bank

TIMEOUT = 60  # a hang guard only; every case here takes well under a second of work


def run(args, home, text_in="", env_extra=None, **kwargs):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    env.update({"DLQUIZ_HOME": str(home), "LANG": "C", **(env_extra or {})})
    kwargs.setdefault("capture_output", True)
    if text_in is not None:
        kwargs["input"] = text_in
    return subprocess.run([sys.executable, "-m", "dlquiz", *args], text=True, env=env, timeout=TIMEOUT, **kwargs)


def assert_one_error_line(result, needle):
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dlquiz") and "error:" in lines[0] and needle in lines[0], lines[0]
    assert "Traceback" not in result.stderr


# -- 1. typed answers ------------------------------------------------------------------------------
HUGE_ANSWERS = [
    "(2**64)**64", "(10**20)**20", "-(2**64)**64", "(10**30-1)**64", "2**64**64", "9**9**9", "9^9^9",
    "1e309", "-1e309", "1e308*10", "10**64/3", "2**-1000000", "(10**30)//1e-300", "1" * 199,
    "1e3_0*1e3_0", "(1e30)**2",
]


@pytest.mark.parametrize("text", HUGE_ANSWERS)
def test_huge_typed_answer_is_a_one_line_syntax_error(text):
    with pytest.raises(AnswerSyntaxError) as info:
        parse_number(text)
    message = str(info.value)
    assert "\n" not in message and ("too large" in message or "exponent" in message), message
    assert "1e30" in message or "64" in message  # says what is allowed, not only what was wrong


def test_values_at_the_limit_still_parse():
    assert parse_number("10**30") == 10**30
    assert parse_number("-1e30") == -1e30
    assert parse_number("2**64") == 2**64
    assert parse_number("1e-320") == 1e-320  # tiny is fine: it is a real number
    assert parse_number("(" * 90 + "7" + ")" * 90) == 7


@pytest.mark.parametrize("text", ["(" * 200 + "1" + ")" * 200, "(" * 100 + ")" * 100, "(" * 199 + "1",
                                  "9" * 5000, "1" * 4301 + "%", "[" * 150, "\x00", "1\x002", "\ud800", "𝟏𝟐",
                                  "٣", "1ᵉ3", "2" + "**2" * 60, "lambda: 1", "__import__('os')", "1 if 1 else 2"])
def test_pathological_text_is_refused_with_one_line(text):
    with pytest.raises(AnswerSyntaxError) as info:
        parse_number(text)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("text, value", [("-" * 199 + "1", -1), ("+" * 150 + "1", 1), ("1" + "+1" * 99, 100),
                                         ("-(" * 66 + "1" + ")" * 66, 1)])
def test_deep_but_valid_arithmetic_is_evaluated(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text, value", [("2²", 4), ("10³", 1000), ("3²+4²", 25), ("10⁻³", 0.001),
                                         ("2⁶⁴", 2**64), ("１２", 12)])
def test_superscript_and_full_width_digits(text, value):
    assert parse_number(text) == pytest.approx(value)


def test_superscript_alone_is_refused():
    with pytest.raises(AnswerSyntaxError):
        parse_number("²")
    with pytest.raises(AnswerSyntaxError):
        parse_number("2" + "⁹" * 30)  # 2**999...: the exponent limit, not a hang


@pytest.mark.parametrize("text", ["(2**64)**64", "1e309", "10**30", "-(10**30)"])
def test_check_answer_never_raises_anything_but_syntax_errors(text):
    bank = small_bank()
    for q in bank.questions:
        if q.type == "numeric":
            try:
                check_answer(q, text)
            except AnswerSyntaxError:
                pass


def test_cli_quiz_huge_answer_is_reasked_not_a_crash(tmp_path):
    result = run(["quiz", "--mode", "practice", "--type", "numeric", "--count", "1", "--seed", "1"], tmp_path,
                 "(2**64)**64\n(10**20)**20\n1e309\n")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and result.stderr == ""
    assert result.stdout.count("! number too large") == 3, result.stdout


def test_tui_huge_answer_shows_red_error_and_app_stays_up(tmp_path):
    from textual.widgets import Input, Static

    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.screens.question import QuestionScreen

    async def run_app():
        app = DlquizApp(db_path=tmp_path / "progress.db")
        app._bank = small_bank()
        async with app.run_test(size=(120, 40)) as pilot:
            app.start_session("practice", topic="cnn", qtype="numeric", include_generated=False)
            await pilot.pause()
            for text in ("(2**64)**64", "(10**20)**20", "1e309"):
                app.screen.query_one("#answer", Input).value = ""
                await pilot.press(*text, "enter")
                await pilot.pause()
                assert isinstance(app.screen, QuestionScreen) and app.is_running
                error = app.screen.query_one("#error", Static)
                assert "number too large" in str(error.render())
                assert "red" in repr(error.render())  # the message is styled bold red
                assert app.screen.state == "asking"
                assert app.store.review_count() == 0
            app.screen.query_one("#answer", Input).value = ""
            await pilot.press(*"639", "enter")
            await pilot.pause()
            assert app.store.review_count() == 1  # still grading normally afterwards
    asyncio.run(run_app())


# -- 2. --count --------------------------------------------------------------------------------------
@pytest.mark.parametrize("count", ["1001", "100000", str(10**30), "1" * 4301, "-5", "0"])
def test_quiz_count_out_of_range_one_line_exit_2(tmp_path, count):
    result = run(["quiz", "--mode", "practice", "--count", count], tmp_path, "")
    assert_one_error_line(result, "--count")
    assert "1000" in result.stderr  # says the allowed range
    assert result.stdout == ""  # checked before any work


def test_quiz_count_at_the_limit_works(tmp_path):
    result = run(["quiz", "--mode", "practice", "--count", "1000", "--seed", "3"], tmp_path, "")
    assert result.returncode == 0, result.stderr
    assert "question(s)" in result.stdout


def test_session_config_refuses_huge_count_before_building_anything():
    from dlquiz.errors import InputError
    from dlquiz.review.session import MAX_COUNT, Session, SessionConfig

    class NoStore:  # Session.start must refuse before touching the store or the bank
        def __getattr__(self, name):
            raise AssertionError(f"store used: {name}")

    for count in (MAX_COUNT + 1, 10**30, 0, -1):
        with pytest.raises(InputError, match=str(MAX_COUNT)):
            Session.start(None, NoStore(), SessionConfig(kind="practice", count=count))


def test_tui_setup_with_huge_count_shows_error_and_stays_up(tmp_path):
    from dlquiz.tui.app import DlquizApp

    async def run_app():
        app = DlquizApp(db_path=tmp_path / "progress.db")
        app._bank = small_bank()
        notes = []
        app.notify = lambda message, **kw: notes.append((message, kw.get("severity")))
        async with app.run_test(size=(120, 40)) as pilot:
            app.start_session("practice", count=10**30)
            await pilot.pause()
            assert app.is_running
            assert notes and notes[-1][1] == "error" and "1000" in notes[-1][0]
    asyncio.run(run_app())


def test_session_count_message_for_an_int_too_long_to_print():
    from dlquiz.errors import InputError
    from dlquiz.review.session import SessionConfig

    with pytest.raises(InputError, match=r"from 1 to 1000, got a number of about 50\d\d digits"):
        SessionConfig(kind="practice", count=10**5000 - 1).validate()


@pytest.mark.parametrize("typed", ["1" * 5000, "1001", "0", str(10**30)])
def test_tui_setup_count_out_of_range_stays_on_setup_with_error(tmp_path, typed):
    from textual.widgets import Input, Label

    from dlquiz.tui.app import DlquizApp
    from dlquiz.tui.screens.setup import SetupScreen

    async def run_app():
        app = DlquizApp(db_path=tmp_path / "progress.db")
        app._bank = small_bank()
        async with app.run_test(size=(120, 40)) as pilot:
            app.open_screen("setup")
            await pilot.pause()
            app.screen.query_one("#count", Input).value = typed
            await pilot.click("#start")
            await pilot.pause()
            assert app.is_running and isinstance(app.screen, SetupScreen)
            assert "from 1 to 1000" in str(app.screen.query_one("#setup-error", Label).render())
    asyncio.run(run_app())


# -- 3. output and input streams --------------------------------------------------------------------
def run_into_closed_pipe(args, home, stdin=""):
    """stdout is a pipe whose reader already left: every write is EPIPE, deterministically."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {**os.environ, "DLQUIZ_HOME": str(home), "LANG": "C"}
    try:
        return subprocess.run([sys.executable, "-m", "dlquiz", *args], input=stdin, stdout=write_end,
                              stderr=subprocess.PIPE, text=True, env=env, timeout=TIMEOUT)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("args", [
    ["quiz", "--mode", "practice", "--count", "50", "--seed", "1"],
    ["quiz", "--mode", "practice", "--type", "flashcard", "--count", "3", "--json"],
    ["bank", "list"], ["bank", "list", "--json"], ["bank", "stats"], ["bank", "check"], ["bank", "coverage"],
    ["calc", "rf", "vgg16"], ["calc", "params", "resnet50", "--json"],
    ["calc", "conv", "--size", "224", "--kernel", "3"],
    ["stats"], ["lab", "list"], ["--help"], ["calc", "--help"], ["quiz", "--help"],
])
def test_reader_left_quiet_exit(tmp_path, args):
    result = run_into_closed_pipe(args, tmp_path, "\n3\n" * 5)
    assert result.stderr == "", result.stderr  # no traceback, no "Exception ignored"
    assert result.returncode in (0, 141), result.returncode


def test_head_minus_one_through_a_shell(tmp_path):
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path), "LANG": "C"}
    cmd = f"{sys.executable} -m dlquiz quiz --mode practice --count 200 --seed 2 </dev/null | head -1; " \
          f"{sys.executable} -m dlquiz bank list | head -1"
    result = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr


def test_reader_left_keeps_progress(tmp_path):
    # Grade one flashcard, then the reader leaves while the second is on screen: the graded answer is
    # in the database, the quiz exits quietly with 141 (128 + SIGPIPE), nothing on stderr.
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path), "LANG": "C"}
    proc = subprocess.Popen([sys.executable, "-m", "dlquiz", "quiz", "--type", "flashcard", "--count", "2"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env)
    try:
        def read_until(needle):
            while needle not in (line := proc.stdout.readline()):
                assert line, f"quiz ended before printing {needle!r}"

        read_until("(Enter to reveal)")
        proc.stdin.write("\n")
        proc.stdin.flush()
        read_until("rate 1 Again")
        proc.stdin.write("3\n")
        proc.stdin.flush()
        read_until("[2/2]")
        proc.stdout.close()  # the reader leaves
        proc.stdin.write("\n")  # the reveal now goes to a pipe nobody reads
        proc.stdin.close()
        assert proc.wait(timeout=TIMEOUT) == 141
        assert proc.stderr.read() == ""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stats = json.loads(run(["stats", "--json"], tmp_path).stdout)
    assert stats["reviews"] == 1


def test_closed_stdin_is_one_line_error(tmp_path):
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path), "LANG": "C"}
    result = subprocess.run(["sh", "-c", f"{sys.executable} -m dlquiz quiz --mode practice --count 2 0<&-"],
                            capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert_one_error_line(result, "standard input")


def test_closed_stdin_does_not_bother_commands_that_do_not_read_it(tmp_path):
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path), "LANG": "C"}
    result = subprocess.run(["sh", "-c", f"{sys.executable} -m dlquiz calc conv --size 224 --kernel 3 0<&-"],
                            capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert result.returncode == 0 and "222" in result.stdout, result.stderr


def test_closed_stdout_and_stderr_no_crash(tmp_path):
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path), "LANG": "C"}
    result = subprocess.run(["sh", "-c", f"{sys.executable} -m dlquiz bank list 1>&- 2>&-; echo rc=$?"],
                            capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert result.stdout.strip() in ("rc=0", "rc=141", "rc=120"), result.stdout
    result = subprocess.run(["sh", "-c", f"{sys.executable} -m dlquiz calc conv --size x --kernel 3 2>&-; echo rc=$?"],
                            capture_output=True, text=True, env=env, timeout=TIMEOUT)
    assert result.stdout.strip().endswith("rc=2"), result.stdout


def test_eof_stdin_ends_quiz_cleanly(tmp_path):
    result = run(["quiz", "--mode", "practice", "--count", "2"], tmp_path, None, stdin=subprocess.DEVNULL)
    assert result.returncode == 0 and result.stderr == "", result.stderr


@pytest.mark.parametrize("args, stdin", [
    (["quiz", "--mode", "errata", "--type", "truefalse", "--count", "2", "--lang", "zh"], "t\n对\nmaybe\n"),
    (["quiz", "--mode", "practice", "--count", "3", "--lang", "zh", "--json"], "\n\n\n"),
    (["bank", "list", "--lang", "zh"], ""),
    (["bank", "list", "--json"], ""),
    (["calc", "rf", "vgg16"], ""),
    (["calc", "norm", "3,4"], ""),
    (["lab", "list", "--json"], ""),
    (["bank", "list", "--topic", "中文"], ""),
])
def test_ascii_only_terminal(tmp_path, args, stdin):
    result = run(args, tmp_path, stdin, env_extra={"PYTHONIOENCODING": "ascii"})
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 2), result.stderr
    if result.returncode == 2:
        assert len(result.stderr.strip().splitlines()) == 1
    else:
        assert result.stdout.strip()


def test_ascii_terminal_chinese_is_escaped_not_lost(tmp_path):
    result = run(["bank", "list", "--lang", "zh"], tmp_path, "", env_extra={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0
    assert "\\u" in result.stdout  # backslash escapes: unreadable on that terminal, but not silently dropped


def test_undecodable_stdin_bytes_are_reasked(tmp_path):
    env = {**os.environ, "DLQUIZ_HOME": str(tmp_path), "LANG": "C.UTF-8"}
    result = subprocess.run([sys.executable, "-m", "dlquiz", "quiz", "--mode", "practice", "--type", "numeric",
                             "--count", "1"], input=b"\xff\xfe12\n", capture_output=True, env=env, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert b"! not a number" in result.stdout or b"! only numbers" in result.stdout


# -- one line, whatever the user typed ---------------------------------------------------------------
@pytest.mark.parametrize("args, needle", [
    (["bank", "coverage", "\n"], "unrecognized arguments"),
    (["bank", "list", "--topic", "a\nb\u2028c"], "unknown topic"),
    (["quiz", "--count", "3\n4"], "--count"),
    (["calc", "conv", "--size", "3", "--kernel", "3", "x" * 20000], "unrecognized arguments"),
    (["--"], "unrecognized arguments"),
])
def test_error_is_one_line_even_with_newlines_in_arguments(tmp_path, args, needle):
    result = run(args, tmp_path)
    assert_one_error_line(result, needle)
    assert len(result.stderr) < 1000  # a 20000-character argument is not echoed whole
