"""Every UI string in both languages: one catalog, key -> {"en": ..., "zh": ...}, read with `t`.

Pure (no Textual): the TUI (dlquiz.tui.i18n re-exports `t`), dlquiz.present, dlquiz.review and the CLI
share it. A string with `{name}` placeholders has the same placeholders in both languages and gets
its values as keyword arguments: t("lab_step", lang, step=3). tests/test_i18n.py checks that every key
has both languages with the same placeholders and that every literal key the code passes to `t` exists.
"""
from __future__ import annotations

import string
from collections.abc import Mapping

CATALOG: dict[str, dict[str, str]] = {

    "title": {"en": "dlquiz — deep-learning interview prep", "zh": "dlquiz — 深度学习面试练习"},
    "due": {"en": "Due now", "zh": "现在到期"},
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
    "stats_desc": {"en": "reviews per day, 14-day forecast, retention, correct",
                   "zh": "每日复习、14 天预测、保持率、正确率"},
    "lab_desc": {"en": "train small nets: vanishing gradients, overfitting, BatchNorm",
                 "zh": "训练小网络:梯度消失、过拟合、BatchNorm"},
    "keys_home": {"en": "↑↓ Enter or the key · ^p commands · ? help · F2 中文 · F3 theme · ^q quit",
                  "zh": "↑↓ 回车或快捷键 · ^p 命令 · ? 帮助 · F2 English · F3 主题 · ^q 退出"},
    "language": {"en": "中文", "zh": "English"},
    "answer_placeholder": {"en": "Type your answer, Enter to submit (empty = skip)",
                           "zh": "输入答案,回车提交(留空跳过)"},
    "reveal": {"en": "Enter / Space: reveal the answer · s suspend · b bury · u undo · Esc: end session",
               "zh": "回车/空格: 显示答案 · s 暂停此卡 · b 今日搁置 · u 撤销 · Esc: 结束"},
    "rate": {"en": "Rate: {intervals} · s suspend · b bury · u undo",
             "zh": "自评: {intervals} · s 暂停此卡 · b 今日搁置 · u 撤销"},
    "next": {"en": "Enter / Space: next · change rating: {intervals} · u undo · s suspend · b bury · Esc: end",
             "zh": "回车/空格: 下一题 · 修改评分: {intervals} · u 撤销 · s 暂停此卡 · b 今日搁置 · Esc: 结束"},
    "next_skipped": {"en": "Enter / Space: next · u undo · s suspend · b bury · Esc: end session",
                     "zh": "回车/空格: 下一题 · u 撤销 · s 暂停此卡 · b 今日搁置 · Esc: 结束"},
    "done": {"en": "Session finished", "zh": "本轮结束"},
    "empty": {"en": "Nothing to do here: no questions match.", "zh": "没有符合条件的题目。"},
    "setup_generator": {"en": "generator family: all", "zh": "生成题类别:全部"},  # all = bank questions too
    "score": {"en": "Score", "zh": "得分"},
    "time_left": {"en": "time left", "zh": "剩余时间"},
    "back": {"en": "Esc: back", "zh": "Esc: 返回"},
    "filter": {"en": "Filter: text, topic:cnn, type:numeric, tag:errata",
               "zh": "筛选: 文字, topic:cnn, type:numeric, tag:errata"},
    "per_day": {"en": "Reviews per day", "zh": "每日复习"},
    "accuracy": {"en": "Accuracy by topic", "zh": "各主题正确率"},
    "retention": {"en": "Retention", "zh": "记忆保持率"},
    "recovered": {"en": "Progress database was unreadable", "zh": "进度数据库无法读取"},
    # honest scoring (issue #11): summary, undo, suspend/bury, forecast
    "correct": {"en": "Correct", "zh": "正确"},
    "mastered": {"en": "mastered", "zh": "已掌握"},
    "skipped": {"en": "Skipped", "zh": "已跳过"},
    "skipped_count": {"en": "skipped {n}", "zh": "跳过 {n}"},
    "redrill": {"en": "Re-drill missed", "zh": "重练错题"},
    "redrill_key": {"en": "r: re-drill the {n} missed question(s) · Esc / Enter: back",
                    "zh": "r: 重练这 {n} 道答错或跳过的题 · Esc/回车: 返回"},
    "ratings": {"en": "Ratings", "zh": "评分分布"},
    "undone": {"en": "Undone: back to this question, its answer taken back", "zh": "已撤销:回到这道题,答案已删除"},
    "nothing_to_undo": {"en": "Nothing to undo yet in this session", "zh": "本轮还没有可撤销的操作"},
    "suspended": {"en": "Suspended: it won't come up in any session until unsuspended (stats screen: u)",
                  "zh": "已暂停:在取消暂停前不会出现在任何练习中(统计页按 u 取消)"},
    "unsuspended": {"en": "Unsuspended: it comes up again", "zh": "已取消暂停:会再次出现"},
    "buried": {"en": "Buried until tomorrow", "zh": "已搁置到明天"},
    "forecast": {"en": "Due per day, next 14 days", "zh": "未来 14 天每日到期"},
    "due_14": {"en": "14 days", "zh": "14 天内"},
    "topic": {"en": "Topic", "zh": "主题"},
    "questions": {"en": "questions", "zh": "题数"},
    "suspended_count": {"en": "Suspended: {n} (u: unsuspend all)", "zh": "已暂停: {n} (u: 全部取消暂停)"},
    "unsuspended_all": {"en": "Unsuspended {n} card(s)", "zh": "已取消暂停 {n} 张卡"},
    "mastery_legend": {"en": "bar = mastered (stability ≥ 21 days) · seen · correct",
                       "zh": "条形 = 已掌握(稳定度 ≥ 21 天) · 已见 · 正确率"},
    # lab screen
    "lab_activation": {"en": "activation", "zh": "激活函数"},
    "lab_init": {"en": "init", "zh": "初始化"},
    "lab_numbers": {"en": "depth · learning rate · dropout · steps", "zh": "深度 · 学习率 · dropout · 步数"},
    "lab_preset": {"en": "preset variants", "zh": "预设对比组"},
    "lab_depth": {"en": "depth", "zh": "深度"},
    "lab_lr": {"en": "lr", "zh": "学习率"},
    "lab_dropout": {"en": "dropout", "zh": "dropout"},
    "lab_steps": {"en": "steps", "zh": "步数"},
    "run": {"en": "Run", "zh": "运行"},
    "stop": {"en": "Stop", "zh": "停止"},
    "lab_starting": {"en": "starting… (loading PyTorch)", "zh": "启动中…(正在加载 PyTorch)"},
    "lab_stopping": {"en": "stopping…", "zh": "正在停止…"},
    "lab_step": {"en": "step {step}", "zh": "第 {step} 步"},
    "lab_diverged": {"en": "{variant} diverged at step {step}", "zh": "{variant} 在第 {step} 步发散"},
    "lab_done": {"en": "done in {seconds} s on {device} ({engine} engine)",
                 "zh": "完成,用时 {seconds} 秒,设备 {device}({engine} 引擎)"},
    "lab_stopped": {"en": "stopped after {seconds} s on {device} ({engine} engine)",
                    "zh": "已停止,用时 {seconds} 秒,设备 {device}({engine} 引擎)"},
    # lab screen: charts, scale toggle, kept runs
    "lab_scale": {"en": "log/linear", "zh": "对数/线性"},
    "lab_log_axis": {"en": "log axis", "zh": "对数轴"},
    "lab_linear_axis": {"en": "linear axis", "zh": "线性轴"},
    "lab_default": {"en": "{name}: {value}", "zh": "{name}:{value}"},
    "lab_overlay": {"en": "charts overlay runs {runs} (#{latest} is the latest)",
                    "zh": "图中叠加了第 {runs} 次运行(#{latest} 是最新的)"},
    "lab_no_bn": {"en": "no BatchNorm variant finished yet", "zh": "还没有完成的 BatchNorm 变体"},
    "lab_no_bars": {"en": "shown when a run has finished", "zh": "运行完成后显示"},
    # -- question and feedback text (dlquiz.present: `dlquiz quiz` and the TUI) --------------------------
    "q_true_false": {"en": "(true or false? t/f)", "zh": "(判断对错: t/f 或 对/错)"},
    "q_choose_all": {"en": "(select all that apply, e.g. A,C)", "zh": "(多选,例如 A,C)"},
    "q_choose_one": {"en": "(one letter)", "zh": "(单选)"},
    "q_number": {"en": "(a number or arithmetic such as 3*3*64+64)", "zh": "(输入数字或算式,如 3*3*64+64)"},
    "q_correct": {"en": "✓ correct", "zh": "✓ 正确"},
    "q_wrong": {"en": "✗ wrong", "zh": "✗ 错误"},
    "q_answer": {"en": "answer", "zh": "答案"},
    "q_why": {"en": "why", "zh": "解析"},
    "q_source": {"en": "source", "zh": "出处"},
    "q_unit": {"en": "unit", "zh": "单位"},
    "q_generated": {"en": "generated", "zh": "自动生成"},
    "source_kind_paper": {"en": "paper", "zh": "论文"},
    "source_kind_book": {"en": "book", "zh": "书"},
    "source_kind_docs": {"en": "docs", "zh": "文档"},
    "q_yours": {"en": "your answer", "zh": "你的选择"},
    "q_skipped": {"en": "skipped", "zh": "已跳过"},
    "q_rated": {"en": "rated", "zh": "评分"},
    "q_next_due": {"en": "next due", "zh": "下次到期"},
    "q_in": {"en": "in", "zh": "间隔"},
    "q_no_schedule": {"en": "due dates unchanged in this session", "zh": "本轮不改变到期时间"},
    "q_overridden": {"en": "you changed it", "zh": "已手动修改"},
    "q_missed": {"en": "missed", "zh": "答错或跳过"},
    "q_none_missed": {"en": "nothing missed", "zh": "没有答错或跳过的题"},
    # a wrong typed answer: "(yours ≠ expected)"; true/false answers are shown as words of the language
    "q_mismatch": {"en": "({given} ≠ {expected})", "zh": "({given} ≠ {expected})"},
    "tf_true": {"en": "true", "zh": "对"},
    "tf_false": {"en": "false", "zh": "错"},
    # question types (question_bank.model.QUESTION_TYPES)
    "qtype_flashcard": {"en": "flashcard", "zh": "闪卡"},
    "qtype_choice": {"en": "choice", "zh": "选择"},
    "qtype_numeric": {"en": "numeric", "zh": "数值"},
    "qtype_truefalse": {"en": "true/false", "zh": "判断"},
    # -- what correct, retention and mastered mean (dlquiz.review.scoring) ------------------------------
    "def_correct": {"en": "correct = rated Hard, Good or Easy (a typed answer the checker accepted, unless you "
                          "changed its rating; a flashcard you rated Hard or better)",
                    "zh": "正确 = 评为 困难/良好/简单(自动判分答对,除非你改了评分;闪卡自评 困难 及以上)"},
    "def_retention": {"en": "retention = share correct among answers to questions already answered on an "
                            "earlier day",
                      "zh": "保持率 = 之前某天答过的题再次作答时答对的比例"},
    "def_mastered": {"en": "mastered = in review with FSRS stability ≥ {days} days (Anki's 'mature')",
                     "zh": "已掌握 = 已进入复习阶段且 FSRS 稳定度 ≥ {days} 天(Anki 的“成熟”)"},
    # -- session summary -------------------------------------------------------------------------------
    "summary_extra": {"en": "{total} question(s) · {seconds} s", "zh": "共 {total} 题 · {seconds} 秒"},
    # -- practice setup dialog -------------------------------------------------------------------------
    "setup_topic_all": {"en": "topic: all", "zh": "主题:全部"},
    "setup_type_all": {"en": "type: all", "zh": "题型:全部"},
    "setup_difficulty_all": {"en": "difficulty: all", "zh": "难度:全部"},
    "setup_count": {"en": "count", "zh": "题数"},
    "setup_start": {"en": "Start", "zh": "开始"},
    "setup_count_error": {"en": "count must be a whole number from 1 to {most}",
                          "zh": "题数必须是 1 到 {most} 的整数"},
    # -- key descriptions in the Footer, by binding action (dlquiz.tui.i18n.localize_bindings) -------
    "action_quit": {"en": "Quit", "zh": "退出"},
    "action_help": {"en": "Help", "zh": "帮助"},
    "action_toggle_language": {"en": "中文/EN", "zh": "中文/EN"},
    "action_toggle_theme": {"en": "Theme", "zh": "主题"},
    "action_command_palette": {"en": "palette", "zh": "命令"},
    "action_app.pop_screen": {"en": "Back", "zh": "返回"},
    "action_dismiss": {"en": "Back", "zh": "返回"},
    "action_leave": {"en": "Back", "zh": "返回"},
    "action_end_session": {"en": "End session", "zh": "结束本轮"},
    "action_redrill": {"en": "Re-drill missed", "zh": "重练错题"},
    "action_unsuspend_all": {"en": "Unsuspend all", "zh": "全部取消暂停"},
    "action_run": {"en": "Run", "zh": "运行"},
    "action_stop": {"en": "Stop", "zh": "停止"},
    "action_toggle_scale": {"en": "log/linear", "zh": "对数/线性"},
    "action_copy_result": {"en": "Copy", "zh": "复制"},
    # -- app ---------------------------------------------------------------------------------------------
    "not_saved": {"en": "Progress not saved", "zh": "进度未保存"},
    "not_saved_reason": {"en": "{reason}; answers will not be saved this run", "zh": "{reason};本次运行的答案不会保存"},
    # -- lab screen: knob choices ------------------------------------------------------------------------
    "lab_auto_init": {"en": "auto (he for relu, xavier otherwise)", "zh": "自动(relu 用 he,其余用 xavier)"},
    "lab_init_default": {"en": "default (PyTorch's)", "zh": "默认(PyTorch 自带)"},
    "lab_init_naive": {"en": "naive", "zh": "朴素"},
    "lab_init_zero": {"en": "zero", "zh": "全零"},
    "lab_init_small": {"en": "small", "zh": "过小"},
    "lab_init_large": {"en": "large", "zh": "过大"},
    "lab_init_xavier": {"en": "xavier", "zh": "xavier"},
    "lab_init_he": {"en": "he", "zh": "he"},
    "lab_number_error": {"en": "{name} must be a number, got {text}", "zh": "{name}必须是数字,收到的是 {text}"},
    # -- `dlquiz quiz` in the plain terminal (dlquiz.review.plain, dlquiz.commands.quiz) ------------------
    "plain_rate": {"en": "rate {intervals}:", "zh": "自评 {intervals}:"},
    "plain_time_left": {"en": "({seconds} s left)", "zh": "(剩余 {seconds} 秒)"},
    "plain_reveal": {"en": "(Enter to reveal)", "zh": "(回车显示答案)"},
    "plain_digit": {"en": "type a digit 1–4", "zh": "请输入 1–4"},
    "plain_answer": {"en": "answer:", "zh": "作答:"},
    "plain_score": {"en": "score: {correct}/{answered} correct{skipped}, {total} question(s), {seconds} s",
                    "zh": "得分: {correct}/{answered} 正确{skipped},共 {total} 题,用时 {seconds} 秒"},
    "plain_skipped": {"en": ", skipped {n}", "zh": ",跳过 {n}"},
    "quiz_practising_instead": {"en": "nothing due and no new cards left today; practising instead",
                                "zh": "今天没有到期或新的卡片,改为练习模式"},
    # -- `dlquiz bank list --lang zh` ------------------------------------------------------------------
    "bank_col_type": {"en": "type", "zh": "题型"},
    "bank_col_prompt": {"en": "prompt", "zh": "题目"},
    "bank_count": {"en": "{n} question(s)", "zh": "共 {n} 题"},
    # -- calculators screen (dlquiz/tui/screens/calc.py) -------------------------------------------------
    "calc_tab_conv": {"en": "Conv", "zh": "卷积"},
    "calc_tab_pool": {"en": "Pool", "zh": "池化"},
    "calc_tab_rf": {"en": "Receptive field", "zh": "感受野"},
    "calc_tab_params": {"en": "Params / FLOPs", "zh": "参数量/FLOPs"},
    "calc_tab_iou": {"en": "IoU", "zh": "IoU"},
    "calc_tab_norm": {"en": "Norms", "zh": "范数"},
    "calc_tab_solve": {"en": "Solve", "zh": "反解"},
    "calc_size": {"en": "size", "zh": "尺寸"},
    "calc_kernel": {"en": "kernel", "zh": "卷积核"},
    "calc_stride": {"en": "stride", "zh": "步长"},
    "calc_padding": {"en": "padding", "zh": "填充"},
    "calc_dilation": {"en": "dilation", "zh": "膨胀"},
    "calc_output_padding": {"en": "out pad", "zh": "输出填充"},
    "calc_transposed": {"en": "transposed", "zh": "转置卷积"},
    "calc_ceil": {"en": "ceil_mode", "zh": "ceil_mode(向上取整)"},
    "calc_avg": {"en": "average", "zh": "平均池化"},
    "calc_network": {"en": "preset", "zh": "预设网络"},
    "calc_input_size": {"en": "input", "zh": "输入尺寸"},
    "calc_layers": {"en": "or layers", "zh": "或逐层"},
    "calc_box_a": {"en": "box A", "zh": "框 A"},
    "calc_box_b": {"en": "box B", "zh": "框 B"},
    "calc_pixel_inclusive": {"en": "VOC +1 pixels", "zh": "VOC +1 像素"},
    "calc_vector": {"en": "vector", "zh": "向量"},
    "calc_matrix": {"en": "or matrix", "zh": "或矩阵"},
    "calc_p": {"en": "p", "zh": "p"},
    "calc_ph_size_pair": {"en": "N or H,W", "zh": "N 或 H,W"},
    "calc_ph_network": {"en": "alexnet, vgg16, resnet50…", "zh": "alexnet、vgg16、resnet50…"},
    "calc_ph_input_size": {"en": "224 or 224x160", "zh": "224 或 224x160"},
    "calc_ph_layers": {"en": "conv(k=3,s=1,p=1,c=64); pool(k=2,s=2)", "zh": "conv(k=3,s=1,p=1,c=64); pool(k=2,s=2)"},
    "calc_ph_layers_channels": {"en": "with channels: conv(k=3,p=1,c=64); relu; fc(10)",
                                "zh": "写明通道数: conv(k=3,p=1,c=64); relu; fc(10)"},
    "calc_ph_box": {"en": "x1,y1,x2,y2", "zh": "x1,y1,x2,y2"},
    "calc_ph_vector": {"en": "v1,v2,…", "zh": "v1,v2,…"},
    "calc_ph_matrix": {"en": "1,2;3,4", "zh": "1,2;3,4"},
    "calc_ph_p": {"en": "optional, e.g. 3 or inf", "zh": "可选,如 3 或 inf"},
    "calc_solve_for": {"en": "solve for", "zh": "求解"},
    "calc_solve_same": {"en": "'same' padding", "zh": "保持尺寸的填充(same)"},
    "calc_solve_padding": {"en": "padding p", "zh": "填充 p"},
    "calc_solve_stride": {"en": "stride s", "zh": "步长 s"},
    "calc_solve_kernel": {"en": "kernel k", "zh": "卷积核 k"},
    "calc_solve_input": {"en": "input size n", "zh": "输入尺寸 n"},
    "calc_layer": {"en": "layer", "zh": "层类型"},
    "calc_layer_conv": {"en": "conv", "zh": "卷积"},
    "calc_layer_transposed": {"en": "transposed conv", "zh": "转置卷积"},
    "calc_layer_max": {"en": "max pool", "zh": "最大池化"},
    "calc_layer_avg": {"en": "avg pool", "zh": "平均池化"},
    "calc_solve_size": {"en": "size n", "zh": "输入 n"},
    "calc_out": {"en": "out", "zh": "目标输出"},
    "calc_col_layer": {"en": "layer", "zh": "层"},
    "calc_col_type": {"en": "type", "zh": "类型"},
    "calc_col_kernel": {"en": "kernel", "zh": "卷积核"},
    "calc_col_stride": {"en": "stride", "zh": "步长"},
    "calc_col_padding": {"en": "padding", "zh": "填充"},
    "calc_col_dilation": {"en": "dilation", "zh": "膨胀"},
    "calc_col_output": {"en": "output", "zh": "输出"},
    "calc_col_jump": {"en": "jump", "zh": "跳步"},
    "calc_col_rf": {"en": "RF", "zh": "感受野"},
    "calc_col_start": {"en": "start", "zh": "起点"},
    "calc_col_layer_short": {"en": "layer", "zh": "层"},
    "calc_col_type_short": {"en": "type", "zh": "类型"},
    "calc_col_kernel_short": {"en": "k", "zh": "k"},
    "calc_col_stride_short": {"en": "s", "zh": "s"},
    "calc_col_padding_short": {"en": "p", "zh": "p"},
    "calc_col_dilation_short": {"en": "d", "zh": "d"},
    "calc_col_output_short": {"en": "out", "zh": "输出"},
    "calc_col_jump_short": {"en": "jump", "zh": "跳步"},
    "calc_col_rf_short": {"en": "RF", "zh": "RF"},
    "calc_col_start_short": {"en": "start", "zh": "起点"},
    "calc_col_shape": {"en": "output shape", "zh": "输出形状"},
    "calc_col_params": {"en": "params", "zh": "参数量"},
    "calc_col_macs": {"en": "MACs", "zh": "MACs"},
    "calc_answer": {"en": "answer: {answer}", "zh": "答案:{answer}"},
    "calc_formula": {"en": "formula: {formula}", "zh": "公式:{formula}"},
    "calc_note": {"en": "note: {note}", "zh": "注:{note}"},
    "calc_rf_summary": {"en": "receptive field {rf}, effective stride {stride}, effective padding {padding}",
                        "zh": "感受野 {rf},等效步长 {stride},等效填充 {padding}"},
    "calc_rf_heading": {"en": "{name}: input {size}, the table ends at {last}",
                        "zh": "{name}:输入 {size},表格到 {last} 为止"},
    "calc_params_totals": {"en": "params {params} · MACs {macs} · FLOPs = 2×MACs = {flops}",
                           "zh": "参数量 {params} · MACs {macs} · FLOPs = 2×MACs = {flops}"},
    "calc_params_heading": {"en": "{name}: input {shape} (per sample)", "zh": "{name}:输入 {shape}(单个样本)"},
    "calc_computing": {"en": "computing…", "zh": "计算中…"},
    "calc_keys": {"en": "alt+1…7 tabs · ^y or c copy · Esc back · F2 中文 · F3 theme · ^q quit",
                  "zh": "alt+1…7 切换页 · ^y 或 c 复制 · Esc 返回 · F2 English · F3 主题 · ^q 退出"},
    "calc_copied": {"en": "Copied to the clipboard: {what}", "zh": "已复制到剪贴板:{what}"},
    "calc_nothing_to_copy": {"en": "Nothing to copy: this tab shows no result (fix the input first)",
                             "zh": "没有可复制的内容:此页没有结果(请先修正输入)"},
    # -- browse screen, question detail, help (issue #11)
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
}

LANGS = ("en", "zh")


def t(key: str, lang: str, **params: object) -> str:
    """The text of `key` in `lang` ("zh", anything else: English), its placeholders filled from `params`.
    An unknown key comes back as itself, so a missing entry shows on screen instead of crashing it."""
    entry = CATALOG.get(key)
    if entry is None:
        return key
    text = entry["zh"] if lang == "zh" else entry["en"]
    return text.format(**params) if params else text


def placeholders(text: str) -> set[str]:
    """The `{name}` fields of a catalog string."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def problems(catalog: Mapping[str, Mapping[str, str]] = CATALOG) -> list[str]:
    """What is wrong with the catalog: a language missing or empty, placeholders that differ."""
    found = []
    for key, entry in catalog.items():
        missing = [lang for lang in LANGS if not str(entry.get(lang, "")).strip()]
        if missing:
            found.append(f"{key}: no {'/'.join(missing)} text")
        elif placeholders(entry["en"]) != placeholders(entry["zh"]):
            found.append(f"{key}: placeholders en {sorted(placeholders(entry['en']))} "
                         f"≠ zh {sorted(placeholders(entry['zh']))}")
    return found
