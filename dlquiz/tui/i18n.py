"""The TUI's access to the one UI catalog (dlquiz.i18n): `t`, and Footer key descriptions in the user's
language. Content language and UI language are the same setting (`app.lang`).

`LABELS` is the catalog itself (the same dict object), so keys added here with `LABELS.update({...})`
are seen by `t` everywhere and checked by tests/test_i18n.py like the others.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from dlquiz.i18n import CATALOG, t

__all__ = ["LABELS", "localize_bindings", "t"]

LABELS: dict[str, dict[str, str]] = CATALOG


def localize_bindings(node: Any, lang: str) -> None:
    """Give `node`'s key bindings the descriptions of `lang`: the catalog's `action_<action>` entry.

    Bindings are declared once per class with one description, and the Footer shows that; this
    rewrites the node's own copy of them (Textual copies the class's map into every instance), so a
    Footer in Chinese says 返回, not Back. Bindings whose action has no entry are left as they are.
    """
    bindings = getattr(node, "_bindings", None)
    key_to_bindings = getattr(bindings, "key_to_bindings", None)
    if not isinstance(key_to_bindings, dict):
        return
    for key, entries in key_to_bindings.items():
        key_to_bindings[key] = [
            replace(b, description=t(f"action_{b.action}", lang)) if f"action_{b.action}" in CATALOG else b
            for b in entries
        ]


# -- browse screen, question detail, help (issue #11) ------------------------------------------------
LABELS.update({
    "browse_col_prompt": {"en": "Question", "zh": "题目"},
    "browse_col_topic": {"en": "Topic", "zh": "主题"},
    "browse_col_type": {"en": "Type", "zh": "题型"},
    "browse_col_level": {"en": "Level", "zh": "难度"},
    "browse_status": {"en": "{shown} of {total} · ↓ list · Enter open · Esc back",
                      "zh": "{shown} / {total} 题 · ↓ 进入列表 · 回车打开 · Esc 返回"},
    "browse_capped": {"en": "first {shown} of {matched} (of {total}): narrow the filter · ↓ list · Enter open",
                      "zh": "匹配 {matched} 题,显示前 {shown} 题(共 {total}):请缩小筛选 · ↓ 列表 · 回车打开"},
    "detail_keys": {"en": "d: drill this question · s: drill it with {n} similar ones · Esc back",
                    "zh": "d: 练这道题 · s: 连同 {n} 道相似题一起练 · Esc 返回"},
    "action_drill_one": {"en": "Drill this", "zh": "练这道题"},
    "action_drill_similar": {"en": "Drill + similar", "zh": "连同相似题"},
    "help_body": {
        "en": """[b]Keys on every screen[/b]
  F2 中文/English · F3 dark/light theme · ? this help · ctrl+q quit
  ctrl+p command palette: type to find a screen, an action or a question
  Esc goes back (in a session: ends it and shows the summary)

[b]Home[/b]  ↑/↓ and Enter, a click, or the entry's key:
  r review due · p practice · m mock interview · e errata drill · x cram
  c calculators · b browse · s stats · l lab

[b]Answering[/b]
  type the answer, then Enter · Enter on an empty answer skips it and
  shows the answer first
  choice: a letter or 1–9 (several: A,C then Enter) · true/false: t or f
  numeric: a number or arithmetic (3*3*64+64, 2^5); a unit is fine
  flashcard: Enter (or Space) reveals; then 1 Again 2 Hard 3 Good 4 Easy
  after an answer: 1–4 changes its rating · Enter (or Space): next
  u undo the last step · s suspend the card · b bury it until tomorrow
  (u s b: when no answer box is focused; u also in an empty answer box)
  summary: r re-drills the missed questions · Esc, Enter or Space: back

[b]Practice setup[/b]  Tab / shift+Tab: next / previous field · Esc back

[b]Browse[/b]
  type to filter: words, topic:cnn, type:numeric, tag:errata
  ↓ into the list · Enter opens the highlighted question
  ↑ on the list's top row: back to the filter box
  a question: d drills it · s drills it with similar ones · ↑/↓ scroll

[b]Calculators[/b]  alt+1…alt+7 picks a tab (or ←/→ on the tab bar, a click)
  Tab between fields · the result follows what you type
  ctrl+y copies the result (c too, when no input box is focused)

[b]Stats[/b]  u unsuspends every suspended card
[b]Lab[/b]  ctrl+r run · ctrl+s stop · ctrl+g log/linear axes

Every graded answer is saved at once; quitting never loses progress.
↑/↓ scroll · Esc or ? closes.""",
        "zh": """[b]所有界面通用的按键[/b]
  F2 中文/English · F3 深色/浅色主题 · ? 本帮助 · ctrl+q 退出
  ctrl+p 命令面板: 输入文字查找界面、操作或题目
  Esc 返回(练习中: 结束本轮并显示小结)

[b]首页[/b]  ↑/↓ 加回车、鼠标点击,或按条目的快捷键:
  r 复习到期 · p 练习 · m 模拟面试 · e 笔记勘误 · x 突击
  c 计算器 · b 题库浏览 · s 统计 · l 实验室

[b]作答[/b]
  输入答案后回车 · 答案为空时回车 = 跳过(先显示答案)
  选择题: 按字母或 1–9(多选: 输入 A,C 后回车) · 判断题: t 或 f(对/错)
  数值题: 数字或算式(3*3*64+64、2^5),可带单位(196 px)
  闪卡: 回车(或空格)显示答案,然后 1 重来 · 2 困难 · 3 良好 · 4 简单
  作答之后: 1–4 修改评分 · 回车(或空格)下一题
  u 撤销上一步 · s 暂停此卡 · b 搁置到明天
  (u s b 在答题框未获得焦点时可用;答题框为空时 u 也可用)
  小结: r 重练答错或跳过的题 · Esc、回车或空格: 返回

[b]练习设置[/b]  Tab / shift+Tab: 下一个/上一个字段 · Esc 返回

[b]题库浏览[/b]
  输入文字筛选: 关键词、topic:cnn、type:numeric、tag:errata
  ↓ 进入列表 · 回车打开选中的题 · 在列表第一行按 ↑ 回到筛选框
  题目页: d 练这道题 · s 连同相似题一起练 · ↑/↓ 滚动

[b]计算器[/b]  alt+1…alt+7 切换标签(或在标签栏按 ←/→、点击)
  Tab 切换字段 · 结果随输入即时更新
  ctrl+y 复制结果(输入框未获得焦点时按 c 也可以)

[b]统计[/b]  u 取消全部暂停的卡
[b]实验室[/b]  ctrl+r 运行 · ctrl+s 停止 · ctrl+g 对数/线性坐标

每次判分立即保存,退出不会丢失进度。
↑/↓ 滚动 · Esc 或 ? 关闭。""",
    },
})
