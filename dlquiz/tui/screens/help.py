"""`?`: the keys, in the current language."""
from __future__ import annotations

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from dlquiz.tui.app import DlquizApp

HELP = {
    "en": """[b]Keys[/b]
  r review due · p practice · m mock interview · e errata drill · x cram
  c calculators · b browse · s stats · l lab
  F2 中文/English · F3 dark/light theme · ctrl+p command palette · ctrl+q quit

[b]Answering[/b]
  choice: press a letter or 1–9 (several: type A,C then Enter)
  numeric: a number or arithmetic like 3*3*64+64 or 2^5, then Enter
  true/false: t or f (对/错)
  flashcard: Space reveals, then 1 Again · 2 Hard · 3 Good · 4 Easy
  after feedback: Enter or Space for the next question · Esc ends the session

Every graded answer is saved at once; quitting never loses progress.
Press Esc or ? to close.""",
    "zh": """[b]按键[/b]
  r 复习到期 · p 练习 · m 模拟面试 · e 笔记勘误 · x 突击
  c 计算器 · b 题库浏览 · s 统计 · l 实验室
  F2 中文/English · F3 深色/浅色主题 · ctrl+p 命令面板 · ctrl+q 退出

[b]作答[/b]
  选择题: 按字母或 1–9(多选: 输入 A,C 后回车)
  数值题: 输入数字或算式,如 3*3*64+64、2^5,回车提交
  判断题: t 或 f(对/错)
  闪卡: 空格显示答案,然后 1 重来 · 2 困难 · 3 良好 · 4 简单
  看完解析: 回车或空格进入下一题 · Esc 结束本轮

每次判分立即保存,退出不会丢失进度。
按 Esc 或 ? 关闭。""",
}


class HelpScreen(ModalScreen):
    app = getters.app(DlquizApp)
    BINDINGS = [Binding("escape,question_mark", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(HELP[self.app.lang], id="help-text")

    def refresh_language(self) -> None:
        self.query_one("#help-text", Static).update(HELP[self.app.lang])
