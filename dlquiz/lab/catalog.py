"""What each experiment shows, in both languages, and which questions to study next (torch-free)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExperimentInfo:
    name: str
    title: dict[str, str]
    explanation: dict[str, str]
    related_tags: tuple[str, ...]
    default_steps: int


EXPERIMENTS: dict[str, ExperimentInfo] = {e.name: e for e in [
    ExperimentInfo(
        "vanishing",
        {"en": "Vanishing gradients in a deep MLP", "zh": "深层 MLP 的梯度消失"},
        {"en": "A 15-layer MLP on the digits data. With sigmoid and a plain init every layer multiplies the "
               "backward signal by σ'(z)·W, and σ' ≤ 0.25, so the first layer's gradient norm ends up orders of "
               "magnitude below the last layer's: the early layers barely learn. tanh + Xavier keeps the signal "
               "alive longer, ReLU + He keeps per-layer gradient norms within about one order of magnitude, BN "
               "re-centres every layer, and residual connections give the gradient an identity path. Read the per-layer "
               "gradient chart from left (first layer) to right (last layer).",
         "zh": "在 digits 数据上训练 15 层 MLP。sigmoid 配普通初始化时,反向传播每经过一层都乘上 σ'(z)·W,而 σ' ≤ 0.25,"
               "于是第一层的梯度范数比最后一层小好几个数量级,浅层几乎学不动。tanh + Xavier 初始化能维持更久,"
               "ReLU + He 初始化让各层梯度范数大致在一个数量级内,BN 把每层重新归一化,残差连接为梯度提供恒等通路。"
               "各层梯度图从左(第一层)到右(最后一层)阅读。"},
        ("vanishing-gradient", "activation", "initialization", "batchnorm", "resnet"), 150),
    ExperimentInfo(
        "exploding",
        {"en": "Exploding gradients and their cures", "zh": "梯度爆炸及其解决办法"},
        {"en": "A 12-layer ReLU MLP on the digits data. With weights drawn 1.5× larger than He init every layer "
               "multiplies the signal by about 1.5, so the logits and the gradients start some 100× too large "
               "(compare the total gradient norm at init); the first SGD steps then grow the weights, which "
               "grows the gradients, and within a few steps the loss is inf/NaN: the lab reports 'diverged at "
               "step N' instead of crashing. A learning rate that is too high (0.3 with momentum) blows up the "
               "same way, a little later. Gradient clipping (rescale the whole gradient to norm ≤ c) bounds "
               "every update and rescues both; a proper He init keeps the forward and backward signal at a "
               "constant scale so the ordinary learning rate just works.",
         "zh": "在 digits 数据上训练 12 层 ReLU MLP。权重取 He 初始化的 1.5 倍时,每一层把信号放大约 1.5 倍,"
               "logits 和梯度一开始就大了约 100 倍(看初始化时的总梯度范数);前几步 SGD 使权重变大,权重变大又使梯度更大,"
               "几步之内损失就变成 inf/NaN:实验室报告“在第 N 步发散”而不是崩溃。学习率过高(带动量的 0.3)"
               "也会这样发散,只是稍晚一些。梯度裁剪(把整个梯度按比例缩放到范数 ≤ c)限制了每一步更新的大小,"
               "两种情况都能救回来;合适的 He 初始化让前向与反向信号保持同一量级,普通学习率就能正常训练。"},
        ("exploding-gradient", "gradient-clipping", "initialization"), 150),
    ExperimentInfo(
        "overfitting",
        {"en": "Overfitting and its cures", "zh": "过拟合及其解决办法"},
        {"en": "A big MLP (4 layers of 128 units, Adam) trained on only 150 digit images, 30% of them with a "
               "random label, memorises everything: training accuracy (against the labels it was given, wrong "
               "ones included) reaches 100% while validation accuracy stalls around 70% — the train−val gap is "
               "overfitting. Dropout, weight decay (decoupled, AdamW), data augmentation (every image shifted "
               "by up to a pixel, plus noise) and early stopping (stop when the validation loss has not "
               "improved for 5 reports and restore the best weights; the stop step is marked) each keep the "
               "net from memorising the noise: the gap shrinks and validation accuracy rises.",
         "zh": "一个大 MLP(4 层、每层 128 个单元,Adam)只在 150 张 digits 图片上训练,其中 30% 的标签是随机的,"
               "它会把一切都背下来:训练准确率(按给它的标签算,包括错误标签)达到 100%,验证准确率却停在 70% 左右,"
               "训练与验证的差距就是过拟合。Dropout、权重衰减(解耦式,AdamW)、数据增强(每张图随机平移至多一个像素再加噪声)"
               "和早停(验证损失连续 5 次报告没有改善就停止并恢复最佳权重,停止处会被标出)都能阻止网络背下噪声:"
               "差距缩小,验证准确率上升。"},
        ("overfitting", "dropout", "regularization", "data-augmentation", "early-stopping"), 200),
    ExperimentInfo(
        "batchnorm",
        {"en": "BatchNorm: higher learning rates, steadier layers", "zh": "批归一化: 更大的学习率、更稳定的各层分布"},
        {"en": "The same 10-layer ReLU MLP (He init, plain SGD) with and without BatchNorm at learning rates "
               "0.05, 0.3 and 1.0. Without BN the statistics of each layer's output drift as earlier layers "
               "change (see the per-layer activation mean/std over training): the plain net copes only with "
               "the smallest rate, struggles at 0.3 and blows up or dies at 1.0. With BN every layer's "
               "pre-activations are renormalised to mean ≈ 0, std ≈ 1 per batch (then scaled by the learned "
               "γ, β), so the larger rates are usable and the loss ends lower at every rate. The result also "
               "compares BN in train mode (statistics of each mini-batch of 8) with eval mode (the running "
               "averages), which is what inference must use.",
         "zh": "同一个 10 层 ReLU MLP(He 初始化、普通 SGD),在学习率 0.05、0.3、1.0 下分别加与不加 BN。"
               "不加 BN 时,前面层一变,后面每层输出的统计量就跟着漂移(见训练过程中各层激活的均值/标准差):"
               "普通网络只能用最小的学习率,0.3 时很吃力,1.0 时发散或“死掉”。加 BN 后每层的预激活按批重新归一化到"
               "均值≈0、标准差≈1(再乘以学到的 γ、加上 β),更大的学习率也能用,而且在每个学习率下损失都更低。"
               "结果中还对比了 BN 在训练模式(每个 8 样本小批的统计量)和评估模式(滑动平均,推理时必须用它)下的准确率。"},
        ("batchnorm", "internal-covariate-shift", "learning-rate"), 150),
    ExperimentInfo(
        "optimizers",
        {"en": "Optimisers: SGD to Adam", "zh": "优化器: 从 SGD 到 Adam"},
        {"en": "One small MLP on the two-spirals problem, trained by SGD, SGD with momentum, Nesterov, Adagrad, "
               "RMSprop and Adam with their customary learning rates. Momentum smooths and accelerates plain SGD; "
               "the adaptive methods scale each parameter's step by its gradient history. Compare the final "
               "losses and how many steps each needs to reach 90% training accuracy (plain SGD: not within "
               "the run).",
         "zh": "同一个小 MLP 在双螺旋数据上,分别用 SGD、动量、Nesterov、Adagrad、RMSprop、Adam(各用常用学习率)训练。"
               "动量让 SGD 更平滑更快;自适应方法按每个参数的历史梯度调整步长。比较最终损失,以及各自需要多少步"
               "才达到 90% 训练准确率(普通 SGD 在本次运行内达不到)。"},
        ("optimizer", "momentum", "adam"), 200),
    ExperimentInfo(
        "init",
        {"en": "Weight initialisation", "zh": "权重初始化"},
        {"en": "A 10-layer tanh MLP with five inits. Zero init never breaks symmetry: every hidden unit of a "
               "layer computes the same thing and gets the same update (the 'distinct units' count stays 1), "
               "so nothing but the output bias learns. Too small an init (std 0.01) shrinks the signal by ~12× "
               "per layer: the last hidden layer's output is ~1e-10 and the gradients are just as tiny. Too "
               "large (3× He) saturates tanh (about half of every layer's outputs sit at ±1, where "
               "tanh' ≈ 0) and training is erratic. Xavier (made for tanh) and He (made for ReLU, slightly large for tanh) keep the variance "
               "roughly constant across layers and train well.",
         "zh": "10 层 tanh MLP,五种初始化。全零初始化无法打破对称性:同一层所有隐藏单元计算相同的值、得到相同的更新"
               "(distinct units 一直是 1),只有输出层偏置在学。初始化过小(std 0.01)使信号每层缩小约 12 倍:"
               "最后一个隐藏层的输出约为 1e-10,梯度同样微小。过大(3 倍 He)让 tanh 饱和(每层约一半的输出停在 ±1,"
               "那里 tanh' ≈ 0),训练很不稳定。Xavier(为 tanh 设计)和 He(为 ReLU 设计,对 tanh 略大)"
               "让各层方差大致保持不变,训练正常。"},
        ("initialization", "xavier", "symmetry"), 150),
]}
