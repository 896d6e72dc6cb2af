"""UI labels in both languages. Content language and UI language are the same setting."""
from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "dlquiz — deep-learning interview prep", "zh": "dlquiz — 深度学习面试练习"},
    "due": {"en": "Due today", "zh": "今日到期"},
    "new": {"en": "New available", "zh": "可学新卡"},
    "streak": {"en": "Streak", "zh": "连续天数"},
    "reviews": {"en": "Reviews", "zh": "复习次数"},
    "days": {"en": "day(s)", "zh": "天"},
    "mastery": {"en": "Mastery by topic", "zh": "各主题掌握度"},
    "seen": {"en": "seen", "zh": "已见"},
    "review": {"en": "Review due", "zh": "复习到期"},
    "practice": {"en": "Practice", "zh": "练习"},
    "cram": {"en": "Cram", "zh": "突击"},
    "mock": {"en": "Mock interview", "zh": "模拟面试"},
    "errata": {"en": "Errata drill", "zh": "笔记勘误"},
    "calc": {"en": "Calculators", "zh": "计算器"},
    "browse": {"en": "Browse", "zh": "题库浏览"},
    "stats": {"en": "Stats", "zh": "统计"},
    "lab": {"en": "Lab", "zh": "实验室"},
    "help": {"en": "Help", "zh": "帮助"},
    # One-line descriptions for the home menu.
    "review_desc": {"en": "due cards first, then new ones", "zh": "先复习到期卡片,再学新卡"},
    "practice_desc": {"en": "pick topic, type, difficulty; generated numeric drills",
                      "zh": "按主题/题型/难度练习,含自动生成的计算题"},
    "mock_desc": {"en": "mixed questions against the clock, score by topic", "zh": "限时混合题,按主题给分"},
    "errata_desc": {"en": "where the study notes are wrong", "zh": "专练笔记中的错误"},
    "cram_desc": {"en": "everything, ignoring due dates", "zh": "忽略到期时间,全部过一遍"},
    "calc_desc": {"en": "conv size, receptive field, params/FLOPs, IoU, norms",
                  "zh": "卷积尺寸、感受野、参数量/FLOPs、IoU、范数"},
    "browse_desc": {"en": "search every question", "zh": "搜索全部题目"},
    "stats_desc": {"en": "reviews per day, retention, accuracy", "zh": "每日复习、保持率、正确率"},
    "lab_desc": {"en": "train small nets: vanishing gradients, overfitting, BatchNorm",
                 "zh": "训练小网络:梯度消失、过拟合、BatchNorm"},
    "keys_home": {"en": "↑↓ Enter or the key · ^p commands · ? help · F2 中文 · F3 theme · ^q quit",
                  "zh": "↑↓ 回车或快捷键 · ^p 命令 · ? 帮助 · F2 English · F3 主题 · ^q 退出"},
    "language": {"en": "中文", "zh": "English"},
    "answer_placeholder": {"en": "Type your answer, Enter to submit (empty = skip)",
                           "zh": "输入答案,回车提交(留空跳过)"},
    "reveal": {"en": "Space: reveal the answer", "zh": "空格: 显示答案"},
    "rate": {"en": "Rate: 1 Again · 2 Hard · 3 Good · 4 Easy", "zh": "自评: 1 重来 · 2 困难 · 3 良好 · 4 简单"},
    "next": {"en": "Enter / Space: next question · Esc: end session", "zh": "回车/空格: 下一题 · Esc: 结束"},
    "done": {"en": "Session finished", "zh": "本轮结束"},
    "empty": {"en": "Nothing to do here: no questions match.", "zh": "没有符合条件的题目。"},
    "score": {"en": "Score", "zh": "得分"},
    "time_left": {"en": "time left", "zh": "剩余时间"},
    "back": {"en": "Esc: back", "zh": "Esc: 返回"},
    "filter": {"en": "Filter: text, topic:cnn, type:numeric, tag:errata", "zh": "筛选: 文字, topic:cnn, type:numeric, tag:errata"},
    "per_day": {"en": "Reviews per day", "zh": "每日复习"},
    "accuracy": {"en": "Accuracy by topic", "zh": "各主题正确率"},
    "retention": {"en": "Retention", "zh": "记忆保持率"},
    "recovered": {"en": "Progress database was unreadable", "zh": "进度数据库无法读取"},
}


def t(key: str, lang: str) -> str:
    entry = LABELS.get(key)
    return entry.get(lang, entry["en"]) if entry else key
